"""The expression DSL's NULL and truth tests (properties, as in PyFlink), floor/ceil with a time unit,
replace, col("*"), null_of, from_unixtime, timestamp_diff and the current-time functions."""
import datetime

from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.expression import TimeIntervalUnit, TimePointUnit
from pyflink.table.expressions import (col, current_date, current_timestamp, from_unixtime, lit, local_timestamp,
                                       null_of, timestamp_diff)

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.get_config().set("table.local-time-zone", "UTC")
row_type = DataTypes.ROW([DataTypes.FIELD("id", DataTypes.BIGINT()),
                          DataTypes.FIELD("name", DataTypes.STRING()),
                          DataTypes.FIELD("flag", DataTypes.BOOLEAN()),
                          DataTypes.FIELD("price", DataTypes.DOUBLE()),
                          DataTypes.FIELD("ts", DataTypes.TIMESTAMP(3))])
t = t_env.from_elements([
    (1, "apple", True, 1.25, datetime.datetime(2024, 3, 5, 7, 45, 30)),
    (2, None, False, -2.5, datetime.datetime(2024, 12, 31, 23, 59, 59)),
    (3, "banana", None, 10.0, datetime.datetime(2023, 1, 1, 0, 0, 0)),
], row_type)
t.select(col("*")).execute().print()
t.select(
    col("id"),
    col("name").is_null,
    col("name").is_not_null,
    col("flag").is_true,
    col("flag").is_false,
    col("flag").is_not_true,
    col("flag").is_not_false,
    col("name").replace("an", "AN"),
    col("price").floor(),
    col("price").ceil(),
).execute().print()
t.select(
    col("id"),
    col("ts").floor(TimeIntervalUnit.HOUR),
    col("ts").ceil(TimeIntervalUnit.DAY),
    timestamp_diff(TimePointUnit.DAY, col("ts"), lit("2025-01-01 00:00:00").to_timestamp),
    from_unixtime(col("id") * 86400),
    null_of(DataTypes.STRING()),
    current_timestamp().is_not_null,
    current_date() > lit("2024-01-01").to_date,
    local_timestamp() > col("ts"),
).execute().print()
