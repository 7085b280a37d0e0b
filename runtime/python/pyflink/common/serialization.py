"""Serialization schemas connectors take: `SimpleStringSchema` (a message is one UTF-8 STRING)."""
from _sluice import sites
from _sluice.errors import Unsupported, unsupported_module_getattr


class SerializationSchema(object):
    """Turns an element into a message's bytes."""


class DeserializationSchema(object):
    """Turns a message's bytes into an element."""


class SimpleStringSchema(SerializationSchema, DeserializationSchema):
    """Each message is one STRING element (UTF-8, as PyFlink's default charset)."""

    def __init__(self, charset="UTF-8"):
        if str(charset).replace("_", "-").upper() not in ("UTF-8", "UTF8"):
            raise Unsupported(f"SimpleStringSchema with charset {charset!r} is not supported by sluice yet "
                              "(UTF-8 is)", sites.user_site(2))
        self._charset = "UTF-8"

    def _spec(self):
        return {"kind": "simple_string"}


__getattr__ = unsupported_module_getattr("pyflink.common.serialization")


class Encoder(object):
    """How a FileSink writes an element: `simple_string_encoder()` writes its text and a line break."""

    def __init__(self, charset):
        self._charset = charset

    @staticmethod
    def simple_string_encoder(charset_name="UTF-8"):
        return Encoder(charset_name)
