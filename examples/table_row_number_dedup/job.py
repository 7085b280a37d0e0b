"""Flink's deduplication in SQL: ROW_NUMBER() OVER (PARTITION BY k ORDER BY rowtime [DESC]) = 1 with
the row number not selected. DESC keeps each key's last row (by time; +I, then -U/+U whenever a row
of a time not earlier arrives, at once); ASC keeps its first row, emitted +I once the watermark passes
its time (rows behind the watermark are late and dropped)."""
from pyflink.table import EnvironmentSettings, TableEnvironment

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE clicks (
        usr STRING, url STRING, ts TIMESTAMP(3),
        WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
    ) WITH ('connector' = 'filesystem', 'path' = 'clicks.csv', 'format' = 'csv')
""")
t_env.execute_sql("""
    CREATE TABLE last_click (usr STRING, url STRING, ts TIMESTAMP(3))
    WITH ('connector' = 'print', 'print-identifier' = 'last')
""")
# Each user's latest click.
t_env.execute_sql("""
    INSERT INTO last_click
    SELECT usr, url, ts FROM (
        SELECT *, ROW_NUMBER() OVER (PARTITION BY usr ORDER BY ts DESC) AS rn FROM clicks
    ) WHERE rn = 1
""").wait()

# Each user's first click, as the watermark confirms it.
t_env.execute_sql("""
    SELECT usr, url, ts FROM (
        SELECT *, ROW_NUMBER() OVER (PARTITION BY usr ORDER BY ts ASC) AS rn FROM clicks
    ) WHERE rn = 1
""").print()

# The first click per URL, through a view, another condition applied after deduplicating.
t_env.execute_sql("""
    CREATE TEMPORARY VIEW first_visit AS
    SELECT url, usr, ts, ROW_NUMBER() OVER (PARTITION BY url ORDER BY ts) AS visit FROM clicks
""")
t_env.execute_sql("SELECT url, usr FROM first_visit WHERE visit = 1 AND usr <> 'carol'").print()
