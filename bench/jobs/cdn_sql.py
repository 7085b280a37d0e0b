"""A pure-SQL aggregation over the CDN job's input (target/bench-data/cdn.csv, written by bench/run.py):
per uri, the number of requests, bytes and mean request time, into a blackhole sink."""
import os

from pyflink.table import EnvironmentSettings, TableEnvironment

INPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "target", "bench-data", "cdn.csv")

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql(f"""
CREATE TABLE access_log (uuid VARCHAR, client_ip VARCHAR, request_time BIGINT, response_size BIGINT, uri VARCHAR)
WITH ('connector' = 'filesystem', 'path' = '{os.path.normpath(INPUT)}', 'format' = 'csv')
""")
t_env.execute_sql("""
CREATE TABLE uri_stats (uri VARCHAR, requests BIGINT, total_bytes BIGINT, mean_time BIGINT)
WITH ('connector' = 'blackhole')
""")
t_env.execute_sql("""
INSERT INTO uri_stats
SELECT uri, COUNT(*), SUM(response_size), AVG(request_time)
FROM access_log
WHERE response_size > 0
GROUP BY uri
""").wait()
