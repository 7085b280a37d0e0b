"""A processing-time attribute, as Flink DDL often declares one (`pt AS PROCTIME()`) beside an
event-time one: the column reads the time the row is read (a TIMESTAMP_LTZ(3)), queries that do not
window on it run as usual; windows, OVER and joins on it are located errors (sluice runs them on
event time only), but deduplication on it keeps the first or the last row of each key in arrival order."""
from pyflink.table import EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col, lit
from pyflink.table.window import Tumble
t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE events (usr STRING, cents BIGINT, epoch BIGINT, pt AS PROCTIME(),
                         ts AS TO_TIMESTAMP_LTZ(epoch, 0), WATERMARK FOR ts AS ts)
    WITH ('connector' = 'filesystem', 'path' = 'events.csv', 'format' = 'csv')
""")
t_env.execute_sql("SELECT usr, cents, pt IS NOT NULL AS has_pt, pt > TIMESTAMP '2020-01-01 00:00:00' AS recent FROM events").print()
t_env.execute_sql("SELECT usr, SUM(cents) AS total FROM events GROUP BY usr").print()
t_env.execute_sql("SELECT window_start, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end").print()
t_env.execute_sql("SELECT usr, cents FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY usr ORDER BY pt ASC) AS rn FROM events) WHERE rn = 1").print()
t_env.execute_sql("SELECT usr, cents FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY usr ORDER BY pt DESC) AS rn FROM events) WHERE rn = 1").print()
