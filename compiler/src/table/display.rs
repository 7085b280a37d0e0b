//! `Display` of relational operators: one line each in `sluice explain`.

use std::fmt;

use super::{RelOp, SinkConnector, SourceConnector};

fn list<T: fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for RelOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RelOp::Scan {
                table,
                source,
                schema,
                rowtime,
                computed,
            } => {
                write!(f, "TableScan table={table} ")?;
                match source {
                    SourceConnector::File { path, format, .. } => write!(f, "{format}={path:?}")?,
                    SourceConnector::Datagen(d) => write!(
                        f,
                        "datagen rows-per-second={}{}",
                        d.rows_per_second,
                        d.number_of_rows.map(|n| format!(" rows={n}")).unwrap_or_default()
                    )?,
                    SourceConnector::Kafka(k) => write!(
                        f,
                        "kafka topics={:?} format={}{}{}",
                        k.topic_pattern.as_ref().map_or_else(|| k.topics.join(";"), |p| format!("/{p}/")),
                        k.format,
                        k.plan_details(&super::computed::read_schema(schema, computed)),
                        if k.bounded { " bounded" } else { "" }
                    )?,
                }
                write!(f, " schema={schema}")?;
                if !computed.is_empty() {
                    let exprs: Vec<String> = computed.iter().map(|c| format!("${}={}", c.position, c.expr)).collect();
                    write!(f, " read={} computed=[{}]", super::computed::read_schema(schema, computed), exprs.join(", "))?;
                }
                if let Some(r) = rowtime {
                    write!(f, " watermark=${} - {}ms", r.column, r.delay_ms)?;
                }
                Ok(())
            }
            RelOp::Calc {
                python,
                filter,
                projection,
                schema,
            } => {
                write!(f, "Calc")?;
                for (i, call) in python.iter().enumerate() {
                    let kind = if call.pandas { "pandas" } else { "python" };
                    write!(f, " {kind}[{i}]={}({})", call.function, list(&call.args))?;
                    if let Some(location) = call.udf.location() {
                        write!(f, " ({location})")?;
                    }
                }
                if let Some(filter) = filter {
                    write!(f, " where={filter}")?;
                }
                write!(f, " select=[{}] schema={schema}", list(projection))
            }
            RelOp::Aggregate {
                keys,
                aggs,
                projection,
                schema,
            } => write!(
                f,
                "GroupAggregate keys=[{}] aggs=[{}] select=[{}] schema={schema}",
                list(keys),
                list(aggs),
                list(projection)
            ),
            RelOp::WindowAggregate {
                keys,
                end_key,
                aggs,
                projection,
                schema,
                ..
            } => write!(
                f,
                "WindowAggregate keys=[{}] window_end=$k{end_key} aggs=[{}] select=[{}] schema={schema}",
                list(keys),
                list(aggs),
                list(projection)
            ),
            RelOp::SessionWindow { time, gap_ms, partition, schema } => write!(
                f,
                "SessionWindow time=${time} gap={gap_ms}ms partition={} schema={schema}",
                partition.as_ref().map_or("-".to_string(), |p| format!("{p:?}"))
            ),
            RelOp::SessionWindowAggregate { keys, window_positions, time, gap_ms, aggs, projection, schema, .. } => write!(
                f,
                "SessionWindowAggregate keys=[{}] window_at={window_positions:?} time=${time} gap={gap_ms}ms aggs=[{}] select=[{}] schema={schema}",
                list(keys),
                list(aggs),
                list(projection)
            ),
            RelOp::Union { schema } => write!(f, "UnionAll schema={schema}"),
            RelOp::OverAggregate { partition, time, frame, aggs, schema } => write!(
                f,
                "OverAggregate partition=[{}] order=${time} frame={frame:?} aggs=[{}] schema={schema}",
                list(partition),
                list(aggs)
            ),
            RelOp::Correlate { call, left_outer, mode, schema, .. } => write!(
                f,
                "Correlate{} {}({}) schema={schema}",
                match mode {
                    super::CorrelateMode::Lateral if *left_outer => " LEFT",
                    super::CorrelateMode::Lateral => "",
                    super::CorrelateMode::Map { .. } => " MAP",
                    super::CorrelateMode::FlatMap { .. } => " FLAT_MAP",
                },
                call.function,
                list(&call.args)
            ),
            RelOp::Deduplicate { partition, time, keep_last, proctime, schema } => {
                let keep = if *keep_last { "last" } else { "first" };
                let order = if *proctime { " (processing time)" } else { "" };
                write!(f, "Deduplicate partition=[{}] time=${time}{order} keep={keep} schema={schema}", list(partition))
            }
            RelOp::TimeSort { time, keys, schema } => {
                let keys: Vec<String> = keys.iter().map(|k| format!("{}{}", k.expr, if k.descending { " DESC" } else { "" })).collect();
                write!(f, "TimeSort time=${time} then=[{}] schema={schema}", keys.join(", "))
            }
            RelOp::TopN { keys, limit, offset, partition, rank_number, row_number, retracting, schema } => {
                let keys: Vec<String> = keys
                    .iter()
                    .map(|k| format!("{}{}", k.expr, if k.descending { " DESC" } else { "" }))
                    .collect();
                let offset = if *offset > 0 { format!(" offset={offset}") } else { String::new() };
                let partition = if partition.is_empty() { String::new() } else { format!(" partition=[{}]", list(partition)) };
                let rank = match (*row_number, *rank_number) {
                    (true, true) => " row_number selected",
                    (true, false) => " row_number",
                    _ => "",
                };
                let retracting = if *retracting { " retracting" } else { "" };
                write!(f, "TopN order=[{}] limit={limit}{offset}{partition}{rank}{retracting} schema={schema}", keys.join(", "))
            }
            RelOp::WindowExpand {
                time,
                size_ms,
                step_ms,
                cumulate,
                schema,
            } => write!(
                f,
                "{} time=${time} size={size_ms}ms step={step_ms}ms schema={schema}",
                if *cumulate { "Cumulate" } else { "Hop" }
            ),
            RelOp::Join {
                kind,
                left_keys,
                right_keys,
                condition,
                interval,
                temporal,
                schema,
                ..
            } => {
                let name = match (interval, temporal) {
                    (Some(_), _) => "IntervalJoin",
                    (_, Some(_)) => "TemporalJoin",
                    _ => "Join",
                };
                write!(f, "{name} {} left_keys=[{}] right_keys=[{}]", kind.sql(), list(left_keys), list(right_keys))?;
                if let Some(b) = interval {
                    write!(f, " bounds=[{} <= ${} - right.${} <= {}]", b.lower_ms, b.left_time, b.right_time, b.upper_ms)?;
                }
                if let Some(t) = temporal {
                    write!(f, " as_of=${} version_time=right.${}", t.left_time, t.right_time)?;
                    if t.deduplicated {
                        write!(f, " deduplicated")?;
                    }
                }
                if let Some(c) = condition {
                    write!(f, " where={c}")?;
                }
                write!(f, " schema={schema}")
            }
            RelOp::AntiJoin { left_keys, right_keys, condition, null_aware, schema, .. } => {
                write!(f, "AntiJoin left_keys=[{}] right_keys=[{}]", list(left_keys), list(right_keys))?;
                if *null_aware {
                    write!(f, " null_aware")?;
                }
                if let Some(c) = condition {
                    write!(f, " where={c}")?;
                }
                write!(f, " schema={schema}")
            }
            RelOp::Expand { projections, schema } => {
                write!(f, "Expand")?;
                for (i, p) in projections.iter().enumerate() {
                    write!(f, " set{i}=[{}]", list(p))?;
                }
                write!(f, " schema={schema}")
            }
            RelOp::Values { schema } => write!(f, "Values schema={schema}"),
            RelOp::Literals { rows, schema } => {
                let rows: Vec<String> = rows
                    .iter()
                    .map(|row| format!("({})", row.iter().map(|e| e.to_string()).collect::<Vec<_>>().join(", ")))
                    .collect();
                write!(f, "Values rows=[{}] schema={schema}", rows.join(", "))
            }
            RelOp::Tableau { schema } => write!(f, "TableauPrint schema={schema}"),
            RelOp::Collect { schema } => write!(f, "CollectSink schema={schema}"),
            RelOp::Input { node, schema } => write!(f, "View of #{node} schema={schema}"),
            RelOp::Query { nodes, schema } => {
                write!(f, "SqlQuery schema={schema}")?;
                for (i, node) in nodes.iter().enumerate() {
                    write!(f, "\n      q{i}")?;
                    if !node.inputs.is_empty() {
                        let inputs: Vec<String> = node.inputs.iter().map(|j| format!("q{j}")).collect();
                        write!(f, " ({})", inputs.join(", "))?;
                    }
                    write!(f, " {}", node.op)?;
                }
                Ok(())
            }
            RelOp::Sink {
                table,
                sink,
                casts,
                schema,
            } => {
                write!(f, "TableSink table={table} ")?;
                match sink {
                    SinkConnector::Print {
                        identifier: Some(id),
                        standard_error,
                    } => write!(f, "print identifier={id:?}{}", if *standard_error { " stderr" } else { "" })?,
                    SinkConnector::Print {
                        identifier: None,
                        standard_error,
                    } => write!(f, "print{}", if *standard_error { " stderr" } else { "" })?,
                    SinkConnector::Blackhole => write!(f, "blackhole")?,
                    SinkConnector::File { path, format, .. } => write!(f, "filesystem {format}={path:?}")?,
                    SinkConnector::Jdbc(j) => write!(
                        f,
                        "jdbc url={:?} table={:?} key=[{}]",
                        j.url,
                        j.table,
                        j.key.join(", ")
                    )?,
                    SinkConnector::Kafka {
                        options,
                        upsert_key: None,
                    } => write!(
                        f,
                        "kafka topic={:?} format={}{}",
                        options.topics.join(";"),
                        options.format,
                        options.plan_details(schema)
                    )?,
                    SinkConnector::Kafka {
                        options,
                        upsert_key: Some(key),
                    } => write!(
                        f,
                        "upsert-kafka topic={:?} key=[{}] format={}",
                        options.topics.join(";"),
                        key.join(", "),
                        options.format
                    )?,
                }
                write!(f, " values=[{}] schema={schema}", list(casts))
            }
        }
    }
}
