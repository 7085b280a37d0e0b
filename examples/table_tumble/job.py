"""Event time in SQL: a WATERMARK in the DDL and a windowing TVF, TUMBLE(TABLE t, DESCRIPTOR(ts),
INTERVAL '10' SECOND) grouped by window_start, window_end and a key; the bounded input ends with the
final watermark, which fires every window. Printed by the print connector and by execute().print().
Compared as a multiset: the rows of one window for several keys fire in the order of Flink's
key-group timer queues (hash-dependent)."""
from pyflink.table import EnvironmentSettings, TableEnvironment

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE clicks (usr STRING, url STRING, ts TIMESTAMP(3),
                         WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
    WITH ('connector' = 'filesystem', 'path' = 'clicks.csv', 'format' = 'csv')
""")
t_env.execute_sql("""
    CREATE TABLE per_user (window_start TIMESTAMP(3), window_end TIMESTAMP(3), usr STRING, cnt BIGINT)
    WITH ('connector' = 'print')
""")
t_env.execute_sql("""
    INSERT INTO per_user
    SELECT window_start, window_end, usr, COUNT(*)
    FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND))
    GROUP BY window_start, window_end, usr
""").wait()
t_env.sql_query("""
    SELECT window_start, window_end, COUNT(*) AS clicks, COUNT(DISTINCT usr) AS users, MAX(ts) AS last_click
    FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND))
    GROUP BY window_start, window_end
""").execute().print()
