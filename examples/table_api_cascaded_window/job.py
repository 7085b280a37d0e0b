"""Cascaded group windows in the Table API: `col("w").rowtime` (the window's end minus 1 ms) stays a
rowtime attribute, so a Tumble window over it and a temporal sort on it work as in Flink."""
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
per_user = (
    t_env.from_path("clicks")
    .window(Tumble.over(lit(10).seconds).on(col("ts")).alias("w"))
    .group_by(col("w"), col("usr"))
    .select(col("usr"), col("w").rowtime.alias("rt"), col("url").count.alias("n"))
)
(
    per_user.window(Tumble.over(lit(30).seconds).on(col("rt")).alias("w2"))
    .group_by(col("w2"))
    .select(col("w2").start.alias("s"), col("w2").end.alias("e"), col("n").sum.alias("total"), col("rt").max.alias("last_rt"))
    .execute().print()
)
per_user.order_by(col("rt"), col("usr")).execute().print()
