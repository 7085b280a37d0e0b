"""DataTypes: the Table API's SQL types, each describing itself as Flink's SQL type string."""


class DataType(object):
    def __init__(self, name, nullable=True):
        self._name = name
        self._nullable = nullable

    def not_null(self):
        return DataType(self._name, False)

    def nullable(self):
        return DataType(self._name, True)

    def sql(self):
        """The type as Flink's SQL spells it (`BIGINT`, `DECIMAL(10, 2)`, `STRING NOT NULL`)."""
        return self._name if self._nullable else self._name + " NOT NULL"

    def __eq__(self, other):
        return isinstance(other, DataType) and self.sql() == other.sql()

    def __hash__(self):
        return hash(self.sql())

    def __repr__(self):
        return self.sql()


class DataTypes(object):
    @staticmethod
    def STRING(nullable=True):
        return DataType("STRING", nullable)

    @staticmethod
    def VARCHAR(length=2147483647, nullable=True):
        return DataType("STRING" if length == 2147483647 else f"VARCHAR({length})", nullable)

    @staticmethod
    def CHAR(length=1, nullable=True):
        return DataType(f"CHAR({length})", nullable)

    @staticmethod
    def BOOLEAN(nullable=True):
        return DataType("BOOLEAN", nullable)

    @staticmethod
    def TINYINT(nullable=True):
        return DataType("TINYINT", nullable)

    @staticmethod
    def SMALLINT(nullable=True):
        return DataType("SMALLINT", nullable)

    @staticmethod
    def INT(nullable=True):
        return DataType("INT", nullable)

    @staticmethod
    def BIGINT(nullable=True):
        return DataType("BIGINT", nullable)

    @staticmethod
    def FLOAT(nullable=True):
        return DataType("FLOAT", nullable)

    @staticmethod
    def DOUBLE(nullable=True):
        return DataType("DOUBLE", nullable)

    @staticmethod
    def DECIMAL(precision=10, scale=0, nullable=True):
        return DataType(f"DECIMAL({precision}, {scale})", nullable)

    @staticmethod
    def BYTES(nullable=True):
        return DataType("BYTES", nullable)

    @staticmethod
    def BINARY(length=1, nullable=True):
        return DataType(f"BINARY({length})", nullable)

    @staticmethod
    def VARBINARY(length=2147483647, nullable=True):
        return DataType("BYTES" if length == 2147483647 else f"VARBINARY({length})", nullable)

    @staticmethod
    def DATE(nullable=True):
        return DataType("DATE", nullable)

    @staticmethod
    def TIME(precision=0, nullable=True):
        return DataType(f"TIME({precision})", nullable)

    @staticmethod
    def TIMESTAMP(precision=6, nullable=True):
        return DataType(f"TIMESTAMP({precision})", nullable)

    @staticmethod
    def TIMESTAMP_LTZ(precision=6, nullable=True):
        return DataType(f"TIMESTAMP_LTZ({precision})", nullable)

    @staticmethod
    def TIMESTAMP_WITH_LOCAL_TIME_ZONE(precision=6, nullable=True):
        return DataType(f"TIMESTAMP_LTZ({precision})", nullable)


class RowType(DataType):
    """DataTypes.ROW([DataTypes.FIELD(name, type), ...])."""

    def __init__(self, fields, nullable=True):
        self._fields = [(f._name, f._data_type) for f in fields]
        inner = ", ".join(f"`{n}` {t.sql()}" for n, t in self._fields)
        super().__init__(f"ROW<{inner}>", nullable)

    def field_names(self):
        return [n for n, _ in self._fields]


class DataField(object):
    def __init__(self, name, data_type, description=None):
        self._name = name
        self._data_type = data_type


def _row(row_fields=(), nullable=True):
    return RowType(list(row_fields), nullable)


def _field(name, data_type, description=None):
    return DataField(name, data_type, description)


def _array(element_type, nullable=True):
    return DataType(f"ARRAY<{element_type.sql()}>", nullable)


def _map(key_type, value_type, nullable=True):
    return DataType(f"MAP<{key_type.sql()}, {value_type.sql()}>", nullable)


def _multiset(element_type, nullable=True):
    return DataType(f"MULTISET<{element_type.sql()}>", nullable)


DataTypes.ROW = staticmethod(_row)
DataTypes.MULTISET = staticmethod(_multiset)
DataTypes.ARRAY = staticmethod(_array)
DataTypes.MAP = staticmethod(_map)
DataTypes.FIELD = staticmethod(_field)
