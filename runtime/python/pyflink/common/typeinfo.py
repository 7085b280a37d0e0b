"""Types and TypeInformation: what a stream carries, as PyFlink declares it.

Each TypeInformation describes itself with `spec()`, a small JSON-able dict the compiler turns into the
runtime's `TypeInfo`. `PICKLED_BYTE_ARRAY` (and no type at all) means "opaque Python objects".
"""


class TypeInformation(object):
    _name = None

    def spec(self):
        return {"type": self._name}

    def __eq__(self, other):
        return isinstance(other, TypeInformation) and self.spec() == other.spec()

    def __hash__(self):
        return hash(repr(self.spec()))

    def __repr__(self):
        return f"{self._name}"


class BasicTypeInfo(TypeInformation):
    def __init__(self, name):
        self._name = name

    @staticmethod
    def STRING_TYPE_INFO():
        return Types.STRING()

    @staticmethod
    def BOOLEAN_TYPE_INFO():
        return Types.BOOLEAN()

    @staticmethod
    def LONG_TYPE_INFO():
        return Types.LONG()

    @staticmethod
    def INT_TYPE_INFO():
        return Types.INT()

    @staticmethod
    def DOUBLE_TYPE_INFO():
        return Types.DOUBLE()

    @staticmethod
    def FLOAT_TYPE_INFO():
        return Types.FLOAT()


class PickledBytesTypeInfo(TypeInformation):
    _name = "PICKLED"


class SqlTimeTypeInfo(TypeInformation):
    def __init__(self, name):
        self._name = name


class RowTypeInfo(TypeInformation):
    _name = "ROW"

    def __init__(self, field_types, field_names=None):
        self._field_types = list(field_types)
        self._field_names = list(field_names) if field_names is not None else None

    def get_field_names(self):
        if self._field_names is None:
            return [f"f{i}" for i in range(len(self._field_types))]
        return list(self._field_names)

    def get_field_types(self):
        return list(self._field_types)

    def get_arity(self):
        return len(self._field_types)

    def spec(self):
        return {"type": "ROW", "fields": [t.spec() for t in self._field_types], "names": self._field_names}

    def __repr__(self):
        return "RowTypeInfo(%s)" % ", ".join(f"{n}: {t!r}" for n, t in zip(self.get_field_names(),
                                                                          self._field_types))


class TupleTypeInfo(TypeInformation):
    _name = "TUPLE"

    def __init__(self, field_types):
        self._field_types = list(field_types)

    def get_field_types(self):
        return list(self._field_types)

    def spec(self):
        return {"type": "TUPLE", "fields": [t.spec() for t in self._field_types]}


class ListTypeInfo(TypeInformation):
    def __init__(self, element_type, name="LIST"):
        self._element_type = element_type
        self._name = name

    def spec(self):
        return {"type": self._name, "element": self._element_type.spec()}


class MapTypeInfo(TypeInformation):
    _name = "MAP"

    def __init__(self, key_type, value_type):
        self._key_type = key_type
        self._value_type = value_type

    def spec(self):
        return {"type": "MAP", "key": self._key_type.spec(), "value": self._value_type.spec()}


class Types(object):
    """PyFlink's `Types` factory."""

    @staticmethod
    def STRING():
        return BasicTypeInfo("STRING")

    @staticmethod
    def BYTE():
        return BasicTypeInfo("BYTE")

    @staticmethod
    def BOOLEAN():
        return BasicTypeInfo("BOOLEAN")

    @staticmethod
    def SHORT():
        return BasicTypeInfo("SHORT")

    @staticmethod
    def INT():
        return BasicTypeInfo("INT")

    @staticmethod
    def LONG():
        return BasicTypeInfo("LONG")

    @staticmethod
    def FLOAT():
        return BasicTypeInfo("FLOAT")

    @staticmethod
    def DOUBLE():
        return BasicTypeInfo("DOUBLE")

    @staticmethod
    def CHAR():
        return BasicTypeInfo("CHAR")

    @staticmethod
    def BIG_INT():
        return BasicTypeInfo("BIG_INT")

    @staticmethod
    def BIG_DEC():
        return BasicTypeInfo("BIG_DEC")

    @staticmethod
    def INSTANT():
        return BasicTypeInfo("INSTANT")

    @staticmethod
    def SQL_DATE():
        return SqlTimeTypeInfo("SQL_DATE")

    @staticmethod
    def SQL_TIME():
        return SqlTimeTypeInfo("SQL_TIME")

    @staticmethod
    def SQL_TIMESTAMP():
        return SqlTimeTypeInfo("SQL_TIMESTAMP")

    @staticmethod
    def PICKLED_BYTE_ARRAY():
        return PickledBytesTypeInfo()

    @staticmethod
    def ROW(field_types):
        return RowTypeInfo(field_types)

    @staticmethod
    def ROW_NAMED(field_names, field_types):
        return RowTypeInfo(field_types, field_names)

    @staticmethod
    def TUPLE(field_types):
        return TupleTypeInfo(field_types)

    @staticmethod
    def PRIMITIVE_ARRAY(element_type):
        return ListTypeInfo(element_type, "PRIMITIVE_ARRAY")

    @staticmethod
    def BASIC_ARRAY(element_type):
        return ListTypeInfo(element_type, "BASIC_ARRAY")

    @staticmethod
    def OBJECT_ARRAY(element_type):
        return ListTypeInfo(element_type, "OBJECT_ARRAY")

    @staticmethod
    def LIST(element_type):
        return ListTypeInfo(element_type, "LIST")

    @staticmethod
    def MAP(key_type_info, value_type_info):
        return MapTypeInfo(key_type_info, value_type_info)
