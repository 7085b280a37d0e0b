"""Flink's legacy SQL group windows: GROUP BY TUMBLE(ts, INTERVAL ...) / HOP(ts, slide, size) /
SESSION(ts, gap) with TUMBLE_START / TUMBLE_END / HOP_START / HOP_END / SESSION_START / SESSION_END in
the select list, fired by the
watermark. Compared as a multiset: the rows of one window for several keys fire in the order of
Flink's key-group timer queues (hash-dependent)."""
from pyflink.table import EnvironmentSettings, TableEnvironment

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE clicks (usr STRING, url STRING, ts TIMESTAMP(3),
                         WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
    WITH ('connector' = 'filesystem', 'path' = 'clicks.csv', 'format' = 'csv')
""")
t_env.sql_query("""
    SELECT usr, TUMBLE_START(ts, INTERVAL '10' SECOND), TUMBLE_END(ts, INTERVAL '10' SECOND) AS w_end,
           COUNT(*) AS clicks
    FROM clicks
    GROUP BY TUMBLE(ts, INTERVAL '10' SECOND), usr
""").execute().print()
t_env.sql_query("""
    SELECT HOP_START(ts, INTERVAL '5' SECOND, INTERVAL '10' SECOND) AS w_start,
           HOP_END(ts, INTERVAL '5' SECOND, INTERVAL '10' SECOND) AS w_end, COUNT(DISTINCT usr) AS users
    FROM clicks
    GROUP BY HOP(ts, INTERVAL '5' SECOND, INTERVAL '10' SECOND)
    HAVING COUNT(*) > 1
""").execute().print()
t_env.sql_query("""
    SELECT usr, SESSION_START(ts, INTERVAL '3' SECOND) AS s_start, SESSION_END(ts, INTERVAL '3' SECOND),
           COUNT(*) AS clicks
    FROM clicks
    WHERE usr <> 'nobody'
    GROUP BY usr, SESSION(ts, INTERVAL '3' SECOND)
""").execute().print()
