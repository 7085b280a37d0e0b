"""Regular inner joins in SQL over two CSV tables: an equi-join with table aliases and qualified
columns, an extra non-equi predicate in ON, WHERE and GROUP BY over a join (a count: the order of
one key's matches is Flink's hash order), a three-way join, and
SELECT * with repeated column names (numbered as Flink numbers them). Two sources feed each join and
Flink interleaves them in no defined order: compared as a multiset."""
from pyflink.table import EnvironmentSettings, TableEnvironment

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE orders (id INT, customer STRING, amount BIGINT)
    WITH ('connector' = 'filesystem', 'path' = 'orders.csv', 'format' = 'csv')
""")
t_env.execute_sql("""
    CREATE TABLE customers (name STRING, city STRING, country STRING)
    WITH ('connector' = 'filesystem', 'path' = 'customers.csv', 'format' = 'csv')
""")
t_env.execute_sql("""
    CREATE TABLE enriched (id INT, customer STRING, city STRING, amount BIGINT)
    WITH ('connector' = 'print', 'print-identifier' = 'enriched')
""")
t_env.execute_sql("""
    INSERT INTO enriched
    SELECT o.id, o.customer, c.city, o.amount
    FROM orders AS o JOIN customers AS c ON o.customer = c.name
""").wait()

t_env.execute_sql("""
    SELECT o.id, c.name, o.amount * 2 AS doubled
    FROM orders o INNER JOIN customers c ON c.name = o.customer AND o.amount > 15
    WHERE c.country <> 'IT'
""").print()

t_env.execute_sql("""
    SELECT c.country, COUNT(*) AS n
    FROM orders o JOIN customers c ON o.customer = c.name
    GROUP BY c.country
""").print()

t_env.execute_sql("""
    SELECT a.id, b.id AS other, a.customer
    FROM orders a JOIN orders b ON a.customer = b.customer AND a.id < b.id
    JOIN customers c ON b.customer = c.name
""").print()

t_env.execute_sql("SELECT * FROM customers JOIN customers AS c2 ON customers.name = c2.name "
                  "WHERE customers.city = 'Rome'").print()
