"""limit() / fetch() without order_by(), and SQL LIMIT without ORDER BY: the first rows in arrival order,
as Flink's streaming limit."""
from pyflink.table import EnvironmentSettings, TableEnvironment
t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t = t_env.from_elements([(i, f"n{i}") for i in range(6)], ['id', 'name'])
t_env.create_temporary_view("t", t)
t_env.execute_sql("SELECT * FROM t LIMIT 3").print()
t.limit(2).execute().print()
t.fetch(2).execute().print()
