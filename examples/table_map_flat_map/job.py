"""The Table API's map() and flat_map() with Python functions: a udf called with the whole row as
one Row (its ROW result type names the columns), a udf called on chosen columns, and a udtf whose
rows become the table."""
from pyflink.common import Row
from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col
from pyflink.table.udf import udf, udtf

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")

orders = t_env.from_elements(
    [(1, "apple pie", 3), (2, "kiwi", 0), (3, "plum tart slice", 2)],
    ["id", "name", "qty"])


@udf(result_type=DataTypes.ROW([DataTypes.FIELD("id2", DataTypes.BIGINT()),
                                DataTypes.FIELD("words", DataTypes.INT()),
                                DataTypes.FIELD("label", DataTypes.STRING())]))
def widen(r: Row):
    return Row(r.id * 2, len(r.name.split()), f"{r.name}x{r[2]}")


@udf(result_type=DataTypes.ROW([DataTypes.FIELD("s", DataTypes.BIGINT()),
                                DataTypes.FIELD("upper", DataTypes.STRING())]))
def combine(a, b):
    return Row(a * 10 + len(b), b.upper())


@udtf(result_types=[DataTypes.BIGINT(), DataTypes.STRING()])
def explode(r):
    for word in r.name.split()[:r.qty]:
        yield r.id, word


# 1. map(f): f gets one Row of all columns; its ROW fields are the columns.
orders.map(widen).execute().print()

# 2. map(f(col, col)): separate arguments; then alias the columns.
orders.map(combine(col("id"), col("name"))).alias("x", "y").execute().print()

# 3. flat_map(f): the udtf's rows are the table (columns f0, f1).
orders.flat_map(explode).execute().print()

# 4. flat_map with aliased columns, then a select over them.
orders.flat_map(explode).alias("order_id", "word") \
    .select(col("word"), col("order_id")) \
    .execute().print()
