"""Batch mode (`EnvironmentSettings.in_batch_mode()`): final results only. A group aggregate emits
each group once (in the order the groups first appear, as Flink's hash aggregation), HAVING filters
the final groups, ORDER BY sorts (with or without LIMIT, also over an aggregate or an outer join's
result), the boxed print has no op column, and
event-time windows fire at the end of the input with no row late."""
from pyflink.table import EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col

t_env = TableEnvironment.create(EnvironmentSettings.in_batch_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.get_config().set("table.local-time-zone", "UTC")
fruit = t_env.from_elements(
    [(1, "cherry", 2.0), (2, "apple", 3.0), (3, "elder", 1.0), (4, "banana", 1.0), (5, "apple", 4.0),
     (6, "date", 1.5), (7, "cherry", 1.0)], ["id", "name", "score"])
t_env.create_temporary_view("fruit", fruit)

fruit.group_by(col("name")).select(col("name"), col("score").sum.alias("total"), col("id").count.alias("n")) \
    .execute().print()
fruit.where(col("score") > 1.0).select(col("id"), col("name")).execute().print()
t_env.execute_sql("SELECT name, COUNT(*) AS c FROM fruit GROUP BY name HAVING COUNT(*) > 1").print()
t_env.execute_sql("SELECT DISTINCT name FROM fruit").print()
t_env.execute_sql("SELECT name, score FROM fruit ORDER BY score DESC, id LIMIT 3").print()
t_env.execute_sql("SELECT name FROM fruit WHERE score > 10").print()
t_env.execute_sql("SELECT name, COUNT(*) AS c, MAX(score) AS m FROM fruit GROUP BY name ORDER BY c DESC, name").print()
fruit.group_by(col("name")).select(col("name"), col("score").sum.alias("s")).order_by(col("s").desc, col("name")).execute().print()
fruit.order_by(col("score"), col("id")).offset(1).fetch(2).execute().print()
colors = t_env.from_elements([("apple", "red"), ("cherry", "red"), ("date", "brown")], ["fruit", "color"])
t_env.create_temporary_view("colors", colors)
t_env.execute_sql("""
    SELECT color, COUNT(*) AS n FROM fruit LEFT JOIN colors ON fruit.name = colors.fruit
    GROUP BY color ORDER BY n DESC, color
""").print()

t_env.execute_sql("""
    CREATE TABLE events (usr STRING, cents BIGINT, epoch BIGINT,
                         ts AS TO_TIMESTAMP(FROM_UNIXTIME(epoch)),
                         WATERMARK FOR ts AS ts - INTERVAL '0' SECOND)
    WITH ('connector' = 'filesystem', 'path' = 'events.csv', 'format' = 'csv')
""")
t_env.execute_sql("CREATE TABLE totals (usr STRING, total BIGINT) WITH ('connector' = 'print')")
t_env.execute_sql("INSERT INTO totals SELECT usr, SUM(cents) FROM events GROUP BY usr").wait()
t_env.execute_sql("""
    SELECT window_start, COUNT(*) AS n, SUM(cents) AS cents
    FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND))
    GROUP BY window_start, window_end
""").print()
print(fruit.group_by(col("name")).select(col("name"), col("id").max.alias("last")).to_pandas())
