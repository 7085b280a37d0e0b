"""TIMESTAMP_LTZ in expressions: TO_TIMESTAMP_LTZ of epoch seconds and milliseconds, CAST between
TIMESTAMP_LTZ and TIMESTAMP / STRING / DATE, comparisons (a TIMESTAMP meets an LTZ as its
wall-clock time in the session zone), a csv column of TIMESTAMP_LTZ(3) (`...Z` text) with a
WATERMARK on it and a temporal sort by it. The boxed print shows LTZ values in the session time
zone (UTC unless `table.local-time-zone` is set; then America/New_York, and a fixed offset), the print
connector as UTC instants."""
from pyflink.table import EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col, lit, to_timestamp_ltz

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE events (id BIGINT, es BIGINT, ems BIGINT, ts TIMESTAMP(3), ltz TIMESTAMP_LTZ(3),
                         WATERMARK FOR ltz AS ltz - INTERVAL '1' HOUR)
    WITH ('connector' = 'filesystem', 'path' = 'events.csv', 'format' = 'csv')
""")
t_env.execute_sql("""
    CREATE TABLE out_ltz (id BIGINT, a TIMESTAMP_LTZ(3), b TIMESTAMP_LTZ(3), c TIMESTAMP(3), d STRING)
    WITH ('connector' = 'print')
""")

QUERY = """
    SELECT id, ltz, TO_TIMESTAMP_LTZ(es, 0) AS s0, TO_TIMESTAMP_LTZ(ems, 3) AS m3,
           CAST(ltz AS TIMESTAMP(3)) AS naive, CAST(ltz AS STRING) AS txt,
           CAST(ts AS TIMESTAMP_LTZ(3)) AS from_naive, CAST(ltz AS DATE) AS d,
           ltz > TO_TIMESTAMP_LTZ(1705305600000, 3) AS later,
           ltz = CAST(ts AS TIMESTAMP_LTZ(3)) AS same,
           TO_TIMESTAMP_LTZ(ems, 3) >= TIMESTAMP '2024-01-15 08:00:00' AS after_eight,
           CAST('2024-01-15 08:00:00' AS TIMESTAMP_LTZ(3)) AS from_txt,
           ltz + INTERVAL '30' MINUTE AS half_later, CAST(ltz AS TIME) AS clock,
           EXTRACT(HOUR FROM ltz) AS h, DATE_FORMAT(ltz, 'yyyy-MM-dd HH:mm') AS formatted
    FROM events
"""
t_env.sql_query(QUERY).execute().print()
t_env.execute_sql("""
    INSERT INTO out_ltz
    SELECT id, ltz, TO_TIMESTAMP_LTZ(es, 0), CAST(ltz AS TIMESTAMP(3)), CAST(ltz AS STRING) FROM events
""").wait()
t_env.sql_query("SELECT id, ltz FROM events WHERE ltz >= TIMESTAMP '2024-01-15 08:00:00' ORDER BY ltz").execute().print()

events = t_env.from_path("events")
events.select(
    col("id"), to_timestamp_ltz(col("es"), 0).alias("s0"), (col("ltz") < to_timestamp_ltz(col("ems") + 1, 3)).alias("lt")
).execute().print()

t_env.get_config().set("table.local-time-zone", "America/New_York")
t_env.sql_query(QUERY).execute().print()
t_env.sql_query("SELECT id, ltz FROM events WHERE ltz >= TIMESTAMP '2024-01-15 03:00:00' ORDER BY ltz").execute().print()

t_env.get_config().set_local_timezone("GMT+05:30")
t_env.sql_query("SELECT id, ltz, CAST(ltz AS STRING) AS txt, CAST(ts AS TIMESTAMP_LTZ(3)) AS from_naive FROM events").execute().print()
