"""Session windows: the SQL windowing TVF SESSION (with and without PARTITION BY) and the Table API's
session group window (Session.with_gap(...).on(...).alias(...)). A key's rows less than the gap apart
fall into one session, from its first row's time to its last row's time plus the gap; sessions merge
when a late row bridges two. Compared as a multiset: sessions of several keys that end together fire
in the order of Flink's key-group timer queues (hash-dependent)."""
from pyflink.table import EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col, lit
from pyflink.table.window import Session

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE clicks (usr STRING, url STRING, ts TIMESTAMP(3),
                         WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
    WITH ('connector' = 'filesystem', 'path' = 'clicks.csv', 'format' = 'csv')
""")
t_env.execute_sql("""
    CREATE TABLE sessions (window_start TIMESTAMP(3), window_end TIMESTAMP(3), usr STRING, cnt BIGINT,
                           last_url STRING)
    WITH ('connector' = 'print', 'print-identifier' = 'session')
""")
t_env.execute_sql("""
    INSERT INTO sessions
    SELECT window_start, window_end, usr, COUNT(*), MAX(url)
    FROM TABLE(SESSION(TABLE clicks PARTITION BY usr, DESCRIPTOR(ts), INTERVAL '5' SECOND))
    GROUP BY window_start, window_end, usr
""").wait()
t_env.sql_query("""
    SELECT window_start, window_end, COUNT(*) AS clicks, MAX(ts) AS last_click
    FROM TABLE(SESSION(TABLE clicks, DESCRIPTOR(ts), INTERVAL '3' SECOND))
    GROUP BY window_start, window_end
""").execute().print()
t_env.from_path("clicks") \
    .window(Session.with_gap(lit(4).seconds).on(col("ts")).alias("w")) \
    .group_by(col("w"), col("usr")) \
    .select(col("usr"), col("w").start.alias("w_start"), col("w").end.alias("w_end"),
            col("url").count.alias("cnt")) \
    .execute().print()
