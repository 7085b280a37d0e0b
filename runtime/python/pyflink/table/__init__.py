"""pyflink.table: not supported yet; names import, and using them is a located error."""
from _sluice.errors import unsupported_module_getattr

__getattr__ = unsupported_module_getattr("pyflink.table")
