"""The Table API's column functions: with_columns(...) with 1-based indices, names and range_(start, end)
(in the order the arguments list them), without_columns(...), with_all_columns(), and with_columns in
group_by keys."""
from pyflink.table import EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col, lit, concat, with_columns, range_, without_columns, with_all_columns
t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t = t_env.from_elements([(1, 'a', 2.0, True), (2, 'b', 3.0, False), (3, 'a', 4.0, True)], ['id', 'name', 'score', 'ok'])
t.select(with_columns(range_(1, 2))).execute().print()
t.select(with_columns(range_('name', 'ok'))).execute().print()
t.select(without_columns(col('score'))).execute().print()
t.select(with_columns(4, range_(1, 2)), (col('score') * 2).alias('s2')).execute().print()
t.select(without_columns(range_(2, 3), 4)).execute().print()
t.select(with_all_columns()).execute().print()
t.group_by(with_columns(col('name'))).select(col('name'), col('score').sum.alias('total')).execute().print()
