"""ORDER BY on a time attribute without LIMIT: Flink's temporal sort holds rows until the watermark
passes their time and emits them in time order (rows of the same time by the next key, here the
name descending). Row e arrives after the watermark has moved past its time: Flink drops it."""
from pyflink.table import EnvironmentSettings, TableEnvironment

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE events (name STRING, score BIGINT, ts TIMESTAMP(3),
                         WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
    WITH ('connector' = 'filesystem', 'path' = 'events.csv', 'format' = 'csv')
""")
t_env.sql_query("SELECT name, score, ts FROM events ORDER BY ts, name DESC").execute().print()
