"""The Table API's flat_aggregate() with a Python table aggregate function (the Top-2 of PyFlink's
docs): per group, the rows emit_value yields. With one row per bundle, each change of a group
retracts (-D) the rows it emitted before and inserts (+I) the new ones."""
from pyflink.common import Row
from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col
from pyflink.table.udf import TableAggregateFunction, udtaf


class Top2(TableAggregateFunction):

    def emit_value(self, accumulator):
        yield Row(accumulator[0], 1)
        if accumulator[1] is not None:
            yield Row(accumulator[1], 2)

    def create_accumulator(self):
        return [None, None]

    def accumulate(self, accumulator, row):
        if row.price is not None:
            if accumulator[0] is None or row.price > accumulator[0]:
                accumulator[1] = accumulator[0]
                accumulator[0] = row.price
            elif accumulator[1] is None or row.price > accumulator[1]:
                accumulator[1] = row.price

    def get_accumulator_type(self):
        return DataTypes.ARRAY(DataTypes.BIGINT())

    def get_result_type(self):
        return DataTypes.ROW([DataTypes.FIELD("top", DataTypes.BIGINT()),
                              DataTypes.FIELD("rank", DataTypes.INT())])


class MaxOf(TableAggregateFunction):
    """Called on chosen columns: the largest value and how many rows were seen."""

    def create_accumulator(self):
        return [None, 0]

    def accumulate(self, accumulator, value):
        accumulator[1] += 1
        if accumulator[0] is None or value > accumulator[0]:
            accumulator[0] = value

    def emit_value(self, accumulator):
        yield Row(accumulator[0], accumulator[1])


top2 = udtaf(Top2())
max_of = udtaf(MaxOf(),
               result_type=DataTypes.ROW([DataTypes.FIELD("m", DataTypes.BIGINT()),
                                          DataTypes.FIELD("n", DataTypes.BIGINT())]),
               accumulator_type=DataTypes.ARRAY(DataTypes.BIGINT()))

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")

items = t_env.from_elements(
    [(1, "fruit", 3), (2, "veg", 2), (3, "fruit", 7), (4, "fruit", 5), (5, "veg", 1)],
    ["id", "kind", "price"])

# 1. All rows in one bundle: each group's final rows, inserted once.
items.group_by(col("kind")).flat_aggregate(top2).select(col("kind"), col("top"), col("rank")) \
    .execute().print()

# 2. Called on a column, aliased, without group_by.
items.flat_aggregate(max_of(col("price")).alias("biggest", "seen")) \
    .select(col("seen"), col("biggest")) \
    .execute().print()

# 3. One row per bundle: every change retracts the group's previous rows.
t_env.get_config().set("python.fn-execution.bundle.size", "1")
items.group_by(col("kind")).flat_aggregate(top2).select(col("*")) \
    .execute().print()
