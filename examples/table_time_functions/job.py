"""Flink's time functions: FROM_UNIXTIME and UNIX_TIMESTAMP (epoch seconds read and written in the
session time zone, UTC here), TIMESTAMPADD / TIMESTAMPDIFF with calendar units, FLOOR / CEIL(ts TO unit), and the current
time (CURRENT_TIMESTAMP, NOW(), LOCALTIMESTAMP, CURRENT_DATE, UNIX_TIMESTAMP()), checked only
against each other since their values change from run to run."""
import os

from pyflink.table import EnvironmentSettings, TableEnvironment

here = os.path.dirname(os.path.abspath(__file__))
t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.get_config().set("table.local-time-zone", "UTC")
t_env.execute_sql(f"""
CREATE TABLE events (id INT, ts TIMESTAMP(3), epoch BIGINT)
WITH ('connector' = 'filesystem', 'path' = '{here}/events.csv', 'format' = 'csv')
""")
t_env.execute_sql("""
CREATE TABLE out1 (id INT, a STRING, b STRING, c BIGINT, d BIGINT, e BIGINT, f TIMESTAMP(3),
  g TIMESTAMP(3), h TIMESTAMP(3), i INT, j INT, k INT, l INT, m INT, n BOOLEAN, o BOOLEAN, p BOOLEAN,
  q TIMESTAMP(3), r TIMESTAMP(3), s TIMESTAMP(3), t TIMESTAMP(3))
WITH ('connector' = 'print')
""")
t_env.execute_sql("""
INSERT INTO out1 SELECT id,
  FROM_UNIXTIME(epoch),
  FROM_UNIXTIME(epoch, 'yyyy/MM/dd HH:mm'),
  UNIX_TIMESTAMP(CAST(ts AS STRING)),
  UNIX_TIMESTAMP('2024/03/01', 'yyyy/MM/dd'),
  UNIX_TIMESTAMP(DATE_FORMAT(ts, 'yyyy-MM-dd HH:mm:ss')),
  TIMESTAMPADD(MONTH, 1, ts),
  TIMESTAMPADD(HOUR, -5, ts),
  TIMESTAMPADD(YEAR, id, ts),
  TIMESTAMPDIFF(DAY, ts, TIMESTAMP '2024-12-25 00:00:00'),
  TIMESTAMPDIFF(MONTH, TIMESTAMP '2023-11-30 12:00:00', ts),
  TIMESTAMPDIFF(HOUR, ts, TIMESTAMP '2024-01-01 00:00:00'),
  TIMESTAMPDIFF(YEAR, ts, TIMESTAMP '2026-02-28 00:00:00'),
  TIMESTAMPDIFF(SECOND, ts, TIMESTAMPADD(MINUTE, 90, ts)),
  CURRENT_TIMESTAMP IS NOT NULL AND NOW() IS NOT NULL,
  CURRENT_DATE > DATE '2024-06-01' AND LOCALTIMESTAMP > TIMESTAMP '2024-06-01 00:00:00',
  UNIX_TIMESTAMP() > 1700000000,
  FLOOR(ts TO HOUR),
  CEIL(ts TO MINUTE),
  FLOOR(ts TO MONTH),
  CEIL(ts TO YEAR)
FROM events
""").wait()
