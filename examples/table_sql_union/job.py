"""UNION ALL and UNION in SQL over two scans of one file (Flink reads them concurrently, so the lines
interleave in no defined order: compared as a multiset), with column types widened to a common type."""
from pyflink.table import EnvironmentSettings, TableEnvironment

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE orders (id INT, customer STRING, category STRING, price DOUBLE, qty INT)
    WITH ('connector' = 'filesystem', 'path' = 'orders.csv', 'format' = 'csv')
""")
t_env.execute_sql("""
    CREATE TABLE labels (label STRING, kind STRING, amount DECIMAL(12, 2))
    WITH ('connector' = 'print', 'print-identifier' = 'all')
""")
t_env.execute_sql("""
    INSERT INTO labels
    SELECT customer AS label, 'customer' AS kind, qty * 1.25 AS amount FROM orders WHERE qty > 2
    UNION ALL
    SELECT category, 'category', CAST(id AS BIGINT) FROM orders WHERE category = 'Games'
""").wait()

t_env.execute_sql("CREATE TABLE kinds (name STRING) WITH ('connector' = 'print', 'print-identifier' = 'distinct')")
t_env.execute_sql("""
    INSERT INTO kinds
    SELECT category FROM orders
    UNION
    SELECT TRIM(customer) FROM orders WHERE qty >= 2
""").wait()
