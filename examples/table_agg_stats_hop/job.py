"""LISTAGG, STDDEV_POP / VAR_SAMP in HOP and CUMULATE window TVFs: Flink computes each
window from slices (merging their accumulators), so the variances are Welford's merge of the
slices' and LISTAGG joins the slices' texts newest first; a Table API Slide group window merges
its panes oldest first."""
from pyflink.table import EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col, lit
from pyflink.table.window import Slide

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE readings (usr STRING, page STRING, v DOUBLE, ts TIMESTAMP(3),
                           WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
    WITH ('connector' = 'filesystem', 'path' = 'readings.csv', 'format' = 'csv')
""")

t_env.execute_sql("""
    SELECT window_start, window_end, LISTAGG(page) AS pages,
           STDDEV_POP(v) AS sp, VAR_SAMP(v) AS vs
    FROM TABLE(HOP(TABLE readings, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '15' SECOND))
    GROUP BY window_start, window_end
""").print()

t_env.execute_sql("""
    SELECT window_start, window_end, LISTAGG(usr, '/') AS users, STDDEV_SAMP(v) AS ss, VAR_POP(v) AS vp
    FROM TABLE(CUMULATE(TABLE readings, DESCRIPTOR(ts), INTERVAL '4' SECOND, INTERVAL '12' SECOND))
    GROUP BY window_start, window_end
""").print()

t_env.from_path("readings") \
    .window(Slide.over(lit(15).seconds).every(lit(5).seconds).on(col("ts")).alias("w")) \
    .group_by(col("w")) \
    .select(col("w").start.alias("s"), col("page").list_agg().alias("pages"),
            col("v").stddev_pop.alias("sp"), col("v").var_samp.alias("vs")) \
    .execute().print()
