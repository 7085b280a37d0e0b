"""Interval joins in the Table API: both tables have event time, and each join condition bounds
the shipment's time against the order's, so Flink runs them as interval joins (insert-only; an
unmatched outer row is padded once the watermark shows nothing can still match it). The rowtime
attributes reach the joins through select, where and alias. Each file is in event-time order:
then which rows match does not depend on how Flink interleaves the two sources."""
from pyflink.table import EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import call_sql, col, lit

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE orders (order_id STRING, customer STRING, order_time TIMESTAMP(3),
                         WATERMARK FOR order_time AS order_time - INTERVAL '5' SECOND)
    WITH ('connector' = 'filesystem', 'path' = 'orders.csv', 'format' = 'csv')
""")
t_env.execute_sql("""
    CREATE TABLE shipments (ship_id STRING, order_id STRING, ship_time TIMESTAMP(3),
                            WATERMARK FOR ship_time AS ship_time - INTERVAL '5' SECOND)
    WITH ('connector' = 'filesystem', 'path' = 'shipments.csv', 'format' = 'csv')
""")
orders = t_env.from_path("orders")
shipments = (
    t_env.from_path("shipments")
    .where(col("ship_id") != "s6")
    .alias("ship_id", "s_order", "ship_time")
    .select(col("ship_id"), col("s_order"), col("ship_time"))
)

# Inner: the condition given to join().
orders.join(
    shipments,
    (col("order_id") == col("s_order"))
    & (col("ship_time") >= col("order_time"))
    & (col("ship_time") < col("order_time") + lit(1).hours),
).select(col("order_id"), col("customer"), col("ship_id"), col("ship_time")).execute().print()

# Inner: join() then where(), the condition as SQL text.
orders.join(shipments).where(
    call_sql("order_id = s_order AND ship_time BETWEEN order_time AND order_time + INTERVAL '30' MINUTE")
).select(col("order_id"), col("ship_id")).execute().print()

# LEFT: orders without a shipment within the hour come out padded.
orders.left_outer_join(
    shipments,
    (col("order_id") == col("s_order"))
    & (col("ship_time") >= col("order_time"))
    & (col("ship_time") <= col("order_time") + lit(1).hours),
).select(col("order_id"), col("customer"), col("ship_id")).execute().print()

# RIGHT, with bounds the other way round (the order at most 45 minutes before the shipment).
orders.right_outer_join(
    shipments,
    (col("s_order") == col("order_id"))
    & (col("order_time") > col("ship_time") - lit(45).minutes)
    & (col("order_time") <= col("ship_time")),
).select(col("ship_id"), col("order_id"), col("order_time")).execute().print()

# FULL, with part of the condition as SQL text.
orders.full_outer_join(
    shipments,
    (col("order_id") == col("s_order"))
    & call_sql("ship_time BETWEEN order_time - INTERVAL '10' MINUTE AND order_time + INTERVAL '50' MINUTE"),
).select(col("order_id"), col("ship_id"), col("order_time"), col("ship_time")).execute().print()
