"""Event-time temporal table joins: each order joins the exchange rate that was valid at its
order_time (`FOR SYSTEM_TIME AS OF o.order_time`), read from a versioned table (a PRIMARY KEY and a
WATERMARK). An order waits until the watermark passes its time; the result is insert-only. Rates
arrive out of order within the watermark delay (USD's 10:00:48 after EUR's 10:00:50), before
the watermark passes them, so which version an order sees does not depend on when watermarks come, a rate may
share an order's time (EUR at 10:01:30), and some orders come before their currency's first rate
(JPY, GBP): the inner join drops them, the LEFT JOIN pads them with NULLs."""
from pyflink.table import EnvironmentSettings, TableEnvironment

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE orders (order_id STRING, currency STRING, amount INT, order_time TIMESTAMP(3),
                         WATERMARK FOR order_time AS order_time - INTERVAL '10' SECOND)
    WITH ('connector' = 'filesystem', 'path' = 'orders.csv', 'format' = 'csv')
""")
t_env.execute_sql("""
    CREATE TABLE rates (currency STRING, rate DECIMAL(10, 4), update_time TIMESTAMP(3),
                        WATERMARK FOR update_time AS update_time - INTERVAL '5' SECOND,
                        PRIMARY KEY (currency) NOT ENFORCED)
    WITH ('connector' = 'filesystem', 'path' = 'rates.csv', 'format' = 'csv')
""")

# Inner: the rate valid at each order's time, and the converted amount.
t_env.execute_sql("""
    SELECT o.order_id, o.currency, o.amount * r.rate AS converted, r.update_time, o.order_time
    FROM orders AS o
    JOIN rates FOR SYSTEM_TIME AS OF o.order_time AS r
    ON o.currency = r.currency
""").print()

# LEFT: orders without a valid rate (or failing the extra condition) are padded.
t_env.execute_sql("""
    SELECT o.order_id, r.currency, r.rate
    FROM orders AS o
    LEFT JOIN rates FOR SYSTEM_TIME AS OF o.order_time AS r
    ON r.currency = o.currency AND r.rate > 1
""").print()

# Through a view of the orders, filtered on the joined rate.
t_env.execute_sql("CREATE TEMPORARY VIEW big_orders AS SELECT * FROM orders WHERE amount >= 30")
t_env.sql_query("""
    SELECT b.order_id, b.amount, r.rate
    FROM big_orders AS b
    JOIN rates FOR SYSTEM_TIME AS OF b.order_time AS r ON b.currency = r.currency
    WHERE r.rate < 1.13
""").execute().print()
