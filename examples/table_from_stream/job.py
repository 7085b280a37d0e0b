"""DataStream -> Table -> DataStream: t_env.from_data_stream(ds) of named Rows, a SQL query over it
(registered as a view), and t_env.to_data_stream(table) continuing with a DataStream map and print."""
from pyflink.common.typeinfo import Types
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.table import StreamTableEnvironment
from pyflink.table.expressions import col

env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
t_env = StreamTableEnvironment.create(stream_execution_environment=env)
ds = env.from_collection([("apple", 3), ("pear", 5), ("apple", 4), ("fig", 1)],
                         type_info=Types.ROW_NAMED(["fruit", "qty"], [Types.STRING(), Types.LONG()]))
table = t_env.from_data_stream(ds)
t_env.create_temporary_view("fruits", table)
t_env.sql_query("SELECT fruit, SUM(qty) AS total FROM fruits GROUP BY fruit").execute().print()

big = table.where(col("qty") > 2).select(col("fruit"), col("qty") * 10)
t_env.to_data_stream(big).map(lambda r: f"{r[0]}:{r[1]}", output_type=Types.STRING()).print()
env.execute()
