"""Pandas UDFs with ROW arguments and results: a ROW-typed argument reaches the function as a
pandas.DataFrame of its fields (a NULL field as NaN or None, with the dtypes PyFlink gives), and a ROW result_type takes a
DataFrame back, its columns in field order (pandas NaN and None are NULL fields). In select, chained
(another pandas function's DataFrame passes as it is), from a general UDF's ROW result, and in
map() of the Table API, whose pandas function gets the whole input row as one DataFrame."""
import datetime
import decimal

import pandas as pd
from pyflink.common import Row
from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col
from pyflink.table.udf import udf

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE items (id BIGINT, name STRING, price DECIMAL(8, 2), dt DATE, x DOUBLE)
    WITH ('connector' = 'filesystem', 'path' = 'items.csv', 'format' = 'csv')
""")
items = t_env.from_path("items")

PAIR = DataTypes.ROW([DataTypes.FIELD("n", DataTypes.BIGINT()), DataTypes.FIELD("s", DataTypes.STRING())])


@udf(result_type=PAIR, func_type="pandas")
def pair(n, s):
    # Columns by position: the DataFrame's own column names do not matter.
    return pd.DataFrame({"first": n * 10, "second": s.str.upper()})


@udf(result_type=PAIR)
def row_pair(n, s):
    # A general UDF's ROW result, with a NULL field.
    return Row(n + 1, s or None)


@udf(result_type=DataTypes.STRING(), func_type="pandas")
def describe(r):
    kind = f"{type(r).__name__}[{','.join(r.columns)}]:{','.join(r.dtypes.astype(str))}"
    return pd.Series([kind] * len(r))


@udf(result_type=DataTypes.STRING(), func_type="pandas")
def fields(r):
    return r.astype(object).apply(lambda row: "|".join(repr(v) for v in row), axis=1)


@udf(result_type=DataTypes.ROW([DataTypes.FIELD("price2", DataTypes.DECIMAL(9, 2)),
                                DataTypes.FIELD("next", DataTypes.DATE()),
                                DataTypes.FIELD("half", DataTypes.DOUBLE())]), func_type="pandas")
def typed(price, day, x):
    return pd.DataFrame({
        "a": price.map(lambda p: None if p is None else p * 2),
        "b": day.map(lambda d: d + datetime.timedelta(days=1)),
        "c": x / 2,
    })


items.select(col("id"), pair(col("id"), col("name")).alias("p")).execute().print()
items.select(col("id"), describe(pair(col("id"), col("name"))), fields(pair(col("id"), col("name")))) \
    .execute().print()
items.select(col("id"), row_pair(col("id"), col("name")).alias("r"), describe(row_pair(col("id"), col("name"))),
             fields(row_pair(col("id"), col("name")))) \
    .execute().print()
items.select(col("id"), typed(col("price"), col("dt"), col("x")).alias("t"),
             fields(typed(col("price"), col("dt"), col("x")))) \
    .execute().print()

MAPPED = DataTypes.ROW([DataTypes.FIELD("id2", DataTypes.BIGINT()), DataTypes.FIELD("info", DataTypes.STRING())])


@udf(result_type=MAPPED, func_type="pandas")
def whole(df):
    # map(f): the whole row as one DataFrame, its columns named after the table's.
    info = ",".join(df.columns) + ":" + "".join(t.kind for t in df.dtypes)
    return pd.DataFrame({"a": df["id"] * 2, "b": [info] * len(df)})


@udf(result_type=MAPPED, func_type="pandas")
def some(n, s):
    # map(f(...)): one Series per argument.
    return pd.DataFrame({"a": n + 100, "b": s + "!"})


items.map(whole).execute().print()
items.map(some(col("id"), col("name"))).alias("k", "v").execute().print()
