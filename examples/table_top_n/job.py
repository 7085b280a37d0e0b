"""ORDER BY ... LIMIT n (Top-N) and LIMIT n in streaming SQL, over an insert-only CSV table: the top
rows so far, +I for a row entering them and -D for the row it evicts; LIMIT alone keeps the first n
rows. Ties keep arrival order; NULLs sort first ascending (Flink's default)."""
from pyflink.table import EnvironmentSettings, TableEnvironment

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE orders (id INT, customer STRING, category STRING, price DOUBLE, qty INT)
    WITH ('connector' = 'filesystem', 'path' = 'orders.csv', 'format' = 'csv')
""")
t_env.execute_sql("""
    CREATE TABLE top_orders (id INT, customer STRING, price DOUBLE)
    WITH ('connector' = 'print', 'print-identifier' = 'top3')
""")
t_env.execute_sql("""
    INSERT INTO top_orders
    SELECT id, customer, price FROM orders ORDER BY price DESC LIMIT 3
""").wait()
t_env.execute_sql("SELECT id, customer, qty FROM orders ORDER BY qty, id DESC LIMIT 4").print()
t_env.execute_sql("SELECT customer, category FROM orders WHERE qty > 1 LIMIT 2").print()
t_env.execute_sql("""
    SELECT id, price * qty AS total FROM orders
    ORDER BY total DESC FETCH FIRST 2 ROWS ONLY
""").print()
