"""pyflink.table: the Table API and SQL, recorded into the same job graph as the DataStream API."""
from pyflink.table.expressions import call, col, lit
from pyflink.table.schema import Schema
from pyflink.table.statement_set import StatementSet
from pyflink.table.table import GroupedTable, Table
from pyflink.table.table_descriptor import FormatDescriptor, TableDescriptor
from pyflink.table.table_environment import (EnvironmentSettings, StreamTableEnvironment, TableConfig,
                                             TableEnvironment, TableResult)
from pyflink.table.table_pipeline import TablePipeline
from pyflink.table.types import DataType, DataTypes
from pyflink.table.udf import AggregateFunction, ScalarFunction, TableFunction, UserDefinedFunction, udaf, udf, udtf
from _sluice.errors import unsupported_module_getattr

__getattr__ = unsupported_module_getattr("pyflink.table")

__all__ = ["call", "col", "lit", "GroupedTable", "Schema", "StatementSet", "Table", "TableDescriptor",
           "FormatDescriptor", "TablePipeline", "EnvironmentSettings", "StreamTableEnvironment",
           "TableConfig", "TableEnvironment", "TableResult", "DataType", "DataTypes", "ScalarFunction", "AggregateFunction", "udaf", "TableFunction", "udtf",
           "UserDefinedFunction", "udf"]
