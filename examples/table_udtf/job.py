"""Python table functions (udtf(), a generator function and a TableFunction subclass) with
join_lateral / left_outer_join_lateral in the Table API, and LATERAL TABLE(...) / LEFT JOIN LATERAL
TABLE(...) ON TRUE in SQL."""
from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col
from pyflink.table.udf import TableFunction, udtf


@udtf(result_types=[DataTypes.STRING(), DataTypes.INT()])
def split(line):
    for word in line.split():
        yield word, len(word)


class Repeat(TableFunction):
    def eval(self, word, n):
        for i in range(n):
            yield word + "#" + str(i)


repeat = udtf(Repeat(), result_types=[DataTypes.STRING()])

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")

lines = t_env.from_elements([(1, "hello world"), (2, ""), (3, "a bb ccc")], ["id", "line"])

# 1. Table API inner lateral join: rows without results disappear.
lines.join_lateral(split(col("line")).alias("word", "length")) \
    .select(col("id"), col("word"), col("length")) \
    .execute().print()

# 2. Table API left outer lateral join: rows without results get NULLs.
lines.left_outer_join_lateral(split(col("line")).alias("word", "length")) \
    .select(col("id"), col("word"), col("length")) \
    .execute().print()

# 3. SQL: LATERAL TABLE and LEFT JOIN LATERAL TABLE ... ON TRUE.
t_env.create_temporary_view("lines", lines)
t_env.create_temporary_function("split_words", split)
t_env.create_temporary_function("repeat_word", repeat)
t_env.execute_sql("""
    CREATE TABLE results (
        id BIGINT,
        word STRING,
        copy STRING
    ) WITH ('connector' = 'print')
""")
t_env.execute_sql("""
    INSERT INTO results
    SELECT id, word, copy
    FROM lines, LATERAL TABLE(split_words(line)) AS T(word, length),
         LATERAL TABLE(repeat_word(word, length - 1)) AS R(copy)
""").wait()
t_env.execute_sql("""
    SELECT id, word, length
    FROM lines LEFT JOIN LATERAL TABLE(split_words(line)) AS T(word, length) ON TRUE
    WHERE id > 1
""").print()
