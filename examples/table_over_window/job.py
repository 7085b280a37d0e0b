"""Table API over windows: over_window(Over.partition_by(...).order_by(rowtime).preceding(...)
.alias("w")) with aggregates `.over(col("w"))`, for a row-count frame, a time-range frame and the
unbounded default."""
from pyflink.table import EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import CURRENT_RANGE, UNBOUNDED_RANGE, col, lit, row_interval
from pyflink.table.window import Over

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")

t_env.execute_sql("""
    CREATE TABLE orders (
        usr STRING,
        amount INT,
        ts TIMESTAMP(3),
        WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
    ) WITH (
        'connector' = 'filesystem',
        'path' = 'orders.csv',
        'format' = 'csv'
    )
""")
orders = t_env.from_path("orders")

orders.over_window(Over.partition_by(col("usr")).order_by(col("ts")).preceding(row_interval(1)).alias("w")) \
    .select(col("usr"), col("amount"), col("amount").sum.over(col("w")).alias("last2"),
            col("amount").max.over(col("w")).alias("top2")) \
    .execute().print()

orders.over_window(Over.partition_by(col("usr")).order_by(col("ts")).preceding(lit(5).seconds).alias("w")) \
    .select(col("usr"), col("amount"), col("amount").count.over(col("w")).alias("n_5s")) \
    .execute().print()

orders.over_window(Over.partition_by(col("usr")).order_by(col("ts")).preceding(UNBOUNDED_RANGE)
                   .following(CURRENT_RANGE).alias("w")) \
    .select(col("usr"), col("amount"), col("amount").sum.over(col("w")).alias("total")) \
    .execute().print()
