"""A Python scalar function with a DataTypes.ROW result used directly in select() and in SQL: its value is
one ROW column, which Flink's boxed print shows as `(f0, f1, ...)`; a later select or function reads the
ROW (a Python function gets it as a Row, without its field names), get(field) / SQL's `f(x).field` its
fields."""
from pyflink.common import Row
from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col
from pyflink.table.udf import udf

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")


@udf(result_type=DataTypes.ROW([DataTypes.FIELD("n", DataTypes.BIGINT()),
                                DataTypes.FIELD("s", DataTypes.STRING())]))
def wrap(x):
    return Row(x, str(x))


@udf(result_type=DataTypes.ROW([DataTypes.FIELD("half", DataTypes.DOUBLE()),
                                DataTypes.FIELD("name", DataTypes.STRING()),
                                DataTypes.FIELD("even", DataTypes.BOOLEAN())]))
def describe(x, name):
    return Row(x / 2, None if x % 2 else name.upper(), x % 2 == 0)


@udf(result_type=DataTypes.STRING())
def show(r):
    # PyFlink passes a ROW argument as a Row without field names: read it by position.
    return f"{r[0]}:{r[1]}:{len(r)}"


people = t_env.from_elements([(1, "ann"), (2, "bob"), (3, "cy"), (4, "dee")], ["id", "name"])

people.select(col("id"), wrap(col("id"))).execute().print()

people.select(col("name"), describe(col("id"), col("name")).alias("d"), wrap(col("id") * 10).alias("w")) \
    .execute().print()

people.select(col("id"), wrap(col("id")).alias("w")) \
    .select(col("w"), show(col("w")).alias("shown")) \
    .execute().print()

# Its fields: get(name) or get(position from 0), typed as the field.
people.select(col("id"), wrap(col("id")).get(0), wrap(col("id")).get("n") + 1,
              describe(col("id"), col("name")).get("name").alias("name")) \
    .execute().print()

t_env.create_temporary_view("people", people)
t_env.create_temporary_function("wrap", wrap)
t_env.create_temporary_function("describe_id", describe)
t_env.sql_query("SELECT id, wrap(id), describe_id(id, name) AS d FROM people WHERE id > 1").execute().print()
t_env.sql_query("SELECT wrap(id).s, describe_id(id, name).half * 2 AS twice FROM people").execute().print()

# Into the print connector: a ROW column prints as +I[...] inside the row.
t_env.execute_sql("""
    CREATE TABLE wrapped (name STRING, r ROW<n BIGINT, s STRING>, d ROW<half DOUBLE, name STRING, even BOOLEAN>)
    WITH ('connector' = 'print')
""")
people.select(col("name"), wrap(col("id")), describe(col("id"), col("name"))).execute_insert("wrapped").wait()
t_env.execute_sql("""
    CREATE TABLE renamed (id BIGINT, r ROW<x BIGINT, y STRING>) WITH ('connector' = 'print')
""")
t_env.execute_sql("INSERT INTO renamed SELECT id, wrap(id * 100) FROM people WHERE id < 3").wait()
