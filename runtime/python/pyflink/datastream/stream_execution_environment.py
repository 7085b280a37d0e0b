"""StreamExecutionEnvironment: sources, job configuration and `execute()`."""
from pyflink.common.typeinfo import PickledBytesTypeInfo, TypeInformation, Types
from pyflink.common.watermark_strategy import WatermarkStrategy
from pyflink.datastream.connectors.file_system import FileSource
from pyflink.datastream.connectors.kafka import KafkaSource
from pyflink.datastream.connectors.number_seq import NumberSequenceSource
from pyflink.datastream.data_stream import DataStream
from _sluice import execution, sites
from _sluice.errors import JobDefinitionError, Unsupported, UnsupportedMethods
from _sluice.graph import JobGraph


class RuntimeExecutionMode(object):
    STREAMING = "STREAMING"
    BATCH = "BATCH"
    AUTOMATIC = "AUTOMATIC"


class ExecutionConfig(UnsupportedMethods):
    _pyflink_name = "ExecutionConfig"

    def __init__(self, env):
        self._env = env

    def set_auto_watermark_interval(self, interval):
        self._env._config["auto_watermark_interval_ms"] = int(interval)
        return self

    def get_auto_watermark_interval(self):
        return self._env._config.get("auto_watermark_interval_ms", 200)

    def set_parallelism(self, parallelism):
        self._env.set_parallelism(parallelism)
        return self

    def get_parallelism(self):
        return self._env.get_parallelism()


class StreamExecutionEnvironment(UnsupportedMethods):
    _pyflink_name = "StreamExecutionEnvironment"

    def __init__(self, configuration=None):
        self._graph = JobGraph()
        self._config = {"parallelism": None, "runtime_mode": "STREAMING"}
        self._site = sites.user_site(3)
        if configuration is not None:
            value = configuration.get_string("parallelism.default")
            if value is not None:
                self.set_parallelism(int(value))

    @staticmethod
    def get_execution_environment(configuration=None):
        return StreamExecutionEnvironment(configuration)

    def get_config(self):
        return ExecutionConfig(self)

    def set_parallelism(self, parallelism):
        if not isinstance(parallelism, int) or parallelism < 1:
            raise JobDefinitionError("parallelism must be a positive int", sites.user_site(2))
        self._config["parallelism"] = parallelism
        return self

    def get_parallelism(self):
        return self._config["parallelism"] or 1

    def set_max_parallelism(self, max_parallelism):
        return self

    def set_runtime_mode(self, execution_mode):
        self._config["runtime_mode"] = str(execution_mode)
        return self

    def set_stream_time_characteristic(self, characteristic):
        return self

    def enable_checkpointing(self, interval, mode=None):
        self._config["checkpoint_interval_ms"] = int(interval)
        return self

    def set_buffer_timeout(self, timeout_millis):
        return self

    def add_python_file(self, file_path):
        return None

    def add_jars(self, *jars_path):
        return None

    def add_classpaths(self, *classpaths):
        return None

    def set_python_executable(self, python_exec):
        return None

    def set_python_requirements(self, requirements_file_path, requirements_cache_dir=None):
        return None

    def from_collection(self, collection, type_info=None):
        if not isinstance(collection, (list, tuple)):
            collection = list(collection)
        if type_info is not None and not isinstance(type_info, TypeInformation):
            raise JobDefinitionError("from_collection() type_info must be a TypeInformation",
                                     sites.user_site(2))
        node = self._graph.add("source.collection", [], type_info or PickledBytesTypeInfo(), {},
                               {"elements": list(collection)}, None, None, sites.user_site(2))
        return DataStream(self, node)

    def from_source(self, source, watermark_strategy, source_name, type_info=None):
        if not isinstance(watermark_strategy, WatermarkStrategy):
            raise JobDefinitionError("from_source() watermark_strategy must be a WatermarkStrategy",
                                     sites.user_site(2))
        if isinstance(source, NumberSequenceSource):
            node = self._graph.add("source.number_sequence", [], Types.LONG(),
                                   {"name": source_name, "watermark": watermark_strategy.spec()},
                                   {"start": source._start, "end": source._end,
                                    "timestamp_assigner": watermark_strategy._timestamp_assigner},
                                   None, None, sites.user_site(2))
            return DataStream(self, node)
        if isinstance(source, FileSource):
            node = self._graph.add("source.file_lines", [], Types.STRING(),
                                   {"name": source_name, "watermark": watermark_strategy.spec(),
                                    "charset": source._format._charset},
                                   {"paths": list(source._paths)}, None, None, sites.user_site(2))
            return DataStream(self, node)
        if isinstance(source, KafkaSource):
            params = dict(source._params(), name=source_name, watermark=watermark_strategy.spec())
            node = self._graph.add("source.kafka", [], source._output_type(), params, source._values(), None,
                                   None, sites.user_site(2))
            stream = DataStream(self, node)
            if watermark_strategy._kind != "none" or watermark_strategy._timestamp_assigner is not None:
                # Kafka's record timestamps are the event time; the strategy's watermarks (and its
                # assigner, if any) apply to the source's records as a downstream assigner would.
                stream = stream.assign_timestamps_and_watermarks(watermark_strategy)
            return stream
        raise Unsupported(f"source {type(source).__name__} is not supported by sluice yet", sites.user_site(2))

    def execute(self, job_name=None):
        nodes = self._graph.reachable_from_sinks()
        site = sites.user_site(2)
        self._graph.clear()
        if not nodes:
            raise JobDefinitionError("No operators defined in streaming topology. Cannot execute.", site)
        return execution.execute(nodes, dict(self._config), job_name or "Flink Streaming Job", site)

    def execute_async(self, job_name=None):
        raise Unsupported("execute_async() is not supported by sluice yet", sites.user_site(2))
