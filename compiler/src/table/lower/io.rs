//! `from_elements` values and `execute_insert` / `insert_into` sinks of the Table API.

use super::*;

/// `from_elements`: the column names and SQL types the shim inferred or was given.
pub(in crate::table) fn lower_values(ctx: &mut Ctx<'_, '_>) -> Result<RelOp, CompileError> {
    #[derive(Deserialize)]
    struct Column {
        name: String,
        #[serde(rename = "type")]
        ty: String,
    }
    let value = ctx.node.params.get("schema").cloned().unwrap_or(Json::Null);
    let columns: Vec<Column> =
        serde_json::from_value(value).map_err(|e| ctx.internal(&format!("has a bad schema: {e}")))?;
    let mut fields = Vec::new();
    for c in columns {
        let ty = SqlType::parse(&c.ty)
            .filter(|t| !matches!(t, SqlType::Decimal(..)))
            .ok_or_else(|| {
                CompileError::new(
                    Category::Unsupported,
                    format!("from_elements() column `{}` of type {} is not supported by sluice yet", c.name, c.ty),
                )
                .at(ctx.node.site.clone())
            })?;
        fields.push(Field { name: c.name, ty });
    }
    Ok(RelOp::Values {
        schema: Schema { fields },
    })
}

/// A TableDescriptor sink whose schema declares no physical columns takes the query's, as Flink
/// derives them; with only metadata columns declared, Flink puts the derived ones first, which
/// sluice does not do yet.
pub(in crate::table) fn derive_sink_columns(ctx: &Ctx<'_, '_>, def: &mut TableDef, input: &Schema) -> Result<(), CompileError> {
    if !def.schema.fields.is_empty() {
        return Err(CompileError::new(
            Category::Unsupported,
            format!(
                "a sink descriptor whose schema declares only metadata columns (Flink derives the physical \
                 ones from the query) is not supported by sluice yet; declare the columns of table `{}`",
                def.name
            ),
        )
        .at(ctx.node.site.clone()));
    }
    def.schema = input.clone();
    Ok(())
}

pub(in crate::table) fn lower_sink(
    ctx: &mut Ctx<'_, '_>,
    input: &Schema,
    nodes: &[PlanNode],
) -> Result<RelOp, CompileError> {
    let mut def = ctx.table()?.for_writing();
    let spec = ctx.spec_of_ddl();
    if ctx.node.params.get("derive_schema").and_then(Json::as_bool) == Some(true) {
        derive_sink_columns(ctx, &mut def, input)?;
    }
    let mut sink = def.sink().map_err(|e| ctx.error(&spec, e))?;
    let query = ctx.node.inputs.first().copied();
    let checked = match &mut sink {
        crate::table::SinkConnector::Jdbc(jdbc) => {
            crate::table::connectors::resolve_upsert_key(jdbc, &def.name, &def.schema, nodes, query)
        }
        crate::table::SinkConnector::Kafka {
            upsert_key: None, ..
        }
        | crate::table::SinkConnector::File { .. } => crate::table::connectors::check_append_only(&def.name, nodes, query),
        crate::table::SinkConnector::Kafka {
            upsert_key: Some(key),
            ..
        } => match key.iter().find(|k| !def.schema.fields.iter().any(|f| &f.name == *k)) {
            Some(k) => Err(format!(
                "the primary key column `{k}` is not a column of table `{}` {}",
                def.name, def.schema
            )),
            None => Ok(()),
        },
        _ => Ok(()),
    };
    checked.map_err(|m| CompileError::new(Category::User, m).at(ctx.node.site.clone()))?;
    let site = ctx.node.site.clone();
    if def.schema.fields.len() != input.fields.len() {
        return Err(CompileError::new(
            Category::User,
            format!(
                "column count mismatch: the query has {} columns {input}, but table `{}` has {} {}",
                input.fields.len(),
                def.name,
                def.schema.fields.len(),
                def.schema
            ),
        )
        .at(site));
    }
    let mut casts = Vec::new();
    for (index, (from, to)) in input.fields.iter().zip(&def.schema.fields).enumerate() {
        if !from.ty.assignable_to(to.ty) {
            return Err(CompileError::new(
                Category::User,
                format!(
                    "type mismatch: query column `{}` is {}, but column `{}` of table `{}` is {}",
                    from.name, from.ty, to.name, def.name, to.ty
                ),
            )
            .at(site));
        }
        casts.push(Expr::Column { index, ty: from.ty }.cast(to.ty));
    }
    Ok(RelOp::Sink {
        table: def.name,
        sink,
        casts,
        schema: def.schema,
    })
}

