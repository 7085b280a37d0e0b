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
