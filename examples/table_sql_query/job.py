"""SQL queries: INSERT INTO ... SELECT with WHERE / GROUP BY / HAVING, sql_query() results used by the
Table API, built-in functions, CASE, CAST, DECIMAL literals, DISTINCT, COUNT(DISTINCT), views and a
Python UDF called from SQL."""
from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col
from pyflink.table.udf import udf

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")

t_env.execute_sql("""
    CREATE TABLE orders (
        id INT,
        customer STRING,
        category STRING,
        price DOUBLE,
        qty INT
    ) WITH (
        'connector' = 'filesystem',
        'path' = 'orders.csv',
        'format' = 'csv'
    )
""")


@udf(result_type=DataTypes.STRING())
def tier(price):
    if price is None:
        return "unknown"
    return "premium" if price >= 20 else "budget"


t_env.create_temporary_function("tier", tier)

# 1. INSERT INTO ... SELECT with WHERE, GROUP BY, HAVING and decimal arithmetic.
t_env.execute_sql("""
    CREATE TABLE category_stats (
        category STRING,
        orders BIGINT,
        items INT,
        avg_items DECIMAL(10, 2),
        ratio DECIMAL(38, 17),
        top_price DOUBLE
    ) WITH ('connector' = 'print')
""")
t_env.execute_sql("""
    INSERT INTO category_stats
    SELECT category,
           COUNT(*) AS orders,
           SUM(qty) AS items,
           SUM(qty) * 1.0 / COUNT(*) AS avg_items,
           SUM(qty) * 1.0 / COUNT(*),
           MAX(price) AS top_price
    FROM orders
    WHERE qty > 0
    GROUP BY category
    HAVING COUNT(*) >= 2
""").wait()

# 2. Built-in functions, CASE and CAST in sql_query(), continued with the Table API.
t_env.execute_sql("""
    CREATE TABLE wide (
        id INT, who STRING, cat STRING, len INT, part STRING, tag STRING, shout STRING, trimmed STRING,
        size STRING, whole INT, r DOUBLE, f DOUBLE, c DOUBLE, dist INT, m INT, p0 DOUBLE, many STRING,
        nq INT, scaled DECIMAL(13, 1), id_text STRING, t STRING, cheap BOOLEAN, half DECIMAL(4, 2)
    ) WITH ('connector' = 'print', 'print-identifier' = 'wide')
""")
rows = t_env.sql_query("""
    SELECT id,
           UPPER(customer) AS who,
           LOWER(category) AS cat,
           CHAR_LENGTH(customer) AS len,
           SUBSTRING(customer, 2, 3) AS part,
           CONCAT(customer, '-', category) AS tag,
           customer || '!' AS shout,
           TRIM(customer) AS trimmed,
           CASE WHEN qty >= 3 THEN 'bulk' WHEN qty = 2 THEN 'pair' ELSE 'single' END AS size,
           CAST(NULLIF(price, 1.5) AS INT) AS whole,
           ROUND(NULLIF(price, 1.5), 1) AS r,
           FLOOR(price) AS f,
           CEIL(price) AS c,
           ABS(qty - 5) AS dist,
           MOD(id, 3) AS m,
           COALESCE(NULLIF(price, 1.5), 0.0) AS p0,
           IF(qty > 1, 'many', 'one') AS many,
           NULLIF(qty, 1) AS nq,
           qty * 1.5 AS scaled,
           CAST(id AS STRING) AS id_text,
           tier(NULLIF(price, 1.5)) AS t,
           price < 10 AS cheap,
           CAST(price / 2 AS DECIMAL(4, 2)) AS half
    FROM orders
    WHERE category <> 'Music' OR NULLIF(price, 1.5) IS NULL
""")
rows.where(col("id") > 1).execute_insert("wide").wait()

# 3. SELECT DISTINCT, COUNT(DISTINCT ...), a view over a Table and a SQL view, IN / BETWEEN / LIKE.
t_env.execute_sql("CREATE TABLE names (name STRING) WITH ('connector' = 'print', 'print-identifier' = 'names')")
t_env.execute_sql("INSERT INTO names SELECT DISTINCT TRIM(customer) FROM orders").wait()

t_env.create_temporary_view("big_orders", t_env.from_path("orders").where(col("qty") >= 2))
t_env.execute_sql("""
    CREATE TEMPORARY VIEW shoppers AS
    SELECT customer, COUNT(DISTINCT category) AS categories, COUNT(*) AS n
    FROM big_orders
    WHERE category IN ('Books', 'Games') AND price BETWEEN 1 AND 100 AND customer NOT LIKE 'd%'
    GROUP BY customer
""")
t_env.execute_sql("""
    CREATE TABLE shopper_out (customer STRING, categories BIGINT, n BIGINT)
    WITH ('connector' = 'print', 'print-identifier' = 'shoppers')
""")
t_env.sql_query("SELECT * FROM shoppers").execute_insert("shopper_out").wait()

# 4. A query over a Table named in an f-string, and a Python UDF in a subquery's GROUP BY.
t_env.execute_sql("CREATE TABLE tiers (t STRING, n BIGINT) WITH ('connector' = 'print', 'print-identifier' = 'tiers')")
orders = t_env.from_path("orders")
t_env.sql_query(f"SELECT t, COUNT(*) AS n FROM (SELECT tier(price) AS t FROM {orders}) GROUP BY t") \
    .execute_insert("tiers").wait()
