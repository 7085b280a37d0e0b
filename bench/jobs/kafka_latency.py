"""Pairs each record of --source with its copy in --sink by id and prints both Kafka timestamps (when
the producer sent it, when the filter job wrote it): the latency run's measurement."""
import argparse

from pyflink.table import EnvironmentSettings, TableEnvironment

parser = argparse.ArgumentParser()
parser.add_argument("--source", default="bench-in")
parser.add_argument("--sink", default="bench-out")
parser.add_argument("--servers", default="127.0.0.1:19092")
args = parser.parse_args()

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
for name, topic in (("ins", args.source), ("outs", args.sink)):
    t_env.execute_sql(f"""
    CREATE TABLE {name} (id BIGINT, ts TIMESTAMP(3) METADATA FROM 'timestamp') WITH (
      'connector' = 'kafka', 'topic' = '{topic}', 'properties.bootstrap.servers' = '{args.servers}',
      'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset', 'format' = 'json')
    """)
t_env.execute_sql("CREATE TABLE pairs (id BIGINT, sent TIMESTAMP(3), written TIMESTAMP(3)) "
                  "WITH ('connector' = 'print')")
t_env.execute_sql("INSERT INTO pairs SELECT i.id, i.ts, o.ts FROM ins i JOIN outs o ON i.id = o.id").wait()
