"""Writes --count generated orders as JSON to the Kafka topic --topic (the Kafka benchmark's input),
at --rate rows per second."""
import argparse

from pyflink.table import EnvironmentSettings, TableEnvironment

parser = argparse.ArgumentParser()
parser.add_argument("--count", type=int, default=1000)
parser.add_argument("--topic", default="bench-in")
parser.add_argument("--servers", default="127.0.0.1:19092")
parser.add_argument("--rate", type=int, default=100000000, help="rows per second")
args = parser.parse_args()

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql(f"""
CREATE TABLE orders (id BIGINT, customer STRING, amount INT) WITH (
  'connector' = 'datagen', 'rows-per-second' = '{args.rate}',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '{args.count}',
  'fields.customer.length' = '8', 'fields.amount.min' = '0', 'fields.amount.max' = '99')
""")
t_env.execute_sql(f"""
CREATE TABLE topic_in (id BIGINT, customer STRING, amount INT) WITH (
  'connector' = 'kafka', 'topic' = '{args.topic}', 'properties.bootstrap.servers' = '{args.servers}',
  'format' = 'json')
""")
t_env.execute_sql("INSERT INTO topic_in SELECT * FROM orders").wait()
