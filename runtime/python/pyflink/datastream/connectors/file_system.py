"""FileSource with a line format: each line of the files (or the files under directories) as a STRING."""
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


__getattr__ = unsupported_module_getattr("pyflink.datastream.connectors.file_system")
