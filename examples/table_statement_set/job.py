"""Statement sets: several INSERTs run as one job by StatementSet.execute() — SQL (add_insert_sql)
and Table API (add_insert) sinks over one CSV table, one of them a retracting aggregate. Flink runs the
sinks in one job and interleaves their lines in no defined order: compared as a multiset."""
from pyflink.table import EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE orders (id INT, customer STRING, category STRING, price DOUBLE, qty INT)
    WITH ('connector' = 'filesystem', 'path' = 'orders.csv', 'format' = 'csv')
""")
t_env.execute_sql("CREATE TABLE big (id INT, customer STRING, total DOUBLE) "
                  "WITH ('connector' = 'print', 'print-identifier' = 'big')")
t_env.execute_sql("CREATE TABLE per_category (category STRING, n BIGINT, qty INT) "
                  "WITH ('connector' = 'print', 'print-identifier' = 'per_category')")
t_env.execute_sql("CREATE TABLE games (customer STRING, price DOUBLE) "
                  "WITH ('connector' = 'print', 'print-identifier' = 'games')")

stmt_set = t_env.create_statement_set()
stmt_set.add_insert_sql("INSERT INTO big SELECT id, customer, price * qty FROM orders WHERE price * qty > 20")
stmt_set.add_insert_sql("""
    INSERT INTO per_category
    SELECT category, COUNT(*), SUM(qty) FROM orders GROUP BY category
""")
games = t_env.from_path("orders").where(col("category") == "Games").select(col("customer"), col("price"))
stmt_set.add_insert("games", games)
stmt_set.execute().wait()

# A second set, after the first ran: only its own insert runs.
again = t_env.create_statement_set()
again.add_insert("big", t_env.from_path("orders").where(col("id") == 1)
                 .select(col("id"), col("customer"), col("price")))
again.execute().wait()
