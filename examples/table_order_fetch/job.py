"""Table API order_by(...).fetch(n), .limit(n) and .offset(m) over an insert-only table: Flink's
streaming Top-N changelog (+I for a row entering the top rows, -D for the row it pushes out)."""
from pyflink.table import EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")

scores = t_env.from_elements(
    [("ann", 70), ("bob", 90), ("cid", 60), ("dan", 95), ("eve", 80), ("fay", 85), ("gus", 75)],
    ["name", "score"])

scores.order_by(col("score").desc).fetch(3).execute().print()
scores.order_by(col("name")).limit(2).execute().print()
scores.order_by(col("score").asc).offset(2).fetch(2).execute().print()
scores.order_by(col("score").desc, col("name")).limit(1, 2).execute().print()
