//! The columnar bridge of pandas (vectorized, `func_type="pandas"`) UDFs and UDAFs: a column of runtime
//! `Value`s to a `pandas.Series` and a function's results back.
//!
//! Columns cross as Arrow arrays, as in PyFlink: Rust writes the Arrow buffers of the column's Arrow type
//! (PyFlink's `ArrowUtils` mapping of its SQL type: BIGINT `int64`, INT `int32`, DOUBLE `float64`,
//! STRING `string`, BOOLEAN `bool`, DATE `date32`, TIME(0) `time32[s]`, TIMESTAMP(p) `timestamp[s|ms|us|ns]`)
//! with its validity bitmap, and `_sluice/pandas_bridge.py` wraps them with `pa.Array.from_buffers` and
//! converts with PyFlink's own calls (`to_pandas(date_as_object=True)` in, `pa.Array.from_pandas(s,
//! mask=s.isnull(), type=t)` out), whose buffers come back as bytes decoded here. Why buffers rather than
//! Python lists or `pandas.Series(list, dtype=...)`: the dtypes are then PyFlink's by construction (a
//! nullable BIGINT column with a NULL becomes float64 with NaN, BOOLEAN with a NULL object, exactly as
//! pyarrow decides), and no Python object is created per value on the way in, nor on the way out for
//! numeric results. Measured in Python on a 10,000-row BIGINT column through a function adding 1
//! (pandas 2.2, pyarrow 16, this 2-core machine): in and out through Python lists (`pa.array(list)`,
//! `to_pylist()`) 3.4 ms per call, through `pandas.Series(list, dtype="int64")` and `tolist()` 1.1 ms,
//! through buffers 0.17 ms, and the list paths would also need a Python object per value from Rust.

use pyo3::exceptions::PyImportError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};

use crate::error::{JobError, Result};
use crate::value::Value;

/// The SQL type of a pandas function's argument or result column, which fixes its Arrow type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    TinyInt,
    SmallInt,
    Int,
    BigInt,
    Float,
    Double,
    Boolean,
    String,
    /// Days since 1970-01-01.
    Date,
    /// TIME(0): milliseconds of the day.
    Time,
    /// TIMESTAMP(p): milliseconds since 1970-01-01T00:00.
    Timestamp(u8),
    /// DECIMAL(p, s): the unscaled value, as `table::decimal` carries it in rows.
    Decimal(u8, u8),
    /// BYTES (VARBINARY): `Value::Bytes`.
    Bytes,
    /// ROW<name type, ...>: `Value::Row`s, an Arrow struct column (a `pandas.DataFrame` in Python).
    /// Fields are not ROWs (PyFlink's `to_arrow_type` rejects that); the slice is a constant of the
    /// generated code, which keeps the type `Copy`.
    Row(&'static [(&'static str, ColumnType)]),
    /// ARRAY<element>: `Value::List`s, an Arrow list column (a Series of numpy arrays in Python).
    List(&'static ColumnType),
    /// MAP<key, value>: `Value::Map`s, an Arrow map column; only as a result (PyFlink 2.3 fails on
    /// MAP arguments of pandas functions, and so the compiler rejects them).
    Map(&'static ColumnType, &'static ColumnType),
}

impl ColumnType {
    /// The Arrow type as `pandas_bridge._type` takes it: a name in `pandas_bridge._TYPES`,
    /// `decimal128(p,s)`, or a ROW's list of `(name, type)` pairs.
    pub fn arrow<'py>(self, py: Python<'py>) -> Bound<'py, PyAny> {
        match self {
            ColumnType::Row(fields) => {
                let pairs = fields.iter().map(|(name, ty)| (*name, ty.arrow(py)));
                PyList::new(py, pairs).map_or_else(|_| PyList::empty(py).into_any(), Bound::into_any)
            }
            ColumnType::List(element) => {
                PyTuple::new(py, [PyString::new(py, "list").into_any(), element.arrow(py)])
                    .map_or_else(|_| PyTuple::empty(py).into_any(), Bound::into_any)
            }
            ColumnType::Map(key, value) => {
                PyTuple::new(py, [PyString::new(py, "map").into_any(), key.arrow(py), value.arrow(py)])
                    .map_or_else(|_| PyTuple::empty(py).into_any(), Bound::into_any)
            }
            _ => PyString::new(py, &self.arrow_name()).into_any(),
        }
    }

    fn arrow_name(self) -> String {
        let name = match self {
            ColumnType::TinyInt => "int8",
            ColumnType::SmallInt => "int16",
            ColumnType::Int => "int32",
            ColumnType::BigInt => "int64",
            ColumnType::Float => "float32",
            ColumnType::Double => "float64",
            ColumnType::Boolean => "bool",
            ColumnType::String => "string",
            ColumnType::Date => "date32",
            ColumnType::Time => "time32[s]",
            ColumnType::Timestamp(0) => "timestamp[s]",
            ColumnType::Timestamp(1..=3) => "timestamp[ms]",
            ColumnType::Timestamp(4..=6) => "timestamp[us]",
            ColumnType::Timestamp(_) => "timestamp[ns]",
            ColumnType::Decimal(p, s) => return format!("decimal128({p},{s})"),
            ColumnType::Bytes => "binary",
            ColumnType::Row(_) => "struct",
            ColumnType::List(_) => "list",
            ColumnType::Map(..) => "map",
        };
        name.into()
    }

    /// The SQL spelling, for messages.
    pub fn sql(self) -> String {
        match self {
            ColumnType::TinyInt => "TINYINT".into(),
            ColumnType::SmallInt => "SMALLINT".into(),
            ColumnType::Int => "INT".into(),
            ColumnType::BigInt => "BIGINT".into(),
            ColumnType::Float => "FLOAT".into(),
            ColumnType::Double => "DOUBLE".into(),
            ColumnType::Boolean => "BOOLEAN".into(),
            ColumnType::String => "STRING".into(),
            ColumnType::Date => "DATE".into(),
            ColumnType::Time => "TIME(0)".into(),
            ColumnType::Timestamp(p) => format!("TIMESTAMP({p})"),
            ColumnType::Decimal(p, s) => format!("DECIMAL({p}, {s})"),
            ColumnType::Bytes => "BYTES".into(),
            ColumnType::Row(fields) => {
                let fields: Vec<String> = fields.iter().map(|(name, ty)| format!("{name} {}", ty.sql())).collect();
                format!("ROW<{}>", fields.join(", "))
            }
            ColumnType::List(element) => format!("ARRAY<{}>", element.sql()),
            ColumnType::Map(key, value) => format!("MAP<{}, {}>", key.sql(), value.sql()),
        }
    }

    /// Milliseconds per unit of a TIMESTAMP's Arrow unit, as (multiplier, divisor) from milliseconds.
    fn timestamp_scale(self) -> (i64, i64) {
        match self {
            ColumnType::Timestamp(0) => (1, 1000),
            ColumnType::Timestamp(1..=3) => (1, 1),
            ColumnType::Timestamp(4..=6) => (1000, 1),
            _ => (1_000_000, 1),
        }
    }
}

/// `_sluice.pandas_bridge`, which imports pandas and pyarrow. `label` names the function that needs it,
/// for the error a job gets when they are not installed in the Python it runs with.
pub fn bridge<'py>(py: Python<'py>, label: &str) -> Result<Bound<'py, PyModule>> {
    py.import("_sluice.pandas_bridge").map_err(|e| {
        if e.is_instance_of::<PyImportError>(py) {
            let python = py
                .import("sys")
                .and_then(|sys| sys.getattr("executable"))
                .map(|exe| exe.to_string())
                .unwrap_or_else(|_| "this job's Python".into());
            JobError::User(format!(
                "{label} is a pandas function (func_type=\"pandas\"), which needs pandas and pyarrow, but the \
                 Python this job runs with ({python}) cannot import them ({}); install them there with \
                 `pip install pandas pyarrow`, or name a venv that has them in PYFLINK_PYTHON",
                e.value(py)
            ))
        } else {
            JobError::Internal(format!("importing _sluice.pandas_bridge: {e}"))
        }
    })
}

/// Sets bit `i` of an Arrow bitmap (least significant bit first).
fn set_bit(bits: &mut [u8], i: usize) {
    if let Some(byte) = bits.get_mut(i / 8) {
        *byte |= 1 << (i % 8);
    }
}

fn bit(bits: &[u8], i: usize) -> bool {
    bits.get(i / 8).is_some_and(|b| b & (1 << (i % 8)) != 0)
}

/// The Arrow buffers of one column: validity (when there are NULLs), offsets (strings), values.
struct Buffers {
    nulls: usize,
    validity: Vec<u8>,
    offsets: Option<Vec<u8>>,
    data: Vec<u8>,
}

fn encode<'a>(ty: ColumnType, n: usize, values: impl Iterator<Item = &'a Value>) -> Result<Buffers> {
    let mut validity = vec![0u8; n.div_ceil(8)];
    let mut nulls = 0;
    let mut data = Vec::new();
    let mut offsets = None;
    // The value of row `i` as an i64 in the column's Arrow unit (`None`: NULL).
    let integer = |v: &Value| -> Option<i64> {
        match (ty, v) {
            (ColumnType::Timestamp(_), Value::Timestamp(ms)) => {
                let (mul, div) = ty.timestamp_scale();
                Some(ms.saturating_mul(mul).div_euclid(div))
            }
            (ColumnType::Date, Value::Date(days)) => Some(*days),
            (ColumnType::Time, Value::Time(ms)) => Some(ms.div_euclid(1000)),
            (_, Value::Int(i)) => Some(*i),
            _ => None,
        }
    };
    match ty {
        ColumnType::Boolean => {
            data = vec![0u8; n.div_ceil(8)];
            for (i, v) in values.enumerate() {
                match v {
                    Value::Bool(b) => {
                        set_bit(&mut validity, i);
                        if *b {
                            set_bit(&mut data, i);
                        }
                    }
                    _ => nulls += 1,
                }
            }
        }
        ColumnType::String | ColumnType::Bytes => {
            let mut offs = Vec::with_capacity((n + 1) * 4);
            offs.extend_from_slice(&0i32.to_le_bytes());
            for (i, v) in values.enumerate() {
                match (ty, v) {
                    (ColumnType::String, Value::Str(s)) => {
                        set_bit(&mut validity, i);
                        data.extend_from_slice(s.as_bytes());
                    }
                    (ColumnType::Bytes, Value::Bytes(b)) => {
                        set_bit(&mut validity, i);
                        data.extend_from_slice(b);
                    }
                    _ => nulls += 1,
                }
                let end = i32::try_from(data.len()).map_err(|_| {
                    JobError::Unsupported("a pandas UDF batch of more than 2 GB of strings".into())
                })?;
                offs.extend_from_slice(&end.to_le_bytes());
            }
            offsets = Some(offs);
        }
        ColumnType::Float | ColumnType::Double => {
            let width = if ty == ColumnType::Float { 4 } else { 8 };
            data.reserve(n * width);
            for (i, v) in values.enumerate() {
                let x = match v {
                    Value::Float(x) => Some(*x),
                    Value::Int(i) => Some(*i as f64),
                    _ => None,
                };
                if x.is_some() {
                    set_bit(&mut validity, i);
                } else {
                    nulls += 1;
                }
                let x = x.unwrap_or(0.0);
                if ty == ColumnType::Float {
                    data.extend_from_slice(&(x as f32).to_le_bytes());
                } else {
                    data.extend_from_slice(&x.to_le_bytes());
                }
            }
        }
        ColumnType::Decimal(..) => {
            // decimal128: the unscaled value as a 16-byte little-endian two's complement integer.
            data.reserve(n * 16);
            for (i, v) in values.enumerate() {
                let x = super::decimal::from_value(v);
                if x.is_some() {
                    set_bit(&mut validity, i);
                } else {
                    nulls += 1;
                }
                data.extend_from_slice(&x.unwrap_or(0).to_le_bytes());
            }
        }
        _ => {
            let width = integer_width(ty);
            data.reserve(n * width);
            for (i, v) in values.enumerate() {
                let x = integer(v);
                if x.is_some() {
                    set_bit(&mut validity, i);
                } else {
                    nulls += 1;
                }
                let bytes = x.unwrap_or(0).to_le_bytes();
                // Little-endian: the narrower type is the low bytes (values fit their declared type).
                data.extend_from_slice(&bytes[..width]);
            }
        }
    }
    Ok(Buffers {
        nulls,
        validity,
        offsets,
        data,
    })
}

/// Bytes per value of the integer-backed Arrow types.
fn integer_width(ty: ColumnType) -> usize {
    match ty {
        ColumnType::TinyInt => 1,
        ColumnType::SmallInt => 2,
        ColumnType::Int | ColumnType::Date | ColumnType::Time => 4,
        _ => 8,
    }
}

/// A column of `n` values as a `pyarrow.Array` of `ty`'s Arrow type.
pub fn array<'a, 'py>(
    bridge: &Bound<'py, PyModule>,
    ty: ColumnType,
    n: usize,
    values: impl Iterator<Item = &'a Value>,
) -> Result<Bound<'py, PyAny>> {
    let py = bridge.py();
    let internal = |e: PyErr| JobError::Internal(format!("building an Arrow array of {}: {e}", ty.sql()));
    if let ColumnType::Row(fields) = ty {
        // A struct array: the row's validity, and one child array per field.
        let rows: Vec<Option<&[Value]>> = values
            .map(|v| match v {
                Value::Row(row) => Some(row.fields.as_slice()),
                _ => None,
            })
            .collect();
        let mut validity = vec![0u8; n.div_ceil(8)];
        let mut nulls = 0;
        for (i, row) in rows.iter().enumerate() {
            if row.is_some() {
                set_bit(&mut validity, i);
            } else {
                nulls += 1;
            }
        }
        let mut children = Vec::with_capacity(fields.len());
        for (f, (_, field_ty)) in fields.iter().enumerate() {
            let column: Vec<Value> = rows
                .iter()
                .map(|row| row_field(row.and_then(|r| r.get(f)).unwrap_or(&Value::Null), *field_ty))
                .collect();
            // Boxed: one instantiation of `array` however deep the recursion.
            let column: Box<dyn Iterator<Item = &Value>> = Box::new(column.iter());
            children.push(array(bridge, *field_ty, n, column)?);
        }
        let validity = (nulls > 0).then(|| PyBytes::new(py, &validity));
        return bridge
            .getattr("nested_array")
            .and_then(|f| f.call1((ty.arrow(py), n, nulls, validity, None::<Bound<'_, PyBytes>>, PyList::new(py, children)?)))
            .map_err(internal);
    }
    if let ColumnType::Map(..) = ty {
        return Err(JobError::Internal(format!("a {} argument of a pandas function", ty.sql())));
    }
    if let ColumnType::List(element) = ty {
        // A list array: validity, i32 offsets into one child array of all the elements.
        let mut validity = vec![0u8; n.div_ceil(8)];
        let mut nulls = 0;
        let mut offsets = Vec::with_capacity((n + 1) * 4);
        offsets.extend_from_slice(&0i32.to_le_bytes());
        let mut elements = Vec::new();
        for (i, v) in values.enumerate() {
            match v {
                Value::List(items) => {
                    set_bit(&mut validity, i);
                    elements.extend(items.iter().map(|item| row_field(item, *element)));
                }
                _ => nulls += 1,
            }
            let end = i32::try_from(elements.len())
                .map_err(|_| JobError::Unsupported("a pandas UDF batch of more than 2^31 array elements".into()))?;
            offsets.extend_from_slice(&end.to_le_bytes());
        }
        let count = elements.len();
        let elements: Box<dyn Iterator<Item = &Value>> = Box::new(elements.iter());
        let child = array(bridge, *element, count, elements)?;
        let validity = (nulls > 0).then(|| PyBytes::new(py, &validity));
        return bridge
            .getattr("nested_array")
            .and_then(|f| f.call1((ty.arrow(py), n, nulls, validity, PyBytes::new(py, &offsets), PyList::new(py, [child])?)))
            .map_err(internal);
    }
    let b = encode(ty, n, values)?;
    let validity = (b.nulls > 0).then(|| PyBytes::new(py, &b.validity));
    let offsets = b.offsets.as_ref().map(|o| PyBytes::new(py, o));
    bridge
        .getattr("array")
        .and_then(|f| f.call1((ty.arrow(py), n, b.nulls, validity, offsets, PyBytes::new(py, &b.data))))
        .map_err(internal)
}

/// A ROW's DECIMAL field (or an ARRAY's element) as a column value: ROW and ARRAY values carry
/// decimals as their text (`Value::Decimal`, as Python functions' results do), columns as the
/// unscaled value.
fn row_field(v: &Value, ty: ColumnType) -> Value {
    match (ty, v) {
        (ColumnType::Decimal(p, s), Value::Decimal(text)) => {
            super::decimal::to_value(super::decimal::parse(text, u32::from(p), u32::from(s)))
        }
        _ => v.clone(),
    }
}

/// A decoded field value as a ROW carries it (the inverse of [`row_field`]).
fn field_of_row(v: Value, ty: ColumnType) -> Value {
    match (ty, super::decimal::from_value(&v)) {
        (ColumnType::Decimal(_, s), Some(unscaled)) => Value::Decimal(super::decimal::to_str(unscaled, u32::from(s))),
        _ => v,
    }
}

/// A column of values as the `pandas.Series` a function receives, named `name` as PyFlink names it.
pub fn series<'py>(
    bridge: &Bound<'py, PyModule>,
    ty: ColumnType,
    values: &[Value],
    name: &str,
) -> Result<Bound<'py, PyAny>> {
    let arr = array(bridge, ty, values.len(), values.iter())?;
    bridge
        .getattr("series")
        .and_then(|f| f.call1((arr, name)))
        .map_err(|e| JobError::Internal(format!("converting a column of {} to pandas: {e}", ty.sql())))
}

/// Decodes `(null_count, validity, offsets, data)` from the bridge into `n` values of `ty`.
pub fn decode(buffers: &Bound<'_, PyAny>, ty: ColumnType, n: usize) -> Result<Vec<Value>> {
    let bad = |what: &str| JobError::Internal(format!("decoding a pandas result column of {}: {what}", ty.sql()));
    let tuple = buffers.downcast::<PyTuple>().map_err(|_| bad("not a tuple"))?;
    let item = |i: usize| tuple.get_item(i).map_err(|e| bad(&e.to_string()));
    let nulls: usize = item(0)?.extract().map_err(|e| bad(&e.to_string()))?;
    let validity_obj = item(1)?;
    let validity: Option<&[u8]> = match validity_obj.downcast::<PyBytes>() {
        Ok(b) if nulls > 0 => Some(b.as_bytes()),
        _ => None,
    };
    let offsets_obj = item(2)?;
    let data_obj = item(3)?;
    let data = data_obj.downcast::<PyBytes>().map_err(|_| bad("data is not bytes"))?.as_bytes();
    let valid = |i: usize| validity.is_none_or(|bits| bit(bits, i));
    let mut out = Vec::with_capacity(n);
    if let ColumnType::Row(fields) = ty {
        // The bridge gives a struct's field buffers in place of offsets.
        let children = offsets_obj.downcast::<PyList>().map_err(|_| bad("no field buffers"))?;
        let mut columns = Vec::with_capacity(fields.len());
        for (child, (_, field_ty)) in children.iter().zip(fields.iter()) {
            columns.push(decode(&child, *field_ty, n)?.into_iter());
        }
        if columns.len() != fields.len() {
            return Err(bad("missing field buffers"));
        }
        for i in 0..n {
            let row: Vec<Value> = columns
                .iter_mut()
                .zip(fields.iter())
                .map(|(c, (_, field_ty))| field_of_row(c.next().unwrap_or_default(), *field_ty))
                .collect();
            out.push(if valid(i) { Value::row(row) } else { Value::Null });
        }
        return Ok(out);
    }
    if let ColumnType::Map(key, value) = ty {
        // The bridge gives `(offsets, key buffers, value buffers)` in place of offsets.
        let parts = offsets_obj.downcast::<PyTuple>().map_err(|_| bad("no map buffers"))?;
        let part = |i: usize| parts.get_item(i).map_err(|e| bad(&e.to_string()));
        let offsets_item = part(0)?;
        let offsets = offsets_item.downcast::<PyBytes>().map_err(|_| bad("no map offsets"))?.as_bytes();
        let offset = |i: usize| -> Result<usize> {
            let bytes = offsets.get(i * 4..i * 4 + 4).ok_or_else(|| bad("offsets too short"))?;
            usize::try_from(i32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])).map_err(|_| bad("negative offset"))
        };
        let count = offset(n)?;
        let keys = decode(&part(1)?, *key, count)?.into_iter().map(|v| field_of_row(v, *key));
        let values = decode(&part(2)?, *value, count)?.into_iter().map(|v| field_of_row(v, *value));
        let mut entries = keys.zip(values);
        for i in 0..n {
            let len = offset(i + 1)?.checked_sub(offset(i)?).ok_or_else(|| bad("offsets decrease"))?;
            let map: Vec<(Value, Value)> = entries.by_ref().take(len).collect();
            out.push(if valid(i) { Value::Map(map) } else { Value::Null });
        }
        return Ok(out);
    }
    if let ColumnType::List(element) = ty {
        // The bridge gives `(offsets, element buffers)` in place of offsets.
        let pair = offsets_obj.downcast::<PyTuple>().map_err(|_| bad("no list buffers"))?;
        let offsets_item = pair.get_item(0).map_err(|e| bad(&e.to_string()))?;
        let offsets = offsets_item.downcast::<PyBytes>().map_err(|_| bad("no list offsets"))?.as_bytes();
        let offset = |i: usize| -> Result<usize> {
            let bytes = offsets.get(i * 4..i * 4 + 4).ok_or_else(|| bad("offsets too short"))?;
            usize::try_from(i32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])).map_err(|_| bad("negative offset"))
        };
        let count = offset(n)?;
        let child = pair.get_item(1).map_err(|e| bad(&e.to_string()))?;
        let mut items = decode(&child, *element, count)?.into_iter().map(|v| field_of_row(v, *element));
        for i in 0..n {
            let len = offset(i + 1)?.checked_sub(offset(i)?).ok_or_else(|| bad("offsets decrease"))?;
            let list: Vec<Value> = items.by_ref().take(len).collect();
            out.push(if valid(i) { Value::List(list) } else { Value::Null });
        }
        return Ok(out);
    }
    match ty {
        ColumnType::Boolean => {
            for i in 0..n {
                out.push(if valid(i) { Value::Bool(bit(data, i)) } else { Value::Null });
            }
        }
        ColumnType::String | ColumnType::Bytes => {
            let offsets = offsets_obj.downcast::<PyBytes>().map_err(|_| bad("no offsets"))?.as_bytes();
            let offset = |i: usize| -> Result<usize> {
                let bytes = offsets.get(i * 4..i * 4 + 4).ok_or_else(|| bad("offsets too short"))?;
                let o = i32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
                usize::try_from(o).map_err(|_| bad("negative offset"))
            };
            for i in 0..n {
                if !valid(i) {
                    out.push(Value::Null);
                    continue;
                }
                let bytes = data.get(offset(i)?..offset(i + 1)?).ok_or_else(|| bad("data too short"))?;
                if ty == ColumnType::Bytes {
                    out.push(Value::Bytes(bytes.into()));
                    continue;
                }
                let s = std::str::from_utf8(bytes).map_err(|_| bad("invalid UTF-8"))?;
                out.push(Value::str(s));
            }
        }
        ColumnType::Decimal(..) => {
            for i in 0..n {
                let bytes = data.get(i * 16..(i + 1) * 16).ok_or_else(|| bad("data too short"))?;
                if !valid(i) {
                    out.push(Value::Null);
                    continue;
                }
                let mut b = [0u8; 16];
                b.copy_from_slice(bytes);
                out.push(super::decimal::to_value(Some(i128::from_le_bytes(b))));
            }
        }
        ColumnType::Float | ColumnType::Double => {
            let width = if ty == ColumnType::Float { 4 } else { 8 };
            for i in 0..n {
                let bytes = data.get(i * width..(i + 1) * width).ok_or_else(|| bad("data too short"))?;
                if !valid(i) {
                    out.push(Value::Null);
                } else if width == 4 {
                    // FLOAT is 32-bit in Flink: the value comes back narrowed, as PyFlink shows it.
                    out.push(Value::Float(f64::from(f32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))));
                } else {
                    let mut b = [0u8; 8];
                    b.copy_from_slice(bytes);
                    out.push(Value::Float(f64::from_le_bytes(b)));
                }
            }
        }
        _ => {
            let width = integer_width(ty);
            for i in 0..n {
                let bytes = data.get(i * width..(i + 1) * width).ok_or_else(|| bad("data too short"))?;
                if !valid(i) {
                    out.push(Value::Null);
                    continue;
                }
                // Sign-extend the little-endian value to 64 bits.
                let negative = bytes[width - 1] & 0x80 != 0;
                let mut b = [if negative { 0xff } else { 0 }; 8];
                b[..width].copy_from_slice(bytes);
                let x = i64::from_le_bytes(b);
                out.push(match ty {
                    ColumnType::Date => Value::Date(x),
                    ColumnType::Time => Value::Time(x.saturating_mul(1000)),
                    ColumnType::Timestamp(_) => {
                        let (mul, div) = ty.timestamp_scale();
                        // Back to milliseconds (sub-millisecond fractions are cut, as everywhere in sluice).
                        Value::Timestamp(x.saturating_mul(div).div_euclid(mul))
                    }
                    _ => Value::Int(x),
                });
            }
        }
    }
    Ok(out)
}

/// A Python error from the bridge's result checks (`ResultError`): a message, not a traceback.
pub fn result_error(py: Python<'_>, err: &PyErr) -> Option<String> {
    let bridge = py.import("_sluice.pandas_bridge").ok()?;
    let class = bridge.getattr("ResultError").ok()?;
    if err.get_type(py).is(&class) {
        Some(err.value(py).to_string())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_encode_little_endian_with_a_validity_bitmap() {
        let values = [Value::Int(1), Value::Null, Value::Int(-2)];
        let b = encode(ColumnType::Int, 3, values.iter()).expect("encodes");
        assert_eq!(b.nulls, 1);
        assert_eq!(b.validity, vec![0b101]);
        assert_eq!(b.data, [1, 0, 0, 0, 0, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff]);
    }

    #[test]
    fn strings_encode_offsets_and_bytes() {
        let values = [Value::str("ab"), Value::Null, Value::str("c")];
        let b = encode(ColumnType::String, 3, values.iter()).expect("encodes");
        assert_eq!(b.data, b"abc");
        let offsets: Vec<i32> = b
            .offsets
            .expect("offsets")
            .chunks(4)
            .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        assert_eq!(offsets, [0, 2, 2, 3]);
    }

    #[test]
    fn decimals_encode_as_16_byte_unscaled_values() {
        let values = [crate::table::decimal::to_value(Some(-1234)), Value::Null];
        let b = encode(ColumnType::Decimal(10, 2), 2, values.iter()).expect("encodes");
        assert_eq!(b.nulls, 1);
        assert_eq!(b.validity, vec![0b01]);
        assert_eq!(b.data.len(), 32);
        assert_eq!(i128::from_le_bytes(b.data[..16].try_into().expect("16 bytes")), -1234);
        assert_eq!(ColumnType::Decimal(10, 2).arrow_name(), "decimal128(10,2)");
    }

    #[test]
    fn bytes_encode_like_strings_and_skip_other_values() {
        let values = [Value::Bytes(b"\x00\xff".as_slice().into()), Value::str("not bytes")];
        let b = encode(ColumnType::Bytes, 2, values.iter()).expect("encodes");
        assert_eq!(b.data, [0, 0xff]);
        assert_eq!(b.nulls, 1);
    }

    #[test]
    fn nested_types_spell_their_parts() {
        static FIELDS: [(&str, ColumnType); 2] = [("n", ColumnType::BigInt), ("d", ColumnType::Decimal(5, 1))];
        assert_eq!(ColumnType::Row(&FIELDS).sql(), "ROW<n BIGINT, d DECIMAL(5, 1)>");
        assert_eq!(ColumnType::List(&ColumnType::String).sql(), "ARRAY<STRING>");
    }

    #[test]
    fn row_decimals_cross_as_unscaled_values_and_come_back_as_text() {
        let ty = ColumnType::Decimal(5, 2);
        let column = row_field(&Value::Decimal("-1.5".into()), ty);
        assert_eq!(crate::table::decimal::from_value(&column), Some(-150));
        assert_eq!(field_of_row(column, ty), Value::Decimal("-1.50".into()));
        assert_eq!(field_of_row(Value::Int(3), ColumnType::Int), Value::Int(3));
    }

    #[test]
    fn timestamps_scale_to_their_arrow_unit() {
        let b = encode(ColumnType::Timestamp(6), 1, [Value::Timestamp(1_500)].iter()).expect("encodes");
        assert_eq!(i64::from_le_bytes(b.data[..8].try_into().expect("8 bytes")), 1_500_000);
        let b = encode(ColumnType::Timestamp(0), 1, [Value::Timestamp(-1)].iter()).expect("encodes");
        assert_eq!(i64::from_le_bytes(b.data[..8].try_into().expect("8 bytes")), -1);
    }
}
