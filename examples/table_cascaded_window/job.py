"""Cascaded legacy group windows: TUMBLE_ROWTIME / HOP_ROWTIME / SESSION_ROWTIME keep the window's
time (its end minus 1 ms) as a rowtime attribute, so a window over the result of a window works as
in Flink: per-user 10-second counts, then all users per 30 seconds over those rows' rowtime; a
view in between; and sessions rolled up into minutes. Compared as a multiset: the rows of one window
for several keys fire in the order of Flink's key-group timer queues (hash-dependent)."""
from pyflink.table import EnvironmentSettings, TableEnvironment

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE clicks (usr STRING, url STRING, ts TIMESTAMP(3),
                         WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
    WITH ('connector' = 'filesystem', 'path' = 'clicks.csv', 'format' = 'csv')
""")
t_env.sql_query("""
    SELECT TUMBLE_START(rt, INTERVAL '30' SECOND) AS w_start, TUMBLE_END(rt, INTERVAL '30' SECOND) AS w_end,
           COUNT(*) AS windows, SUM(clicks) AS clicks, MAX(rt) AS last_rt
    FROM (
        SELECT usr, TUMBLE_ROWTIME(ts, INTERVAL '10' SECOND) AS rt, COUNT(*) AS clicks
        FROM clicks
        GROUP BY TUMBLE(ts, INTERVAL '10' SECOND), usr
    )
    GROUP BY TUMBLE(rt, INTERVAL '30' SECOND)
""").execute().print()

t_env.create_temporary_view("hopped", t_env.sql_query("""
    SELECT usr, HOP_ROWTIME(ts, INTERVAL '5' SECOND, INTERVAL '10' SECOND) AS rt, COUNT(*) AS clicks
    FROM clicks
    GROUP BY HOP(ts, INTERVAL '5' SECOND, INTERVAL '10' SECOND), usr
"""))
t_env.sql_query("""
    SELECT usr, TUMBLE_END(rt, INTERVAL '20' SECOND) AS w_end, MAX(clicks) AS peak
    FROM hopped
    GROUP BY usr, TUMBLE(rt, INTERVAL '20' SECOND)
""").execute().print()

t_env.sql_query("""
    SELECT TUMBLE_START(s_rt, INTERVAL '1' MINUTE) AS m_start, COUNT(*) AS sessions, SUM(clicks) AS clicks
    FROM (
        SELECT usr, SESSION_ROWTIME(ts, INTERVAL '3' SECOND) AS s_rt, COUNT(*) AS clicks
        FROM clicks
        GROUP BY usr, SESSION(ts, INTERVAL '3' SECOND)
    )
    GROUP BY TUMBLE(s_rt, INTERVAL '1' MINUTE)
""").execute().print()

# HOP_ROWTIME is a time attribute of the view too: a temporal sort on it.
t_env.sql_query("SELECT rt, usr, clicks FROM hopped ORDER BY rt, usr").execute().print()
