"""Outer interval joins in SQL: orders with the shipments that left within an hour of the order
(LEFT: an order never shipped in time is emitted with NULLs once the watermark shows no shipment
can still match it), and every order and shipment (FULL). Both tables have event time, so Flink runs
these as interval joins: insert-only, no retractions. Each file is in event-time order: then which
rows match does not depend on how Flink interleaves the two sources (with late rows it would)."""
from pyflink.table import EnvironmentSettings, TableEnvironment

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
t_env.sql_query("""
    SELECT o.order_id, o.customer, s.ship_id, s.ship_time
    FROM orders o LEFT JOIN shipments s
      ON o.order_id = s.order_id
     AND s.ship_time BETWEEN o.order_time AND o.order_time + INTERVAL '1' HOUR
""").execute().print()
t_env.sql_query("""
    SELECT o.order_id, s.ship_id, o.order_time, s.ship_time
    FROM orders o FULL OUTER JOIN shipments s
      ON o.order_id = s.order_id
     AND o.order_time > s.ship_time - INTERVAL '45' MINUTE
     AND o.order_time <= s.ship_time
""").execute().print()
