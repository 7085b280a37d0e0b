"""An event-time temporal join against a versioned view, as Flink's docs define one: the last row per
currency by rowtime (`ROW_NUMBER() OVER (PARTITION BY currency ORDER BY update_time DESC) = 1`) over
an append-only log of rates. The deduplication drops a rate older than its currency's latest (EUR
10:00:15 arriving after 10:00:20), so it never becomes a version; the same log declared as a versioned
table (PRIMARY KEY and WATERMARK) keeps it, and o3 (10:00:17) sees it there. The out-of-order rate
arrives within the watermark delay, before the watermark passes any order it could join."""
from pyflink.table import EnvironmentSettings, TableEnvironment

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE orders (order_id STRING, currency STRING, amount INT, order_time TIMESTAMP(3),
                         WATERMARK FOR order_time AS order_time - INTERVAL '10' SECOND)
    WITH ('connector' = 'filesystem', 'path' = 'orders.csv', 'format' = 'csv')
""")
t_env.execute_sql("""
    CREATE TABLE rates_log (currency STRING, rate DECIMAL(10, 2), update_time TIMESTAMP(3),
                            WATERMARK FOR update_time AS update_time - INTERVAL '10' SECOND)
    WITH ('connector' = 'filesystem', 'path' = 'rates.csv', 'format' = 'csv')
""")
t_env.execute_sql("""
    CREATE VIEW versioned_rates AS
    SELECT currency, rate, update_time
    FROM (
        SELECT *, ROW_NUMBER() OVER (PARTITION BY currency ORDER BY update_time DESC) AS rownum
        FROM rates_log)
    WHERE rownum = 1
""")
t_env.execute_sql("""
    CREATE TABLE rates (currency STRING, rate DECIMAL(10, 2), update_time TIMESTAMP(3),
                        WATERMARK FOR update_time AS update_time - INTERVAL '10' SECOND,
                        PRIMARY KEY (currency) NOT ENFORCED)
    WITH ('connector' = 'filesystem', 'path' = 'rates.csv', 'format' = 'csv')
""")

t_env.execute_sql("""
    SELECT o.order_id, o.amount, v.rate, v.update_time
    FROM orders AS o
    JOIN versioned_rates FOR SYSTEM_TIME AS OF o.order_time AS v
    ON o.currency = v.currency
""").print()

t_env.execute_sql("""
    SELECT o.order_id, v.rate, v.update_time
    FROM orders AS o
    LEFT JOIN versioned_rates FOR SYSTEM_TIME AS OF o.order_time AS v
    ON o.currency = v.currency
""").print()

t_env.execute_sql("""
    SELECT o.order_id, r.rate, r.update_time
    FROM orders AS o
    JOIN rates FOR SYSTEM_TIME AS OF o.order_time AS r
    ON o.currency = r.currency
""").print()
