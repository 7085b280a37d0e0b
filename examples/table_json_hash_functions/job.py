"""JSON_VALUE and JSON_EXISTS over JSON text in a column (paths with keys, quoted keys and array
indexes; missing, non-scalar and malformed values give NULL), and the hash functions MD5, SHA1, SHA2
and SHA256, in SQL and in the expression DSL."""
import os

from pyflink.table import EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col

here = os.path.dirname(os.path.abspath(__file__))
t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql(f"""
CREATE TABLE events (id INT, payload STRING)
WITH ('connector' = 'filesystem', 'path' = '{here}/events.csv', 'format' = 'csv')
""")
t_env.execute_sql("""
CREATE TABLE out1 (id INT, name STRING, tag STRING, amount STRING, ok STRING, obj STRING,
  has_extra BOOLEAN, has_tags BOOLEAN, quoted STRING, amount_num DOUBLE)
WITH ('connector' = 'print')
""")
t_env.execute_sql("""
INSERT INTO out1 SELECT id,
  JSON_VALUE(payload, '$.user.name'),
  JSON_VALUE(payload, '$.user.tags[1]'),
  JSON_VALUE(payload, '$.amount'),
  JSON_VALUE(payload, '$.ok'),
  JSON_VALUE(payload, '$.user'),
  JSON_EXISTS(payload, '$.extra'),
  JSON_EXISTS(payload, '$.user.tags'),
  JSON_VALUE(payload, '$[''user''][''name'']'),
  CAST(JSON_VALUE(payload, '$.amount') AS DOUBLE) * 2
FROM events
""").wait()
t_env.execute_sql("""
CREATE TABLE out2 (id INT, m STRING, s1 STRING, s2 STRING, s5 STRING) WITH ('connector' = 'print')
""")
t_env.execute_sql("""
INSERT INTO out2 SELECT id, MD5(CAST(id AS STRING)), SHA1('sluice'), SHA256(CAST(id AS STRING)),
  SHA2(CAST(id AS STRING), 512)
FROM events
""").wait()
t_env.from_path("events").select(
    col("id"),
    col("payload").json_value("$.user.name"),
    col("payload").json_exists("$.ok"),
    col("payload").md5,
    col("payload").sha2(224),
).execute().print()
