"""The Python half of pandas (vectorized) UDFs and UDAFs: columns to `pandas.Series` and back.

Imported only by the operators of a job that has a function declared with `func_type="pandas"`, so a
job without one never imports pandas or pyarrow. Columns cross as Arrow arrays, as in PyFlink: the
Rust side (`runtime/src/table/pandas.rs`) fills the Arrow buffers (validity bitmap, offsets, values)
and this module wraps them with `pa.Array.from_buffers`, then converts exactly as PyFlink's
`arrow_to_pandas` does (`to_pandas(date_as_object=True)`), so dtypes match PyFlink's: BIGINT is int64,
INT int32, a nullable integer column with a NULL in the batch float64 with NaN, BOOLEAN with a NULL
object, STRING object, DATE and TIME `datetime` objects, TIMESTAMP(p) datetime64, DECIMAL object of
`decimal.Decimal`, BYTES object of `bytes`. Results go back
through PyFlink's `pa.Array.from_pandas(s, mask=s.isnull(), type=t)` (NaN and None are NULL; a float
that is not integral does not fit an integer type), and their buffers are returned to Rust.
"""
import numpy as np
import pandas as pd
import pyarrow as pa

_TYPES = {
    "int8": pa.int8(), "int16": pa.int16(), "int32": pa.int32(), "int64": pa.int64(),
    "float32": pa.float32(), "float64": pa.float64(), "bool": pa.bool_(), "string": pa.string(),
    "date32": pa.date32(), "time32[s]": pa.time32("s"),
    "timestamp[s]": pa.timestamp("s"), "timestamp[ms]": pa.timestamp("ms"),
    "timestamp[us]": pa.timestamp("us"), "timestamp[ns]": pa.timestamp("ns"), "binary": pa.binary(),
}


def _type(type_name):
    """The Arrow type named by Rust's `ColumnType::arrow` (`decimal128(p,s)` carries its precision, a
    ROW is its list of `(name, type)` fields)."""
    if isinstance(type_name, list):
        return pa.struct([pa.field(name, _type(t)) for name, t in type_name])
    if isinstance(type_name, tuple) and type_name[0] == "map":
        return pa.map_(_type(type_name[1]), _type(type_name[2]))
    if isinstance(type_name, tuple):
        return pa.list_(_type(type_name[1]))
    if type_name.startswith("decimal128("):
        precision, scale = type_name[len("decimal128("):-1].split(",")
        return pa.decimal128(int(precision), int(scale))
    return _TYPES[type_name]


class ResultError(Exception):
    """A function's result that is not what its declaration promises (not a bug in the function's code,
    so it is reported without a traceback)."""


def array(type_name, length, null_count, validity, offsets, data):
    """An Arrow array over buffers filled by Rust."""
    buffers = [None if validity is None else pa.py_buffer(validity)]
    if offsets is not None:
        buffers.append(pa.py_buffer(offsets))
    buffers.append(pa.py_buffer(data))
    return pa.Array.from_buffers(_type(type_name), length, buffers, null_count)


def nested_array(type_name, length, null_count, validity, offsets, children):
    """An Arrow struct (fields) or list (offsets, elements) array over child arrays built by Rust."""
    buffers = [None if validity is None else pa.py_buffer(validity)]
    if offsets is not None:
        buffers.append(pa.py_buffer(offsets))
    return pa.Array.from_buffers(_type(type_name), length, buffers, null_count, children=children)


def series(arr, name):
    """A column as the function sees it: named after the input column, as PyFlink's Arrow schema does;
    a ROW column is a pandas.DataFrame of its fields, built as PyFlink's `arrow_to_pandas` does."""
    if pa.types.is_struct(arr.type):
        return pd.concat([column.to_pandas(date_as_object=True).rename(field.name)
                          for column, field in zip(arr.flatten(), arr.type)], axis=1)
    s = arr.to_pandas(date_as_object=True)
    s.name = name
    return s


def frame(series):
    """The whole input row of `map(f)` as one DataFrame, as PyFlink's `wrap_input_series_as_dataframe`."""
    return pd.concat(series, axis=1)


def frames(arr, bounds, name):
    """One fresh Series (index from 0) per `(start, length)` slice: a window's or over-window frame's rows."""
    return [series(arr.slice(start, length), name) for start, length in bounds]


def _buffers(arr):
    """(null_count, validity, offsets, data) of an Arrow array, as bytes for Rust to decode."""
    if arr.offset != 0:
        # Rust reads buffers from their start: give the values their own buffers.
        arr = pa.concat_arrays([arr, pa.array([], type=arr.type)])
    nested = pa.types.is_struct(arr.type) or pa.types.is_list(arr.type) or pa.types.is_map(arr.type)
    validity = None
    if nested and arr.null_count:
        validity = pa.array(arr.is_valid()).buffers()[1].to_pybytes()
    if pa.types.is_struct(arr.type):
        # A ROW: its own validity, and each field's buffers in place of offsets.
        return arr.null_count, validity, [_buffers(arr.field(i)) for i in range(arr.type.num_fields)], b""
    if pa.types.is_map(arr.type):
        # A MAP: its own validity, and (offsets from 0, the keys' buffers, the values' buffers).
        # Through Python objects: pyarrow 16 has no `flatten` for maps, and `keys` / `items` ignore
        # slicing (MAP results are rare enough for the cost).
        maps = arr.to_pylist()
        lengths = np.array([0 if m is None else len(m) for m in maps], dtype="int32")
        offsets = np.concatenate([np.zeros(1, dtype="int32"), np.cumsum(lengths, dtype="int32")])
        keys = pa.array([k for m in maps if m for k, _ in m], type=arr.type.key_type)
        items = pa.array([v for m in maps if m for _, v in m], type=arr.type.item_type)
        return arr.null_count, validity, (offsets.astype("<i4").tobytes(), _buffers(keys), _buffers(items)), b""
    if pa.types.is_list(arr.type):
        # An ARRAY: its own validity, and (offsets from 0, the elements' buffers) in place of offsets;
        # `flatten` leaves out the elements behind NULL lists, so offsets count the lengths.
        lengths = arr.value_lengths().fill_null(0).to_numpy(zero_copy_only=False).astype("int32")
        offsets = np.concatenate([np.zeros(1, dtype="int32"), np.cumsum(lengths, dtype="int32")])
        return arr.null_count, validity, (offsets.astype("<i4").tobytes(), _buffers(arr.flatten())), b""
    buffers = arr.buffers()
    validity = None if arr.null_count == 0 or buffers[0] is None else buffers[0].to_pybytes()
    if len(buffers) == 3:
        offsets = buffers[1].to_pybytes()
        data = buffers[2].to_pybytes() if buffers[2] is not None else b""
    else:
        offsets = None
        data = buffers[1].to_pybytes() if buffers[1] is not None else b""
    return arr.null_count, validity, offsets, data


def _to_arrow(s, type_name, sql_type, what=None):
    if isinstance(s, pd.DataFrame):
        # A ROW result, converted as PyFlink's `pandas_to_arrow` does: the frame's columns in order, one
        # per field.
        t = _type(type_name)
        if len(s.columns) < t.num_fields:
            raise ResultError(f"returned a pandas.DataFrame of {len(s.columns)} columns, but its result_type "
                              f"{sql_type} has {t.num_fields} fields")
        fields = [_to_arrow(s[s.columns[j]], type_name[j][1], sql_type,
                            f"a pandas.DataFrame column {s.columns[j]!r} of {s[s.columns[j]].dtype} (field "
                            f"{type_name[j][0]})")
                  for j in range(t.num_fields)]
        return pa.StructArray.from_arrays(fields, [f.name for f in t])
    try:
        return pa.Array.from_pandas(s, mask=s.isnull(), type=_type(type_name))
    except (pa.ArrowException, TypeError, ValueError) as e:
        what = what or f"a pandas.Series of {s.dtype}"
        raise ResultError(f"returned {what} that does not convert to its result_type {sql_type}: {e}") from None


def scalar_result(result, length, type_name, sql_type):
    """A pandas UDF's result for `length` input rows, checked as PyFlink checks it."""
    row = isinstance(type_name, list)
    if type(result) is not pd.Series and not (row and type(result) is pd.DataFrame):
        kind = "a pandas.DataFrame" if isinstance(result, pd.DataFrame) else repr(type(result))
        wanted = "pandas.DataFrame (or Series)" if row else "pandas.Series"
        raise ResultError(f"returned {kind}, but a pandas UDF of result_type {sql_type} must return a {wanted}")
    if len(result) != length:
        raise ResultError(f"returned a pandas.{type(result).__name__} of length {len(result)} for {length} input rows "
                          "(a pandas UDF returns one value per input row)")
    return _buffers(_to_arrow(result, type_name, sql_type))


def _one_row(result):
    """A UDAF result as PyFlink's `normalize_pandas_result` makes it: a Row or tuple a one-row DataFrame
    (for a ROW result type), anything else a one-value Series."""
    from pyflink.common import Row
    if isinstance(result, (Row, tuple)):
        return pd.concat([pd.Series([item]) for item in result], axis=1)
    return pd.Series([result])


def aggregate_results(results, type_name, sql_type):
    """Pandas UDAF results (one per window or frame), each converted as PyFlink converts one:
    `pd.Series([result])` to the result type."""
    arrays = [_to_arrow(_one_row(r), type_name, sql_type, f"{r!r} ({type(r).__name__})") for r in results]
    if not arrays:
        return 0, None, None, b""
    return _buffers(pa.concat_arrays(arrays) if len(arrays) > 1 else arrays[0])
