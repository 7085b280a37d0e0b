"""Pandas (vectorized) UDAFs, `udaf(..., func_type="pandas")`: called once per window or over-window
frame with one pandas.Series per argument over its rows, returning a scalar. Where PyFlink 2.3 allows
them in streaming mode: Table API Tumble and Slide group windows, and bounded over windows (Table API
and SQL, ROWS and RANGE frames). Compared as a multiset: the rows of one window for several keys fire
in the order of Flink's key-group timer queues."""
from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col, lit, row_interval
from pyflink.table.udf import AggregateFunction, udaf
from pyflink.table.window import Over, Slide, Tumble

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE orders (id BIGINT, usr STRING, amount DOUBLE, qty INT, ts TIMESTAMP(3),
                         WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
    WITH ('connector' = 'filesystem', 'path' = 'orders.csv', 'format' = 'csv')
""")
orders = t_env.from_path("orders")


@udaf(result_type=DataTypes.DOUBLE(), func_type="pandas")
def mean_amount(amount):
    return amount.mean()


@udaf(result_type=DataTypes.INT(), func_type="pandas")
def qty_span(qty):
    return qty.max() - qty.min()


@udaf(result_type=DataTypes.DOUBLE(), func_type="pandas")
def weighted(amount, qty):
    return (amount * qty).sum() / qty.sum()


@udaf(result_type=DataTypes.STRING(), func_type="pandas")
def ids(id_):
    # The frame's rows in order, and what the Series looks like (index from 0, named after the column).
    return f"{id_.name}{list(id_.index)}=" + ",".join(str(i) for i in id_)


class Largest(AggregateFunction):
    """An AggregateFunction used as a pandas UDAF: accumulate() receives the Series."""

    def create_accumulator(self):
        return []

    def accumulate(self, accumulator, amount):
        accumulator.append(amount.max())

    def get_value(self, accumulator):
        return accumulator[0]


largest = udaf(Largest(), result_type=DataTypes.DOUBLE(), func_type="pandas")

orders.window(Tumble.over(lit(5).seconds).on(col("ts")).alias("w")) \
    .group_by(col("w"), col("usr")) \
    .select(col("usr"), col("w").start.alias("w_start"), col("w").end.alias("w_end"),
            mean_amount(col("amount")).alias("mean"), qty_span(col("qty")).alias("span"),
            largest(col("amount")).alias("top"), ids(col("id")).alias("rows")) \
    .execute().print()

orders.window(Slide.over(lit(10).seconds).every(lit(5).seconds).on(col("ts")).alias("w")) \
    .group_by(col("w"), col("usr")) \
    .select(col("usr"), col("w").end.alias("w_end"), weighted(col("amount"), col("qty")).alias("weighted"),
            ids(col("id")).alias("rows")) \
    .execute().print()

orders.over_window(Over.partition_by(col("usr")).order_by(col("ts")).preceding(row_interval(2)).alias("w")) \
    .select(col("usr"), col("id"), mean_amount(col("amount")).over(col("w")).alias("mean3"),
            ids(col("id")).over(col("w")).alias("rows")) \
    .execute().print()

orders.over_window(Over.partition_by(col("usr")).order_by(col("ts")).preceding(lit(5).seconds).alias("w")) \
    .select(col("usr"), col("id"), weighted(col("amount"), col("qty")).over(col("w")).alias("weighted_5s"),
            ids(col("id")).over(col("w")).alias("rows")) \
    .execute().print()

t_env.create_temporary_function("qty_span", qty_span)
t_env.sql_query("""
    SELECT usr, id, qty_span(qty) OVER (PARTITION BY usr ORDER BY ts
                                        ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS span2
    FROM orders
""").execute().print()
