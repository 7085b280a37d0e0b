"""What connectors share: `DeliveryGuarantee`."""
from enum import Enum

from _sluice.errors import unsupported_module_getattr


class DeliveryGuarantee(Enum):
    EXACTLY_ONCE = 0
    AT_LEAST_ONCE = 1
    NONE = 2


__getattr__ = unsupported_module_getattr("pyflink.datastream.connectors.base")
