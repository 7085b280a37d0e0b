//! Code generation for relational operators: runtime operators wired with expressions compiled to
//! typed Rust closures (`Option<i64>`, `Option<f64>`, `Option<bool>`, `Option<Arc<str>>`; `None` is
//! SQL NULL), built with `quote!`.

use proc_macro2::{Literal as Lit, TokenStream};
use quote::{format_ident, quote};

use super::codegen_expr::{display_fn, scalar_fn, typed};
use super::expr::{AggKind, Expr};
use super::physical::{Physical, RelRef};
use super::types::SqlType;
use super::{RelOp, SinkConnector, SourceConnector};
use crate::codegen::types::type_info;
use crate::plan::JobConfig;

/// The width of a column in Flink's boxed print (`PrintUtils.columnWidthsByType`): from its type,
/// at least its name and `<NULL>`, at most 30 for unbounded types.
fn tableau_width(field: &super::Field) -> usize {
    let by_type = match field.ty {
        SqlType::TinyInt => 4,
        SqlType::SmallInt => 6,
        SqlType::Int => 11,
        SqlType::BigInt => 20,
        SqlType::Decimal(p, _) => usize::from(p) + 2,
        SqlType::Boolean => 5,
        SqlType::Float | SqlType::Double | SqlType::String | SqlType::Bytes | SqlType::StringBytesMap | SqlType::Row(_) | SqlType::Array(_) | SqlType::Map(_) => 30,
        SqlType::Date => 10,
        SqlType::Time => 8,
        SqlType::Timestamp(p) | SqlType::TimestampLtz(p) => 19 + if p > 0 { usize::from(p) + 1 } else { 0 },
    };
    by_type.max(6).max(field.name.chars().count())
}

/// The runtime type a column is displayed as (DECIMAL and temporal columns are displayed from their
/// text).
fn display_type(ty: SqlType) -> TokenStream {
    type_info(&ty.connector_type().type_info())
}

/// The statement that adds `rel` (plan node `id`) to the pipeline as `var`, fed by `inputs` (a union
/// has several); `physical` says what its consumers read of it.
pub fn rel_stmt(
    id: usize,
    rel: &RelOp,
    var: &proc_macro2::Ident,
    inputs: &[proc_macro2::Ident],
    config: &JobConfig,
    physical: &Physical<'_>,
) -> TokenStream {
    rel_stmt_on(id, RelRef::plan(id), rel, var, inputs, config, physical)
}

/// A projection's closures; those of columns no consumer reads yield NULL without computing.
fn projection_fns(projection: &[Expr], read: &[bool]) -> Vec<TokenStream> {
    projection
        .iter()
        .enumerate()
        .map(|(i, e)| match read.get(i) {
            Some(false) => quote! { Box::new(|_: &[table::Value]| table::Value::Null) },
            _ => scalar_fn(e),
        })
        .collect()
}

/// `.keeping(...)` for a Calc whose output columns are partly its input's as they are (a column
/// copied to the same place, or one no consumer reads): those stay in the row instead of being
/// computed again. `input_width`: the Calc's input columns, if known.
fn keep_tokens(projection: &[Expr], read: &[bool], input_width: Option<usize>) -> TokenStream {
    let Some(width) = input_width else {
        return quote! {};
    };
    let keep: Vec<bool> = projection
        .iter()
        .enumerate()
        .map(|(j, e)| {
            j < width && (read.get(j) == Some(&false) || matches!(e, Expr::Column { index, .. } if *index == j))
        })
        .collect();
    if keep.contains(&true) {
        quote! { .keeping(vec![#(#keep),*]) }
    } else {
        quote! {}
    }
}

/// [`rel_stmt`] with all of the operator's inputs (a union has several); `at` is the operator. In
/// batch mode the streaming operators run as they are, and their changelog is materialized into
/// final rows after each operator that may update ([`RelOp::emits_updates`]: a group aggregate,
/// whose batch operator emits each group once, in the order the groups appeared, before a HAVING
/// filters them; an outer join; an anti-join; a keep-last deduplication), sorted after each rank
/// (whose batch operator sorts), so that no operator, sinks included, reads an updating input.
fn rel_stmt_on(
    id: usize,
    at: RelRef,
    rel: &RelOp,
    var: &proc_macro2::Ident,
    inputs: &[proc_macro2::Ident],
    config: &JobConfig,
    physical: &Physical<'_>,
) -> TokenStream {
    let streaming = |inputs: &[proc_macro2::Ident]| rel_stmt_streaming(id, at, rel, var, inputs, config, physical);
    if !config.is_batch() {
        return streaming(inputs);
    }
    match rel {
        RelOp::TopN { keys, partition, .. } => {
            let stmt = streaming(inputs);
            let partition = partition.iter().map(|e| {
                let f = scalar_fn(e);
                quote! { table::SortKey::new(#f, false, true) }
            });
            let keys = keys.iter().map(|k| {
                let f = scalar_fn(&k.expr);
                let (descending, nulls_first) = (k.descending, k.nulls_first);
                quote! { table::SortKey::new(#f, #descending, #nulls_first) }
            });
            quote! {
                #stmt
                let #var = p.operator(#var, table::Materialize::sorted(vec![#(#partition,)* #(#keys),*]));
            }
        }
        op if op.emits_updates() => {
            let stmt = streaming(inputs);
            quote! {
                #stmt
                let #var = p.operator(#var, table::Materialize::new());
            }
        }
        _ => streaming(inputs),
    }
}

fn rel_stmt_streaming(
    id: usize,
    at: RelRef,
    rel: &RelOp,
    var: &proc_macro2::Ident,
    inputs: &[proc_macro2::Ident],
    config: &JobConfig,
    physical: &Physical<'_>,
) -> TokenStream {
    let input = inputs.first();
    let id_lit = Lit::usize_unsuffixed(id);
    match rel {
        RelOp::Scan {
            table,
            source,
            schema,
            rowtime,
            computed,
        } => {
            // The watermark generator after the source reads the time column.
            let mut read = physical.read_columns(at);
            if let Some(slot) = rowtime.as_ref().and_then(|r| read.get_mut(r.column)) {
                *slot = true;
            }
            // The connector reads the columns that are not computed (all of them, for simplicity,
            // when some are: the computed ones read them).
            let schema = &super::computed::read_schema(schema, computed);
            let (read, computing) = if computed.is_empty() {
                (read, quote! {})
            } else {
                let mut source_index = 0..;
                let projection: Vec<Expr> = (0..schema.fields.len() + computed.len())
                    .map(|i| match computed.iter().find(|c| c.position == i) {
                        Some(c) => c.expr.clone(),
                        None => {
                            let index = source_index.next().unwrap_or_default();
                            Expr::Column { index, ty: schema.fields[index].ty }
                        }
                    })
                    .collect();
                let keep = keep_tokens(&projection, &read, Some(schema.fields.len()));
                let projection = projection_fns(&projection, &read);
                let computing = quote! {
                    let #var = p.operator(#var, table::TableCalc::new(vec![], None, vec![#(#projection),*])#keep);
                };
                (vec![true; schema.fields.len()], computing)
            };
            // DECIMAL and temporal columns are read as text and parsed by a Calc after the source.
            let scan = match source {
                SourceConnector::File {
                    path,
                    format,
                    field_delimiter,
                    ignore_parse_errors,
                } => {
                    let all: Vec<usize> = (0..schema.fields.len()).collect();
                    let mut codec = super::formats::codec_tokens(format, *field_delimiter, schema, &all);
                    if format == "csv" && read.contains(&false) {
                        codec = quote! { #codec.reading(vec![#(#read),*]) };
                    }
                    quote! { p.source(table::FileSource::new(#table, #path, #codec, #ignore_parse_errors)) }
                }
                SourceConnector::Kafka(options) => super::kafka::source_expr(options, table, schema),
                SourceConnector::Datagen(options) => super::datagen::source_expr(options, table, schema),
            };
            let watermarks = match rowtime {
                // Batch mode has no watermarks: time-based operators fire at the end of the input,
                // and no row is late.
                Some(_) if config.is_batch() => quote! {},
                Some(r) => {
                    let (column, delay) = (Lit::usize_unsuffixed(r.column), Lit::i64_suffixed(r.delay_ms));
                    // Flink pushes a Kafka table's watermark into its source (periodic only); other
                    // sources get the WatermarkAssignerOperator, which also emits on event-time jumps.
                    let on_event_jumps = !matches!(source, SourceConnector::Kafka(_));
                    quote! { let #var = p.operator(#var, table::RowtimeWatermarks::new(#column, #delay, #on_event_jumps)); }
                }
                None => quote! {},
            };
            // datagen makes typed values; the other connectors read temporal and DECIMAL columns as
            // text, parsed by a Calc after the scan.
            if matches!(source, SourceConnector::Datagen(_)) || schema.fields.iter().all(|f| f.ty.connector_type() == f.ty) {
                return quote! { let #var = #scan; #computing #watermarks };
            }
            let parse: Vec<Expr> = schema
                .fields
                .iter()
                .enumerate()
                .map(|(index, f)| Expr::Column { index, ty: f.ty.connector_type() }.cast(f.ty))
                .collect();
            let keep = keep_tokens(&parse, &read, Some(parse.len()));
            let parse = projection_fns(&parse, &read);
            quote! {
                let #var = #scan;
                let #var = p.operator(#var, table::TableCalc::new(vec![], None, vec![#(#parse),*])#keep);
                #computing
                #watermarks
            }
        }
        RelOp::Calc {
            python,
            filter,
            projection,
            ..
        } if python.iter().any(|c| c.pandas) => super::pandas::calc_stmt(id, python, filter.as_ref(), projection, var, input, config),
        RelOp::Calc {
            python,
            filter,
            projection,
            ..
        } => {
            let calls = python.iter().map(|call| {
                let key = format!("udf:{}", call.function);
                let mut label = format!("Python function {}", call.function);
                if let Some(location) = call.udf.location() {
                    label.push_str(&format!(" at {location}"));
                }
                let args = call.args.iter().map(scalar_fn);
                let arg_types = call.arg_types.iter().map(|t| type_info(&t.type_info()));
                let result = type_info(&call.result.type_info());
                let columns = column_args(&call.args);
                quote! {
                    table::PyScalarCall::new(b.udf_value(#id_lit, #key, None, #label)?,
                        vec![#(#args),*], vec![#(#arg_types),*], #result)#columns
                }
            });
            let filter = match filter {
                Some(f) => {
                    let body = typed(f);
                    quote! { Some(Box::new(|r: &[table::Value]| -> Option<bool> { #body })) }
                }
                None => quote! { None },
            };
            let read = physical.read_columns(at);
            let keep = keep_tokens(projection, &read, physical.input_width(at));
            let projection = projection_fns(projection, &read);
            quote! {
                let #var = p.operator(#input, table::TableCalc::new(
                    vec![#(#calls),*], #filter, vec![#(#projection),*])#keep);
            }
        }
        RelOp::Aggregate {
            keys,
            aggs,
            projection,
            ..
        } => {
            let read = physical.read_columns(at);
            // `[keys..., aggregates...]` as they are: the runtime builds the rows without closures.
            // (Not when an aggregate spreads a ROW value over several columns.)
            let identity = projection.len() == keys.len() + aggs.len()
                && aggs.iter().all(|a| a.python.as_ref().is_none_or(|p| p.row.is_none()))
                && !read.contains(&false)
                && projection.iter().enumerate().all(|(i, e)| {
                    let ty = keys.get(i).map(Expr::ty).or_else(|| aggs.get(i - keys.len()).map(|a| a.ty));
                    matches!(e, Expr::Column { index, ty: t } if *index == i && Some(*t) == ty)
                });
            let mut options = TokenStream::new();
            let key_columns: Option<Vec<usize>> = keys
                .iter()
                .map(|k| match k {
                    Expr::Column { index, .. } => Some(*index),
                    _ => None,
                })
                .collect();
            if let Some(columns) = key_columns.filter(|c| !c.is_empty()) {
                options.extend(quote! { .key_columns(vec![#(#columns),*]) });
            }
            // PyFlink's bundle options, when the job sets them.
            if aggs.iter().any(|a| a.python.is_some()) && (config.bundle_size.is_some() || config.bundle_time_ms.is_some()) {
                let size = Lit::u64_unsuffixed(config.bundle_size.unwrap_or(100_000));
                let millis = Lit::u64_unsuffixed(config.bundle_time_ms.unwrap_or(1_000));
                options.extend(quote! { .bundle(#size, #millis) });
            }
            let keys = keys.iter().map(scalar_fn);
            let aggs = agg_specs(id, aggs);
            let projection = if identity {
                options.extend(quote! { .identity_projection() });
                Vec::new()
            } else {
                projection_fns(projection, &read)
            };
            if !physical.update_before(at) {
                options.extend(quote! { .without_update_before() });
            }
            quote! {
                let #var = p.operator(#input, table::GroupAggregate::new(
                    vec![#(#keys),*], vec![#(#aggs),*], vec![#(#projection),*])#options);
            }
        }
        RelOp::WindowAggregate {
            keys,
            end_key,
            aggs,
            projection,
            zoned,
            ..
        } if super::pandas::is_pandas(aggs) => {
            let zoned = zoned.then(|| quote! { .zoned() });
            let keys = keys.iter().map(scalar_fn);
            let aggs = super::pandas::aggregates(id, aggs);
            let end_key = Lit::usize_unsuffixed(*end_key);
            let projection = projection.iter().map(scalar_fn);
            quote! {
                let #var = p.operator(#input, table::PandasWindowAggregate::new(
                    vec![#(#keys),*], #end_key, #aggs, vec![#(#projection),*])#zoned);
            }
        }
        RelOp::WindowAggregate {
            keys,
            end_key,
            aggs,
            projection,
            group_window,
            zoned,
            slices,
            ..
        } => {
            let aggs_of = aggs;
            let zoned = zoned.then(|| quote! { .zoned() });
            let keys = keys.iter().map(scalar_fn);
            let aggs = agg_specs(id, aggs);
            let end_key = Lit::usize_unsuffixed(*end_key);
            let projection = projection.iter().map(scalar_fn);
            let merge = match group_window {
                Some(super::window::GroupWindow::Slide { time, pane_ms }) => {
                    let (time, pane) = (Lit::usize_unsuffixed(*time), Lit::i64_suffixed(*pane_ms));
                    Some(quote! { .panes(#time, #pane) })
                }
                _ => slices.map(|(time, slice)| {
                    let (time, slice) = (Lit::usize_unsuffixed(time), Lit::i64_suffixed(slice));
                    quote! { .slices(#time, #slice) }
                }),
            };
            let bundle = python_bundle(aggs_of, config);
            quote! {
                let #var = p.operator(#input, table::WindowAggregate::new(
                    vec![#(#keys),*], #end_key, vec![#(#aggs),*], vec![#(#projection),*])#merge #bundle #zoned);
            }
        }
        // Rows pass through: the aggregate over it computes the windows.
        RelOp::SessionWindow { .. } => quote! { let #var = #input; },
        RelOp::SessionWindowAggregate { keys, window_positions, time, gap_ms, aggs, projection, group_window, .. } => {
            // Over the SQL SESSION table function PyFlink runs a Python group aggregate over the
            // sessions' rows: no watermark held back (the table function is Java), no merges.
            let bundle = if *group_window { python_bundle(aggs, config) } else { Some(quote! { .tvf() }) };
            let keys = keys.iter().map(scalar_fn);
            let aggs = agg_specs(id, aggs);
            let [start, end] = window_positions.map(Lit::usize_unsuffixed);
            let time = Lit::usize_unsuffixed(*time);
            let gap = Lit::i64_suffixed(*gap_ms);
            let projection = projection.iter().map(scalar_fn);
            quote! {
                let #var = p.operator(#input, table::SessionWindowAggregate::new(
                    vec![#(#keys),*], [#start, #end], #time, #gap, vec![#(#aggs),*], vec![#(#projection),*])#bundle);
            }
        }
        RelOp::Literals { rows, .. } => {
            let rows = rows.iter().map(|row| {
                let fields = row.iter().map(|e| {
                    let f = scalar_fn(e);
                    quote! { (#f)(&[]) }
                });
                quote! { table::Value::row(vec![#(#fields),*]) }
            });
            quote! { let #var = p.source(table::ValuesSource::new(vec![#(#rows),*])); }
        }
        RelOp::Values { schema } => {
            let fields = schema.fields.iter().map(|f| f.ty.type_info()).collect();
            let tuple = type_info(&sluice_types::TypeInfo::Tuple { fields });
            let label = "from_elements";
            quote! {
                let #var = p.source(table::ValuesSource::new(b.elements(#id_lit, &#tuple, #label)?));
            }
        }
        RelOp::Tableau { schema } => {
            let names = schema.fields.iter().map(|f| f.name.as_str());
            let widths = schema.fields.iter().map(|f| Lit::usize_unsuffixed(tableau_width(f)));
            let columns = schema.fields.iter().enumerate().map(|(index, f)| {
                scalar_fn(&Expr::Cast {
                    expr: Box::new(Expr::Column { index, ty: f.ty }),
                    ty: SqlType::String,
                })
            });
            let batch = if config.is_batch() { quote! { .without_kinds() } } else { quote! {} };
            quote! {
                p.operator(#input, table::TableauPrint::new(
                    vec![#(#names),*], vec![#(#widths),*], vec![#(#columns),*])#batch);
            }
        }
        RelOp::Collect { schema } => {
            let fields = schema.fields.iter().map(|f| f.ty.type_info()).collect();
            let row = type_info(&sluice_types::TypeInfo::Tuple { fields });
            let names = schema.fields.iter().map(|f| f.name.as_str());
            quote! { p.operator(#input, table::CollectSink::new(b.collector(#row, &[#(#names),*])?)); }
        }
        RelOp::Join {
            kind,
            left_keys,
            right_keys,
            condition,
            left_width,
            interval,
            temporal,
            schema,
        } => {
            let left_keys = left_keys.iter().map(scalar_fn);
            let right_keys = right_keys.iter().map(scalar_fn);
            let condition = match condition {
                Some(c) => {
                    let body = typed(c);
                    quote! { Some(Box::new(|r: &[table::Value]| -> Option<bool> { #body })) }
                }
                None => quote! { None },
            };
            let (left_outer, right_outer) = (kind.left_outer(), kind.right_outer());
            let right_width = Lit::usize_unsuffixed(schema.fields.len().saturating_sub(*left_width));
            let left_width = Lit::usize_unsuffixed(*left_width);
            let (left, right) = (inputs.first(), inputs.get(1));
            if let Some(b) = interval {
                let (left_time, right_time) = (Lit::usize_unsuffixed(b.left_time), Lit::usize_unsuffixed(b.right_time));
                let (lower, upper) = (Lit::i64_suffixed(b.lower_ms), Lit::i64_suffixed(b.upper_ms));
                return quote! {
                    let #var = p.operator_on(&[(#left, 0, None), (#right, 1, None)], table::IntervalJoin::new(
                        vec![#(#left_keys),*], vec![#(#right_keys),*], #condition,
                        #left_outer, #right_outer, #left_width, #right_width)
                        .bounds(#left_time, #right_time, #lower, #upper));
                };
            }
            if let Some(t) = temporal {
                let (left_time, right_time) = (Lit::usize_unsuffixed(t.left_time), Lit::usize_unsuffixed(t.right_time));
                let deduplicated = t.deduplicated;
                return quote! {
                    let #var = p.operator_on(&[(#left, 0, None), (#right, 1, None)], table::TemporalJoin::new(
                        vec![#(#left_keys),*], vec![#(#right_keys),*], #condition,
                        #left_outer, #left_width, #right_width, #left_time, #right_time)
                        .deduplicated(#deduplicated));
                };
            }
            quote! {
                let #var = p.operator_on(&[(#left, 0, None), (#right, 1, None)], table::StreamingJoin::new(
                    vec![#(#left_keys),*], vec![#(#right_keys),*], #condition,
                    #left_outer, #right_outer, #left_width, #right_width));
            }
        }
        RelOp::AntiJoin { left_keys, right_keys, condition, left_width, null_aware, schema: _ } => {
            let null_aware = null_aware.then(|| quote! { .null_aware() });
            let left_keys = left_keys.iter().map(scalar_fn);
            let right_keys = right_keys.iter().map(scalar_fn);
            let condition = match condition {
                Some(c) => {
                    let body = typed(c);
                    quote! { Some(Box::new(|r: &[table::Value]| -> Option<bool> { #body })) }
                }
                None => quote! { None },
            };
            let left_width = Lit::usize_unsuffixed(*left_width);
            let (left, right) = (inputs.first(), inputs.get(1));
            quote! {
                let #var = p.operator_on(&[(#left, 0, None), (#right, 1, None)], table::AntiJoin::new(
                    vec![#(#left_keys),*], vec![#(#right_keys),*], #condition, #left_width)#null_aware);
            }
        }
        RelOp::Expand { projections, .. } => {
            let lists = projections.iter().map(|p| {
                let fns = p.iter().map(scalar_fn);
                quote! { vec![#(#fns),*] }
            });
            // The NULLs of left-out keys and the sets' ids are literals: closures ignoring the row.
            quote! {
                #[allow(unused_variables)]
                let #var = p.operator(#input, table::Expand::new(vec![#(#lists),*]));
            }
        }
        RelOp::WindowExpand {
            time,
            size_ms,
            step_ms,
            cumulate,
            ..
        } => {
            let time = Lit::usize_unsuffixed(*time);
            let (size, step) = (Lit::i64_suffixed(*size_ms), Lit::i64_suffixed(*step_ms));
            let ctor = if *cumulate { quote! { cumulate } } else { quote! { hop } };
            quote! {
                let #var = p.operator(#input, table::WindowExpand::#ctor(#time, #size, #step));
            }
        }
        RelOp::Deduplicate { partition, time, keep_last, proctime, .. } => {
            let partition = partition.iter().map(scalar_fn);
            let time = Lit::usize_unsuffixed(*time);
            let proctime = if *proctime { quote! { .on_processing_time() } } else { quote! {} };
            quote! {
                let #var = p.operator(#input, table::Deduplicate::new(vec![#(#partition),*], #time, #keep_last)#proctime);
            }
        }
        RelOp::TimeSort { time, keys, .. } => {
            let keys = keys.iter().map(|k| {
                let f = scalar_fn(&k.expr);
                let (descending, nulls_first) = (k.descending, k.nulls_first);
                quote! { table::SortKey::new(#f, #descending, #nulls_first) }
            });
            let time = Lit::usize_unsuffixed(*time);
            quote! {
                let #var = p.operator(#input, table::TimeSort::new(#time, vec![#(#keys),*]));
            }
        }
        RelOp::TopN { keys, limit, offset, partition, rank_number, row_number, retracting, .. } => {
            let keys = keys.iter().map(|k| {
                let f = scalar_fn(&k.expr);
                let (descending, nulls_first) = (k.descending, k.nulls_first);
                quote! { table::SortKey::new(#f, #descending, #nulls_first) }
            });
            let limit = Lit::usize_unsuffixed(*limit);
            let offset = if *offset > 0 {
                let offset = Lit::usize_unsuffixed(*offset);
                quote! { .with_offset(#offset) }
            } else {
                quote! {}
            };
            let partition = if partition.is_empty() {
                quote! {}
            } else {
                let partition = partition.iter().map(scalar_fn);
                quote! { .partitioned(vec![#(#partition),*]) }
            };
            let rank = if *rank_number { quote! { .with_rank_number() } } else { quote! {} };
            let rank = if *row_number { quote! { #rank .from_row_number() } } else { rank };
            let rank = if *retracting { quote! { #rank .retracting() } } else { rank };
            quote! {
                let #var = p.operator(#input, table::TopN::new(vec![#(#keys),*], #limit)#offset #partition #rank);
            }
        }
        RelOp::OverAggregate { partition, time, frame, aggs, .. } => {
            let partition = partition.iter().map(scalar_fn);
            let time = Lit::usize_unsuffixed(*time);
            let frame = match frame {
                super::over::Frame::RowsUnbounded => quote! { table::OverFrame::RowsUnbounded },
                super::over::Frame::RangeUnbounded => quote! { table::OverFrame::RangeUnbounded },
                super::over::Frame::Rows(n) => {
                    let n = Lit::usize_unsuffixed(*n);
                    quote! { table::OverFrame::Rows(#n) }
                }
                super::over::Frame::Range(ms) => {
                    let ms = Lit::i64_suffixed(*ms);
                    quote! { table::OverFrame::Range(#ms) }
                }
            };
            if super::pandas::is_pandas(aggs) {
                let aggs = super::pandas::aggregates(id, aggs);
                return quote! {
                    let #var = p.operator(#input, table::PandasOverAggregate::new(
                        vec![#(#partition),*], #time, #frame, #aggs));
                };
            }
            let aggs = agg_specs(id, aggs);
            quote! {
                let #var = p.operator(#input, table::OverAggregate::new(
                    vec![#(#partition),*], #time, #frame, vec![#(#aggs),*]));
            }
        }
        RelOp::Correlate {
            call,
            result_types,
            left_outer,
            mode,
            ..
        } => {
            let projecting = match mode {
                super::CorrelateMode::Lateral => quote! {},
                super::CorrelateMode::Map { row_arg } | super::CorrelateMode::FlatMap { row_arg } => {
                    let single = matches!(mode, super::CorrelateMode::Map { .. });
                    let row = match row_arg {
                        Some(names) => {
                            let row = sluice_types::TypeInfo::Row {
                                fields: call.arg_types.iter().map(|t| t.type_info()).collect(),
                                names: Some(names.clone()),
                            };
                            let row = type_info(&row);
                            quote! { Some(#row) }
                        }
                        None => quote! { None },
                    };
                    quote! { .projecting(#single, #row) }
                }
            };
            let key = format!("udf:{}", call.function);
            let mut label = format!("Python table function {}", call.function);
            if let Some(location) = call.udf.location() {
                label.push_str(&format!(" at {location}"));
            }
            let args = call.args.iter().map(scalar_fn);
            let arg_types = call.arg_types.iter().map(|t| type_info(&t.type_info()));
            let results = result_types.iter().map(|t| type_info(&t.type_info()));
            quote! {
                let #var = p.operator(#input, table::TableCorrelate::new(
                    b.udf_value(#id_lit, #key, None, #label)?,
                    vec![#(#args),*], vec![#(#arg_types),*], vec![#(#results),*], #left_outer)#projecting);
            }
        }
        RelOp::Union { .. } => {
            let inputs = inputs.iter().map(|v| quote! { (#v, 0, None) });
            quote! { let #var = p.operator_on(&[#(#inputs),*], Identity::union()); }
        }
        RelOp::Input { node, .. } => {
            let source = format_ident!("n{}", node);
            quote! { let #var = #source; }
        }
        RelOp::Query { nodes, .. } => {
            let vars: Vec<proc_macro2::Ident> = (0..nodes.len()).map(|i| format_ident!("q{}", i)).collect();
            let stmts = nodes.iter().enumerate().map(|(i, node)| {
                let ins: Vec<proc_macro2::Ident> = node.inputs.iter().filter_map(|&j| vars.get(j).cloned()).collect();
                rel_stmt_on(id, RelRef::sub(id, i), &node.op, &vars[i], &ins, config, physical)
            });
            let last = vars.last().cloned().unwrap_or_else(|| format_ident!("q0"));
            quote! { let #var = { #(#stmts)* #last }; }
        }
        RelOp::Sink {
            table,
            sink,
            casts,
            schema,
        } => {
            let casts = casts.iter().map(display_fn);
            let types = schema.fields.iter().map(|f| display_type(f.ty));
            match sink {
                SinkConnector::Print {
                    identifier,
                    standard_error,
                } => {
                    let identifier = match identifier {
                        Some(id) => quote! { Some(#id) },
                        None => quote! { None },
                    };
                    let stderr = if *standard_error { quote! { .to_stderr() } } else { quote! {} };
                    quote! {
                        p.operator(#input, table::TablePrintSink::new(
                            #identifier, vec![#(#types),*], vec![#(#casts),*])#stderr);
                    }
                }
                SinkConnector::Blackhole => quote! { p.operator(#input, table::BlackholeSink); },
                SinkConnector::File {
                    path,
                    format,
                    field_delimiter,
                    roll_bytes,
                } => {
                    let all: Vec<usize> = (0..schema.fields.len()).collect();
                    let codec = super::formats::codec_tokens(format, *field_delimiter, schema, &all);
                    quote! {
                        p.operator(#input, table::FileSink::new(#table, #path, #codec, #roll_bytes, vec![#(#casts),*]));
                    }
                }
                SinkConnector::Jdbc(jdbc) => super::connectors::jdbc_sink_stmt(
                    jdbc,
                    table,
                    schema,
                    quote! { vec![#(#types),*] },
                    quote! { vec![#(#casts),*] },
                    input,
                ),
                SinkConnector::Kafka {
                    options,
                    upsert_key,
                } => super::kafka::sink_stmt(
                    options,
                    upsert_key.is_some(),
                    table,
                    schema,
                    quote! { vec![#(#casts),*] },
                    input,
                ),
            }
        }
    }
}

/// The runtime `AggSpec` of a Python aggregate function call (plan node `id`).
fn py_agg_spec(id: usize, py: &super::expr::PyAggCall, ty: SqlType) -> TokenStream {
    let id_lit = Lit::usize_unsuffixed(id);
    let key = format!("udf:{}", py.function);
    let what = if py.table { "table aggregate" } else { "aggregate" };
    let mut label = format!("Python {what} function {}", py.function);
    if let Some(location) = py.udf.as_ref().and_then(|u| u.location()) {
        label.push_str(&format!(" at {location}"));
    }
    let args = py.args.iter().map(scalar_fn);
    let arg_types = py.args.iter().map(|a| type_info(&a.ty().type_info()));
    if let Some(row) = &py.row {
        let width = Lit::usize_unsuffixed(row.len());
        let result = type_info(&sluice_types::TypeInfo::Row {
            fields: row.iter().map(|t| t.type_info()).collect(),
            names: None,
        });
        let row_arg = py.row_arg.as_ref().map(|names| {
            let row = type_info(&sluice_types::TypeInfo::Row {
                fields: py.args.iter().map(|a| a.ty().type_info()).collect(),
                names: Some(names.clone()),
            });
            quote! { .row_arg(#row) }
        });
        let table = py.table.then(|| quote! { .table_aggregate() });
        return quote! {
            table::AggSpec::python(table::PyAggCall::new(b.udf_value(#id_lit, #key, None, #label)?,
                vec![#(#args),*], vec![#(#arg_types),*], #result)#row_arg).expand(#width)#table
        };
    }
    let result = type_info(&ty.type_info());
    quote! {
        table::AggSpec::python(table::PyAggCall::new(b.udf_value(#id_lit, #key, None, #label)?,
            vec![#(#args),*], vec![#(#arg_types),*], #result))
    }
}

/// The runtime `AggSpec`s of aggregate calls (of plan node `id`).
/// `.python_bundle(size, millis)` for a window aggregate of Python aggregate functions, when the job
/// sets PyFlink's bundle options.
fn python_bundle(aggs: &[super::expr::AggCall], config: &JobConfig) -> Option<TokenStream> {
    if !aggs.iter().any(|a| a.python.is_some()) || (config.bundle_size.is_none() && config.bundle_time_ms.is_none()) {
        return None;
    }
    let size = Lit::u64_unsuffixed(config.bundle_size.unwrap_or(100_000));
    let millis = Lit::u64_unsuffixed(config.bundle_time_ms.unwrap_or(1_000));
    Some(quote! { .python_bundle(#size, #millis) })
}

fn agg_specs(id: usize, aggs: &[super::expr::AggCall]) -> Vec<TokenStream> {
    aggs.iter()
        .map(|agg| {
            if let Some(py) = &agg.python {
                return py_agg_spec(id, py, agg.ty);
            }
            let kind = match agg.kind {
                AggKind::Count => quote! { table::AggKind::Count },
                AggKind::Sum => quote! { table::AggKind::Sum },
                AggKind::Avg => quote! { table::AggKind::Avg },
                AggKind::Min => quote! { table::AggKind::Min },
                AggKind::Max => quote! { table::AggKind::Max },
                AggKind::FirstValue => quote! { table::AggKind::FirstValue },
                AggKind::LastValue => quote! { table::AggKind::LastValue },
                AggKind::ListAgg => quote! { table::AggKind::ListAgg },
                AggKind::VarPop => quote! { table::AggKind::VarPop },
                AggKind::VarSamp => quote! { table::AggKind::VarSamp },
                AggKind::StddevPop => quote! { table::AggKind::StddevPop },
                AggKind::StddevSamp => quote! { table::AggKind::StddevSamp },
                AggKind::Python => quote! { table::AggKind::Count },
            };
            let arg = match &agg.arg {
                Some(arg) => {
                    let f = scalar_fn(arg);
                    quote! { Some(#f) }
                }
                None => quote! { None },
            };
            let float = matches!(agg.ty, SqlType::Float | SqlType::Double);
            let mut spec = quote! { table::AggSpec::new(#kind, #arg, #float) };
            if let (AggKind::Avg, SqlType::Decimal(_, s)) = (agg.kind, agg.ty) {
                let from = agg.arg.as_ref().map_or(0, |a| a.ty().scale());
                let shift = u32::from(s).saturating_sub(from);
                spec = quote! { #spec.decimal_avg(#shift) };
            }
            if matches!(agg.ty, SqlType::Decimal(..)) && agg.kind != AggKind::Avg {
                spec = quote! { #spec.decimal() };
            }
            if agg.distinct {
                spec = quote! { #spec.distinct() };
            }
            if let Some(separator) = &agg.separator {
                spec = quote! { #spec.separator(#separator) };
            }
            if let Some(cond) = &agg.filter {
                let f = scalar_fn(cond);
                spec = quote! { #spec.filter(#f) };
            }
            spec
        })
        .collect()
}

/// `.column_args(...)` for a Python call some of whose arguments are plain input columns (read in
/// place by the runtime instead of computed); nothing when none is.
pub(super) fn column_args(args: &[Expr]) -> TokenStream {
    let columns: Vec<Option<usize>> = args
        .iter()
        .map(|a| match a {
            Expr::Column { index, .. } => Some(*index),
            _ => None,
        })
        .collect();
    if columns.iter().all(Option::is_none) {
        return TokenStream::new();
    }
    let columns = columns.iter().map(|c| match c {
        Some(i) => quote! { Some(#i) },
        None => quote! { None },
    });
    quote! { .column_args(vec![#(#columns),*]) }
}
