"""Pandas UDFs with ARRAY arguments and results: an ARRAY argument reaches the function as a Series of
numpy arrays (object dtype; a NULL array as None), and an ARRAY result_type takes a Series of lists or
arrays back (None is a NULL array, None inside a list a NULL element). ARRAY results of general UDFs
pass to pandas functions through Arrow, and a pandas function's ARRAY result passes on to the next
one as the very Series it returned. MAP results take a Series of dicts (or lists of pairs)."""
import numpy as np
import pandas as pd
from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col
from pyflink.table.udf import udf

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t = t_env.from_elements([(1, "a b", 0.5), (2, "", 1.5), (3, "c", -2.0), (4, "d e f", 0.0)], ["id", "s", "x"])


@udf(result_type=DataTypes.ARRAY(DataTypes.BIGINT()), func_type="pandas")
def upto(n):
    return n.map(lambda k: [1, None] if k == 2 else None if k == 4 else list(range(k)))


@udf(result_type=DataTypes.ARRAY(DataTypes.STRING()), func_type="pandas")
def words(s):
    return s.str.split(" ")


@udf(result_type=DataTypes.ARRAY(DataTypes.DOUBLE()), func_type="pandas")
def powers(x):
    # numpy arrays convert back as lists do.
    return x.map(lambda v: np.array([v, v * v]))


@udf(result_type=DataTypes.ARRAY(DataTypes.STRING()))
def general_words(s):
    return s.split(" ") if s else None


@udf(result_type=DataTypes.STRING(), func_type="pandas")
def describe(a):
    return a.map(lambda v: f"{a.dtype}:{type(v).__name__}:{v!r}"[:30])


@udf(result_type=DataTypes.BIGINT(), func_type="pandas")
def total(a):
    return a.map(lambda v: None if v is None else int(pd.Series(v, dtype="float64").sum()))


@udf(result_type=DataTypes.INT())
def size(a):
    # A general UDF gets a pandas function's ARRAY result as a Python list.
    return None if a is None else len(a)


t.select(col("id"), upto(col("id")), words(col("s")), powers(col("x"))).execute().print()
t.select(col("id"), describe(upto(col("id"))), describe(general_words(col("s")))).execute().print()
t.select(col("id"), general_words(col("s")), total(upto(col("id"))), size(words(col("s")))).execute().print()


@udf(result_type=DataTypes.MAP(DataTypes.STRING(), DataTypes.BIGINT()), func_type="pandas")
def counts(s):
    # Entries keep the dict's order; None is a NULL map or value.
    return s.map(lambda text: None if text == "" else {w: len(w) for w in text.split(" ")} | {"none": None})


@udf(result_type=DataTypes.MAP(DataTypes.BIGINT(), DataTypes.ARRAY(DataTypes.STRING())), func_type="pandas")
def repeated(n):
    return n.map(lambda k: [(k, ["x"] * k)])


t.select(col("id"), counts(col("s")), repeated(col("id"))).execute().print()


@udf(result_type=DataTypes.STRING(), func_type="pandas")
def map_info(m):
    # A pandas function's MAP result passes on to the next one as the very Series it returned.
    return m.map(lambda d: None if d is None else ",".join(sorted(d)))


t.select(col("id"), map_info(counts(col("s")))).execute().print()

# An ARRAY column of from_elements crosses to a pandas function through Arrow too.
lists = t_env.from_elements([(1, [1, 2]), (2, None), (3, [None, 5])],
                            DataTypes.ROW([DataTypes.FIELD("id", DataTypes.BIGINT()),
                                           DataTypes.FIELD("a", DataTypes.ARRAY(DataTypes.BIGINT()))]))
lists.select(col("id"), col("a"), describe(col("a")), total(col("a"))).execute().print()
