"""Table API group windows: Tumble.over(lit(10).seconds).on(col("ts")).alias("w") over a table with a
WATERMARK, grouped by the window and a key, selecting w.start / w.end and aggregates. Compared as a
multiset: the rows of one window for several keys fire in the order of Flink's key-group timer queues."""
from pyflink.table import EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col, lit
from pyflink.table.window import Tumble

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE clicks (usr STRING, url STRING, ts TIMESTAMP(3),
                         WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
    WITH ('connector' = 'filesystem', 'path' = 'clicks.csv', 'format' = 'csv')
""")
clicks = t_env.from_path("clicks")
clicks.window(Tumble.over(lit(10).seconds).on(col("ts")).alias("w")) \
    .group_by(col("w"), col("usr")) \
    .select(col("usr"), col("w").start.alias("w_start"), col("w").end.alias("w_end"),
            col("url").count.alias("cnt")) \
    .execute().print()
