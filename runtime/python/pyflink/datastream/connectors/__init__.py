"""pyflink.datastream.connectors: the connectors sluice supports."""
from pyflink.datastream.connectors.base import DeliveryGuarantee
from pyflink.datastream.connectors.file_system import FileSource, StreamFormat
from pyflink.datastream.connectors.number_seq import NumberSequenceSource
from _sluice.errors import unsupported_module_getattr

__getattr__ = unsupported_module_getattr("pyflink.datastream.connectors")

__all__ = ["DeliveryGuarantee", "FileSource", "NumberSequenceSource", "StreamFormat"]
