"""DATE, TIME and TIMESTAMP in the Table API: from_elements with Python date/time/datetime values and
a DataTypes.ROW schema, temporal values from strings (to_date, to_timestamp), comparisons, extract(), cast(), to_timestamp and
date_format; printed by execute().print()."""
import datetime

from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.expression import TimeIntervalUnit
from pyflink.table.expressions import col, date_format, lit

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
row_type = DataTypes.ROW([DataTypes.FIELD("id", DataTypes.INT()),
                          DataTypes.FIELD("d", DataTypes.DATE()),
                          DataTypes.FIELD("t", DataTypes.TIME()),
                          DataTypes.FIELD("ts", DataTypes.TIMESTAMP(3)),
                          DataTypes.FIELD("text", DataTypes.STRING())])
table = t_env.from_elements([
    (1, datetime.date(2024, 1, 15), datetime.time(8, 30), datetime.datetime(2024, 1, 15, 8, 30), "2024-06-01 10:11:12"),
    (2, datetime.date(2024, 2, 29), datetime.time(23, 59, 59), datetime.datetime(2024, 2, 29, 23, 59, 59, 123000),
     "1999-12-31 23:59:59"),
    (3, datetime.date(2023, 12, 31), datetime.time(0, 0, 1), datetime.datetime(2023, 12, 31, 0, 0, 1, 500000),
     "2000-01-01 00:00:00"),
], row_type)
table.where(col("d") >= lit("2024-01-01").to_date) \
    .select(col("id"), col("d"), col("t"), col("ts"),
            col("ts").extract(TimeIntervalUnit.YEAR).alias("y"),
            col("d").extract(TimeIntervalUnit.MONTH).alias("m"),
            col("ts").cast(DataTypes.DATE()).alias("day"),
            col("text").to_timestamp.alias("parsed"),
            col("text").cast(DataTypes.TIMESTAMP(3)).alias("casted"),
            date_format(col("ts"), "dd.MM.yyyy").alias("formatted"),
            (col("ts") < lit("2024-02-01 00:00:00").to_timestamp).alias("early")) \
    .execute().print()
