"""DataStream and KeyedStream: each transformation adds a node to the environment's job graph."""
from pyflink.common.typeinfo import PickledBytesTypeInfo, TypeInformation
from pyflink.common.watermark_strategy import WatermarkStrategy
from pyflink.datastream.functions import (AggregateFunction, CoFlatMapFunction, CoMapFunction, CoProcessFunction,
                                          FilterFunction, FlatMapFunction, KeyedCoProcessFunction,
                                          KeyedProcessFunction, KeySelector, MapFunction, OutputTag,
                                          ProcessFunction, ProcessWindowFunction, ReduceFunction, WindowFunction)
from pyflink.datastream.window import (CountSlidingWindowAssigner, CountTumblingWindowAssigner, Trigger,
                                       WindowAssigner)
from _sluice import sites
from _sluice.errors import JobDefinitionError, Unsupported, UnsupportedMethods


def _function(func, base, method, api):
    """(udf object, method name) for a function given as a Function subclass instance or a callable."""
    if isinstance(func, base):
        return func, method
    if callable(func) and not isinstance(func, type):
        return func, None
    raise JobDefinitionError(f"{api}() takes a {base.__name__} or a callable, got {type(func).__name__}",
                             sites.user_site(3))


def _output_type(output_type, api):
    if output_type is None:
        return PickledBytesTypeInfo()
    if not isinstance(output_type, TypeInformation):
        raise JobDefinitionError(f"{api}() output_type must be a TypeInformation such as Types.LONG(), "
                                 f"got {type(output_type).__name__}", sites.user_site(3))
    return output_type


class DataStream(UnsupportedMethods):
    _pyflink_name = "DataStream"

    def __init__(self, env, node):
        self._env = env
        self._node = node

    def _add(self, op, output_type, udf=None, method=None, params=None, values=None):
        node = self._env._graph.add(op, [self._node], output_type, params, values, udf, method,
                                    sites.user_site(3))
        return DataStream(self._env, node)

    def get_type(self):
        return self._node.output_type

    def name(self, name):
        self._node.params["name"] = name
        return self

    def uid(self, uid):
        self._node.params["uid"] = uid
        return self

    def set_uid_hash(self, uid_hash):
        return self

    def set_description(self, description):
        return self

    def set_parallelism(self, parallelism):
        if not isinstance(parallelism, int) or parallelism < 1:
            raise JobDefinitionError("parallelism must be a positive int", sites.user_site(2))
        self._node.params["parallelism"] = parallelism
        return self

    def set_max_parallelism(self, max_parallelism):
        return self

    def slot_sharing_group(self, slot_sharing_group):
        return self

    def disable_chaining(self):
        return self

    def start_new_chain(self):
        return self

    def force_non_parallel(self):
        return self

    def map(self, func, output_type=None):
        udf, method = _function(func, MapFunction, "map", "map")
        return self._add("map", _output_type(output_type, "map"), udf, method, self._keyed_params())

    def flat_map(self, func, output_type=None):
        udf, method = _function(func, FlatMapFunction, "flat_map", "flat_map")
        return self._add("flat_map", _output_type(output_type, "flat_map"), udf, method, self._keyed_params())

    def filter(self, func):
        udf, method = _function(func, FilterFunction, "filter", "filter")
        return self._add("filter", self._node.output_type, udf, method, self._keyed_params())

    def process(self, func, output_type=None):
        udf, method = _function(func, ProcessFunction, "process_element", "process")
        if method is None:
            raise JobDefinitionError("process() takes a ProcessFunction", sites.user_site(2))
        return self._add("process", _output_type(output_type, "process"), udf, method, self._keyed_params())

    def key_by(self, key_selector, key_type=None):
        udf, method = _function(key_selector, KeySelector, "get_key", "key_by")
        if key_type is not None and not isinstance(key_type, TypeInformation):
            raise JobDefinitionError("key_by() key_type must be a TypeInformation", sites.user_site(2))
        params = {"key_type": key_type.spec() if key_type is not None else None}
        node = self._env._graph.add("key_by", [self._node], self._node.output_type, params, None, udf, method,
                                    sites.user_site(2))
        return KeyedStream(self._env, node)

    def assign_timestamps_and_watermarks(self, watermark_strategy):
        if not isinstance(watermark_strategy, WatermarkStrategy):
            raise JobDefinitionError("assign_timestamps_and_watermarks() takes a WatermarkStrategy",
                                     sites.user_site(2))
        assigner = watermark_strategy._timestamp_assigner
        method = "extract_timestamp" if assigner is not None and hasattr(assigner, "extract_timestamp") else None
        node = self._env._graph.add("assign_timestamps", [self._node], self._node.output_type,
                                    {"watermark": watermark_strategy.spec()}, None, assigner, method,
                                    sites.user_site(2))
        return DataStream(self._env, node)

    def union(self, *streams):
        for s in streams:
            if not isinstance(s, DataStream):
                raise JobDefinitionError("union() takes DataStreams", sites.user_site(2))
        node = self._env._graph.add("union", [self._node] + [s._node for s in streams], self._node.output_type,
                                    {}, None, None, None, sites.user_site(2))
        return DataStream(self._env, node)

    def connect(self, ds):
        if not isinstance(ds, DataStream):
            raise JobDefinitionError("connect() takes a DataStream", sites.user_site(2))
        return ConnectedStreams(self, ds)

    def get_side_output(self, output_tag):
        if not isinstance(output_tag, OutputTag):
            raise JobDefinitionError("get_side_output() takes an OutputTag", sites.user_site(2))
        tag_type = _output_type(output_tag.type_info, "OutputTag")
        self._node.params.setdefault("side_outputs", {})[output_tag.tag_id] = tag_type.spec()
        node = self._env._graph.add("side_output", [self._node], tag_type, {"tag": output_tag.tag_id}, None,
                                    None, None, sites.user_site(2))
        return DataStream(self._env, node)

    # At parallelism 1 every partitioning is the identity.
    def shuffle(self):
        return self

    def rebalance(self):
        return self

    def rescale(self):
        return self

    def forward(self):
        return self

    def broadcast(self, *args):
        if args:
            raise Unsupported("broadcast state is not supported by sluice yet", sites.user_site(2))
        return self

    def global_(self):
        return self

    def partition_custom(self, partitioner, key_selector):
        return self

    def window_all(self, window_assigner):
        return WindowedStream(self, window_assigner, keyed=False)

    def count_window_all(self, size, slide=0):
        assigner = CountSlidingWindowAssigner(size, slide) if slide else CountTumblingWindowAssigner(size)
        return WindowedStream(self, assigner, keyed=False)

    def print(self, sink_identifier=None):
        if sink_identifier is not None and not isinstance(sink_identifier, str):
            raise JobDefinitionError("print() sink_identifier must be a string", sites.user_site(2))
        node = self._env._graph.add("sink.print", [self._node], None, {"identifier": sink_identifier}, None,
                                    None, None, sites.user_site(2))
        return DataStreamSink(node)

    def execute_and_collect(self, job_execution_name=None, limit=None):
        """Runs the job (every sink defined so far, as Flink's executeAndCollect) with this stream's
        elements handed back: an iterator, or a list of at most `limit` elements."""
        from _sluice import execution
        site = sites.user_site(2)
        env = self._env
        env._graph.add("sink.collect_stream", [self._node], None, {}, None, None, None, site)
        nodes = env._graph.reachable_from_sinks()
        env._graph.clear()
        elements = execution.CloseableIterator(execution.execute(
            nodes, dict(env._config), job_execution_name or "Flink Streaming Job", site, collect=True))
        if limit is None:
            return elements
        taken = []
        if limit <= 0:
            elements.close()
            return taken
        with elements:
            for element in elements:
                taken.append(element)
                if len(taken) >= limit:
                    break
        return taken

    def sink_to(self, sink):
        from pyflink.datastream.connectors.file_system import FileSink
        from pyflink.datastream.connectors.kafka import KafkaSink
        if isinstance(sink, FileSink):
            node = self._env._graph.add("sink.file", [self._node], None, sink._params(), sink._values(), None,
                                        None, sites.user_site(2))
            return DataStreamSink(node)
        if not isinstance(sink, KafkaSink):
            raise Unsupported(f"sink_to() with a {type(sink).__name__} is not supported by sluice yet (KafkaSink "
                              "and FileSink are)", sites.user_site(2))
        node = self._env._graph.add("sink.kafka", [self._node], None, sink._params(), sink._values(), None, None,
                                    sites.user_site(2))
        return DataStreamSink(node)

    def _keyed_params(self):
        return {"keyed": False}


class KeyedStream(DataStream):
    _pyflink_name = "KeyedStream"

    def _keyed_params(self):
        return {"keyed": True}

    def reduce(self, func):
        udf, method = _function(func, ReduceFunction, "reduce", "reduce")
        return self._add("reduce", self._node.output_type, udf, method, self._keyed_params())

    def process(self, func, output_type=None):
        udf, method = _function(func, KeyedProcessFunction, "process_element", "process")
        if method is None:
            raise JobDefinitionError("KeyedStream.process() takes a KeyedProcessFunction", sites.user_site(2))
        return self._add("process", _output_type(output_type, "process"), udf, method, self._keyed_params())

    def window(self, window_assigner):
        return WindowedStream(self, window_assigner, keyed=True)

    def count_window(self, size, slide=0):
        assigner = CountSlidingWindowAssigner(size, slide) if slide else CountTumblingWindowAssigner(size)
        return WindowedStream(self, assigner, keyed=True)

    def _aggregation(self, kind, position):
        return self.reduce(_FieldAggregation(kind, position))

    def sum(self, position_to_sum=0):
        return self._aggregation("sum", position_to_sum)

    def min(self, position_to_min=0):
        return self._aggregation("min", position_to_min)

    def max(self, position_to_max=0):
        return self._aggregation("max", position_to_max)

    def min_by(self, position_to_min_by=0):
        return self._aggregation("min_by", position_to_min_by)

    def max_by(self, position_to_max_by=0):
        return self._aggregation("max_by", position_to_max_by)

    def print(self, sink_identifier=None):
        # PyFlink prints a KeyedStream through an internal map and drops the identifier.
        return super().print()

    def set_parallelism(self, parallelism):
        raise JobDefinitionError("Set parallelism for KeyedStream is not supported.", sites.user_site(2))

    def name(self, name):
        raise JobDefinitionError("Set name for KeyedStream is not supported.", sites.user_site(2))

    def uid(self, uid):
        raise JobDefinitionError("Set uid for KeyedStream is not supported.", sites.user_site(2))


class DataStreamSink(UnsupportedMethods):
    _pyflink_name = "DataStreamSink"

    def __init__(self, node):
        self._node = node

    def name(self, name):
        self._node.params["name"] = name
        return self

    def uid(self, uid):
        self._node.params["uid"] = uid
        return self

    def set_uid_hash(self, uid_hash):
        return self

    def set_description(self, description):
        return self

    def set_parallelism(self, parallelism):
        if not isinstance(parallelism, int) or parallelism < 1:
            raise JobDefinitionError("parallelism must be a positive int", sites.user_site(2))
        self._node.params["parallelism"] = parallelism
        return self

    def disable_chaining(self):
        return self

    def slot_sharing_group(self, slot_sharing_group):
        return self


class _FieldAggregation(ReduceFunction):
    """KeyedStream.sum/min/max/min_by/max_by as PyFlink computes them, on a field of a tuple or Row
    (or on the value itself for scalars)."""

    def __init__(self, kind, position):
        self._kind = kind
        self._position = position

    def reduce(self, value1, value2):
        from pyflink.common.types import Row
        if not isinstance(value1, (tuple, list, Row)):
            if self._kind == "sum":
                return value1 + value2
            if self._kind in ("min", "min_by"):
                return value2 if value2 < value1 else value1
            return value2 if value2 > value1 else value1
        a, b = value1[self._position], value2[self._position]
        if self._kind in ("min_by", "max_by"):
            better = b < a if self._kind == "min_by" else b > a
            return value2 if better else value1
        merged = list(value1)
        merged[self._position] = a + b if self._kind == "sum" else (min(a, b) if self._kind == "min" else max(a, b))
        if isinstance(value1, Row):
            row = Row(*merged)
            row._fields = value1._fields
            return row
        return tuple(merged)


class ConnectedStreams(UnsupportedMethods):
    _pyflink_name = "ConnectedStreams"

    def __init__(self, stream1, stream2):
        self.stream1 = stream1
        self.stream2 = stream2

    def key_by(self, key_selector1, key_selector2, key_type=None):
        return ConnectedStreams(self.stream1.key_by(key_selector1, key_type),
                                self.stream2.key_by(key_selector2, key_type))

    def _keyed(self):
        return isinstance(self.stream1, KeyedStream) and isinstance(self.stream2, KeyedStream)

    def _add(self, op, func, base, methods, output_type):
        if not isinstance(func, base):
            raise JobDefinitionError(f"{op} takes a {base.__name__}", sites.user_site(3))
        env = self.stream1._env
        node = env._graph.add(op, [self.stream1._node, self.stream2._node], _output_type(output_type, op),
                              {"keyed": self._keyed(), "methods": methods}, None, func, methods[0],
                              sites.user_site(3))
        return DataStream(env, node)

    def map(self, func, output_type=None):
        return self._add("co_map", func, CoMapFunction, ["map1", "map2"], output_type)

    def flat_map(self, func, output_type=None):
        return self._add("co_flat_map", func, CoFlatMapFunction, ["flat_map1", "flat_map2"], output_type)

    def process(self, func, output_type=None):
        base = KeyedCoProcessFunction if self._keyed() else CoProcessFunction
        return self._add("co_process", func, base, ["process_element1", "process_element2"], output_type)


class WindowedStream(UnsupportedMethods):
    """`KeyedStream.window(...)` / `DataStream.window_all(...)`: built-in assigners and triggers."""
    _pyflink_name = "WindowedStream"

    def __init__(self, stream, assigner, keyed):
        if not isinstance(assigner, WindowAssigner):
            raise JobDefinitionError("window() takes a WindowAssigner", sites.user_site(3))
        try:
            self._assigner_spec = assigner.spec()
        except TypeError as e:
            raise Unsupported(str(e), sites.user_site(3))
        self._stream = stream
        self._assigner = assigner
        self._keyed = keyed
        self._trigger = None
        self._lateness = 0
        self._late_tag = None

    def trigger(self, trigger):
        if not isinstance(trigger, Trigger):
            raise JobDefinitionError("trigger() takes a Trigger", sites.user_site(2))
        try:
            self._trigger = trigger.spec()
        except TypeError as e:
            raise Unsupported(str(e), sites.user_site(2))
        return self

    def allowed_lateness(self, time_ms):
        self._lateness = int(time_ms.to_milliseconds() if hasattr(time_ms, "to_milliseconds") else time_ms)
        return self

    def side_output_late_data(self, output_tag):
        if not isinstance(output_tag, OutputTag):
            raise JobDefinitionError("side_output_late_data() takes an OutputTag", sites.user_site(2))
        self._late_tag = output_tag.tag_id
        return self

    def _add(self, function_kind, udf, method, output_type, window_function=None, window_method=None):
        env = self._stream._env
        params = {"assigner": self._assigner_spec, "trigger": self._trigger, "allowed_lateness": self._lateness,
                  "late_tag": self._late_tag, "function": function_kind, "keyed": self._keyed,
                  "window_function": window_method}
        values = {"window_function": window_function,
                  "gap_extractor": getattr(self._assigner, "_extractor", None)}
        node = env._graph.add("window", [self._stream._node], output_type, params, values, udf, method,
                              sites.user_site(3))
        return DataStream(env, node)

    @staticmethod
    def _window_function(window_function):
        if window_function is None:
            return None, None
        if isinstance(window_function, ProcessWindowFunction):
            return window_function, "process"
        if isinstance(window_function, WindowFunction):
            return window_function, "apply"
        raise JobDefinitionError("window_function must be a WindowFunction or ProcessWindowFunction",
                                 sites.user_site(3))

    def reduce(self, reduce_function, window_function=None, output_type=None):
        udf, method = _function(reduce_function, ReduceFunction, "reduce", "reduce")
        wf, wm = self._window_function(window_function)
        out = _output_type(output_type, "reduce") if wf is not None else self._stream._node.output_type
        return self._add("reduce", udf, method, out, wf, wm)

    def aggregate(self, aggregate_function, window_function=None, accumulator_type=None, output_type=None):
        if not isinstance(aggregate_function, AggregateFunction):
            raise JobDefinitionError("aggregate() takes an AggregateFunction", sites.user_site(2))
        wf, wm = self._window_function(window_function)
        return self._add("aggregate", aggregate_function, None, _output_type(output_type, "aggregate"), wf, wm)

    def process(self, process_window_function, output_type=None):
        if not isinstance(process_window_function, ProcessWindowFunction):
            raise JobDefinitionError("process() takes a ProcessWindowFunction", sites.user_site(2))
        return self._add("process", process_window_function, "process", _output_type(output_type, "process"))

    def apply(self, window_function, output_type=None):
        if not isinstance(window_function, WindowFunction):
            raise JobDefinitionError("apply() takes a WindowFunction", sites.user_site(2))
        return self._add("apply", window_function, "apply", _output_type(output_type, "apply"))
