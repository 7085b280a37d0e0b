"""LISTAGG (default and given separator), FIRST_VALUE / LAST_VALUE, VAR_POP / VAR_SAMP / VARIANCE /
STDDEV_POP / STDDEV_SAMP / STDDEV over DOUBLE: in a GROUP BY of an insert-only input (changelog of
-U/+U per update), in a TUMBLE window TVF and as Table API expressions (`list_agg`, `first_value`,
`stddev_pop`, ...) in a group window. NULL inputs (here made by NULLIF) are skipped; a group of one value has NULL
sample variance."""
from pyflink.table import EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col, lit
from pyflink.table.window import Tumble

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE readings (usr STRING, page STRING, v DOUBLE, ts TIMESTAMP(3),
                           WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
    WITH ('connector' = 'filesystem', 'path' = 'readings.csv', 'format' = 'csv')
""")

t_env.execute_sql("""
    SELECT usr, LISTAGG(page) AS pages, LISTAGG(page, '|') AS piped,
           FIRST_VALUE(v) AS first_v, LAST_VALUE(NULLIF(page, 'shop')) AS last_page,
           VAR_POP(NULLIF(v, -1.0e0)) AS vp, VAR_SAMP(v) AS vs, VARIANCE(v) AS var,
           STDDEV_POP(NULLIF(v, -1.0e0)) AS sp, STDDEV_SAMP(v) AS ss, STDDEV(v) AS sd,
           LISTAGG(NULLIF(page, 'home'), '-') AS not_home
    FROM readings GROUP BY usr
""").print()

t_env.execute_sql("""
    SELECT window_start, window_end, LISTAGG(usr, ';') AS users, FIRST_VALUE(page) AS first_page,
           LAST_VALUE(v) AS last_v, STDDEV_POP(v) AS sp, VAR_SAMP(v) AS vs
    FROM TABLE(TUMBLE(TABLE readings, DESCRIPTOR(ts), INTERVAL '10' SECOND))
    GROUP BY window_start, window_end
""").print()

t_env.from_path("readings") \
    .window(Tumble.over(lit(10).seconds).on(col("ts")).alias("w")) \
    .group_by(col("w")) \
    .select(col("w").start.alias("s"), col("usr").list_agg().alias("users"),
            col("page").list_agg("/").alias("pages"), col("v").first_value.alias("first_v"),
            col("v").last_value.alias("last_v"), col("v").stddev_samp.alias("ss"),
            col("v").var_pop.alias("vp")) \
    .execute().print()
