"""DATE, TIME and TIMESTAMP(3) columns read from CSV, temporal literals, CAST, EXTRACT/YEAR/HOUR,
DATE_FORMAT, TO_TIMESTAMP, comparisons, and Python UDFs taking and returning datetime objects;
printed by the print connector and by execute().print()."""
import datetime

from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.udf import udf

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")


@udf(result_type=DataTypes.TIMESTAMP(3))
def next_day(ts):
    return ts + datetime.timedelta(days=1)


@udf(result_type=DataTypes.STRING())
def describe_dt(d, t):
    return f"{d.isoformat()} {type(d).__name__} {t.hour}:{t.minute} {type(t).__name__}"


@udf(result_type=DataTypes.DATE())
def first_of_month(d):
    return d.replace(day=1)


t_env.create_temporary_function("next_day", next_day)
t_env.create_temporary_function("describe_dt", describe_dt)
t_env.create_temporary_function("first_of_month", first_of_month)
t_env.execute_sql("""
    CREATE TABLE events (id INT, d DATE, t TIME, ts TIMESTAMP(3), name STRING)
    WITH ('connector' = 'filesystem', 'path' = 'events.csv', 'format' = 'csv')
""")
t_env.execute_sql("""
    CREATE TABLE sink (id INT, d DATE, t TIME, ts TIMESTAMP(3), nd TIMESTAMP(3), fm DATE, descr STRING)
    WITH ('connector' = 'print')
""")
t_env.execute_sql("""
    INSERT INTO sink
    SELECT id, d, t, ts, next_day(ts), first_of_month(d), describe_dt(d, t) FROM events
""").wait()
t_env.sql_query("""
    SELECT id, d, t, ts, YEAR(d) AS y, MONTH(ts) AS m, HOUR(ts) AS h, EXTRACT(DAY FROM ts) AS dd,
           EXTRACT(MINUTE FROM t) AS mi, DATE_FORMAT(ts, 'yyyy/MM/dd HH:mm') AS f,
           CAST(ts AS DATE) AS ts_date, CAST(d AS TIMESTAMP(3)) AS d_ts, CAST(ts AS STRING) AS s,
           CAST('2024-05-06' AS DATE) AS lit_d, TO_TIMESTAMP('2024-05-06 07:08:09') AS tt,
           ts > TIMESTAMP '2024-01-31 00:00:00' AS late, d = DATE '2024-01-15' AS is_15
    FROM events WHERE d >= DATE '2024-01-01'
""").execute().print()
