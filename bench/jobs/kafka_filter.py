"""Kafka -> filter -> Kafka: reads JSON orders from --source (from the earliest offset to the end),
keeps those with amount >= 50 and writes them as JSON to --sink."""
import argparse

from pyflink.table import EnvironmentSettings, TableEnvironment

parser = argparse.ArgumentParser()
parser.add_argument("--source", default="bench-in")
parser.add_argument("--sink", default="bench-out")
parser.add_argument("--servers", default="127.0.0.1:19092")
parser.add_argument("--unbounded", action="store_true", help="keep reading (for the latency run)")
args = parser.parse_args()
bounded = "" if args.unbounded else "'scan.bounded.mode' = 'latest-offset',"

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql(f"""
CREATE TABLE orders (id BIGINT, customer STRING, amount INT) WITH (
  'connector' = 'kafka', 'topic' = '{args.source}', 'properties.bootstrap.servers' = '{args.servers}',
  'scan.startup.mode' = 'earliest-offset', {bounded}
  'format' = 'json')
""")
t_env.execute_sql(f"""
CREATE TABLE big_orders (id BIGINT, customer STRING, amount INT) WITH (
  'connector' = 'kafka', 'topic' = '{args.sink}', 'properties.bootstrap.servers' = '{args.servers}',
  'format' = 'json')
""")
t_env.execute_sql("INSERT INTO big_orders SELECT * FROM orders WHERE amount >= 50").wait()
