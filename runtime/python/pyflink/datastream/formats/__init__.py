"""pyflink.datastream.formats: the message formats of DataStream connectors sluice supports."""
from _sluice.errors import unsupported_module_getattr

__getattr__ = unsupported_module_getattr("pyflink.datastream.formats")
