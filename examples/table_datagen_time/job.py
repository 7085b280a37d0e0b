"""datagen TIMESTAMP(3) and TIMESTAMP_LTZ(3) columns: the current time less a random part of
`max-past` (none by default), as Flink's generator makes them, with a watermark on one; the values
change from run to run, so only what holds of them is printed."""
from pyflink.table import EnvironmentSettings, TableEnvironment

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.get_config().set("table.local-time-zone", "UTC")
t_env.execute_sql("""
CREATE TABLE orders (
  id BIGINT,
  order_time TIMESTAMP(3),
  seen TIMESTAMP_LTZ(3),
  recent TIMESTAMP(3),
  WATERMARK FOR order_time AS order_time - INTERVAL '5' SECOND
) WITH (
  'connector' = 'datagen', 'number-of-rows' = '5',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '5',
  'fields.recent.max-past' = '1 h'
)
""")
t_env.execute_sql("""
CREATE TABLE out1 (id BIGINT, a BOOLEAN, b BOOLEAN, c BOOLEAN, d BOOLEAN) WITH ('connector' = 'print')
""")
t_env.execute_sql("""
INSERT INTO out1 SELECT id,
  order_time > TIMESTAMP '2024-01-01 00:00:00',
  TIMESTAMPDIFF(MINUTE, order_time, LOCALTIMESTAMP) BETWEEN 0 AND 5,
  TIMESTAMPDIFF(MINUTE, recent, LOCALTIMESTAMP) BETWEEN 0 AND 61,
  seen IS NOT NULL AND CAST(seen AS TIMESTAMP(3)) <= LOCALTIMESTAMP
FROM orders
""").wait()
