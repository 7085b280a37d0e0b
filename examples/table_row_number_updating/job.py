"""Flink's Top-N over an updating input (the result of a GROUP BY), as its RetractableTopNFunction
ranks it: each -U/+U of the aggregate moves a row out of and into the ranking. Without the row number
the rows leaving the top ranks are -D and those entering +I; with it each changed rank is -U/+U; a
top-1's row number is the constant 1 and its row comes and goes with -D/+I."""
from pyflink.table import EnvironmentSettings, TableEnvironment

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE sales (id INT, region STRING, fruit STRING, amount INT, qty INT)
    WITH ('connector' = 'filesystem', 'path' = 'sales.csv', 'format' = 'csv')
""")
t_env.execute_sql("""
    CREATE TEMPORARY VIEW totals AS
    SELECT fruit, SUM(amount) AS total FROM sales GROUP BY fruit
""")
# The two best-selling fruits, without and with the row number.
t_env.execute_sql("""
    SELECT fruit, total FROM (
        SELECT fruit, total, ROW_NUMBER() OVER (ORDER BY total DESC) AS rn FROM totals
    ) WHERE rn <= 2
""").print()
t_env.execute_sql("""
    SELECT * FROM (
        SELECT fruit, total, ROW_NUMBER() OVER (ORDER BY total DESC) AS rn FROM totals
    ) WHERE rn <= 2
""").print()
# Each region's best fruit (a top-1 per partition, the row number selected).
t_env.execute_sql("""
    SELECT * FROM (
        SELECT region, fruit, total,
               ROW_NUMBER() OVER (PARTITION BY region ORDER BY total DESC) AS rn
        FROM (SELECT region, fruit, SUM(amount) AS total FROM sales GROUP BY region, fruit)
    ) WHERE rn = 1
""").print()
# The worst-selling fruit.
t_env.execute_sql("""
    SELECT fruit, total FROM (
        SELECT fruit, total, ROW_NUMBER() OVER (ORDER BY total) AS rn FROM totals
    ) WHERE rn = 1
""").print()
