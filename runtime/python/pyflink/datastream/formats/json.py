"""JSON rows for DataStream connectors: `JsonRowDeserializationSchema` reads a JSON object per message
into a Row of the given type (fields by name, a missing field None), `JsonRowSerializationSchema`
writes a Row as a JSON object."""
from pyflink.common.serialization import DeserializationSchema, SerializationSchema
from pyflink.common.typeinfo import RowTypeInfo
from _sluice import sites
from _sluice.errors import JobDefinitionError, Unsupported, unsupported_module_getattr


def _row_type(type_info, what):
    if not isinstance(type_info, RowTypeInfo):
        raise Unsupported(f"{what} with a {type(type_info).__name__} is not supported by sluice yet "
                          "(Types.ROW(...) / Types.ROW_NAMED(...) are)", sites.user_site(3))
    return type_info


class JsonRowDeserializationSchema(DeserializationSchema):
    def __init__(self, type_info, ignore_parse_errors):
        self._type_info = type_info
        self._ignore_parse_errors = ignore_parse_errors

    @staticmethod
    def builder():
        return JsonRowDeserializationSchema.Builder()

    def _spec(self):
        return {"kind": "json_row", "ignore_parse_errors": self._ignore_parse_errors}

    class Builder(object):
        def __init__(self):
            self._type_info = None
            self._ignore_parse_errors = False

        def type_info(self, type_info):
            self._type_info = _row_type(type_info, "JsonRowDeserializationSchema")
            return self

        def json_schema(self, json_schema):
            raise Unsupported("JsonRowDeserializationSchema.Builder.json_schema() is not supported by sluice "
                              "yet (give type_info(Types.ROW_NAMED(...)))", sites.user_site(2))

        def fail_on_missing_field(self):
            raise Unsupported("JsonRowDeserializationSchema.Builder.fail_on_missing_field() is not supported "
                              "by sluice yet (a missing field is None)", sites.user_site(2))

        def ignore_parse_errors(self):
            self._ignore_parse_errors = True
            return self

        def build(self):
            if self._type_info is None:
                raise JobDefinitionError("JsonRowDeserializationSchema needs type_info(...)", sites.user_site(2))
            return JsonRowDeserializationSchema(self._type_info, self._ignore_parse_errors)


class JsonRowSerializationSchema(SerializationSchema):
    def __init__(self, type_info):
        self._type_info = type_info

    @staticmethod
    def builder():
        return JsonRowSerializationSchema.Builder()

    def _spec(self):
        return {"kind": "json_row"}

    class Builder(object):
        def __init__(self):
            self._type_info = None

        def with_type_info(self, type_info):
            self._type_info = _row_type(type_info, "JsonRowSerializationSchema")
            return self

        def build(self):
            if self._type_info is None:
                raise JobDefinitionError("Typeinfo should be set.", sites.user_site(2))
            return JsonRowSerializationSchema(self._type_info)


__getattr__ = unsupported_module_getattr("pyflink.datastream.formats.json")
