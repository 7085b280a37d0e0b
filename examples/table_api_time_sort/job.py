"""order_by() on a time attribute without fetch() in the Table API: Flink's temporal sort holds rows
until the watermark passes their time and emits them in time order, rows of the same time by the
further keys. The rowtime reaches the sort through where() and select(); a row that arrives after
the watermark has moved past its time is dropped."""
from pyflink.table import EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE events (name STRING, score BIGINT, ts TIMESTAMP(3),
                         WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
    WITH ('connector' = 'filesystem', 'path' = 'events.csv', 'format' = 'csv')
""")
t_env.execute_sql("""
    CREATE TABLE sorted_events (ts TIMESTAMP(3), name STRING, score BIGINT)
    WITH ('connector' = 'print')
""")
events = t_env.from_path("events")

events.order_by(col("ts")).execute().print()

(
    events.where(col("score") > 2)
    .select(col("ts"), col("name"), col("score") * 2)
    .order_by(col("ts").asc, col("name").desc)
    .execute_insert("sorted_events")
    .wait()
)
