"""Kafka in, Kafka out with the DataStream API: each non-blank line of the input topic, shouted, to the
output topic. The source is bounded at the offsets latest when the job starts, so the job ends."""
import argparse

from pyflink.common import Types, WatermarkStrategy
from pyflink.common.serialization import SimpleStringSchema
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.kafka import (DeliveryGuarantee, KafkaOffsetsInitializer,
                                                 KafkaRecordSerializationSchema, KafkaSink, KafkaSource)

parser = argparse.ArgumentParser()
parser.add_argument("--bootstrap-servers", default="127.0.0.1:19092")
parser.add_argument("--input", default="lines")
parser.add_argument("--output", default="shouted")
args = parser.parse_args()

env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)

source = KafkaSource.builder() \
    .set_bootstrap_servers(args.bootstrap_servers) \
    .set_topics(args.input) \
    .set_group_id("datastream-kafka-example") \
    .set_starting_offsets(KafkaOffsetsInitializer.earliest()) \
    .set_bounded(KafkaOffsetsInitializer.latest()) \
    .set_value_only_deserializer(SimpleStringSchema()) \
    .build()

sink = KafkaSink.builder() \
    .set_bootstrap_servers(args.bootstrap_servers) \
    .set_record_serializer(KafkaRecordSerializationSchema.builder()
                           .set_topic(args.output)
                           .set_value_serialization_schema(SimpleStringSchema())
                           .build()) \
    .set_delivery_guarantee(DeliveryGuarantee.AT_LEAST_ONCE) \
    .build()

env.from_source(source, WatermarkStrategy.no_watermarks(), "Kafka Source") \
    .filter(lambda line: line.strip() != "") \
    .map(lambda line: line.upper() + "!", output_type=Types.STRING()) \
    .sink_to(sink)

env.execute("datastream_kafka")
