"""ROW columns of a JSON source: nested objects read into ROW<...> values (a missing or null
field is NULL, a missing or null object a NULL row), printed whole as PyFlink prints them, and their
fields read with the Table API's get() and SQL's `t.r.field` / `r.field` compound identifiers."""
from pyflink.table import EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE events (
        id BIGINT,
        usr ROW<name STRING, age INT, address ROW<city STRING, zip STRING>>,
        score DOUBLE
    ) WITH ('connector' = 'filesystem', 'path' = 'events.json', 'format' = 'json')
""")
t_env.execute_sql("""
    CREATE TABLE out_rows (id BIGINT, usr ROW<name STRING, age INT, address ROW<city STRING, zip STRING>>)
    WITH ('connector' = 'print')
""")
events = t_env.from_path("events")

events.execute().print()

events.select(
    col("id"),
    col("usr").get("name").alias("name"),
    col("usr").get("age") + 1,
    col("usr").get("address").get("city").alias("city"),
).execute().print()

t_env.sql_query("""
    SELECT e.id, e.usr.name, usr.address.zip AS zip, UPPER(e.usr.address.city) AS city
    FROM events AS e
    WHERE e.usr.age > 30 OR usr.address.city = 'Rome'
""").execute().print()

t_env.execute_sql("INSERT INTO out_rows SELECT id, usr FROM events").wait()
