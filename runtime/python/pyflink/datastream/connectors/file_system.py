"""FileSource with a line format: each line of the files (or the files under directories) as a STRING;
FileSink in row format: each element as a line of text (`Encoder.simple_string_encoder()`), in part
files under date-time buckets, as Flink writes them."""
from _sluice import sites
from _sluice.errors import Unsupported, unsupported_module_getattr


class StreamFormat(object):
    def __init__(self, kind, charset):
        self._kind = kind
        self._charset = charset

    @staticmethod
    def text_line_format(charset_name="UTF-8"):
        return StreamFormat("text_line", charset_name)


class FileSourceBuilder(object):
    def __init__(self, stream_format, paths):
        self._format = stream_format
        self._paths = [str(p) for p in paths]

    def monitor_continuously(self, discovery_interval):
        raise Unsupported("FileSource.monitor_continuously (unbounded file sources)", sites.user_site(2))

    def process_static_file_set(self):
        return self

    def set_file_enumerator(self, *args):
        return self

    def set_split_assigner(self, *args):
        return self

    def build(self):
        return FileSource(self._format, self._paths)


class FileSource(object):
    def __init__(self, stream_format, paths):
        self._format = stream_format
        self._paths = paths

    @staticmethod
    def for_record_stream_format(stream_format, *paths):
        if not isinstance(stream_format, StreamFormat):
            raise Unsupported(f"FileSource with {type(stream_format).__name__}", sites.user_site(2))
        return FileSourceBuilder(stream_format, paths)

    @staticmethod
    def for_bulk_file_format(bulk_format, *paths):
        raise Unsupported("FileSource.for_bulk_file_format", sites.user_site(2))


class OutputFileConfig(object):
    def __init__(self, part_prefix="part", part_suffix=""):
        self._part_prefix = part_prefix
        self._part_suffix = part_suffix

    def get_part_prefix(self):
        return self._part_prefix

    def get_part_suffix(self):
        return self._part_suffix

    @staticmethod
    def builder():
        return OutputFileConfig.OutputFileConfigBuilder()

    class OutputFileConfigBuilder(object):
        def __init__(self):
            self._prefix = "part"
            self._suffix = ""

        def with_part_prefix(self, prefix):
            self._prefix = prefix
            return self

        def with_part_suffix(self, suffix):
            self._suffix = suffix
            return self

        def build(self):
            return OutputFileConfig(self._prefix, self._suffix)


class RollingPolicy(object):
    """When a part file is finished: at `part_size` bytes, after `rollover_interval` ms open, after
    `inactivity_interval` ms without writes (and at every checkpoint with `on_checkpoint_rolling_policy`)."""

    def __init__(self, part_size, rollover_interval, inactivity_interval):
        self._part_size = part_size
        self._rollover_interval = rollover_interval
        self._inactivity_interval = inactivity_interval

    @staticmethod
    def default_rolling_policy(part_size=1024 * 1024 * 128, rollover_interval=60 * 1000,
                               inactivity_interval=60 * 1000):
        return RollingPolicy(int(part_size), int(rollover_interval), int(inactivity_interval))

    @staticmethod
    def on_checkpoint_rolling_policy():
        return RollingPolicy(None, None, None)


class BucketAssigner(object):
    def __init__(self, format_str, timezone_id):
        self._format = format_str
        self._timezone = timezone_id

    @staticmethod
    def base_path_bucket_assigner():
        return BucketAssigner(None, None)

    @staticmethod
    def date_time_bucket_assigner(format_str="yyyy-MM-dd--HH", timezone_id=None):
        return BucketAssigner(format_str, timezone_id)


class FileSink(object):
    def __init__(self, base_path, encoder, config, rolling, bucket):
        self._base_path = base_path
        self._encoder = encoder
        self._config = config
        self._rolling = rolling
        self._bucket = bucket

    @staticmethod
    def for_row_format(base_path, encoder):
        from pyflink.common.serialization import Encoder
        if not isinstance(encoder, Encoder):
            raise Unsupported(f"FileSink.for_row_format with a {type(encoder).__name__}", sites.user_site(2))
        return FileSink.RowFormatBuilder(str(base_path), encoder)

    @staticmethod
    def for_bulk_format(base_path, writer_factory):
        raise Unsupported("FileSink.for_bulk_format (bulk formats)", sites.user_site(2))

    class RowFormatBuilder(object):
        def __init__(self, base_path, encoder):
            self._base_path = base_path
            self._encoder = encoder
            self._config = OutputFileConfig()
            self._rolling = RollingPolicy.default_rolling_policy()
            self._bucket = BucketAssigner.date_time_bucket_assigner()

        def with_output_file_config(self, output_file_config):
            self._config = output_file_config
            return self

        def with_rolling_policy(self, rolling_policy):
            self._rolling = rolling_policy
            return self

        def with_bucket_assigner(self, bucket_assigner):
            self._bucket = bucket_assigner
            return self

        def with_bucket_check_interval(self, interval):
            return self

        def enable_compact(self, strategy, compactor):
            raise Unsupported("FileSink compaction", sites.user_site(2))

        def build(self):
            return FileSink(self._base_path, self._encoder, self._config, self._rolling, self._bucket)

    def _params(self):
        rolling = self._rolling
        return {"prefix": self._config._part_prefix, "suffix": self._config._part_suffix,
                "bucket_format": self._bucket._format, "bucket_zone": self._bucket._timezone,
                "part_size": rolling._part_size, "rollover_ms": rolling._rollover_interval,
                "inactivity_ms": rolling._inactivity_interval}

    def _values(self):
        return {"base_path": self._base_path}


__getattr__ = unsupported_module_getattr("pyflink.datastream.connectors.file_system")
