"""Pandas UDAFs with ROW and ARRAY results in group windows: a ROW result_type takes a Row (or tuple)
back, which PyFlink turns into a one-row DataFrame per window; an ARRAY one a list or numpy array."""
from pyflink.common import Row
from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col, lit
from pyflink.table.udf import udaf
from pyflink.table.window import Tumble

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE events (id BIGINT, usr STRING, amount DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
    WITH ('connector' = 'filesystem', 'path' = 'events.csv', 'format' = 'csv')
""")


@udaf(result_type=DataTypes.ROW([DataTypes.FIELD("lo", DataTypes.DOUBLE()), DataTypes.FIELD("hi", DataTypes.DOUBLE()),
                                 DataTypes.FIELD("top", DataTypes.STRING())]), func_type="pandas")
def summary(amount, usr):
    return Row(amount.min(), amount.max(), usr[amount.idxmax()])


@udaf(result_type=DataTypes.ROW([DataTypes.FIELD("n", DataTypes.BIGINT()), DataTypes.FIELD("first", DataTypes.BIGINT())]),
      func_type="pandas")
def count_first(id_):
    # A tuple works as a Row.
    return len(id_), id_.iloc[0]


@udaf(result_type=DataTypes.ARRAY(DataTypes.STRING()), func_type="pandas")
def users(usr):
    return sorted(set(usr))


@udaf(result_type=DataTypes.ARRAY(DataTypes.BIGINT()), func_type="pandas")
def ids(id_):
    # A numpy array converts as a list does.
    return id_.values


t_env.from_path("events").window(Tumble.over(lit(10).seconds).on(col("ts")).alias("w")) \
    .group_by(col("w")) \
    .select(col("w").start.alias("w_start"), summary(col("amount"), col("usr")).alias("s"),
            count_first(col("id")).alias("c"), users(col("usr")).alias("u"), ids(col("id")).alias("i")) \
    .execute().print()
