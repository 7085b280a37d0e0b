"""KafkaSource and KafkaSink as PyFlink's builders make them.

`env.from_source(KafkaSource.builder()...build(), strategy, name)` reads the topics' messages (values
only) as STRING (`SimpleStringSchema`) or Row (`JsonRowDeserializationSchema`) elements;
`ds.sink_to(KafkaSink.builder()...build())` writes each element as one message. What the job's shape
depends on (the schemas, the kind of starting offsets, boundedness) is recorded as parameters; servers,
topics, group, properties and offsets are values the binary reads from the script when it runs.
"""
from enum import Enum

from pyflink.common.serialization import DeserializationSchema, SerializationSchema, SimpleStringSchema
from pyflink.datastream.connectors.base import DeliveryGuarantee
from pyflink.datastream.formats.json import JsonRowDeserializationSchema, JsonRowSerializationSchema
from _sluice import sites
from _sluice.errors import JobDefinitionError, Unsupported, unsupported_module_getattr

__all__ = ["KafkaSource", "KafkaSourceBuilder", "KafkaSink", "KafkaSinkBuilder", "KafkaTopicPartition",
           "KafkaOffsetsInitializer", "KafkaOffsetResetStrategy", "KafkaRecordSerializationSchema",
           "KafkaRecordSerializationSchemaBuilder", "DeliveryGuarantee"]

# Options of Flink's KafkaSource itself, which Kafka's client (and librdkafka) does not take.
_SOURCE_ONLY_PROPERTIES = ("partition.discovery.interval.ms", "client.id.prefix", "register.consumer.metrics",
                           "commit.offsets.on.checkpoint", "key.deserializer", "value.deserializer")
_SINK_ONLY_PROPERTIES = ("key.serializer", "value.serializer", "transaction.timeout.ms")


def _string(value, what):
    if not isinstance(value, str):
        raise JobDefinitionError(f"{what} must be a string, got {type(value).__name__}", sites.user_site(3))
    return value


class KafkaTopicPartition(object):
    def __init__(self, topic, partition):
        self._topic = _string(topic, "KafkaTopicPartition topic")
        if not isinstance(partition, int):
            raise JobDefinitionError("KafkaTopicPartition partition must be an int", sites.user_site(2))
        self._partition = partition

    def __eq__(self, other):
        return isinstance(other, KafkaTopicPartition) and (self._topic, self._partition) == (
            other._topic, other._partition)

    def __hash__(self):
        return 31 * (31 + self._partition) + hash(self._topic)

    def __repr__(self):
        return f"KafkaTopicPartition({self._topic!r}, {self._partition})"


class KafkaOffsetResetStrategy(Enum):
    LATEST = 0
    EARLIEST = 1
    NONE = 2


class KafkaOffsetsInitializer(object):
    """Where a KafkaSource starts (or stops): `kind` with the reset strategy for partitions it gives no
    offset to."""

    def __init__(self, kind, reset, timestamp=0, offsets=()):
        self._kind = kind
        self._reset = reset
        self._timestamp = timestamp
        self._offsets = list(offsets)

    @staticmethod
    def committed_offsets(offset_reset_strategy=KafkaOffsetResetStrategy.NONE):
        if not isinstance(offset_reset_strategy, KafkaOffsetResetStrategy):
            raise JobDefinitionError("committed_offsets() takes a KafkaOffsetResetStrategy", sites.user_site(2))
        return KafkaOffsetsInitializer("committed", offset_reset_strategy)

    @staticmethod
    def timestamp(timestamp):
        if not isinstance(timestamp, int):
            raise JobDefinitionError("KafkaOffsetsInitializer.timestamp() takes milliseconds as an int",
                                     sites.user_site(2))
        return KafkaOffsetsInitializer("timestamp", KafkaOffsetResetStrategy.LATEST, timestamp=timestamp)

    @staticmethod
    def earliest():
        return KafkaOffsetsInitializer("earliest", KafkaOffsetResetStrategy.EARLIEST)

    @staticmethod
    def latest():
        return KafkaOffsetsInitializer("latest", KafkaOffsetResetStrategy.LATEST)

    @staticmethod
    def offsets(offsets, offset_reset_strategy=KafkaOffsetResetStrategy.EARLIEST):
        if not isinstance(offsets, dict) or not all(
                isinstance(tp, KafkaTopicPartition) and isinstance(o, int) for tp, o in offsets.items()):
            raise JobDefinitionError("KafkaOffsetsInitializer.offsets() takes a dict of KafkaTopicPartition to "
                                     "int offsets", sites.user_site(2))
        triples = sorted((tp._topic, tp._partition, o) for tp, o in offsets.items())
        return KafkaOffsetsInitializer("offsets", offset_reset_strategy, offsets=triples)


def _initializer(value, api):
    if not isinstance(value, KafkaOffsetsInitializer):
        raise JobDefinitionError(f"{api}() takes a KafkaOffsetsInitializer", sites.user_site(3))
    return value


# Flink's KafkaSource looks for new partitions every 5 minutes unless told otherwise.
_DEFAULT_DISCOVERY_MS = 300000


def _discovery_ms(properties):
    """`partition.discovery.interval.ms` (0 or less: no discovery)."""
    value = properties.get("partition.discovery.interval.ms", str(_DEFAULT_DISCOVERY_MS))
    try:
        return int(value.strip())
    except ValueError:
        raise JobDefinitionError(f"partition.discovery.interval.ms must be milliseconds, got {value!r}",
                                 sites.user_site(3)) from None


class KafkaSource(object):
    def __init__(self, builder):
        self._properties = dict(builder._properties)
        self._topics = list(builder._topics) if builder._topics is not None else None
        self._topic_pattern = builder._topic_pattern
        self._starting = builder._starting
        self._bounded = builder._stopping is not None
        self._deserializer = builder._deserializer

    @staticmethod
    def builder():
        return KafkaSourceBuilder()

    def _output_type(self):
        if isinstance(self._deserializer, SimpleStringSchema):
            from pyflink.common.typeinfo import Types
            return Types.STRING()
        return self._deserializer._type_info

    def _params(self):
        return {"deserializer": self._deserializer._spec(), "startup": self._starting._kind,
                "bounded": self._bounded, "topic_pattern": self._topic_pattern is not None}

    def _values(self):
        props = {k: v for k, v in self._properties.items() if k not in _SOURCE_ONLY_PROPERTIES}
        servers = props.pop("bootstrap.servers")
        group = props.pop("group.id", None)
        # The starting offsets' reset strategy wins over the user's, as in Flink's builder.
        props["auto.offset.reset"] = self._starting._reset.name.lower()
        return {"bootstrap_servers": servers, "topics": self._topics or [], "topic_pattern": self._topic_pattern,
                "group_id": group, "properties": sorted(props.items()),
                "start_timestamp": self._starting._timestamp, "start_offsets": self._starting._offsets,
                "discovery_ms": _discovery_ms(self._properties)}


class KafkaSourceBuilder(object):
    def __init__(self):
        self._properties = {}
        self._topics = None
        self._topic_pattern = None
        self._starting = KafkaOffsetsInitializer.earliest()
        self._stopping = None
        self._deserializer = None

    def set_bootstrap_servers(self, bootstrap_servers):
        self._properties["bootstrap.servers"] = _string(bootstrap_servers, "set_bootstrap_servers()")
        return self

    def set_group_id(self, group_id):
        self._properties["group.id"] = _string(group_id, "set_group_id()")
        return self

    def set_topics(self, *topics):
        if self._topic_pattern is not None:
            raise JobDefinitionError("Cannot use topics for subscription because a topic pattern has already "
                                     "been set", sites.user_site(2))
        self._topics = [_string(t, "set_topics() topic") for t in topics]
        return self

    def set_topic_pattern(self, topic_pattern):
        if self._topics is not None:
            raise JobDefinitionError("Cannot use topic pattern for subscription because topics have already "
                                     "been set", sites.user_site(2))
        self._topic_pattern = _string(topic_pattern, "set_topic_pattern()")
        return self

    def set_partitions(self, partitions):
        raise Unsupported("KafkaSourceBuilder.set_partitions() is not supported by sluice yet (set_topics() "
                          "and set_topic_pattern() are)", sites.user_site(2))

    def set_starting_offsets(self, starting_offsets_initializer):
        self._starting = _initializer(starting_offsets_initializer, "set_starting_offsets")
        return self

    def _set_stopping(self, initializer, api):
        initializer = _initializer(initializer, api)
        if initializer._kind != "latest":
            raise Unsupported(f"{api}() with KafkaOffsetsInitializer.{initializer._kind}() is not supported by "
                              "sluice yet (KafkaOffsetsInitializer.latest() is)", sites.user_site(3))
        self._stopping = initializer
        return self

    def set_bounded(self, stopping_offsets_initializer):
        return self._set_stopping(stopping_offsets_initializer, "set_bounded")

    def set_unbounded(self, stopping_offsets_initializer):
        return self._set_stopping(stopping_offsets_initializer, "set_unbounded")

    def set_value_only_deserializer(self, deserialization_schema):
        if not isinstance(deserialization_schema, (SimpleStringSchema, JsonRowDeserializationSchema)):
            if isinstance(deserialization_schema, DeserializationSchema):
                raise Unsupported(f"KafkaSource with a {type(deserialization_schema).__name__} is not supported "
                                  "by sluice yet (SimpleStringSchema and JsonRowDeserializationSchema are)",
                                  sites.user_site(2))
            raise JobDefinitionError("set_value_only_deserializer() takes a DeserializationSchema",
                                     sites.user_site(2))
        self._deserializer = deserialization_schema
        return self

    def set_client_id_prefix(self, prefix):
        self._properties["client.id.prefix"] = _string(prefix, "set_client_id_prefix()")
        return self

    def set_property(self, key, value):
        self._properties[_string(key, "set_property() key")] = _string(value, "set_property() value")
        return self

    def set_properties(self, props):
        for key, value in dict(props).items():
            self._properties[_string(key, "set_properties() key")] = _string(value, "set_properties() value")
        return self

    def build(self):
        if self._topics is None and self._topic_pattern is None:
            raise JobDefinitionError("No subscribe mode is specified, should be one of topics, topic pattern and "
                                     "partition set.", sites.user_site(2))
        if "bootstrap.servers" not in self._properties:
            raise JobDefinitionError("Bootstrap servers must be set.", sites.user_site(2))
        if self._deserializer is None:
            raise JobDefinitionError("Deserialization schema is required but not provided.", sites.user_site(2))
        if self._starting._kind == "committed" and "group.id" not in self._properties:
            raise JobDefinitionError("Property group.id is required when using committed offset for offsets "
                                     "initializer", sites.user_site(2))
        _discovery_ms(self._properties)
        return KafkaSource(self)


class KafkaRecordSerializationSchema(SerializationSchema):
    def __init__(self, topic, key_schema, value_schema):
        self._topic = topic
        self._key_schema = key_schema
        self._value_schema = value_schema

    @staticmethod
    def builder():
        return KafkaRecordSerializationSchemaBuilder()


def _serialization_schema(schema, api):
    if isinstance(schema, (SimpleStringSchema, JsonRowSerializationSchema)):
        return schema
    if isinstance(schema, SerializationSchema):
        raise Unsupported(f"KafkaSink with a {type(schema).__name__} is not supported by sluice yet "
                          "(SimpleStringSchema and JsonRowSerializationSchema are)", sites.user_site(3))
    raise JobDefinitionError(f"{api}() takes a SerializationSchema", sites.user_site(3))


class KafkaRecordSerializationSchemaBuilder(object):
    def __init__(self):
        self._topic = None
        self._key_schema = None
        self._value_schema = None

    def set_topic(self, topic):
        self._topic = _string(topic, "set_topic()")
        return self

    def set_topic_selector(self, topic_selector):
        raise Unsupported("KafkaRecordSerializationSchemaBuilder.set_topic_selector() is not supported by sluice "
                          "yet (set_topic() is)", sites.user_site(2))

    def set_key_serialization_schema(self, key_serialization_schema):
        self._key_schema = _serialization_schema(key_serialization_schema, "set_key_serialization_schema")
        return self

    def set_value_serialization_schema(self, value_serialization_schema):
        self._value_schema = _serialization_schema(value_serialization_schema, "set_value_serialization_schema")
        return self

    def build(self):
        if self._value_schema is None:
            raise JobDefinitionError("No value serializer is configured.", sites.user_site(2))
        if self._topic is None:
            raise JobDefinitionError("No topic or topic selector is configured.", sites.user_site(2))
        return KafkaRecordSerializationSchema(self._topic, self._key_schema, self._value_schema)


class KafkaSink(object):
    def __init__(self, builder):
        self._properties = dict(builder._properties)
        self._serializer = builder._serializer
        self._guarantee = builder._guarantee

    @staticmethod
    def builder():
        return KafkaSinkBuilder()

    def _params(self):
        def schema(s):
            if s is None:
                return None
            spec = s._spec()
            if isinstance(s, JsonRowSerializationSchema):
                spec["type"] = s._type_info.spec()
            return spec
        return {"value": schema(self._serializer._value_schema), "key": schema(self._serializer._key_schema),
                "delivery_guarantee": self._guarantee.name}

    def _values(self):
        props = {k: v for k, v in self._properties.items() if k not in _SINK_ONLY_PROPERTIES}
        servers = props.pop("bootstrap.servers")
        return {"bootstrap_servers": servers, "topic": self._serializer._topic, "properties": sorted(props.items())}


class KafkaSinkBuilder(object):
    def __init__(self):
        self._properties = {}
        self._serializer = None
        self._guarantee = DeliveryGuarantee.NONE

    def set_bootstrap_servers(self, bootstrap_servers):
        self._properties["bootstrap.servers"] = _string(bootstrap_servers, "set_bootstrap_servers()")
        return self

    def set_delivery_guarantee(self, delivery_guarantee):
        if not isinstance(delivery_guarantee, DeliveryGuarantee):
            raise JobDefinitionError("set_delivery_guarantee() takes a DeliveryGuarantee", sites.user_site(2))
        if delivery_guarantee == DeliveryGuarantee.EXACTLY_ONCE:
            raise Unsupported("KafkaSink with DeliveryGuarantee.EXACTLY_ONCE is not supported by sluice yet "
                              "(AT_LEAST_ONCE and NONE are)", sites.user_site(2))
        self._guarantee = delivery_guarantee
        return self

    def set_transactional_id_prefix(self, transactional_id_prefix):
        _string(transactional_id_prefix, "set_transactional_id_prefix()")
        return self

    def set_record_serializer(self, record_serializer):
        if not isinstance(record_serializer, KafkaRecordSerializationSchema):
            raise JobDefinitionError("set_record_serializer() takes a KafkaRecordSerializationSchema",
                                     sites.user_site(2))
        self._serializer = record_serializer
        return self

    def set_property(self, key, value):
        self._properties[_string(key, "set_property() key")] = _string(value, "set_property() value")
        return self

    def build(self):
        if "bootstrap.servers" not in self._properties:
            raise JobDefinitionError("bootstrapServers must be set", sites.user_site(2))
        if self._serializer is None:
            raise JobDefinitionError("recordSerializer must be set", sites.user_site(2))
        return KafkaSink(self)


__getattr__ = unsupported_module_getattr("pyflink.datastream.connectors.kafka")
