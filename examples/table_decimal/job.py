"""DECIMAL columns read from CSV, DECIMAL arithmetic with Flink's result types and HALF_UP rounding,
SUM/AVG/MIN/MAX over DECIMAL, and CAST to and from DECIMAL; printed by the print connector and by
execute().print()."""
from pyflink.table import EnvironmentSettings, TableEnvironment

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE prices (id INT, price DECIMAL(10, 2), qty INT)
    WITH ('connector' = 'filesystem', 'path' = 'prices.csv', 'format' = 'csv')
""")
t_env.execute_sql("""
    CREATE TABLE totals (id INT, total DECIMAL(38, 2), average DECIMAL(38, 6), low DECIMAL(10, 2),
                         high DECIMAL(10, 2), share DOUBLE)
    WITH ('connector' = 'print')
""")
t_env.execute_sql("""
    INSERT INTO totals
    SELECT id, SUM(price * qty), AVG(price), MIN(price), MAX(price), CAST(SUM(price) AS DOUBLE) / 3
    FROM prices GROUP BY id
""").wait()
t_env.sql_query("""
    SELECT id, price, price * qty AS amount, price / 3 AS third, price + 0.005 AS bumped,
           ROUND(price, 1) AS r, FLOOR(price) AS f, CEIL(price) AS c, ABS(price) AS a,
           CAST(price AS INT) AS whole, CAST(price AS STRING) AS text, CAST('2.345' AS DECIMAL(5, 2)) AS parsed,
           price > 10 AS big, COALESCE(price, 0) AS p0
    FROM prices
""").execute().print()
