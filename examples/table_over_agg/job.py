"""SQL OVER aggregations on an event-time attribute: ROWS BETWEEN n PRECEDING AND CURRENT ROW,
RANGE BETWEEN INTERVAL ... PRECEDING AND CURRENT ROW, and the unbounded default, per partition."""
from pyflink.table import EnvironmentSettings, TableEnvironment

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

t_env.sql_query("""
    SELECT usr, amount, ts,
        SUM(amount) OVER w AS last3_sum,
        MAX(amount) OVER w AS last3_max,
        COUNT(*) OVER w AS last3_n
    FROM orders
    WINDOW w AS (PARTITION BY usr ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)
""").execute().print()

t_env.sql_query("""
    SELECT usr, amount,
        SUM(amount) OVER (PARTITION BY usr ORDER BY ts
            RANGE BETWEEN INTERVAL '10' SECOND PRECEDING AND CURRENT ROW) AS sum_10s,
        AVG(amount) OVER (PARTITION BY usr ORDER BY ts
            RANGE BETWEEN INTERVAL '10' SECOND PRECEDING AND CURRENT ROW) AS avg_10s
    FROM orders
""").execute().print()

t_env.sql_query("""
    SELECT usr, amount, SUM(amount) OVER (PARTITION BY usr ORDER BY ts) AS running_sum
    FROM orders
""").execute().print()
