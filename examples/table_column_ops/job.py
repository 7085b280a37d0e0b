"""Table API column operations and set operations: add_columns, add_or_replace_columns,
rename_columns, drop_columns, filter, distinct and union_all, with expression-DSL methods and functions
(concat, ...)."""
from pyflink.table import EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col, concat, lit

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")

orders = t_env.from_elements(
    [(1, "alice", 30), (2, "bob", 12), (3, "alice", 30), (4, "carol", 7)],
    ["id", "customer", "amount"])

orders.add_columns((col("amount") * 2).alias("double_amount"), concat(col("customer"), lit("!")).alias("shout")) \
    .add_or_replace_columns((col("amount") + 1).alias("amount")) \
    .rename_columns(col("customer").alias("buyer")) \
    .drop_columns(col("id"), col("shout")) \
    .filter(col("amount") > 10) \
    .execute().print()

orders.select(col("customer"), col("amount")).distinct().execute().print()

returns = t_env.from_elements([(9, "dave", 5), (1, "alice", 30)], ["id", "customer", "amount"])
orders.union_all(returns).select(col("customer"), col("amount")).execute().print()
orders.union_all(returns).distinct().execute().print()
