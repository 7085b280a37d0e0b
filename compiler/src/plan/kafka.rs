//! The DataStream API's Kafka connector: a `KafkaSource` read by `env.from_source(...)` and a
//! `KafkaSink` written by `ds.sink_to(...)`, lowered from what the shim's builders recorded (the
//! job's shape: schemas, the kind of starting offsets, boundedness), and the generated statements
//! creating the runtime's Kafka source and sink (`connectors::kafka_source`, `connectors::kafka_sink`,
//! which the Table API's Kafka tables use too). Servers, topics, group, properties and offsets are
//! values the binary reads from the script when it runs, so they are not in the plan.

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use sluice_types::TypeInfo;

use crate::codegen::types::type_info;
use crate::diagnostics::{Category, CompileError};
use crate::frontend::recording::RecordedNode;

/// How a message's value becomes an element, or an element a message's value (or key).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum KafkaSchema {
    /// `SimpleStringSchema`: the message is one UTF-8 STRING.
    SimpleString,
    /// `JsonRowDeserializationSchema` / `JsonRowSerializationSchema`: a JSON object with a Row's
    /// fields by name.
    JsonRow { names: Vec<String>, types: Vec<TypeInfo> },
}

/// Where a DataStream `KafkaSource` starts: its `KafkaOffsetsInitializer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KafkaStart {
    Earliest,
    Latest,
    Committed,
    Timestamp,
    Offsets,
}

/// `env.from_source(KafkaSource.builder()...build(), strategy, name)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KafkaSourceSpec {
    /// `from_source`'s source name (the operator's name in log lines).
    pub name: String,
    pub schema: KafkaSchema,
    /// `JsonRowDeserializationSchema...ignore_parse_errors()`.
    pub ignore_parse_errors: bool,
    pub start: KafkaStart,
    /// `set_bounded(KafkaOffsetsInitializer.latest())` (or `set_unbounded` of it): the source ends at
    /// the offsets latest when it starts.
    pub bounded: bool,
    /// `set_topic_pattern(regex)` rather than `set_topics(...)`.
    pub topic_pattern: bool,
}

/// `ds.sink_to(KafkaSink.builder()...build())`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KafkaSinkSpec {
    pub name: String,
    pub value: KafkaSchema,
    pub key: Option<KafkaSchema>,
    /// `AT_LEAST_ONCE` or `NONE` (both flushed at checkpoints and at the end; `EXACTLY_ONCE` is
    /// rejected by the shim).
    pub delivery_guarantee: String,
}

fn internal(node: &RecordedNode, what: &str) -> CompileError {
    CompileError::new(
        Category::Internal,
        format!("recorded node {} ({}) {what}", node.id, node.op),
    )
}

fn param<'a>(node: &'a RecordedNode, name: &str) -> Option<&'a Json> {
    node.params.get(name).filter(|v| !v.is_null())
}

/// The JSON row schema of a Row type (field names `f0, f1, ...` when unnamed, as Flink's
/// `RowTypeInfo` names them), or why sluice cannot read or write it.
fn json_row(ty: &TypeInfo, node: &RecordedNode) -> Result<KafkaSchema, CompileError> {
    let TypeInfo::Row { fields, names } = ty else {
        return Err(internal(node, "has a JSON row schema without a Row type"));
    };
    let names: Vec<String> = match names {
        Some(names) => names.clone(),
        None => (0..fields.len()).map(|i| format!("f{i}")).collect(),
    };
    for (name, field) in names.iter().zip(fields) {
        let supported = matches!(
            field,
            TypeInfo::String
                | TypeInfo::Byte
                | TypeInfo::Short
                | TypeInfo::Int
                | TypeInfo::Long
                | TypeInfo::Float
                | TypeInfo::Double
                | TypeInfo::Boolean
        );
        if !supported {
            return Err(CompileError::new(
                Category::Unsupported,
                format!(
                    "a JSON row field of type {field} (field `{name}`) is not supported by sluice yet \
                     (STRING, integer, floating point and BOOLEAN fields are)"
                ),
            )
            .at(node.site.clone()));
        }
    }
    Ok(KafkaSchema::JsonRow {
        names,
        types: fields.clone(),
    })
}

/// A recorded schema (`{"kind": "simple_string"}`, `{"kind": "json_row", "type": ...}`); `ty` is
/// the row type of a JSON schema that does not carry its own.
fn schema(spec: &Json, ty: Option<&TypeInfo>, node: &RecordedNode) -> Result<KafkaSchema, CompileError> {
    match spec.get("kind").and_then(Json::as_str) {
        Some("simple_string") => Ok(KafkaSchema::SimpleString),
        Some("json_row") => {
            let own: Option<TypeInfo> = spec
                .get("type")
                .map(|t| serde_json::from_value(t.clone()))
                .transpose()
                .map_err(|e| internal(node, &format!("has an unreadable JSON row type: {e}")))?;
            let ty = own.as_ref().or(ty).ok_or_else(|| internal(node, "has a JSON row schema without a type"))?;
            json_row(ty, node)
        }
        _ => Err(internal(node, &format!("has an unknown schema {spec}"))),
    }
}

/// A recorded `source.kafka` node.
pub fn lower_source(node: &RecordedNode) -> Result<KafkaSourceSpec, CompileError> {
    let deserializer = param(node, "deserializer").ok_or_else(|| internal(node, "has no deserializer"))?;
    let output = node.output_type.as_ref();
    Ok(KafkaSourceSpec {
        name: param(node, "name")
            .and_then(Json::as_str)
            .unwrap_or("Kafka Source")
            .to_string(),
        schema: schema(deserializer, output, node)?,
        ignore_parse_errors: deserializer
            .get("ignore_parse_errors")
            .and_then(Json::as_bool)
            .unwrap_or(false),
        start: param(node, "startup")
            .map(|s| serde_json::from_value(s.clone()))
            .transpose()
            .map_err(|e| internal(node, &format!("has an unknown startup kind: {e}")))?
            .unwrap_or(KafkaStart::Earliest),
        bounded: param(node, "bounded").and_then(Json::as_bool).unwrap_or(false),
        topic_pattern: param(node, "topic_pattern").and_then(Json::as_bool).unwrap_or(false),
    })
}

/// A recorded `sink.kafka` node, checked against the type of the stream it writes.
pub fn lower_sink(node: &RecordedNode, input: Option<&TypeInfo>) -> Result<KafkaSinkSpec, CompileError> {
    let value = param(node, "value").ok_or_else(|| internal(node, "has no value schema"))?;
    let value = schema(value, None, node)?;
    let key = param(node, "key").map(|k| schema(k, None, node)).transpose()?;
    for schema in std::iter::once(&value).chain(&key) {
        check_input(schema, input, node)?;
    }
    Ok(KafkaSinkSpec {
        name: param(node, "name")
            .and_then(Json::as_str)
            .unwrap_or("KafkaSink")
            .to_string(),
        value,
        key,
        delivery_guarantee: param(node, "delivery_guarantee")
            .and_then(Json::as_str)
            .unwrap_or("NONE")
            .to_string(),
    })
}

/// A serialization schema writes elements of one type: `SimpleStringSchema` STRINGs, a JSON row
/// schema Rows of its arity (PyFlink would fail on anything else when the job runs).
fn check_input(schema: &KafkaSchema, input: Option<&TypeInfo>, node: &RecordedNode) -> Result<(), CompileError> {
    let mismatch = |wants: &str| {
        let got = input.map_or("an unknown type".to_string(), |t| t.to_string());
        CompileError::new(
            Category::User,
            format!("sink_to(KafkaSink) with {wants}, but the stream's elements are {got}"),
        )
        .at(node.site.clone())
        .with_note("declare the element type upstream, e.g. map(f, output_type=Types.STRING())")
    };
    match (schema, input) {
        (KafkaSchema::SimpleString, Some(TypeInfo::String)) => Ok(()),
        (KafkaSchema::SimpleString, _) => Err(mismatch("SimpleStringSchema writes STRING elements")),
        (KafkaSchema::JsonRow { types, .. }, Some(TypeInfo::Row { fields, .. })) if fields.len() == types.len() => {
            Ok(())
        }
        (KafkaSchema::JsonRow { types, .. }, _) => Err(mismatch(&format!(
            "JsonRowSerializationSchema writes Rows of {} fields",
            types.len()
        ))),
    }
}

/// The runtime codec of a schema.
fn codec_tokens(schema: &KafkaSchema) -> TokenStream {
    match schema {
        KafkaSchema::SimpleString => quote! {
            connectors::formats::RowCodec::new(connectors::formats::Format::Raw, vec!["value".to_string()], vec![TypeInfo::String])
        },
        KafkaSchema::JsonRow { names, types } => {
            let types = types.iter().map(type_info);
            quote! {
                connectors::formats::RowCodec::new(connectors::formats::Format::Json, vec![#(#names.to_string()),*], vec![#(#types),*])
            }
        }
    }
}

/// The client settings the script gives node `id` when the binary runs.
fn client_tokens(id: usize, topics: TokenStream, pattern: TokenStream, group: TokenStream) -> TokenStream {
    let id = proc_macro2::Literal::usize_unsuffixed(id);
    quote! {
        connectors::kafka::KafkaClientConfig {
            table: String::new(),
            topics: #topics,
            topic_pattern: #pattern,
            bootstrap_servers: b.string(#id, "bootstrap_servers", "set_bootstrap_servers()")?,
            group_id: #group,
            properties: b.string_pairs(#id, "properties", "the Kafka properties")?,
        }
    }
}

/// `let nID = p.source(KafkaSource::for_stream(...));`
pub fn source_stmt(id: usize, spec: &KafkaSourceSpec, var: &Ident) -> TokenStream {
    let lit = proc_macro2::Literal::usize_unsuffixed(id);
    let (topics, pattern) = if spec.topic_pattern {
        (
            quote! { Vec::new() },
            quote! { b.optional_string(#lit, "topic_pattern", "set_topic_pattern()")? },
        )
    } else {
        (quote! { b.strings(#lit, "topics")? }, quote! { None })
    };
    let group = quote! { b.optional_string(#lit, "group_id", "set_group_id()")? };
    let client = client_tokens(id, topics, pattern, group);
    let startup = match spec.start {
        KafkaStart::Earliest => quote! { connectors::kafka_source::StartupMode::Earliest },
        KafkaStart::Latest => quote! { connectors::kafka_source::StartupMode::Latest },
        KafkaStart::Committed => quote! { connectors::kafka_source::StartupMode::GroupOffsets },
        KafkaStart::Timestamp => quote! {
            connectors::kafka_source::StartupMode::Timestamp(b.int(#lit, "start_timestamp")?)
        },
        KafkaStart::Offsets => quote! {
            connectors::kafka_source::StartupMode::TopicOffsets(b.topic_offsets(#lit, "start_offsets", "KafkaOffsetsInitializer.offsets()")?)
        },
    };
    let codec = codec_tokens(&spec.schema);
    let single_field = spec.schema == KafkaSchema::SimpleString;
    let (name, bounded, ignore) = (&spec.name, spec.bounded, spec.ignore_parse_errors);
    // `partition.discovery.interval.ms` (Flink's 5 minutes by default); a bounded source never looks.
    let discovery = if bounded {
        quote! {}
    } else {
        quote! { .with_partition_discovery(b.int(#lit, "discovery_ms")?) }
    };
    quote! {
        let #var = p.source(connectors::kafka_source::KafkaSource::for_stream(
            #name, #client, #startup, #bounded, #codec, #single_field, #ignore)#discovery);
    }
}

/// `p.operator(input, KafkaSink::for_stream(...));`
pub fn sink_stmt(id: usize, spec: &KafkaSinkSpec, input: Option<&Ident>) -> TokenStream {
    let lit = proc_macro2::Literal::usize_unsuffixed(id);
    let client = client_tokens(
        id,
        quote! { vec![b.string(#lit, "topic", "KafkaRecordSerializationSchema topic")?] },
        quote! { None },
        quote! { None },
    );
    let codec = codec_tokens(&spec.value);
    let key = match &spec.key {
        Some(key) => {
            let key = codec_tokens(key);
            quote! { Some(#key) }
        }
        None => quote! { None },
    };
    let name = &spec.name;
    quote! {
        p.operator(#input, connectors::kafka_sink::KafkaSink::for_stream(#name, #client, #codec, #key));
    }
}
