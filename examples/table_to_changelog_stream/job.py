"""to_changelog_stream: an updating table (a GROUP BY) continues as a DataStream of Rows whose row kinds
(+I, -U, +U) the DataStream API sees: printed as Flink prints Rows, and read with get_row_kind() in a
map."""
from pyflink.common import Row
from pyflink.common.typeinfo import Types
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.table import StreamTableEnvironment
from pyflink.table.expressions import col

env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
t_env = StreamTableEnvironment.create(stream_execution_environment=env)

orders = t_env.from_elements(
    [("alice", 3), ("bob", 5), ("alice", 4), ("carol", 1), ("bob", 2)],
    ["customer", "amount"])
totals = orders.group_by(col("customer")) \
    .select(col("customer"), col("amount").sum.alias("total"), col("amount").count.alias("orders"))

changes = t_env.to_changelog_stream(totals)
changes.print()


def describe(row: Row):
    return f"{row.get_row_kind()} {row['customer']} total={row['total']}"


changes.map(describe, output_type=Types.STRING()).print()
env.execute("changelog")
