//! Direct conversion between runtime `Value`s and Python objects, guided by the declared `TypeInfo`.
//!
//! No pickling: each value is converted once each way. Rows become the shim's `Row` (with field names
//! from a ROW_NAMED type); tuples, lists and dicts map to their Python counterparts; streams without a
//! declared type carry the Python objects themselves.

use std::sync::Arc;

use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use sluice_types::TypeInfo;

use crate::python::repeats::PyInts;
use crate::temporal;
use crate::value::{PyValue, Row, RowKind, Value};

struct Harness {
    row_type: Py<PyType>,
    /// `object.__new__`: creates a Row without running Python code.
    object_new: Py<PyAny>,
    /// RowKind members by index.
    row_kinds: Vec<Py<PyAny>>,
    datetime: Py<PyAny>,
    date: Py<PyAny>,
    time: Py<PyAny>,
    decimal: Py<PyAny>,
    instant: Py<PyAny>,
}

static HARNESS: PyOnceLock<Harness> = PyOnceLock::new();

fn harness(py: Python<'_>) -> PyResult<&Harness> {
    HARNESS.get_or_try_init(py, || {
        let types = py.import("pyflink.common.types")?;
        let row_type = types.getattr("Row")?.downcast_into::<PyType>()?;
        let kinds = types.getattr("RowKind")?;
        let row_kinds = ["INSERT", "UPDATE_BEFORE", "UPDATE_AFTER", "DELETE"]
            .iter()
            .map(|k| kinds.getattr(*k).map(Bound::unbind))
            .collect::<PyResult<_>>()?;
        let object_new = py.import("builtins")?.getattr("object")?.getattr("__new__")?.unbind();
        let dt = py.import("datetime")?;
        Ok(Harness {
            row_type: row_type.unbind(),
            object_new,
            row_kinds,
            datetime: dt.getattr("datetime")?.unbind(),
            date: dt.getattr("date")?.unbind(),
            time: dt.getattr("time")?.unbind(),
            decimal: py.import("decimal")?.getattr("Decimal")?.unbind(),
            instant: py.import("pyflink.common.time")?.getattr("Instant")?.unbind(),
        })
    })
}

/// A shim `Row` with these values, field names and kind, built without running Python code.
fn make_row<'py>(py: Python<'py>, values: Bound<'py, PyList>, names: Bound<'py, PyAny>, kind: RowKind) -> PyResult<Bound<'py, PyAny>> {
    let h = harness(py)?;
    let row = h.object_new.bind(py).call1((h.row_type.bind(py),))?;
    let dict = row.getattr(intern!(py, "__dict__"))?;
    dict.set_item(intern!(py, "_values"), values)?;
    dict.set_item(intern!(py, "_fields"), names)?;
    dict.set_item(intern!(py, "_row_kind"), h.row_kinds[kind as usize].bind(py))?;
    Ok(row)
}

/// A value that does not fit its declared type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertError(pub String);

impl std::fmt::Display for ConvertError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn mismatch(obj: &Bound<'_, PyAny>, ty: &TypeInfo) -> ConvertError {
    let repr = obj
        .repr()
        .map(|r| r.to_string())
        .unwrap_or_else(|_| "<unprintable>".into());
    let type_name = obj
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into());
    ConvertError(format!(
        "expected a value of type {ty}, got {type_name} {repr}"
    ))
}

fn field_type(ty: &TypeInfo, index: usize) -> &TypeInfo {
    match ty {
        TypeInfo::Row { fields, .. } | TypeInfo::Tuple { fields } => {
            fields.get(index).unwrap_or(&TypeInfo::Pickled)
        }
        _ => &TypeInfo::Pickled,
    }
}

/// Converts a runtime value to Python. `TypeInfo::Pickled` means "no type information".
pub fn to_py<'py>(py: Python<'py>, value: &Value, ty: &TypeInfo) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Int(i) => i.into_pyobject(py)?.into_any(),
        Value::Float(f) => PyFloat::new(py, *f).into_any(),
        Value::Str(s) => PyString::new(py, s).into_any(),
        Value::Bytes(b) => PyBytes::new(py, b).into_any(),
        Value::Row(row) => {
            let values = PyList::empty(py);
            for (i, field) in row.fields.iter().enumerate() {
                values.append(to_py(py, field, field_type(ty, i))?)?;
            }
            // Rows coming from a typed stream carry field names; PyFlink names unnamed fields f0, f1, ...
            let names = match ty {
                TypeInfo::Row { names: Some(names), .. } => PyList::new(py, names)?.into_any(),
                TypeInfo::Row { .. } => default_field_names(py, row.fields.len())?.into_any(),
                _ => py.None().into_bound(py),
            };
            make_row(py, values, names, row.kind)?
        }
        Value::Tuple(fields) if fields.iter().all(is_scalar) => {
            // The common case, without an intermediate vector or fallible conversions.
            PyTuple::new(py, fields.iter().map(|f| scalar_to_py(py, f, &mut PyInts::off())))?.into_any()
        }
        Value::Tuple(fields) => {
            let items = fields
                .iter()
                .enumerate()
                .map(|(i, f)| to_py(py, f, field_type(ty, i)))
                .collect::<PyResult<Vec<_>>>()?;
            PyTuple::new(py, items)?.into_any()
        }
        Value::List(items) => {
            let element = match ty {
                TypeInfo::List { element }
                | TypeInfo::BasicArray { element }
                | TypeInfo::PrimitiveArray { element }
                | TypeInfo::ObjectArray { element } => &**element,
                _ => &TypeInfo::Pickled,
            };
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item, element)?)?;
            }
            list.into_any()
        }
        Value::Map(entries) => {
            let (key_ty, value_ty) = match ty {
                TypeInfo::Map { key, value } => (&**key, &**value),
                _ => (&TypeInfo::Pickled, &TypeInfo::Pickled),
            };
            let dict = PyDict::new(py);
            for (k, v) in entries {
                dict.set_item(to_py(py, k, key_ty)?, to_py(py, v, value_ty)?)?;
            }
            dict.into_any()
        }
        Value::Decimal(d) => harness(py)?.decimal.bind(py).call1((&**d,))?,
        Value::Timestamp(ms) => {
            let (days, ms) = temporal::split_millis(*ms);
            let (y, mo, d) = temporal::civil_from_days(days);
            let (h, mi, s, us) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000 * 1000);
            harness(py)?.datetime.bind(py).call1((y, mo, d, h, mi, s, us))?
        }
        Value::Date(days) => {
            let (y, mo, d) = temporal::civil_from_days(*days);
            harness(py)?.date.bind(py).call1((y, mo, d))?
        }
        Value::Time(ms) => {
            let (h, mi, s, us) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000 * 1000);
            harness(py)?.time.bind(py).call1((h, mi, s, us))?
        }
        Value::Instant(s, ns) => harness(py)?.instant.bind(py).call1((s, ns))?,
        Value::Py(obj) => obj.0.bind(py).clone(),
    })
}

/// Converts a column of values to a Python list; scalars and tuples of scalars (the common cases)
/// without an intermediate vector, repeated integers as the same objects (`ints`).
pub fn to_py_list<'a, 'py>(
    py: Python<'py>,
    values: impl ExactSizeIterator<Item = &'a Value> + Clone,
    ty: &TypeInfo,
    ints: &mut PyInts,
) -> PyResult<Bound<'py, PyList>> {
    if values.clone().all(is_scalar) {
        return PyList::new(py, values.map(|v| scalar_to_py(py, v, ints)));
    }
    if values.clone().all(|v| matches!(v, Value::Tuple(fields) if fields.iter().all(is_scalar))) {
        let tuple = |v: &Value, ints: &mut PyInts| match v {
            Value::Tuple(fields) => PyTuple::new(py, fields.iter().map(|f| scalar_to_py(py, f, ints))),
            _ => Ok(PyTuple::empty(py)),
        };
        let tuples = values.map(|v| tuple(v, ints)).collect::<PyResult<Vec<_>>>()?;
        return PyList::new(py, tuples);
    }
    let converted = values.map(|v| to_py(py, v, ty)).collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, converted)
}

fn is_scalar(value: &Value) -> bool {
    matches!(value, Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Str(_))
}

/// Infallible conversion of the values `is_scalar` accepts.
fn scalar_to_py<'py>(py: Python<'py>, value: &Value, ints: &mut PyInts) -> Bound<'py, PyAny> {
    match value {
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Int(i) => ints.to_py(py, *i).into_any(),
        Value::Float(f) => PyFloat::new(py, *f).into_any(),
        Value::Str(s) => PyString::new(py, s).into_any(),
        _ => py.None().into_bound(py),
    }
}

/// PyFlink's names for unnamed row fields, `f0, f1, ...`, as a fresh list (rows own their `_fields`)
/// of strings created once per process rather than per row.
fn default_field_names(py: Python<'_>, arity: usize) -> PyResult<Bound<'_, PyList>> {
    static NAMES: PyOnceLock<Vec<Py<PyString>>> = PyOnceLock::new();
    let cached = NAMES.get_or_init(py, || (0..64).map(|i| PyString::new(py, &format!("f{i}")).unbind()).collect());
    if arity <= cached.len() {
        PyList::new(py, cached[..arity].iter().map(|n| n.bind(py)))
    } else {
        PyList::new(py, (0..arity).map(|i| format!("f{i}")))
    }
}

/// Milliseconds of the day of a `datetime.time` or the time part of a `datetime.datetime`.
fn millis_of_day(obj: &Bound<'_, PyAny>) -> PyResult<i64> {
    let h: i64 = obj.getattr("hour")?.extract()?;
    let m: i64 = obj.getattr("minute")?.extract()?;
    let s: i64 = obj.getattr("second")?.extract()?;
    let us: i64 = obj.getattr("microsecond")?.extract()?;
    Ok(((h * 60 + m) * 60 + s) * 1000 + us / 1000)
}

fn days_of(obj: &Bound<'_, PyAny>) -> PyResult<i64> {
    let y: i64 = obj.getattr("year")?.extract()?;
    let m: u32 = obj.getattr("month")?.extract()?;
    let d: u32 = obj.getattr("day")?.extract()?;
    Ok(temporal::days_from_civil(y, m, d))
}

/// Converts a Python object to a runtime value of the declared type.
/// Inlined for the common results (a BIGINT int, a DOUBLE float, a STRING str), which are converted
/// at the call site; the rest goes to the general conversion.
#[inline]
pub fn from_py(obj: &Bound<'_, PyAny>, ty: &TypeInfo) -> PyResult<Result<Value, ConvertError>> {
    match ty {
        TypeInfo::Long | TypeInfo::BigInt => {
            if let Ok(int) = obj.downcast_exact::<PyInt>() {
                if let Ok(i) = int.extract::<i64>() {
                    return Ok(Ok(Value::Int(i)));
                }
            }
        }
        TypeInfo::Double => {
            if let Ok(float) = obj.downcast_exact::<PyFloat>() {
                return Ok(Ok(Value::Float(float.value())));
            }
        }
        TypeInfo::String => {
            if let Ok(s) = obj.downcast_exact::<PyString>() {
                return Ok(Ok(Value::Str(Arc::from(s.to_str()?))));
            }
        }
        // BYTES (Flink's byte[]): a Python `bytes`, as PyFlink takes it.
        TypeInfo::PrimitiveArray { element } if **element == TypeInfo::Byte => {
            if let Ok(b) = obj.downcast_exact::<PyBytes>() {
                return Ok(Ok(Value::Bytes(Arc::from(b.as_bytes()))));
            }
        }
        _ => {}
    }
    from_py_general(obj, ty)
}

#[inline(never)]
fn from_py_general(obj: &Bound<'_, PyAny>, ty: &TypeInfo) -> PyResult<Result<Value, ConvertError>> {
    if obj.is_none() {
        return Ok(Ok(Value::Null));
    }
    let py = obj.py();
    let value = match ty {
        TypeInfo::Pickled => Value::Py(PyValue(Arc::new(obj.clone().unbind()))),
        TypeInfo::Byte | TypeInfo::Short | TypeInfo::Int | TypeInfo::Long | TypeInfo::BigInt => {
            if !obj.is_instance_of::<PyInt>() {
                return Ok(Err(mismatch(obj, ty)));
            }
            let Ok(i) = obj.extract::<i64>() else {
                return Ok(Err(ConvertError(format!(
                    "{} is out of range for {ty}",
                    obj.repr()?
                ))));
            };
            if let Some((lo, hi)) = ty.integer_range() {
                if i < lo || i > hi {
                    return Ok(Err(ConvertError(format!("{i} is out of range for {ty}"))));
                }
            }
            Value::Int(i)
        }
        TypeInfo::Float | TypeInfo::Double => {
            if obj.is_instance_of::<PyFloat>() {
                let f = obj.extract::<f64>()?;
                // FLOAT is 32-bit in Flink: the value comes back narrowed, as PyFlink shows it.
                Value::Float(if *ty == TypeInfo::Float {
                    f64::from(f as f32)
                } else {
                    f
                })
            } else {
                return Ok(Err(mismatch(obj, ty)));
            }
        }
        TypeInfo::String | TypeInfo::Char => match obj.downcast::<PyString>() {
            Ok(s) => Value::Str(Arc::from(s.to_str()?)),
            Err(_) => return Ok(Err(mismatch(obj, ty))),
        },
        TypeInfo::Boolean => match obj.downcast::<PyBool>() {
            Ok(b) => Value::Bool(b.is_true()),
            Err(_) => return Ok(Err(mismatch(obj, ty))),
        },
        TypeInfo::Row { fields, .. } => {
            let Some((items, kind)) = sequence_items(obj)? else {
                return Ok(Err(mismatch(obj, ty)));
            };
            match convert_fields(obj, &items, fields, ty)? {
                Ok(values) => Value::Row(Box::new(Row {
                    kind,
                    fields: values,
                })),
                Err(e) => return Ok(Err(e)),
            }
        }
        TypeInfo::Tuple { fields } => {
            // The common case: a plain tuple, read in place.
            if let Ok(t) = obj.downcast_exact::<PyTuple>() {
                if t.len() == fields.len() {
                    let mut values = Vec::with_capacity(fields.len());
                    for (item, field_ty) in t.iter_borrowed().zip(fields) {
                        match from_py(&item, field_ty)? {
                            Ok(v) => values.push(v),
                            Err(e) => return Ok(Err(e)),
                        }
                    }
                    return Ok(Ok(Value::Tuple(values)));
                }
            }
            let Some((items, _)) = sequence_items(obj)? else {
                return Ok(Err(mismatch(obj, ty)));
            };
            match convert_fields(obj, &items, fields, ty)? {
                Ok(values) => Value::Tuple(values),
                Err(e) => return Ok(Err(e)),
            }
        }
        TypeInfo::List { element }
        | TypeInfo::BasicArray { element }
        | TypeInfo::PrimitiveArray { element }
        | TypeInfo::ObjectArray { element } => {
            if !(obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>()) {
                return Ok(Err(mismatch(obj, ty)));
            }
            let mut values = Vec::new();
            for item in obj.try_iter()? {
                match from_py(&item?, element)? {
                    Ok(v) => values.push(v),
                    Err(e) => return Ok(Err(e)),
                }
            }
            Value::List(values)
        }
        TypeInfo::Map { key, value } => {
            let Ok(dict) = obj.downcast::<PyDict>() else {
                return Ok(Err(mismatch(obj, ty)));
            };
            let mut entries = Vec::with_capacity(dict.len());
            for (k, v) in dict.iter() {
                let k = match from_py(&k, key)? {
                    Ok(k) => k,
                    Err(e) => return Ok(Err(e)),
                };
                let v = match from_py(&v, value)? {
                    Ok(v) => v,
                    Err(e) => return Ok(Err(e)),
                };
                entries.push((k, v));
            }
            // The map passes through a Java HashMap in PyFlink: its iteration order is Java's.
            Value::Map(crate::java::hash_map_order(entries))
        }
        TypeInfo::SqlTimestamp => {
            if !obj.is_instance(harness(py)?.datetime.bind(py))? {
                return Ok(Err(mismatch(obj, ty)));
            }
            Value::Timestamp(days_of(obj)? * 86_400_000 + millis_of_day(obj)?)
        }
        TypeInfo::SqlDate => {
            if !obj.is_instance(harness(py)?.date.bind(py))? {
                return Ok(Err(mismatch(obj, ty)));
            }
            Value::Date(days_of(obj)?)
        }
        TypeInfo::SqlTime => {
            if !obj.is_instance(harness(py)?.time.bind(py))? {
                return Ok(Err(mismatch(obj, ty)));
            }
            Value::Time(millis_of_day(obj)?)
        }
        TypeInfo::BigDec => {
            if !obj.is_instance(harness(py)?.decimal.bind(py))? && !obj.is_instance_of::<PyInt>() {
                return Ok(Err(mismatch(obj, ty)));
            }
            Value::Decimal(Arc::from(obj.str()?.to_str()?))
        }
        TypeInfo::Instant => {
            if !obj.is_instance(harness(py)?.instant.bind(py))? {
                return Ok(Err(mismatch(obj, ty)));
            }
            Value::Instant(obj.getattr("seconds")?.extract()?, obj.getattr("nanos")?.extract()?)
        }    };
    Ok(Ok(value))
}

/// The fields of a row or tuple, each converted to its declared type; the arity must match.
fn convert_fields(
    obj: &Bound<'_, PyAny>,
    items: &[Bound<'_, PyAny>],
    fields: &[TypeInfo],
    ty: &TypeInfo,
) -> PyResult<Result<Vec<Value>, ConvertError>> {
    if items.len() != fields.len() {
        return Ok(Err(ConvertError(format!(
            "expected {} fields ({ty}), got {} values: {}",
            fields.len(),
            items.len(),
            obj.repr()?
        ))));
    }
    let mut values = Vec::with_capacity(items.len());
    for (item, field_ty) in items.iter().zip(fields) {
        match from_py(item, field_ty)? {
            Ok(v) => values.push(v),
            Err(e) => return Ok(Err(e)),
        }
    }
    Ok(Ok(values))
}

/// The items of a Row, tuple or list, with the row kind (INSERT for plain sequences).
fn sequence_items<'py>(
    obj: &Bound<'py, PyAny>,
) -> PyResult<Option<(Vec<Bound<'py, PyAny>>, RowKind)>> {
    let py = obj.py();
    // Plain tuples first: `isinstance` against the Python-level Row class costs far more.
    if let Ok(t) = obj.downcast_exact::<PyTuple>() {
        return Ok(Some((t.iter().collect(), RowKind::Insert)));
    }
    if obj.is_instance(harness(py)?.row_type.bind(py))? {
        let values = obj.getattr(intern!(py, "_values"))?;
        let kind: u8 = obj
            .getattr(intern!(py, "_row_kind"))?
            .getattr(intern!(py, "value"))?
            .extract()?;
        let items = values.try_iter()?.collect::<PyResult<Vec<_>>>()?;
        return Ok(Some((items, RowKind::from_index(kind).unwrap_or_default())));
    }
    if let Ok(t) = obj.downcast::<PyTuple>() {
        return Ok(Some((t.iter().collect(), RowKind::Insert)));
    }
    if let Ok(l) = obj.downcast::<PyList>() {
        return Ok(Some((l.iter().collect(), RowKind::Insert)));
    }
    Ok(None)
}

/// Converts a key selector's result: typed by `key_type` when given, else inferred from the object
/// (ints, floats, strings, bools, bytes, None, tuples and Rows of those). Keys must be hashable values.
pub fn key_from_py(
    obj: &Bound<'_, PyAny>,
    key_type: Option<&TypeInfo>,
) -> PyResult<Result<Value, ConvertError>> {
    if let Some(ty) = key_type {
        return from_py(obj, ty);
    }
    infer(obj)
}

fn infer(obj: &Bound<'_, PyAny>) -> PyResult<Result<Value, ConvertError>> {
    if obj.is_none() {
        return Ok(Ok(Value::Null));
    }
    if let Ok(b) = obj.downcast::<PyBool>() {
        return Ok(Ok(Value::Bool(b.is_true())));
    }
    if obj.is_instance_of::<PyInt>() {
        return Ok(match obj.extract::<i64>() {
            Ok(i) => Ok(Value::Int(i)),
            Err(_) => Err(ConvertError(format!(
                "key {} does not fit in a LONG",
                obj.repr()?
            ))),
        });
    }
    if let Ok(f) = obj.downcast::<PyFloat>() {
        return Ok(Ok(Value::Float(f.value())));
    }
    if let Ok(s) = obj.downcast::<PyString>() {
        return Ok(Ok(Value::Str(Arc::from(s.to_str()?))));
    }
    if let Ok(b) = obj.downcast::<PyBytes>() {
        return Ok(Ok(Value::Bytes(Arc::from(b.as_bytes()))));
    }
    let is_row = obj.is_instance(harness(obj.py())?.row_type.bind(obj.py()))?;
    if is_row || obj.is_instance_of::<PyTuple>() {
        let Some((items, kind)) = sequence_items(obj)? else {
            return Err(PyTypeError::new_err(
                "unreachable: tuple or Row without items",
            ));
        };
        let mut values = Vec::with_capacity(items.len());
        for item in &items {
            match infer(item)? {
                Ok(v) => values.push(v),
                Err(e) => return Ok(Err(e)),
            }
        }
        return Ok(Ok(if is_row {
            Value::Row(Box::new(Row {
                kind,
                fields: values,
            }))
        } else {
            Value::Tuple(values)
        }));
    }
    let type_name = obj.get_type().name()?.to_string();
    Ok(Err(ConvertError(format!(
        "a key must be an int, float, str, bool, bytes, None, or a tuple/Row of those; got {type_name}"
    ))))
}
