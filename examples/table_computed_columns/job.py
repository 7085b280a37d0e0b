"""Computed columns in CREATE TABLE: an event time computed from epoch seconds
(`TO_TIMESTAMP(FROM_UNIXTIME(epoch))`) carrying the WATERMARK, an amount computed from cents, and a
TIMESTAMP_LTZ from epoch milliseconds, declared between the physical columns (SELECT * shows them in
declared order). A tumbling window over the computed rowtime; a sink with a computed column is
written its physical columns only, as Flink does. The Table API reads the computed columns too."""
from pyflink.table import EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col, lit
from pyflink.table.window import Tumble

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.get_config().set("table.local-time-zone", "UTC")
t_env.execute_sql("""
    CREATE TABLE events (
        usr STRING,
        amount AS CAST(cents AS DOUBLE) / 100,
        cents BIGINT,
        epoch BIGINT,
        ts AS TO_TIMESTAMP(FROM_UNIXTIME(epoch)),
        ts_ltz AS TO_TIMESTAMP_LTZ(epoch * 1000, 3),
        WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
    ) WITH ('connector' = 'filesystem', 'path' = 'events.csv', 'format' = 'csv')
""")
t_env.execute_sql("SELECT * FROM events").print()
t_env.execute_sql("""
    CREATE TABLE totals (
        window_start TIMESTAMP(3),
        usr STRING,
        total DOUBLE,
        big AS total > 100
    ) WITH ('connector' = 'print')
""")
t_env.execute_sql("""
    INSERT INTO totals
    SELECT window_start, usr, SUM(amount)
    FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND))
    GROUP BY window_start, window_end, usr
""").wait()
events = t_env.from_path("events")
events.where(col("amount") > 5).select(col("usr"), col("amount"), col("ts_ltz")).execute().print()
events.window(Tumble.over(lit(20).seconds).on(col("ts")).alias("w")) \
    .group_by(col("w")) \
    .select(col("w").start, col("amount").max, col("cents").sum) \
    .execute().print()
