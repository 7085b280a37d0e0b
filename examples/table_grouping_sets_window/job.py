"""GROUPING SETS, ROLLUP and CUBE in window aggregations over windowing TVFs (`GROUP BY window_start,
window_end, ROLLUP (...)`): each row is expanded once per grouping set and every set's groups of a
window fire when the watermark passes its end. Compared as a multiset: the rows of one window for
several keys fire in the order of Flink's key-group timer queues (hash-dependent)."""
from pyflink.table import EnvironmentSettings, TableEnvironment

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE clicks (usr STRING, url STRING, ts TIMESTAMP(3),
                         WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
    WITH ('connector' = 'filesystem', 'path' = 'clicks.csv', 'format' = 'csv')
""")
t_env.sql_query("""
    SELECT window_start, window_end, usr, url, COUNT(*) AS clicks, GROUPING_ID(usr, url) AS g
    FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND))
    GROUP BY window_start, window_end, ROLLUP (usr, url)
""").execute().print()
t_env.execute_sql("""
    CREATE TABLE hopping (window_start TIMESTAMP(3), window_end TIMESTAMP(3), usr STRING, url STRING, cnt BIGINT)
    WITH ('connector' = 'print', 'print-identifier' = 'hop')
""")
t_env.execute_sql("""
    INSERT INTO hopping
    SELECT window_start, window_end, usr, url, COUNT(*)
    FROM TABLE(HOP(TABLE clicks, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND))
    WHERE url <> '/cart'
    GROUP BY window_start, window_end, CUBE (usr, url)
""").wait()
t_env.sql_query("""
    SELECT window_end, usr, url, MAX(ts) AS last_click
    FROM TABLE(CUMULATE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '4' SECOND, INTERVAL '12' SECOND))
    GROUP BY window_start, window_end, GROUPING SETS ((usr), (url))
""").execute().print()
