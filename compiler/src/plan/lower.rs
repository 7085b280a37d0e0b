//! Lowering a recording to the typed plan: op names to operator variants, parameters to typed
//! fields, and each UDF to its source text found in the job's files.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value as Json;
use sluice_types::TypeInfo;

use super::{
    AssignerSpec, CoKind, JobPlan, Plan, PlanNode, SideOutput, StreamOp, TriggerSpec, Udf, UdfAst,
    UdfKind, WatermarkSpec, WindowFunctionKind, WindowSpec,
};
use crate::diagnostics::{Category, CompileError};
use crate::frontend::recording::{RecordedJob, RecordedNode, RecordedUdf, Recording};
use crate::frontend::spans::{PySpan, SourceIndex};

/// Parsed job files, by path relative to the job's directory.
pub(crate) struct Sources<'a> {
    job_dir: &'a Path,
    files: HashMap<String, Option<SourceIndex>>,
}

impl Sources<'_> {
    pub(crate) fn get(&mut self, file: &str) -> Option<&SourceIndex> {
        let job_dir = self.job_dir;
        self.files
            .entry(file.to_string())
            .or_insert_with(|| {
                let text = std::fs::read_to_string(job_dir.join(file)).ok()?;
                SourceIndex::parse(&text, file).ok()
            })
            .as_ref()
    }
}

pub fn lower_recording(recording: &Recording, job_dir: &Path) -> Result<Plan, CompileError> {
    let mut sources = Sources {
        job_dir,
        files: HashMap::new(),
    };
    let jobs = recording
        .jobs
        .iter()
        .map(|job| lower_job(job, &mut sources))
        .collect::<Result<_, _>>()?;
    Ok(Plan {
        jobs,
        modules: recording.modules.clone(),
        site_dirs: recording.site_dirs.clone(),
        base_python: recording.base_python.clone(),
    })
}

fn lower_job(job: &RecordedJob, sources: &mut Sources<'_>) -> Result<JobPlan, CompileError> {
    let mut nodes: Vec<PlanNode> = Vec::with_capacity(job.nodes.len());
    for node in &job.nodes {
        // Keyed operators in batch mode see their input sorted by key and emit only final results;
        // sluice does that for reduce (and sum/min/max...); other keyed operators would print their
        // streaming results instead.
        let reduced_only = || job.nodes.iter().filter(|n| n.inputs.contains(&node.id)).all(|n| n.op == "reduce");
        if job.config.is_batch() && node.op == "key_by" && !reduced_only() {
            return Err(CompileError::new(
                Category::Unsupported,
                "a keyed operator other than reduce / sum / min / max in BATCH runtime mode is not supported by sluice yet (Flink then sorts the input by key and emits each key's final result); run the job in STREAMING mode",
            )
            .at(node.site.clone()));
        }
        if let Some((op, output)) = crate::table::lower_table_node(node, &nodes, sources, job.config.is_batch())? {
            nodes.push(PlanNode {
                id: node.id,
                inputs: node.inputs.clone(),
                output,
                site: node.site.clone(),
                op,
            });
            continue;
        }
        let input_type = node
            .inputs
            .first()
            .and_then(|&i| nodes.get(i))
            .map(|n| n.output.clone());
        let mut op = if node.op == "sink.kafka" {
            StreamOp::KafkaSink(super::kafka::lower_sink(node, input_type.as_ref())?)
        } else {
            lower_op(node, sources)?
        };
        let job_parallelism = job.config.parallelism.unwrap_or(0);
        let node_parallelism = param(node, "parallelism").and_then(Json::as_u64).map(|p| p as u32);
        if let StreamOp::Print { parallelism, key_type, .. } = &mut op {
            *parallelism = node_parallelism.unwrap_or(job_parallelism);
            *key_type = upstream_key_type(&nodes, node.inputs.first().copied());
        } else if node_parallelism.is_some_and(|p| p != job_parallelism) {
            return Err(CompileError::new(
                Category::Unsupported,
                "an operator parallelism different from the job's is not supported by sluice yet (sinks excepted)",
            )
            .at(node.site.clone()));
        }
        let output = match (&op, &node.output_type) {
            (StreamOp::Print { .. } | StreamOp::KafkaSink(_) | StreamOp::Collect | StreamOp::FileSink(_), _) => input_type.clone().unwrap_or(TypeInfo::Pickled),
            (_, Some(ty)) => ty.clone(),
            (_, None) => TypeInfo::Pickled,
        };
        if !op.is_source() && input_type.is_none() {
            return Err(internal(node, "has no input"));
        }
        nodes.push(PlanNode {
            id: node.id,
            inputs: node.inputs.clone(),
            output,
            site: node.site.clone(),
            op,
        });
    }
    Ok(JobPlan {
        name: job.name.clone(),
        shape_hash: job.shape_hash.clone(),
        config: job.config.clone(),
        execute_site: job.execute_site.clone(),
        nodes,
    })
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

/// The declared key type of the nearest `key_by` upstream (through the first inputs).
pub(crate) fn upstream_key_type(nodes: &[PlanNode], mut at: Option<usize>) -> Option<TypeInfo> {
    while let Some(index) = at {
        let node = nodes.get(index)?;
        if let StreamOp::KeyBy { key_type, .. } = &node.op {
            return key_type.clone();
        }
        at = node.inputs.first().copied();
    }
    None
}

/// A parameter deserialized to its typed form.
fn typed<T: serde::de::DeserializeOwned>(
    node: &RecordedNode,
    name: &str,
) -> Result<T, CompileError> {
    let value =
        param(node, name).ok_or_else(|| internal(node, &format!("has no parameter '{name}'")))?;
    serde_json::from_value(value.clone())
        .map_err(|e| internal(node, &format!("has an unreadable '{name}': {e}")))
}

/// The OutputTags read from this node, sorted by tag for a deterministic plan.
fn side_outputs(node: &RecordedNode) -> Result<Vec<SideOutput>, CompileError> {
    let Some(map) = param(node, "side_outputs").and_then(Json::as_object) else {
        return Ok(Vec::new());
    };
    let mut outputs = map
        .iter()
        .map(|(tag, ty)| {
            serde_json::from_value(ty.clone())
                .map(|ty| SideOutput {
                    tag: tag.clone(),
                    ty,
                })
                .map_err(|e| internal(node, &format!("has an unreadable side output type: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    outputs.sort_by(|a, b| a.tag.cmp(&b.tag));
    Ok(outputs)
}

fn keyed(node: &RecordedNode) -> bool {
    param(node, "keyed")
        .and_then(Json::as_bool)
        .unwrap_or(false)
}

fn lower_op(node: &RecordedNode, sources: &mut Sources<'_>) -> Result<StreamOp, CompileError> {
    let mut udf = || -> Result<Udf, CompileError> {
        let recorded = node
            .udf
            .as_ref()
            .ok_or_else(|| internal(node, "has no function"))?;
        Ok(lower_udf(recorded, node, sources))
    };
    Ok(match node.op.as_str() {
        "source.number_sequence" => StreamOp::NumberSequenceSource {
            name: param(node, "name")
                .and_then(Json::as_str)
                .unwrap_or("Sequence Source")
                .to_string(),
            watermark: param(node, "watermark")
                .and_then(|w| serde_json::from_value::<WatermarkSpec>(w.clone()).ok())
                .ok_or_else(|| internal(node, "has no watermark strategy"))?,
        },
        "source.kafka" => StreamOp::KafkaSource(super::kafka::lower_source(node)?),
        "source.collection" => StreamOp::CollectionSource {
            element_count: node
                .preview
                .get("elements")
                .and_then(|e| e.get("count"))
                .and_then(Json::as_u64)
                .map(|c| c as usize),
        },
        "map" => StreamOp::Map {
            udf: udf()?,
            keyed: keyed(node),
        },
        "flat_map" => StreamOp::FlatMap {
            udf: udf()?,
            keyed: keyed(node),
        },
        "filter" => StreamOp::Filter {
            udf: udf()?,
            keyed: keyed(node),
        },
        "key_by" => StreamOp::KeyBy {
            selector: udf()?,
            key_type: param(node, "key_type").and_then(|t| serde_json::from_value(t.clone()).ok()),
        },
        "reduce" => StreamOp::Reduce { udf: udf()? },
        "process" => StreamOp::Process {
            udf: udf()?,
            keyed: keyed(node),
            side_outputs: side_outputs(node)?,
        },
        "assign_timestamps" => StreamOp::AssignTimestamps {
            assigner: match &node.udf {
                Some(recorded) => Some(lower_udf(recorded, node, sources)),
                None => None,
            },
            watermark: typed(node, "watermark")?,
        },
        "source.file_lines" => StreamOp::FileLinesSource {
            name: param(node, "name")
                .and_then(Json::as_str)
                .unwrap_or("FileSource")
                .to_string(),
            charset: param(node, "charset")
                .and_then(Json::as_str)
                .unwrap_or("UTF-8")
                .to_string(),
        },
        "union" => StreamOp::Union,
        "side_output" => StreamOp::SideOutputOf {
            tag: param(node, "tag")
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_string(),
        },
        "co_map" | "co_flat_map" | "co_process" => StreamOp::Connected {
            udf: udf()?,
            kind: match node.op.as_str() {
                "co_map" => CoKind::Map,
                "co_flat_map" => CoKind::FlatMap,
                _ => CoKind::Process,
            },
            keyed: keyed(node),
            side_outputs: side_outputs(node)?,
        },
        "window" => {
            let late_tag = param(node, "late_tag").and_then(Json::as_str).map(|tag| {
                let ty = side_outputs(node)
                    .ok()
                    .and_then(|s| s.into_iter().find(|o| o.tag == tag).map(|o| o.ty))
                    .unwrap_or(TypeInfo::Pickled);
                SideOutput {
                    tag: tag.to_string(),
                    ty,
                }
            });
            StreamOp::Window(Box::new(WindowSpec {
                assigner: typed::<AssignerSpec>(node, "assigner")?,
                trigger: param(node, "trigger")
                    .map(|_| typed::<TriggerSpec>(node, "trigger"))
                    .transpose()?,
                allowed_lateness_ms: param(node, "allowed_lateness")
                    .and_then(Json::as_i64)
                    .unwrap_or(0),
                late_tag,
                function: typed::<WindowFunctionKind>(node, "function")?,
                udf: udf()?,
                window_function: param(node, "window_function")
                    .and_then(Json::as_str)
                    .map(str::to_string),
                keyed: keyed(node),
            }))
        }
        "sink.collect_stream" => StreamOp::Collect,
        "sink.file" => {
            let text = |name: &str| param(node, name).and_then(Json::as_str).map(str::to_string);
            let number = |name: &str| param(node, name).and_then(Json::as_u64);
            if let Some(zone) = text("bucket_zone").filter(|z| !["UTC", "Z", "GMT", "Etc/UTC"].contains(&z.as_str())) {
                return Err(CompileError::new(
                    Category::Unsupported,
                    format!("a FileSink date-time bucket in the time zone {zone} is not supported by sluice yet (UTC is)"),
                )
                .at(node.site.clone()));
            }
            StreamOp::FileSink(super::FileSinkSpec {
                prefix: text("prefix").unwrap_or_else(|| "part".into()),
                suffix: text("suffix").unwrap_or_default(),
                bucket_format: text("bucket_format"),
                part_size: number("part_size"),
                rollover_ms: number("rollover_ms"),
            })
        }
        "sink.print" => StreamOp::Print {
            identifier: param(node, "identifier").and_then(Json::as_str).map(str::to_string),
            // Filled in by lower_job, which knows the job and the upstream nodes.
            parallelism: 1,
            key_type: None,
        },
        other => {
            return Err(internal(
                node,
                &format!("has an operator the compiler does not know: {other}"),
            ))
        }
    })
}

/// The UDF with its source: a lambda is found as the argument of the call that passed it (the call
/// site identifies it even when a line has several lambdas), a function by its `def`, an object by its
/// class.
pub(crate) fn lower_udf(
    recorded: &RecordedUdf,
    node: &RecordedNode,
    sources: &mut Sources<'_>,
) -> Udf {
    let mut udf = Udf {
        kind: recorded.kind,
        name: recorded
            .class
            .clone()
            .unwrap_or_else(|| recorded.name.clone()),
        method: recorded.method.clone(),
        file: recorded.file.clone(),
        line: recorded.line,
        source: None,
        span: None,
        ast: None,
    };
    let found: Option<(PySpan, UdfAst)> = (|| {
        use rustpython_parser::ast::{Expr, Ranged};
        let file = recorded.file.as_deref()?;
        let index = sources.get(file)?;
        match recorded.kind {
            UdfKind::Lambda => {
                let from_call = node
                    .site
                    .as_ref()
                    .filter(|s| s.file == file)
                    .and_then(|site| {
                        let call = index.call_at(site.span)?;
                        (0..call.args.len().max(1))
                            .filter_map(|i| index.call_argument(call, i, None))
                            .chain(call.keywords.iter().map(|k| &k.value))
                            .find_map(|arg| match arg {
                                Expr::Lambda(lambda) => Some(lambda),
                                _ => None,
                            })
                    });
                let lambda = from_call.or_else(|| {
                    match index.lambdas_on_line(recorded.line?).as_slice() {
                        [only] => Some(*only),
                        _ => None,
                    }
                })?;
                Some((
                    index.span_of(lambda.range()),
                    UdfAst::Lambda(lambda.clone()),
                ))
            }
            UdfKind::Function => {
                let short = recorded.name.rsplit('.').next().unwrap_or(&recorded.name);
                let def = index.function_def(short, recorded.line?)?;
                Some((index.span_of(def.range()), UdfAst::Function(def.clone())))
            }
            UdfKind::Object => {
                let class = recorded.class.as_deref()?;
                let short = class.rsplit('.').next().unwrap_or(class);
                let def = index.class_def(short, None)?;
                Some((index.span_of(def.range()), UdfAst::Class(def.clone())))
            }
        }
    })();
    if let (Some((span, ast)), Some(file)) = (found, recorded.file.as_deref()) {
        if let Some(index) = sources.get(file) {
            udf.source = Some(index.text(span).to_string());
            udf.span = Some(span);
            udf.ast = Some(ast);
        }
    }
    udf
}
