"""VAR_POP / VAR_SAMP / STDDEV_POP / STDDEV_SAMP over an updating input: the per-user totals of a
GROUP BY change, and the global aggregate over them retracts each old total (Flink's WELFORD_M2
reverse step) before taking the new one. Then FIRST_VALUE / LAST_VALUE / LISTAGG / STDDEV_POP in
row-time OVER windows (ROWS and RANGE frames)."""
from pyflink.table import EnvironmentSettings, TableEnvironment

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE readings (usr STRING, page STRING, v DOUBLE, ts TIMESTAMP(3),
                           WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
    WITH ('connector' = 'filesystem', 'path' = 'readings.csv', 'format' = 'csv')
""")

t_env.execute_sql("""
    SELECT COUNT(*) AS users, VAR_POP(total) AS vp, VAR_SAMP(total) AS vs,
           STDDEV_POP(total) AS sp, STDDEV_SAMP(total) AS ss
    FROM (SELECT usr, SUM(v) AS total FROM readings GROUP BY usr)
""").print()

t_env.execute_sql("""
    SELECT usr, ts,
           FIRST_VALUE(page) OVER w AS first_page, LAST_VALUE(v) OVER w AS last_v,
           LISTAGG(page, '+') OVER w AS pages, STDDEV_POP(v) OVER w AS sp
    FROM readings
    WINDOW w AS (PARTITION BY usr ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)
""").print()

t_env.execute_sql("""
    SELECT usr, ts, LISTAGG(page) OVER (PARTITION BY usr ORDER BY ts
                                        RANGE BETWEEN INTERVAL '10' SECOND PRECEDING AND CURRENT ROW) AS pages,
           VAR_SAMP(v) OVER (PARTITION BY usr ORDER BY ts
                             RANGE BETWEEN INTERVAL '10' SECOND PRECEDING AND CURRENT ROW) AS vs
    FROM readings
""").print()
