"""Pandas UDFs and UDAFs over every scalar type PyFlink 2.3 converts through Arrow: the Series' dtype
and the Python type of its values per argument type (with and without a NULL in the batch: a nullable
integer column becomes float64 with NaN, BOOLEAN object, DECIMAL object of decimal.Decimal, DATE and
TIME objects of datetime, TIMESTAMP(p) datetime64 of its unit with NaT, BYTES object of bytes), and
results of each type converted back per the declared result_type."""
import datetime
import decimal

from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col, lit
from pyflink.table.udf import udaf, udf
from pyflink.table.window import Tumble

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE v (k INT, ti TINYINT, si SMALLINT, i INT, b BOOLEAN, f FLOAT, d DOUBLE, de DECIMAL(10, 2),
                    dt DATE, tm TIME, ts TIMESTAMP(3), s STRING, bi BIGINT)
    WITH ('connector' = 'filesystem', 'path' = 'values.csv', 'format' = 'csv')
""")
# The same rows with a watermark, for a window of pandas UDAFs (a table without one keeps the three rows
# in one batch: a watermark finishes the batch).
t_env.execute_sql("""
    CREATE TABLE wm (k INT, ti TINYINT, si SMALLINT, i INT, b BOOLEAN, f FLOAT, d DOUBLE, de DECIMAL(10, 2),
                    dt DATE, tm TIME, ts TIMESTAMP(3), s STRING, bi BIGINT, WATERMARK FOR ts AS ts)
    WITH ('connector' = 'filesystem', 'path' = 'values.csv', 'format' = 'csv')
""")
v = t_env.from_path("v")
COLUMNS = ["ti", "si", "i", "b", "f", "d", "de", "dt", "tm", "ts", "s", "bi"]


@udf(result_type=DataTypes.STRING(), func_type="pandas")
def dtype(column):
    return column.astype(object).map(lambda _: str(column.dtype))


@udf(result_type=DataTypes.STRING(), func_type="pandas")
def pytype(column):
    return column.astype(object).map(lambda x: type(x).__name__)


@udf(result_type=DataTypes.STRING(), func_type="pandas")
def text(column):
    return column.astype(object).map(repr).str[:28]


t_env.create_temporary_function("dtype", dtype)
t_env.create_temporary_function("pytype", pytype)
# Without NULLs, then with one (row 2) in every column of the batch.
v.select(*[dtype(col(c)).alias(c) for c in COLUMNS]).execute().print()
v.select(*[pytype(col(c)).alias(c) for c in COLUMNS]).execute().print()
nulls = ", ".join(f"dtype(CASE WHEN k = 2 THEN NULL ELSE {c} END) AS {c}" for c in COLUMNS)
t_env.sql_query(f"SELECT {nulls} FROM v").execute().print()
nulls = ", ".join(f"pytype(CASE WHEN k = 2 THEN NULL ELSE {c} END) AS {c}" for c in COLUMNS)
t_env.sql_query(f"SELECT {nulls} FROM v").execute().print()
v.select(col("k"), text(col("de")), text(col("dt")), text(col("tm")), text(col("ts"))) \
    .execute().print()


# Results of each type: computed from the Series, converted back to the declared type.
def typed(result_type):
    return lambda f: udf(f, result_type=result_type, func_type="pandas")


@typed(DataTypes.TINYINT())
def plus_ti(s):
    return s + 1


@typed(DataTypes.SMALLINT())
def plus_si(s):
    return s * 2


@typed(DataTypes.INT())
def plus_i(s):
    return s - 1


@typed(DataTypes.BOOLEAN())
def negate(s):
    return ~s


@typed(DataTypes.FLOAT())
def third_f(s):
    return s / 3


@typed(DataTypes.DOUBLE())
def third_d(s):
    return s / 3


@typed(DataTypes.DECIMAL(12, 3))
def tax(s):
    return s.map(lambda x: None if x is None else x * 2 + decimal.Decimal("0.001"))


@typed(DataTypes.DATE())
def next_day(s):
    return s.map(lambda x: None if x is None else x + datetime.timedelta(days=1))


@typed(DataTypes.TIME())
def later(s):
    return s.map(lambda x: x.replace(minute=(x.minute + 1) % 60))


@typed(DataTypes.TIMESTAMP(3))
def shifted(s):
    return s + datetime.timedelta(milliseconds=1500)


@typed(DataTypes.STRING())
def upper(s):
    return s.str.upper()


@typed(DataTypes.BIGINT())
def big(s):
    return s * 1000000000000


@typed(DataTypes.BYTES())
def encoded(s):
    return s.str.encode("utf-8")


@typed(DataTypes.DECIMAL(10, 2))
def from_int(s):
    return s.map(decimal.Decimal)


v.select(col("k"), plus_ti(col("ti")), plus_si(col("si")), plus_i(col("i")), negate(col("b")),
         third_f(col("f")), third_d(col("d")), tax(col("de")), next_day(col("dt")), later(col("tm")),
         shifted(col("ts")), upper(col("s")), big(col("bi")), encoded(col("s")), from_int(col("k")),
         text(encoded(col("s")))) \
    .execute().print()
# The same with a NULL in the batch (NaN and None convert back to NULL).
t_env.create_temporary_function("tax", tax)
t_env.create_temporary_function("next_day", next_day)
t_env.create_temporary_function("plus_i", plus_i)
t_env.create_temporary_function("encoded", encoded)
t_env.sql_query("""
    SELECT k, tax(CASE WHEN k = 2 THEN NULL ELSE de END), next_day(CASE WHEN k = 2 THEN NULL ELSE dt END),
           plus_i(CASE WHEN k = 2 THEN NULL ELSE i END), encoded(CASE WHEN k = 2 THEN NULL ELSE s END)
    FROM v
""").execute().print()


# Pandas UDAFs take and return these types too.
def agg(result_type):
    return lambda f: udaf(f, result_type=result_type, func_type="pandas")


@agg(DataTypes.DECIMAL(10, 2))
def de_max(s):
    return s.max()


@agg(DataTypes.DATE())
def dt_min(s):
    return s.min()


@agg(DataTypes.TIME())
def tm_max(s):
    return s.max()


@agg(DataTypes.TIMESTAMP(3))
def ts_max(s):
    return s.max()


@agg(DataTypes.TINYINT())
def ti_min(s):
    return s.min()


@agg(DataTypes.SMALLINT())
def si_sum(s):
    return s.sum()


@agg(DataTypes.BOOLEAN())
def b_any(s):
    return s.any()


@agg(DataTypes.FLOAT())
def f_sum(s):
    return s.sum()


@agg(DataTypes.BYTES())
def s_bytes(s):
    return "".join(s).encode()


@agg(DataTypes.STRING())
def dtypes(de, dt, tm, ts):
    return " ".join(str(x.dtype) for x in [de, dt, tm, ts])


t_env.from_path("wm").window(Tumble.over(lit(10).seconds).on(col("ts")).alias("w")) \
    .group_by(col("w")) \
    .select(col("w").start.alias("w_start"), de_max(col("de")), dt_min(col("dt")), tm_max(col("tm")),
            ts_max(col("ts")), ti_min(col("ti")), si_sum(col("si")), b_any(col("b")), f_sum(col("f")),
            s_bytes(col("s")), dtypes(col("de"), col("dt"), col("tm"), col("ts"))) \
    .execute().print()


# BYTES arguments (here a general UDF's BYTES result, which crosses to the pandas function through
# Arrow) and the TIMESTAMP precisions' datetime64 units.
@udf(result_type=DataTypes.BYTES())
def to_bytes(s):
    return None if s == "" else s.encode()


t_env.create_temporary_function("to_bytes", to_bytes)
t_env.create_temporary_function("text", text)
t_env.sql_query("""
    SELECT k, dtype(to_bytes(s)) AS b_dtype, text(to_bytes(s)) AS b_text, dtype(CAST(ts AS TIMESTAMP(0))) AS ts0,
           dtype(CAST(ts AS TIMESTAMP(6))) AS ts6, dtype(CAST(ts AS TIMESTAMP(9))) AS ts9
    FROM v
""").execute().print()
