"""Flink's Top-N in SQL: ROW_NUMBER() OVER (PARTITION BY k ORDER BY x DESC) in a subquery, filtered
on the row number in the outer query, over an insert-only CSV table. Without the row number in the
result a row entering a partition's top rows is +I and the row it pushes out -D; with it (SELECT *),
each rank that changes is -U of its old row and +U of its new one. Also rn < N, rn = 1, BETWEEN,
no PARTITION BY, other conditions beside the rank range, a view, and the
canonical `SELECT * FROM (SELECT *, ROW_NUMBER() ...)`."""
from pyflink.table import EnvironmentSettings, TableEnvironment

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE sales (id INT, region STRING, fruit STRING, amount INT, qty INT)
    WITH ('connector' = 'filesystem', 'path' = 'sales.csv', 'format' = 'csv')
""")
t_env.execute_sql("""
    CREATE TABLE top2 (region STRING, id INT, amount INT)
    WITH ('connector' = 'print', 'print-identifier' = 'top2')
""")
# The two largest sales per region; the row number is not selected.
t_env.execute_sql("""
    INSERT INTO top2
    SELECT region, id, amount FROM (
        SELECT *, ROW_NUMBER() OVER (PARTITION BY region ORDER BY amount DESC) AS rn FROM sales
    ) WHERE rn <= 2
""").wait()

# With the row number (SELECT *), ties broken by a second key.
t_env.execute_sql("""
    SELECT * FROM (
        SELECT id, region, amount,
               ROW_NUMBER() OVER (PARTITION BY region ORDER BY amount DESC, id) AS rn
        FROM sales
    ) WHERE rn < 3
""").print()

# Without PARTITION BY: the overall smallest quantity, row number selected explicitly.
t_env.execute_sql("""
    SELECT rn, fruit, qty FROM (
        SELECT fruit, qty, ROW_NUMBER() OVER (ORDER BY qty) AS rn FROM sales
    ) WHERE rn = 1
""").print()

# Ranks 2 and 3 per fruit (an offset), with another condition applied after ranking.
t_env.execute_sql("""
    SELECT fruit, region, total FROM (
        SELECT fruit, region, amount * qty AS total,
               ROW_NUMBER() OVER (PARTITION BY fruit ORDER BY amount * qty DESC) AS pos
        FROM sales WHERE id <> 12
    ) WHERE pos BETWEEN 2 AND 3 AND region <> 'east'
""").print()

# The ranking in a view, read through an alias: each fruit's cheapest sale (a top-1: updates).
t_env.execute_sql("""
    CREATE TEMPORARY VIEW cheapest AS
    SELECT fruit, amount, ROW_NUMBER() OVER (PARTITION BY fruit ORDER BY amount) AS rn FROM sales
""")
t_env.execute_sql("SELECT c.fruit, c.amount FROM cheapest AS c WHERE c.rn = 1").print()

# The canonical form: every column and the row number, the two smallest quantities overall.
t_env.execute_sql("""
    SELECT * FROM (
        SELECT *, ROW_NUMBER() OVER (ORDER BY qty, id DESC) AS rn FROM sales
    ) WHERE rn <= 2
""").print()
