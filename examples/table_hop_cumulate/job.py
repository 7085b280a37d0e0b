"""Windowing TVFs HOP and CUMULATE in SQL, and the Table API's sliding group window
(Slide.over(...).every(...).on(...).alias(...)): a row counts in every window containing its time;
windows fire at the final watermark of the bounded input. Compared as a multiset: the rows of one
window for several keys fire in the order of Flink's key-group timer queues (hash-dependent)."""
from pyflink.table import EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col, lit
from pyflink.table.window import Slide

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE clicks (usr STRING, url STRING, ts TIMESTAMP(3),
                         WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
    WITH ('connector' = 'filesystem', 'path' = 'clicks.csv', 'format' = 'csv')
""")
t_env.execute_sql("""
    CREATE TABLE hopping (window_start TIMESTAMP(3), window_end TIMESTAMP(3), usr STRING, cnt BIGINT)
    WITH ('connector' = 'print', 'print-identifier' = 'hop')
""")
t_env.execute_sql("""
    INSERT INTO hopping
    SELECT window_start, window_end, usr, COUNT(*)
    FROM TABLE(HOP(TABLE clicks, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND))
    GROUP BY window_start, window_end, usr
""").wait()
t_env.sql_query("""
    SELECT window_start, window_end, COUNT(*) AS clicks, MAX(ts) AS last_click
    FROM TABLE(CUMULATE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '4' SECOND, INTERVAL '12' SECOND))
    GROUP BY window_start, window_end
""").execute().print()
t_env.from_path("clicks") \
    .window(Slide.over(lit(10).seconds).every(lit(5).seconds).on(col("ts")).alias("w")) \
    .group_by(col("w"), col("usr")) \
    .select(col("usr"), col("w").start.alias("w_start"), col("w").end.alias("w_end"),
            col("url").count.alias("cnt")) \
    .execute().print()
