"""The catalog as a script inspects it: list_tables / list_views / list_temporary_tables /
list_temporary_views / list_user_defined_functions, the current catalog and database, SHOW TABLES /
VIEWS / CURRENT CATALOG printed as Flink prints them (and collected), DROP VIEW, drop_temporary_view
and DROP TEMPORARY TABLE, with a job run in between."""
from pyflink.table import EnvironmentSettings, TableEnvironment, DataTypes
from pyflink.table.udf import udf
t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("CREATE TABLE a (x INT) WITH ('connector' = 'datagen', 'number-of-rows' = '2', 'fields.x.kind' = 'sequence', 'fields.x.start' = '1', 'fields.x.end' = '2')")
t_env.execute_sql("CREATE TEMPORARY TABLE b (x INT) WITH ('connector' = 'print')")
t_env.execute_sql("CREATE VIEW v AS SELECT * FROM a")
t_env.create_temporary_view("tv", t_env.from_path("a"))
t_env.create_temporary_function("plus_one", udf(lambda x: x + 1, result_type=DataTypes.INT()))
print(t_env.list_tables())
print(t_env.list_views())
print(t_env.list_temporary_tables(), t_env.list_temporary_views())
print(t_env.get_current_catalog(), t_env.get_current_database())
print(t_env.list_catalogs(), t_env.list_databases())
print(t_env.list_user_defined_functions())
t_env.execute_sql("SHOW TABLES").print()
t_env.execute_sql("SHOW VIEWS").print()
t_env.execute_sql("SHOW CURRENT CATALOG").print()
print(t_env.drop_temporary_view("tv"))
print(t_env.list_views())
t_env.execute_sql("DROP VIEW v").print()
t_env.execute_sql("INSERT INTO b SELECT plus_one(x) FROM a").wait()
t_env.execute_sql("DROP TEMPORARY TABLE b")
print(t_env.list_tables())
for r in t_env.execute_sql("SHOW TABLES").collect():
    print(r)
