"""Table.execute().print() and execute_sql("SELECT ...").print(): Flink's boxed result table for an
insert-only result, a changelog (GROUP BY), an empty result, NULLs, long and wide-character strings;
and from_elements with inferred types, with column names, and with a DataTypes.ROW schema."""
from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE src (k STRING, n BIGINT, x DOUBLE, i INT)
    WITH ('connector' = 'filesystem', 'path' = 'data.csv', 'format' = 'csv')
""").print()

t_env.sql_query("""
    SELECT k, n, x, i, n > 1 AS big, CAST(NULL AS STRING) AS nothing,
           'a very long string value that exceeds thirty characters' AS longtext,
           1.5 AS d, CAST(i AS TINYINT) AS ti, CAST(i AS SMALLINT) AS si, n * 1.0 / 3 AS third
    FROM src
""").execute().print()
t_env.execute_sql("SELECT k, COUNT(*) AS c, SUM(x) AS s FROM src GROUP BY k").print()
t_env.sql_query("SELECT k FROM src WHERE n > 100").execute().print()

t_env.from_elements([(1, 'hi', 1.5, True), (2, None, 2.0, False)]).execute().print()
t_env.from_elements([(1, 'hi'), (2, '中文字符')], ['id', 'name']) \
    .where(col("id") > 0).execute().print()
row_type = DataTypes.ROW([DataTypes.FIELD("id", DataTypes.INT()),
                          DataTypes.FIELD("a_rather_long_column_name_here", DataTypes.STRING())])
t_env.from_elements([(1, 'hi')], row_type).execute().print()
