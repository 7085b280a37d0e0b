"""Windows over a TIMESTAMP_LTZ time attribute: TUMBLE, HOP, CUMULATE and SESSION windows are of the
session zone's wall-clock time (window_start and window_end are its TIMESTAMPs, window_time,
TUMBLE_ROWTIME, SESSION_ROWTIME and w.rowtime the instant of the window's last millisecond, a TIMESTAMP_LTZ) and fire
when the watermark passes that instant; OVER windows order by the instant. In UTC, then in
Asia/Kolkata (+05:30), whose hours start at half past UTC's. Compared as a multiset: HOP and
CUMULATE windows ending together fire in Flink's timer order."""
from pyflink.table import EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col, lit
from pyflink.table.window import Tumble

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE events (id BIGINT, es BIGINT, ems BIGINT, ts TIMESTAMP(3), ltz TIMESTAMP_LTZ(3),
                         WATERMARK FOR ltz AS ltz - INTERVAL '1' SECOND)
    WITH ('connector' = 'filesystem', 'path' = 'events.csv', 'format' = 'csv')
""")
t_env.execute_sql("""
    CREATE TABLE out_w (s TIMESTAMP(3), e TIMESTAMP(3), t TIMESTAMP_LTZ(3), n BIGINT)
    WITH ('connector' = 'print')
""")
TVF = """
    SELECT window_start, window_end, window_time, COUNT(*) AS n, MAX(ltz) AS last_ltz
    FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ltz), INTERVAL '1' HOUR))
    GROUP BY window_start, window_end, window_time
"""
HOP = """
    SELECT window_start, window_end, window_time, COUNT(*) AS n
    FROM TABLE(HOP(TABLE events, DESCRIPTOR(ltz), INTERVAL '1' HOUR, INTERVAL '2' HOUR))
    GROUP BY window_start, window_end, window_time
"""
CUMULATE = """
    SELECT window_start, window_end, COUNT(*) AS n
    FROM TABLE(CUMULATE(TABLE events, DESCRIPTOR(ltz), INTERVAL '2' HOUR, INTERVAL '6' HOUR))
    GROUP BY window_start, window_end
"""
SESSION = """
    INSERT INTO out_w
    SELECT SESSION_START(ltz, INTERVAL '90' MINUTE), SESSION_END(ltz, INTERVAL '90' MINUTE),
           SESSION_ROWTIME(ltz, INTERVAL '90' MINUTE), COUNT(*)
    FROM events GROUP BY SESSION(ltz, INTERVAL '90' MINUTE)
"""
SESSION_TVF = """
    SELECT window_start, window_end, COUNT(*) AS n
    FROM TABLE(SESSION(TABLE events, DESCRIPTOR(ltz), INTERVAL '90' MINUTE))
    GROUP BY window_start, window_end
"""
OVER = """
    SELECT id, ltz, COUNT(*) OVER (ORDER BY ltz RANGE BETWEEN INTERVAL '2' HOUR PRECEDING AND CURRENT ROW) AS recent
    FROM events
"""
LEGACY = """
    INSERT INTO out_w
    SELECT TUMBLE_START(ltz, INTERVAL '2' HOUR), TUMBLE_END(ltz, INTERVAL '2' HOUR),
           TUMBLE_ROWTIME(ltz, INTERVAL '2' HOUR), COUNT(*)
    FROM events GROUP BY TUMBLE(ltz, INTERVAL '2' HOUR)
"""
t_env.sql_query(TVF).execute().print()
t_env.execute_sql(LEGACY).wait()
t_env.sql_query(HOP).execute().print()
t_env.sql_query(CUMULATE).execute().print()
t_env.sql_query(OVER).execute().print()
t_env.execute_sql(SESSION).wait()
t_env.sql_query(SESSION_TVF).execute().print()
(
    t_env.from_path("events")
    .window(Tumble.over(lit(30).minutes).on(col("ltz")).alias("w"))
    .group_by(col("w"))
    .select(col("w").start.alias("s"), col("w").rowtime.alias("rt"), col("id").count.alias("n"))
    .execute()
    .print()
)

t_env.get_config().set("table.local-time-zone", "Asia/Kolkata")
t_env.sql_query(TVF).execute().print()
t_env.execute_sql(LEGACY).wait()
t_env.sql_query(HOP).execute().print()
t_env.sql_query(CUMULATE).execute().print()
t_env.execute_sql(SESSION).wait()
