"""An interval join in SQL: orders and the shipments that left within an hour of the order, both
tables with event time. Inner interval joins emit each match when its second row arrives."""
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
    FROM orders o, shipments s
    WHERE o.order_id = s.order_id
      AND s.ship_time BETWEEN o.order_time AND o.order_time + INTERVAL '1' HOUR
""").execute().print()
