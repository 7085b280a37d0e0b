"""Pandas UDAFs in SQL's legacy group windows, GROUP BY TUMBLE(ts, ...) and GROUP BY HOP(ts, slide, size):
PyFlink 2.3 runs them as it runs them in Table API group windows (ArrowPythonGroupWindowAggregate), one
call per window with a pandas.Series per argument. Compared as a multiset: the rows of one window for
several keys fire in the order of Flink's timers."""
from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.udf import udaf


@udaf(result_type=DataTypes.DOUBLE(), func_type="pandas")
def mean_n(n):
    return n.mean()


@udaf(result_type=DataTypes.STRING(), func_type="pandas")
def values(n):
    return ",".join(str(v) for v in sorted(n))


t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE clicks (usr STRING, n BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
    WITH ('connector' = 'filesystem', 'path' = 'clicks.csv', 'format' = 'csv')
""")
t_env.create_temporary_function("mean_n", mean_n)
t_env.create_temporary_function("vals", values)

t_env.sql_query("""
    SELECT usr, TUMBLE_START(ts, INTERVAL '10' SECOND) AS w_start, TUMBLE_END(ts, INTERVAL '10' SECOND),
           mean_n(n) AS mean_n, vals(n) AS vals
    FROM clicks GROUP BY usr, TUMBLE(ts, INTERVAL '10' SECOND)
""").execute().print()

t_env.sql_query("""
    SELECT usr, HOP_END(ts, INTERVAL '5' SECOND, INTERVAL '10' SECOND) AS w_end, vals(n) AS vals
    FROM clicks GROUP BY usr, HOP(ts, INTERVAL '5' SECOND, INTERVAL '10' SECOND)
""").execute().print()

# Into a print sink (the print connector's changelog lines).
t_env.execute_sql("""
    CREATE TABLE means (usr STRING, w_end TIMESTAMP(3), mean_n DOUBLE) WITH ('connector' = 'print')
""")
t_env.execute_sql("""
    INSERT INTO means
    SELECT usr, TUMBLE_END(ts, INTERVAL '5' SECOND), mean_n(n)
    FROM clicks GROUP BY TUMBLE(ts, INTERVAL '5' SECOND), usr
""").wait()
