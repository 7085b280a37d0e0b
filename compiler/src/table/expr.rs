//! Typed relational expressions, and their resolution from sqlparser's AST against an input schema.
//!
//! Resolution checks what Flink's validator checks at planning time: columns exist, operand types fit
//! their operators, Python functions are called with their declared number and types of arguments,
//! aggregates appear only in grouped selects. Errors carry the span inside the expression text.

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;
use sqlparser::ast::{self as sql, Spanned};
use sqlparser::tokenizer::Span;

pub use super::builtins::Func;
use super::types::{Schema, SqlType};

/// A literal value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Literal {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    /// A DECIMAL literal's unscaled value (its scale is the expression type's).
    Decimal(i64),
}

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    And,
    Or,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Mod => "%",
            BinOp::Eq => "=",
            BinOp::NotEq => "<>",
            BinOp::Lt => "<",
            BinOp::LtEq => "<=",
            BinOp::Gt => ">",
            BinOp::GtEq => ">=",
            BinOp::And => "AND",
            BinOp::Or => "OR",
        }
    }

    fn is_arithmetic(self) -> bool {
        matches!(
            self,
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod
        )
    }

    fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::NotEq | BinOp::Lt | BinOp::LtEq | BinOp::Gt | BinOp::GtEq
        )
    }
}

/// A typed expression over a row's columns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Expr {
    /// The `index`-th column of the row the expression is evaluated on.
    Column {
        index: usize,
        ty: SqlType,
    },
    Literal {
        value: Literal,
        ty: SqlType,
    },
    Binary {
        op: BinOp,
        left: Box<Expr>,
        right: Box<Expr>,
        ty: SqlType,
    },
    Not(Box<Expr>),
    Negate(Box<Expr>),
    IsNull {
        expr: Box<Expr>,
        negated: bool,
    },
    Cast {
        expr: Box<Expr>,
        ty: SqlType,
    },
    /// A built-in function (see [`super::builtins`]).
    Call {
        func: Func,
        args: Vec<Expr>,
        ty: SqlType,
    },
    /// `CASE WHEN c THEN v ... ELSE e END` (also IF and NULLIF); branches have type `ty`.
    Case {
        branches: Vec<(Expr, Expr)>,
        otherwise: Box<Expr>,
        ty: SqlType,
    },
}

impl Expr {
    pub fn ty(&self) -> SqlType {
        match self {
            Expr::Column { ty, .. }
            | Expr::Literal { ty, .. }
            | Expr::Binary { ty, .. }
            | Expr::Cast { ty, .. }
            | Expr::Call { ty, .. }
            | Expr::Case { ty, .. } => *ty,
            Expr::Negate(e) => e.ty(),
            Expr::Not(_) | Expr::IsNull { .. } => SqlType::Boolean,
        }
    }

    /// `expr` cast to `ty`, or `expr` itself when it already has that type.
    pub fn cast(self, ty: SqlType) -> Expr {
        if self.ty() == ty {
            self
        } else {
            Expr::Cast {
                expr: Box::new(self),
                ty,
            }
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Column { index, .. } => write!(f, "${index}"),
            Expr::Literal { value, .. } => match value {
                Literal::Null => f.write_str("NULL"),
                Literal::Bool(b) => write!(f, "{}", if *b { "TRUE" } else { "FALSE" }),
                Literal::Int(i) => write!(f, "{i}"),
                Literal::Float(x) => write!(f, "{x:?}"),
                Literal::String(s) => write!(f, "'{}'", s.replace('\'', "''")),
                Literal::Decimal(v) => f.write_str(&super::builtins::decimal_text(*v, self.ty().scale())),
            },
            Expr::Binary {
                op, left, right, ..
            } => write!(f, "({left} {} {right})", op.symbol()),
            Expr::Not(e) => write!(f, "NOT {e}"),
            Expr::Negate(e) => write!(f, "-{e}"),
            Expr::IsNull { expr, negated } => {
                write!(f, "{expr} IS {}NULL", if *negated { "NOT " } else { "" })
            }
            Expr::Cast { expr, ty } => write!(f, "CAST({expr} AS {ty})"),
            Expr::Call { func, args, .. } => {
                write!(f, "{}(", func.name())?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a}")?;
                }
                f.write_str(")")
            }
            Expr::Case {
                branches,
                otherwise,
                ..
            } => {
                f.write_str("CASE")?;
                for (when, then) in branches {
                    write!(f, " WHEN {when} THEN {then}")?;
                }
                write!(f, " ELSE {otherwise} END")
            }
        }
    }
}

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AggKind {
    /// `count(x)`: non-null values; `count(*)`: rows.
    Count,
    Sum,
    Avg,
    Min,
    Max,
    /// `FIRST_VALUE(x)` / `LAST_VALUE(x)`: the first / last non-NULL value (insert-only input).
    FirstValue,
    LastValue,
    /// `LISTAGG(x [, 'sep'])`: the separator is [`AggCall::separator`].
    ListAgg,
    /// `VAR_POP` / `VAR_SAMP` (`VARIANCE`) / `STDDEV_POP` / `STDDEV_SAMP` (`STDDEV`) over DOUBLE.
    VarPop,
    VarSamp,
    StddevPop,
    StddevSamp,
    /// A Python aggregate function (`udaf(...)`); the call is [`AggCall::python`].
    Python,
}

impl AggKind {
    /// Whether merging accumulators shows in the result (LISTAGG's order, the variances' rounding):
    /// such aggregates follow Flink's slices and panes in sliding windows.
    pub fn merges_slices(self) -> bool {
        matches!(self, AggKind::ListAgg | AggKind::VarPop | AggKind::VarSamp | AggKind::StddevPop | AggKind::StddevSamp)
    }

    /// The function's SQL name (`FIRST_VALUE`, `STDDEV_POP`, ...).
    pub fn sql_name(self) -> String {
        match self {
            AggKind::FirstValue => "FIRST_VALUE".into(),
            AggKind::LastValue => "LAST_VALUE".into(),
            AggKind::ListAgg => "LISTAGG".into(),
            AggKind::VarPop => "VAR_POP".into(),
            AggKind::VarSamp => "VAR_SAMP".into(),
            AggKind::StddevPop => "STDDEV_POP".into(),
            AggKind::StddevSamp => "STDDEV_SAMP".into(),
            kind => format!("{kind:?}").to_uppercase(),
        }
    }
}

/// A Python aggregate function call: the registered name, its typed arguments (over the aggregate's
/// input row) and, once lowered, the recorded function.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PyAggCall {
    pub function: String,
    pub args: Vec<Expr>,
    pub udf: Option<crate::plan::Udf>,
    /// `func_type="pandas"`: called once per window or over-window frame with a `pandas.Series` per
    /// argument.
    pub pandas: bool,
    /// The names PyFlink gives the argument columns (the Series names of a pandas function).
    pub arg_names: Vec<String>,
    /// `aggregate(f)` of a ROW result_type: the ROW's field types, each one column after the keys.
    pub row: Option<Vec<SqlType>>,
    /// `flat_aggregate(f)`: a table aggregate function (its rows come from `emit_value`).
    pub table: bool,
    /// The input's column names when `f` takes the whole input row as one `Row`.
    pub row_arg: Option<Vec<String>>,
}

/// One aggregate of a grouped select; `arg` is over the aggregate's input row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AggCall {
    pub kind: AggKind,
    pub arg: Option<Expr>,
    pub ty: SqlType,
    /// `COUNT(DISTINCT x)`: each distinct value counts once.
    pub distinct: bool,
    /// For [`AggKind::Python`]: the function and its arguments.
    pub python: Option<PyAggCall>,
    /// LISTAGG's separator when not the default `,`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub separator: Option<String>,
    /// `AGG(...) FILTER (WHERE cond)`: only rows where `cond` is TRUE reach the aggregate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<Expr>,
}

impl AggCall {
    /// A built-in aggregate.
    pub fn builtin(kind: AggKind, arg: Option<Expr>, ty: SqlType, distinct: bool) -> Self {
        AggCall { kind, arg, ty, distinct, python: None, separator: None, filter: None }
    }
}

impl fmt::Display for AggCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(py) = &self.python {
            let kind = if py.pandas { "pandas " } else { "" };
            write!(f, "{kind}{}(", py.function)?;
            for (i, a) in py.args.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{a}")?;
            }
            return f.write_str(")");
        }
        let name = self.kind.sql_name();
        let distinct = if self.distinct { "DISTINCT " } else { "" };
        match &self.arg {
            Some(arg) => write!(f, "{name}({distinct}{arg})")?,
            None => write!(f, "{name}(*)")?,
        }
        match &self.filter {
            Some(cond) => write!(f, " FILTER (WHERE {cond})"),
            None => Ok(()),
        }
    }
}

/// A resolution error: the message and the span inside the expression text.
#[derive(Debug, Clone)]
pub struct ExprError {
    pub message: String,
    pub span: Span,
}

fn err(span: Span, message: impl Into<String>) -> ExprError {
    ExprError {
        message: message.into(),
        span,
    }
}

/// What a registered Python function is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FunctionKind {
    /// `udf(...)`: one value per row.
    #[default]
    Scalar,
    /// `udaf(...)`: one value per group.
    Aggregate,
    /// `udtf(...)`: rows per row.
    Table,
    /// `udtaf(...)`: rows per group (`flat_aggregate`).
    TableAggregate,
}

/// A Python function as the compiler knows it: its declared argument and result types.
#[derive(Debug, Clone)]
pub struct FunctionSig {
    pub input_types: Option<Vec<SqlType>>,
    pub result: SqlType,
    pub kind: FunctionKind,
    /// A table function's column types (`result` is the first).
    pub result_types: Vec<SqlType>,
    /// Declared with `func_type="pandas"` (a vectorized function).
    pub pandas: bool,
    /// A `DataTypes.ROW(...)` result type's fields (`result` is then the first field's type).
    pub row: Option<Vec<super::types::Field>>,
}

/// A Python call found while resolving: the function's name and its typed arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundCall {
    pub function: String,
    pub args: Vec<Expr>,
    pub result: SqlType,
    /// A pandas (vectorized) function.
    pub pandas: bool,
}

/// What names resolve to while typing one expression list.
pub struct Scope<'a> {
    /// The columns names resolve to.
    pub input: &'a Schema,
    pub functions: &'a HashMap<String, FunctionSig>,
    /// In a grouped select: the group keys (over `input`) and the aggregates found so far. Resolved
    /// expressions then refer to `[keys..., aggregates...]`.
    pub grouping: Option<(&'a [Expr], &'a mut Vec<AggCall>)>,
    /// Python calls found so far; a call resolves to column `input.len() + i`.
    pub python: Option<&'a mut Vec<FoundCall>>,
    /// SQL text (`1.0` is DECIMAL(2, 1)) rather than a Table API expression (`1.0` is DOUBLE).
    pub sql: bool,
    /// Table names and aliases that qualify columns (`o.id`); over a join, an unqualified name must be
    /// unambiguous. `None`: a qualified name resolves by its last part.
    pub qualifiers: Option<&'a super::join::Qualifiers>,
}

/// Whether `expr` computes with a BYTES, MAP or TIMESTAMP_LTZ column (which sluice only passes
/// along).
fn reads_opaque(expr: &Expr) -> bool {
    match expr {
        Expr::Column { .. } => false,
        other => {
            let mut opaque = false;
            visit_typed_columns(other, &mut |ty| opaque |= ty.is_opaque());
            opaque
        }
    }
}

/// A function call's positional expression arguments (`*` and named arguments left out).
pub fn unnamed_args(f: &sql::Function) -> Vec<&sql::Expr> {
    match &f.args {
        sql::FunctionArguments::List(list) => list
            .args
            .iter()
            .filter_map(|a| match a {
                sql::FunctionArg::Unnamed(sql::FunctionArgExpr::Expr(e)) => Some(e),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether `expr` reads any column (a constant expression does not).
pub fn reads_columns(expr: &Expr) -> bool {
    let mut reads = false;
    visit_typed_columns(expr, &mut |_| reads = true);
    reads
}

/// Calls `f` with the type of every column `expr` reads.
fn visit_typed_columns(expr: &Expr, f: &mut dyn FnMut(SqlType)) {
    match expr {
        Expr::Column { ty, .. } => f(*ty),
        Expr::Literal { .. } => {}
        Expr::Binary { left, right, .. } => {
            visit_typed_columns(left, f);
            visit_typed_columns(right, f);
        }
        Expr::Not(e) | Expr::Negate(e) | Expr::IsNull { expr: e, .. } | Expr::Cast { expr: e, .. } => {
            visit_typed_columns(e, f)
        }
        Expr::Call { args, .. } => args.iter().for_each(|a| visit_typed_columns(a, f)),
        Expr::Case { branches, otherwise, .. } => {
            for (when, then) in branches {
                visit_typed_columns(when, f);
                visit_typed_columns(then, f);
            }
            visit_typed_columns(otherwise, f);
        }
    }
}

impl Scope<'_> {
    /// This scope without grouping or Python calls: where an aggregate's argument and FILTER, and a
    /// grouped select's keys, resolve.
    pub(super) fn ungrouped(&self) -> Scope<'_> {
        Scope { input: self.input, functions: self.functions, grouping: None, python: None, sql: self.sql, qualifiers: self.qualifiers }
    }

    /// The typed expression of `expr`; BYTES and MAP columns can only be selected as they are.
    pub fn resolve(&mut self, expr: &sql::Expr) -> Result<Expr, ExprError> {
        let resolved = self.resolve_any(expr)?;
        if reads_opaque(&resolved) {
            return Err(err(
                expr.span(),
                format!(
                    "`{expr}` computes with a BYTES or MAP<STRING, BYTES> value, which sluice \
                     only passes along as it is (selecting the column) yet"
                ),
            ));
        }
        Ok(resolved)
    }

    fn resolve_any(&mut self, expr: &sql::Expr) -> Result<Expr, ExprError> {
        let span = expr.span();
        if let Some(key) = self.grouped_key(expr) {
            return Ok(key);
        }
        match expr {
            sql::Expr::Identifier(ident) => self.column(&ident.value, ident.span),
            sql::Expr::CompoundIdentifier(parts) => self.compound(parts, span),
            sql::Expr::Nested(inner) => self.resolve(inner),
            sql::Expr::Value(value) => literal(&value.value, value.span, self.sql),
            sql::Expr::UnaryOp { op, expr: inner } => {
                let e = self.resolve(inner)?;
                match op {
                    sql::UnaryOperator::Not if e.ty() == SqlType::Boolean => {
                        Ok(Expr::Not(Box::new(e)))
                    }
                    sql::UnaryOperator::Minus if e.ty().is_numeric() => {
                        Ok(Expr::Negate(Box::new(e)))
                    }
                    sql::UnaryOperator::Plus if e.ty().is_numeric() => Ok(e),
                    _ => Err(err(span, format!("cannot apply {op} to {}", e.ty()))),
                }
            }
            sql::Expr::IsNull(inner) | sql::Expr::IsNotNull(inner) => Ok(Expr::IsNull {
                expr: Box::new(self.resolve(inner)?),
                negated: matches!(expr, sql::Expr::IsNotNull(_)),
            }),
            // `b IS [NOT] TRUE / FALSE`: never NULL (a NULL `b` is neither).
            sql::Expr::IsTrue(inner) | sql::Expr::IsNotTrue(inner) | sql::Expr::IsFalse(inner) | sql::Expr::IsNotFalse(inner) => {
                let value = self.resolve(inner)?;
                if value.ty() != SqlType::Boolean {
                    return Err(err(span, format!("IS TRUE / IS FALSE needs a BOOLEAN, got {}", value.ty())));
                }
                let wanted = if matches!(expr, sql::Expr::IsTrue(_) | sql::Expr::IsNotTrue(_)) { value } else { Expr::Not(Box::new(value)) };
                let literal = |b: bool| Expr::Literal { value: Literal::Bool(b), ty: SqlType::Boolean };
                let holds = Expr::Case { branches: vec![(wanted, literal(true))], otherwise: Box::new(literal(false)), ty: SqlType::Boolean };
                Ok(if matches!(expr, sql::Expr::IsNotTrue(_) | sql::Expr::IsNotFalse(_)) { Expr::Not(Box::new(holds)) } else { holds })
            }
            sql::Expr::BinaryOp { left, op: op @ (sql::BinaryOperator::Plus | sql::BinaryOperator::Minus), right }
                if matches!(right.as_ref(), sql::Expr::Interval(_)) =>
            {
                let l = self.resolve(left)?;
                let ms = super::window::interval_millis(right).ok_or_else(|| {
                    err(right.span(), format!("the interval `{right}` is not supported by sluice yet (day-time intervals are)"))
                })?;
                let ty = l.ty();
                if !matches!(ty, SqlType::Timestamp(_) | SqlType::TimestampLtz(_)) {
                    return Err(err(span, format!("cannot apply {op} INTERVAL to {ty} (a TIMESTAMP is needed)")));
                }
                let ms = if matches!(op, sql::BinaryOperator::Minus) { -ms } else { ms };
                Ok(Expr::Call { func: Func::PlusMillis(ms), args: vec![l], ty })
            }
            sql::Expr::BinaryOp { left, op, right } => {
                let (l, r) = (self.resolve(left)?, self.resolve(right)?);
                if matches!(op, sql::BinaryOperator::StringConcat) {
                    return super::builtins::typed_call("CONCAT", vec![l, r], span);
                }
                binary(op, l, r, span)
            }
            sql::Expr::Cast {
                expr: inner,
                data_type,
                ..
            } => {
                let e = self.resolve(inner)?;
                let ty = SqlType::parse(&data_type.to_string()).ok_or_else(|| {
                    err(
                        span,
                        format!("the type {data_type} is not supported by sluice yet"),
                    )
                })?;
                let ltz = |t: SqlType| matches!(t, SqlType::TimestampLtz(_));
                let temporal = e.ty().is_temporal() || ty.is_temporal() || ltz(e.ty()) || ltz(ty);
                if temporal && !super::temporal::castable(e.ty(), ty)
                    || !temporal
                        && !(e.ty() == ty
                            || e.ty().is_numeric() && ty.is_numeric()
                            || ty == SqlType::String
                            || e.ty() == SqlType::String)
                {
                    return Err(err(span, format!("cannot cast {} to {ty}", e.ty())));
                }
                Ok(e.cast(ty))
            }
            sql::Expr::Function(function) => self.function(function, span),
            sql::Expr::TypedString(typed) => super::temporal::typed_literal(typed, span),
            sql::Expr::Extract { field, expr: inner, .. } => {
                let value = self.resolve(inner)?;
                super::temporal::extract(field, value, span)
            }
            other @ (sql::Expr::Case { .. }
            | sql::Expr::Substring { .. }
            | sql::Expr::Trim { .. }
            | sql::Expr::Floor { .. }
            | sql::Expr::Ceil { .. }
            | sql::Expr::Between { .. }
            | sql::Expr::Position { .. }
            | sql::Expr::Overlay { .. }
            | sql::Expr::InList { .. }
            | sql::Expr::Like { .. }
            | sql::Expr::CompoundFieldAccess { .. }) => self.special(other),
            other => Err(err(
                span,
                format!("the expression `{other}` is not supported by sluice yet"),
            )),
        }
    }

    /// `qualifier.column`, `column.field[.field...]` (a ROW column's fields) or
    /// `qualifier.column.field...`; a qualifier names a table or alias of the FROM clause (a column
    /// of that name wins, as in Flink, where the FROM has one table).
    fn compound(&mut self, parts: &[sql::Ident], span: Span) -> Result<Expr, ExprError> {
        let (first, rest) = parts.split_first().ok_or_else(|| err(span, "empty identifier"))?;
        let quals = self.qualifiers.map(Vec::as_slice).unwrap_or_default();
        let is_qualifier = quals.iter().any(|(q, _)| q.eq_ignore_ascii_case(&first.value));
        let is_column = self.input.index_of(&first.value).is_some();
        let (mut value, fields) = match rest.split_first() {
            Some((column, fields)) if is_qualifier && (!is_column || quals.len() > 1) => {
                (self.qualified_column(&first.value, &column.value, span)?, fields)
            }
            _ if is_column => (self.column(&first.value, first.span)?, rest),
            Some((column, fields)) if self.qualifiers.is_some() => {
                (self.qualified_column(&first.value, &column.value, span)?, fields)
            }
            // Without FROM qualifiers (the Table API), `t.column` reads the column.
            Some((column, fields)) => (self.column(&column.value, column.span)?, fields),
            None => (self.column(&first.value, first.span)?, rest),
        };
        for field in fields {
            let name = Expr::Literal { value: Literal::String(field.value.clone()), ty: SqlType::String };
            value = super::builtins::row_field(vec![value, name], span)?;
        }
        Ok(value)
    }

    /// `qualifier.name`: the column `name` of the table or alias `qualifier`.
    fn qualified_column(&mut self, qualifier: &str, name: &str, span: Span) -> Result<Expr, ExprError> {
        let quals = self.qualifiers.map(Vec::as_slice).unwrap_or_default();
        let Some((_, range)) = quals.iter().find(|(q, _)| q.eq_ignore_ascii_case(qualifier)) else {
            let known: Vec<&str> = quals.iter().map(|(q, _)| q.as_str()).collect();
            return Err(err(
                span,
                format!("unknown table `{qualifier}`; the FROM clause has: {}", known.join(", ")),
            ));
        };
        let Some(index) = range.clone().find(|&i| self.input.fields.get(i).is_some_and(|f| f.name == name)) else {
            let names: Vec<&str> = range.clone().filter_map(|i| self.input.fields.get(i)).map(|f| f.name.as_str()).collect();
            return Err(err(
                span,
                format!("unknown column `{name}` in `{qualifier}`; it has columns: {}", names.join(", ")),
            ));
        };
        self.column_at(index, name, span)
    }

    fn column(&mut self, name: &str, span: Span) -> Result<Expr, ExprError> {
        if self.qualifiers.is_some_and(|q| q.len() > 1)
            && self.input.fields.iter().filter(|f| f.name == name).count() > 1
        {
            return Err(err(
                span,
                format!("column `{name}` is ambiguous: qualify it with its table's name or alias"),
            ));
        }
        let Some(index) = self.input.index_of(name) else {
            return Err(err(
                span,
                format!(
                    "unknown column `{name}`; the input has columns: {}",
                    self.input.names().join(", ")
                ),
            ));
        };
        self.column_at(index, name, span)
    }

    /// The input's `index`-th column (named `name`), as a grouped select sees it.
    pub fn column_at(&mut self, index: usize, name: &str, span: Span) -> Result<Expr, ExprError> {
        let column = Expr::Column {
            index,
            ty: self.input.fields[index].ty,
        };
        match &self.grouping {
            None => Ok(column),
            Some((keys, _)) => match keys.iter().position(|k| *k == column) {
                Some(k) => Ok(Expr::Column {
                    index: k,
                    ty: column.ty(),
                }),
                None => Err(err(
                    span,
                    format!("column `{name}` is neither grouped nor inside an aggregate function"),
                )),
            },
        }
    }

    fn function(&mut self, function: &sql::Function, span: Span) -> Result<Expr, ExprError> {
        let name = function.name.to_string().replace('`', "");
        let args: Vec<&sql::FunctionArg> = match &function.args {
            sql::FunctionArguments::List(list) => list.args.iter().collect(),
            sql::FunctionArguments::None => Vec::new(),
            sql::FunctionArguments::Subquery(_) => {
                return Err(err(span, "subqueries are not supported by sluice yet"))
            }
        };
        let lower = name.to_ascii_lowercase();
        let agg = match lower.as_str() {
            "count" => Some(AggKind::Count),
            "sum" => Some(AggKind::Sum),
            "avg" => Some(AggKind::Avg),
            "min" => Some(AggKind::Min),
            "max" => Some(AggKind::Max),
            "first_value" => Some(AggKind::FirstValue),
            "last_value" => Some(AggKind::LastValue),
            "listagg" => Some(AggKind::ListAgg),
            "var_pop" => Some(AggKind::VarPop),
            "var_samp" | "variance" => Some(AggKind::VarSamp),
            "stddev_pop" => Some(AggKind::StddevPop),
            "stddev_samp" | "stddev" => Some(AggKind::StddevSamp),
            _ => None,
        };
        if let Some(kind) = agg {
            let distinct = matches!(&function.args, sql::FunctionArguments::List(list)
                if matches!(list.duplicate_treatment, Some(sql::DuplicateTreatment::Distinct)));
            return self.aggregate(kind, &name, &args, distinct, function.filter.as_deref(), span);
        }
        if function.filter.is_some() {
            return Err(err(span, format!("FILTER (WHERE ...) on {name}() is not supported by sluice yet (on built-in aggregate functions it is)")));
        }
        if super::builtins::is_builtin(&lower) && !self.functions.contains_key(&name) {
            let mut resolved = Vec::new();
            for (i, arg) in args.iter().enumerate() {
                let arg = plain_arg(arg, span)?;
                // TIMESTAMPADD(DAY, ...) / TIMESTAMPDIFF(DAY, ...): the unit is a name, not a column.
                if let (0, "timestampadd" | "timestampdiff", sql::Expr::Identifier(unit)) = (i, lower.as_str(), arg) {
                    resolved.push(Expr::Literal { value: Literal::String(unit.value.clone()), ty: SqlType::String });
                    continue;
                }
                resolved.push(self.resolve(arg)?);
            }
            return super::builtins::typed_call(&lower, resolved, span);
        }
        let sig = self
            .functions
            .get(&name)
            .or_else(|| {
                self.functions
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(&name))
                    .map(|(_, s)| s)
            })
            .cloned()
            .ok_or_else(|| {
                err(
                    span,
                    format!("unknown function `{name}` (register Python functions with create_temporary_function)"),
                )
            })?;
        if sig.kind == FunctionKind::Table {
            return Err(err(
                span,
                format!("table function `{name}` can only be called in join_lateral() or LATERAL TABLE(...)"),
            ));
        }
        if sig.kind == FunctionKind::TableAggregate {
            return Err(err(
                span,
                format!("table aggregate function `{name}` can only be called in flat_aggregate()"),
            ));
        }
        let aggregate = sig.kind == FunctionKind::Aggregate;
        if aggregate && self.grouping.is_none() {
            return Err(err(
                span,
                format!("aggregate function `{name}` is only allowed in a select after group_by (or with GROUP BY)"),
            ));
        }
        let mut resolved = Vec::new();
        for arg in &args {
            let arg = plain_arg(arg, span)?;
            if aggregate {
                let mut inner = self.ungrouped();
                resolved.push(inner.resolve(arg)?);
            } else {
                resolved.push(self.resolve(arg)?);
            }
        }
        if let Some(ltz) = resolved.iter().position(|a| matches!(a.ty(), SqlType::TimestampLtz(_))) {
            return Err(err(
                plain_arg(args[ltz], span)?.span(),
                format!("passing a TIMESTAMP_LTZ to the Python function `{name}` is not supported by sluice yet"),
            ));
        }
        if let Some(inputs) = &sig.input_types {
            if inputs.len() != resolved.len() {
                return Err(err(
                    span,
                    format!(
                        "function `{name}` takes {} argument{} (its input_types), but is called with {}",
                        inputs.len(),
                        if inputs.len() == 1 { "" } else { "s" },
                        resolved.len()
                    ),
                ));
            }
            for (i, (arg, ty)) in resolved.iter_mut().zip(inputs).enumerate() {
                if !arg.ty().assignable_to(*ty) {
                    return Err(err(
                        plain_arg(args[i], span)?.span(),
                        format!(
                            "argument {} of `{name}` must be {ty} (its input_types), but is {}",
                            i + 1,
                            arg.ty()
                        ),
                    ));
                }
                *arg = arg.clone().cast(*ty);
            }
        }
        // A scalar function's ROW result is one ROW column (PyFlink 2.3 prints it `(a, b)` in the boxed
        // print, `+I[a, b]` in the print connector).
        let result = match &sig.row {
            // A pandas UDAF's ROW result is one ROW column too (PyFlink turns a returned Row into a
            // one-row DataFrame).
            Some(fields) if !aggregate || sig.pandas => SqlType::row(fields.clone()),
            Some(_) => {
                return Err(err(
                    span,
                    format!(
                        "Python function `{name}` with a ROW result_type here is not supported by sluice yet (use it in {})",
                        if aggregate { "aggregate()" } else { "map()" }
                    ),
                ));
            }
            None => sig.result,
        };
        if sig.pandas && aggregate && resolved.iter().any(|a| matches!(a.ty(), SqlType::Row(_))) {
            return Err(err(span, format!("a ROW argument of pandas aggregate function `{name}` is not supported by sluice yet")));
        }
        if sig.pandas {
            for ty in resolved.iter().map(Expr::ty).chain([result]) {
                check_pandas_row(ty).map_err(|m| err(span, format!("pandas function `{name}`: {m}")))?;
            }
        }
        // Another pandas function's result of this select passes on as the Series it returned (no
        // Arrow conversion), as PyFlink chains them.
        let base = self.input.fields.len();
        let chained = |e: &Expr| match e {
            Expr::Column { index, .. } if *index >= base => {
                self.python.as_deref().and_then(|p| p.get(index - base)).is_some_and(|c| c.pandas)
            }
            _ => false,
        };
        let unconverted = |e: &&Expr| match e.ty() {
            SqlType::StringBytesMap | SqlType::TimestampLtz(_) => true,
            SqlType::Map(_) => !chained(e),
            _ => false,
        };
        if let Some(ty) = resolved.iter().find(unconverted).map(Expr::ty).filter(|_| sig.pandas) {
            // A MAP crossing to a pandas function through Arrow: PyFlink 2.3 fails on it when its key
            // type is nullable (observed: "Map key type should be non-nullable"), but merges
            // consecutive selects so that a pandas result often passes on as its Series.
            let note = if matches!(ty, SqlType::Map(_)) {
                " (only another pandas function's result in the same select, which passes on as the Series it returned)"
            } else {
                ""
            };
            return Err(err(span, format!("a {ty} argument of pandas function `{name}` is not supported by sluice yet{note}")));
        }
        if aggregate {
            return self.python_aggregate(name, resolved, result, sig.pandas, span);
        }
        let Some(python) = self.python.as_deref_mut() else {
            return Err(err(
                span,
                format!("Python function `{name}` here is not supported by sluice yet (call it in a select before group_by)"),
            ));
        };
        let base = self.input.fields.len();
        let call = FoundCall {
            function: name,
            args: resolved,
            result,
            pandas: sig.pandas,
        };
        let index = match python.iter().position(|c| *c == call) {
            Some(i) => i,
            None => {
                python.push(call);
                python.len() - 1
            }
        };
        Ok(Expr::Column {
            index: base + index,
            ty: result,
        })
    }

    /// A Python aggregate function call in a grouped select: one more aggregate.
    fn python_aggregate(
        &mut self,
        name: String,
        args: Vec<Expr>,
        ty: SqlType,
        pandas: bool,
        span: Span,
    ) -> Result<Expr, ExprError> {
        let Some((keys, aggs)) = &mut self.grouping else {
            return Err(err(span, format!("aggregate function `{name}` is only allowed in a select after group_by")));
        };
        let call = AggCall {
            kind: AggKind::Python,
            arg: None,
            ty,
            distinct: false,
            python: Some(PyAggCall { function: name, args, udf: None, pandas, arg_names: Vec::new(), row: None, table: false, row_arg: None }),
            separator: None,
            filter: None,
        };
        let index = match aggs.iter().position(|a| *a == call) {
            Some(i) => i,
            None => {
                aggs.push(call);
                aggs.len() - 1
            }
        };
        Ok(Expr::Column { index: keys.len() + index, ty })
    }

    fn aggregate(
        &mut self,
        kind: AggKind,
        name: &str,
        args: &[&sql::FunctionArg],
        distinct: bool,
        filter: Option<&sql::Expr>,
        span: Span,
    ) -> Result<Expr, ExprError> {
        let Some((keys, _)) = &self.grouping else {
            return Err(err(
                span,
                format!("aggregate function {name}() is only allowed in a select after group_by"),
            ));
        };
        let key_count = keys.len();
        let mut separator = None;
        let args = match (kind, args) {
            (AggKind::ListAgg, [value, sep]) => {
                match plain_arg(sep, span)? {
                    sql::Expr::Value(v) => match &v.value {
                        sql::Value::SingleQuotedString(text) => separator = Some(text.clone()),
                        _ => return Err(err(span, "a LISTAGG separator other than a string literal is not supported by sluice yet")),
                    },
                    _ => return Err(err(span, "a LISTAGG separator other than a string literal is not supported by sluice yet")),
                }
                std::slice::from_ref(value)
            }
            _ => args,
        };
        let filter = match filter {
            Some(cond) => {
                let mut inner = self.ungrouped();
                let cond = inner.resolve(cond)?;
                if cond.ty() != SqlType::Boolean {
                    return Err(err(span, format!("the FILTER condition of {name}() must be BOOLEAN, but is {}", cond.ty())));
                }
                Some(cond)
            }
            None => None,
        };
        let arg = match args {
            [sql::FunctionArg::Unnamed(sql::FunctionArgExpr::Wildcard)]
                if kind == AggKind::Count =>
            {
                None
            }
            [one] => {
                let mut inner = self.ungrouped();
                Some(inner.resolve(plain_arg(one, span)?)?)
            }
            _ => return Err(err(span, format!("{name}() takes one argument"))),
        };
        let ty = match (kind, arg.as_ref().map(Expr::ty)) {
            (AggKind::Count, _) => SqlType::BigInt,
            (AggKind::Sum, Some(SqlType::Decimal(_, s))) => SqlType::Decimal(38, s),
            (AggKind::Avg, Some(SqlType::Decimal(_, s))) => SqlType::Decimal(38, s.max(6)),
            (AggKind::ListAgg, Some(SqlType::String)) => SqlType::String,
            (AggKind::ListAgg, t) => {
                return Err(err(span, format!("{name}() needs a STRING argument, got {}", t.map_or("*".into(), |t| t.to_string()))))
            }
            (AggKind::VarPop | AggKind::VarSamp | AggKind::StddevPop | AggKind::StddevSamp, Some(SqlType::Double)) => {
                SqlType::Double
            }
            (AggKind::VarPop | AggKind::VarSamp | AggKind::StddevPop | AggKind::StddevSamp, t) => {
                return Err(err(
                    span,
                    format!(
                        "{name}() of {} is not supported by sluice yet (of DOUBLE it is; CAST the argument AS DOUBLE)",
                        t.map_or("*".into(), |t| t.to_string())
                    ),
                ))
            }
            (AggKind::FirstValue | AggKind::LastValue, Some(t)) if !t.is_opaque() => t,
            (_, Some(t)) if t.is_numeric() => t,
            (AggKind::Min | AggKind::Max, Some(t)) if !t.is_opaque() => t,
            (_, t) => {
                return Err(err(
                    span,
                    format!(
                        "{name}() needs a numeric argument, got {}",
                        t.map_or("*".into(), |t| t.to_string())
                    ),
                ))
            }
        };
        let mut call = AggCall::builtin(kind, arg, ty, distinct);
        call.separator = separator;
        call.filter = filter;
        let Some((_, aggs)) = &mut self.grouping else {
            return Err(err(span, "internal: grouping vanished"));
        };
        let index = match aggs.iter().position(|a| *a == call) {
            Some(i) => i,
            None => {
                aggs.push(call);
                aggs.len() - 1
            }
        };
        Ok(Expr::Column {
            index: key_count + index,
            ty,
        })
    }
}

fn plain_arg(arg: &sql::FunctionArg, span: Span) -> Result<&sql::Expr, ExprError> {
    match arg {
        sql::FunctionArg::Unnamed(sql::FunctionArgExpr::Expr(e)) => Ok(e),
        _ => Err(err(
            span,
            "only positional arguments are supported by sluice yet",
        )),
    }
}

/// Literals: `1` is INT (BIGINT when it does not fit), strings are STRING; `1.0` is DOUBLE in Table
/// API expressions (as Flink's expression parser reads them) and DECIMAL(2, 1) in SQL, where only
/// `1.0e0` is DOUBLE.
fn literal(value: &sql::Value, span: Span, sql_text: bool) -> Result<Expr, ExprError> {
    let (value, ty) = match value {
        sql::Value::Number(text, _) if sql_text && !text.contains(['e', 'E']) && text.contains('.') => {
            let (unscaled, ty) = super::builtins::decimal_literal(text)
                .ok_or_else(|| err(span, format!("the literal {text} is not supported by sluice yet (decimals of up to 18 digits are)")))?;
            (Literal::Decimal(unscaled), ty)
        }
        sql::Value::Number(text, _) => {
            if let Ok(i) = text.parse::<i64>() {
                let ty = if i32::try_from(i).is_ok() {
                    SqlType::Int
                } else {
                    SqlType::BigInt
                };
                (Literal::Int(i), ty)
            } else {
                let x = text
                    .parse::<f64>()
                    .map_err(|_| err(span, format!("invalid number {text}")))?;
                (Literal::Float(x), SqlType::Double)
            }
        }
        sql::Value::SingleQuotedString(s) => (Literal::String(s.clone()), SqlType::String),
        sql::Value::Boolean(b) => (Literal::Bool(*b), SqlType::Boolean),
        sql::Value::Null => (Literal::Null, SqlType::String),
        other => {
            return Err(err(
                span,
                format!("the literal {other} is not supported by sluice yet"),
            ))
        }
    };
    Ok(Expr::Literal { value, ty })
}

fn binary(op: &sql::BinaryOperator, l: Expr, r: Expr, span: Span) -> Result<Expr, ExprError> {
    use sql::BinaryOperator as B;
    let op = match op {
        B::Plus => BinOp::Add,
        B::Minus => BinOp::Sub,
        B::Multiply => BinOp::Mul,
        B::Divide => BinOp::Div,
        B::Modulo => BinOp::Mod,
        B::Eq => BinOp::Eq,
        B::NotEq => BinOp::NotEq,
        B::Lt => BinOp::Lt,
        B::LtEq => BinOp::LtEq,
        B::Gt => BinOp::Gt,
        B::GtEq => BinOp::GtEq,
        B::And => BinOp::And,
        B::Or => BinOp::Or,
        other => {
            return Err(err(
                span,
                format!("the operator {other} is not supported by sluice yet"),
            ))
        }
    };
    let (lt, rt) = (l.ty(), r.ty());
    let mismatch = || {
        err(
            span,
            format!("cannot apply {} to {lt} and {rt}", op.symbol()),
        )
    };
    if op.is_arithmetic() {
        if let Some(ty) = super::builtins::decimal_arithmetic(op, lt, rt) {
            let (lt, rt) = (decimal_of(lt), decimal_of(rt));
            return Ok(Expr::Binary {
                op,
                left: Box::new(l.cast(lt)),
                right: Box::new(r.cast(rt)),
                ty,
            });
        }
        let ty = SqlType::widen(lt, rt).ok_or_else(mismatch)?;
        let computed = Expr::Binary {
            op,
            left: Box::new(l.cast(ty)),
            right: Box::new(r.cast(ty)),
            ty,
        };
        // Flink's MOD of integers has its second operand's type (`BIGINT % INT` is INT).
        if op == BinOp::Mod && lt.is_integer() && rt.is_integer() {
            return Ok(computed.cast(rt));
        }
        return Ok(computed);
    }
    if op.is_comparison() {
        let common = SqlType::common(lt, rt).ok_or_else(mismatch)?;
        return Ok(Expr::Binary {
            op,
            left: Box::new(l.cast(common)),
            right: Box::new(r.cast(common)),
            ty: SqlType::Boolean,
        });
    }
    if lt != SqlType::Boolean || rt != SqlType::Boolean {
        return Err(mismatch());
    }
    Ok(Expr::Binary {
        op,
        left: Box::new(l),
        right: Box::new(r),
        ty: SqlType::Boolean,
    })
}

/// An integer type as the decimal it widens to in decimal arithmetic.
fn decimal_of(ty: SqlType) -> SqlType {
    match ty.decimal_parts() {
        Some((p, s)) if ty.is_integer() => SqlType::Decimal(p as u8, s as u8),
        _ => ty,
    }
}

/// `binary` for the builtins module (desugared operators).
pub(super) fn binary_op(op: BinOp, l: Expr, r: Expr, span: Span) -> Result<Expr, ExprError> {
    use sql::BinaryOperator as B;
    let op = match op {
        BinOp::Add => B::Plus,
        BinOp::Sub => B::Minus,
        BinOp::Mul => B::Multiply,
        BinOp::Div => B::Divide,
        BinOp::Mod => B::Modulo,
        BinOp::Eq => B::Eq,
        BinOp::NotEq => B::NotEq,
        BinOp::Lt => B::Lt,
        BinOp::LtEq => B::LtEq,
        BinOp::Gt => B::Gt,
        BinOp::GtEq => B::GtEq,
        BinOp::And => B::And,
        BinOp::Or => B::Or,
    };
    binary(&op, l, r, span)
}

pub(super) fn error(span: Span, message: impl Into<String>) -> ExprError {
    err(span, message)
}

/// PyFlink's `to_arrow_type` rule for the ROW arguments and results of pandas functions: a field is
/// not itself a ROW (nor TIMESTAMP_LTZ, which sluice has only as Kafka metadata).
fn check_pandas_row(ty: SqlType) -> Result<(), String> {
    for field in ty.row_fields().unwrap_or_default() {
        if matches!(field.ty, SqlType::Row(_) | SqlType::TimestampLtz(_) | SqlType::StringBytesMap) {
            return Err(format!(
                "{} is not supported to be used as the field type of RowType (PyFlink 2.3 rejects it)",
                field.ty
            ));
        }
    }
    Ok(())
}
