"""`TableResult.collect()` and `Table.to_pandas()`: the job's rows handed back to the script as PyFlink
Rows with their row kinds (an updating query's -U/+U too), iterated in a `with` block or directly,
closed early, and materialized into a DataFrame (the changelog applied)."""
from pyflink.table import EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
orders = t_env.from_elements(
    [(1, "apple", 1.5), (2, "pear", None), (3, "apple", 2.25), (4, "fig", 4.0), (5, "apple", 0.5)],
    ["id", "fruit", "price"])

with orders.execute().collect() as results:
    for row in results:
        print(row, row.get_row_kind(), row[1], type(row[0]).__name__)

per_fruit = orders.group_by(col("fruit")).select(col("fruit"), col("id").count.alias("n"), col("price").sum.alias("total"))
for row in per_fruit.execute().collect():
    print(str(row.get_row_kind()), row)

total = 0
for row in t_env.execute_sql("SELECT id, price FROM %s WHERE price IS NOT NULL" % orders).collect():
    total += row[1]
print("total price:", total)

first_two = []
results = orders.execute().collect()
for row in results:
    first_two.append(row[0])
    if len(first_two) == 2:
        break
results.close()
print("first two ids:", first_two)

print(orders.to_pandas())
print(per_fruit.to_pandas())
