"""Pandas (vectorized) scalar UDFs, `func_type="pandas"`: each call gets a batch of rows as one
pandas.Series per argument (a literal as a plain value) and returns a Series as long. In select and
where, in SQL, chained, declared with input_types, as udf(f, ...) and as a ScalarFunction; the dtypes
PyFlink hands over, with and without NULLs in the batch; python.fn-execution.arrow.batch.size cutting
the rows per call."""
from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col, lit
from pyflink.table.udf import ScalarFunction, udf

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE orders (id BIGINT, usr STRING, amount DOUBLE, qty INT, ts TIMESTAMP(3))
    WITH ('connector' = 'filesystem', 'path' = 'orders.csv', 'format' = 'csv')
""")
orders = t_env.from_path("orders")


@udf(result_type=DataTypes.DOUBLE(), func_type="pandas")
def with_tax(amount, rate):
    # `rate` is a literal: a plain float, not a Series.
    return amount * (1 + rate)


@udf(input_types=[DataTypes.DOUBLE()], result_type=DataTypes.BOOLEAN(), func_type="pandas")
def is_large(amount):
    return amount > 6.0


@udf(result_type=DataTypes.STRING(), func_type="pandas")
def first_letter(name):
    return name.str.upper().str[:1]


def shout(s):
    return s + "!"


shout = udf(shout, result_type=DataTypes.STRING(), func_type="pandas")


class Scale(ScalarFunction):
    def __init__(self, factor):
        self.factor = factor

    def eval(self, qty):
        return qty * self.factor


scale = udf(Scale(10), result_type=DataTypes.INT(), func_type="pandas")


@udf(result_type=DataTypes.STRING(), func_type="pandas")
def dtype(column):
    # The Series' name and dtype, as PyFlink hands them over.
    return column.astype(object).map(lambda _: f"{column.name}:{column.dtype}")


@udf(result_type=DataTypes.BIGINT(), func_type="pandas")
def plus_one(n):
    return n + 1


orders.where(is_large(col("amount"))) \
    .select(col("id"), col("usr"), with_tax(col("amount"), lit(0.5)).alias("gross"),
            shout(first_letter(col("usr"))).alias("tag"), scale(col("qty")).alias("scaled")) \
    .execute().print()

orders.select(dtype(col("id")), dtype(col("usr")), dtype(col("amount")), dtype(col("qty")), dtype(col("ts")),
              dtype(col("qty") + 1)) \
    .execute().print()

t_env.create_temporary_function("first_letter", first_letter)
t_env.create_temporary_function("is_large", is_large)
t_env.sql_query("SELECT usr, first_letter(usr) AS i, amount FROM orders WHERE is_large(amount) AND qty > 1") \
    .execute().print()

rows = t_env.from_elements(
    [(1, "a", True, 1.5), (None, None, None, None), (3, "c", False, 2.5)],
    DataTypes.ROW([DataTypes.FIELD("n", DataTypes.BIGINT()), DataTypes.FIELD("s", DataTypes.STRING()),
                   DataTypes.FIELD("b", DataTypes.BOOLEAN()), DataTypes.FIELD("x", DataTypes.FLOAT())]))
rows.select(dtype(col("n")), dtype(col("s")), dtype(col("b")), dtype(col("x")), plus_one(col("n")).alias("n1"),
            shout(col("s")).alias("s1")) \
    .execute().print()


@udf(result_type=DataTypes.BIGINT(), func_type="pandas")
def batch_rows(n):
    # How many rows each call gets: python.fn-execution.arrow.batch.size cuts the batches.
    return n.map(lambda _: len(n))


t_env.get_config().set("python.fn-execution.arrow.batch.size", "4")
orders.select(col("id"), batch_rows(col("id")).alias("batch")).execute().print()
