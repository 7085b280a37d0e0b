"""The Table API's aggregate() with a Python aggregate function of a ROW result type: per group
(group_by(...).aggregate(...)) and over the whole table (aggregate(...)); the ROW's fields become
the columns the following select() reads."""
from pyflink.common import Row
from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col
from pyflink.table.udf import AggregateFunction, udaf


class Stats(AggregateFunction):
    """Sum, count and the largest value."""

    def create_accumulator(self):
        return Row(0, 0, None)

    def accumulate(self, acc, v):
        acc[0] += v
        acc[1] += 1
        if acc[2] is None or v > acc[2]:
            acc[2] = v

    def get_value(self, acc):
        return Row(acc[0], acc[1], acc[2])


stats = udaf(Stats(),
             result_type=DataTypes.ROW([DataTypes.FIELD("total", DataTypes.BIGINT()),
                                        DataTypes.FIELD("cnt", DataTypes.BIGINT()),
                                        DataTypes.FIELD("top", DataTypes.BIGINT())]),
             accumulator_type=DataTypes.ROW([DataTypes.FIELD("s", DataTypes.BIGINT()),
                                             DataTypes.FIELD("c", DataTypes.BIGINT()),
                                             DataTypes.FIELD("m", DataTypes.BIGINT())]))

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")

sales = t_env.from_elements(
    [("north", 10), ("south", 20), ("north", 30), ("north", 5), ("east", 7)],
    ["region", "amount"])

# 1. Per group: the aliased ROW fields next to the key.
sales.group_by(col("region")) \
    .aggregate(stats(col("amount")).alias("total", "n", "biggest")) \
    .select(col("region"), col("total"), col("biggest"), col("n")) \
    .execute().print()

# 2. select(col("*")): the keys, then the ROW's columns; an expression over them.
sales.group_by(col("region")) \
    .aggregate(stats(col("amount") * 2).alias("t", "c", "m")) \
    .select(col("*"), (col("t") / col("c")).alias("mean")) \
    .execute().print()

# 3. Without group_by: one row for the whole table.
sales.aggregate(stats(col("amount")).alias("total", "n", "biggest")) \
    .select(col("n"), col("total")) \
    .execute().print()
