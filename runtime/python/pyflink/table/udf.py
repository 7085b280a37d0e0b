"""Python scalar and aggregate functions: `@udf(...)` / `udaf(...)` wrappers, ScalarFunction and
AggregateFunction subclasses.

The wrapper keeps the function and its declared types; the compiler types calls from them and the
runtime calls the function once per row, in batches (one GIL acquisition per batch). With
`func_type="pandas"` (vectorized functions) the runtime calls a scalar function once per batch of rows
with one `pandas.Series` per argument, and an aggregate function once per window or over-window frame
(`runtime/python/_sluice/pandas_bridge.py`); nothing here imports pandas.
"""
import functools

from pyflink.table.types import DataType
from _sluice import sites
from _sluice.errors import JobDefinitionError, Unsupported


class UserDefinedFunction(object):
    def open(self, function_context):
        pass

    def close(self):
        pass

    def is_deterministic(self):
        return True


class ScalarFunction(UserDefinedFunction):
    def eval(self, *args):
        raise NotImplementedError


class UserDefinedScalarFunctionWrapper(object):
    """What `udf(...)` returns: callable like the function, registrable in a TableEnvironment."""

    def __init__(self, func, input_types, result_type, name=None, deterministic=True, func_type="general"):
        if result_type is None:
            raise JobDefinitionError("udf() needs result_type", sites.user_site(3))
        if isinstance(input_types, DataType):
            input_types = [input_types]
        for t in list(input_types or []) + [result_type]:
            if not isinstance(t, DataType):
                raise JobDefinitionError(f"udf() types must be DataTypes, got {type(t).__name__}",
                                         sites.user_site(3))
        self._func = func
        self._input_types = list(input_types) if input_types is not None else None
        self._result_type = result_type
        self._name = name or getattr(func, "__name__", type(func).__name__)
        self._deterministic = deterministic
        self._func_type = func_type
        functools.update_wrapper(self, func if not isinstance(func, ScalarFunction) else func.eval)

    def __call__(self, *args):
        from pyflink.table.expressions import Expression, _call
        if any(isinstance(a, Expression) for a in args):
            return _call(self, args)
        return self._callable()(*args)

    def _callable(self):
        """The Python callable the runtime invokes per row."""
        return self._func.eval if isinstance(self._func, ScalarFunction) else self._func

    def _describe(self):
        from _sluice.graph import udf_descriptor
        func = self._func
        desc = udf_descriptor(func, "eval" if isinstance(func, ScalarFunction) else None)
        out = {"name": self._name,
               "input_types": None if self._input_types is None else [t.sql() for t in self._input_types],
               "result_type": self._result_type.sql(), "udf": desc}
        if self._func_type == "pandas":
            out["func_type"] = "pandas"
        return out

    def alias(self, *names):
        return self


def udf(f=None, input_types=None, result_type=None, deterministic=None, name=None, func_type="general",
        udf_type=None):
    # `udf_type` is the name PyFlink 1.x used for `func_type`.
    func_type = udf_type if udf_type is not None else (func_type or "general")
    if func_type not in ("general", "pandas"):
        # PyFlink raises TypeError("Unsupported func_type: ...") for any other value.
        raise JobDefinitionError(f"udf() func_type must be 'general' or 'pandas', got {func_type!r}",
                                 sites.user_site(2))

    def wrap(func):
        return UserDefinedScalarFunctionWrapper(func, input_types, result_type, name,
                                                deterministic if deterministic is not None else True, func_type)
    if f is None:
        return wrap
    return wrap(f)


class TableFunction(UserDefinedFunction):
    def eval(self, *args):
        raise NotImplementedError


class UserDefinedTableFunctionWrapper(object):
    """What `udtf(...)` returns: called on expressions, it is the argument of join_lateral()."""

    def __init__(self, func, input_types, result_types, name, site):
        if result_types is None:
            raise JobDefinitionError("udtf() needs result_types", site)
        if isinstance(result_types, DataType):
            result_types = [result_types]
        if isinstance(input_types, DataType):
            input_types = [input_types]
        for t in list(input_types or []) + list(result_types):
            if not isinstance(t, DataType):
                raise JobDefinitionError(f"udtf() types must be DataTypes, got {type(t).__name__}", site)
        self._func = func
        self._input_types = list(input_types) if input_types is not None else None
        self._result_types = list(result_types)
        self._name = name or getattr(func, "__name__", type(func).__name__)

    def __call__(self, *args):
        from pyflink.table.expressions import _call
        return _call(self, args)

    def _callable(self):
        return self._func.eval if isinstance(self._func, TableFunction) else self._func

    def _describe(self):
        from _sluice.graph import udf_descriptor
        func = self._func
        return {"name": self._name, "kind": "table",
                "input_types": None if self._input_types is None else [t.sql() for t in self._input_types],
                "result_type": self._result_types[0].sql(),
                "result_types": [t.sql() for t in self._result_types],
                "udf": udf_descriptor(func, "eval" if isinstance(func, TableFunction) else None)}

    def alias(self, *names):
        return self


def udtf(f=None, input_types=None, result_types=None, deterministic=None, name=None):
    site = sites.user_site(2)

    def wrap(func):
        return UserDefinedTableFunctionWrapper(func, input_types, result_types, name, site)
    if f is None:
        return wrap
    return wrap(f)


class ImperativeAggregateFunction(UserDefinedFunction):
    def create_accumulator(self):
        raise NotImplementedError

    def get_value(self, accumulator):
        raise NotImplementedError

    def accumulate(self, accumulator, *args):
        raise NotImplementedError

    # As PyFlink's: a job whose aggregate needs them without defining them fails when they are called
    # (retract on an updating input, merge in sliding and session group windows).
    def retract(self, accumulator, *args):
        raise RuntimeError("Method retract is not implemented")

    def merge(self, accumulator, accumulators):
        raise RuntimeError("Method merge is not implemented")

    def get_result_type(self):
        raise NotImplementedError

    def get_accumulator_type(self):
        raise NotImplementedError


class AggregateFunction(ImperativeAggregateFunction):
    pass


class UserDefinedAggregateFunctionWrapper(object):
    """What `udaf(...)` returns: callable on expressions in a grouped select, registrable by name."""

    def __init__(self, func, input_types, result_type, accumulator_type, name, site, func_type="general"):
        pandas = func_type == "pandas"
        if not isinstance(func, AggregateFunction) and not (pandas and callable(func)):
            raise Unsupported(f"udaf() of a {type(func).__name__} is not supported by sluice yet (pass an "
                              "AggregateFunction instance, or a function with func_type=\"pandas\")", site)
        if accumulator_type is None and not pandas:
            accumulator_type = func.get_accumulator_type()
        if result_type is None:
            result_type = func.get_result_type()
        if pandas:
            # PyFlink's pandas UDAFs accumulate ARRAY<result_type>; the accumulator is never visible.
            from pyflink.table.types import DataTypes
            accumulator_type = DataTypes.ARRAY(result_type) if isinstance(result_type, DataType) else None
        if isinstance(input_types, DataType):
            input_types = [input_types]
        for t in list(input_types or []) + [result_type, accumulator_type]:
            if not isinstance(t, DataType):
                raise JobDefinitionError(f"udaf() types must be DataTypes, got {type(t).__name__}", site)
        self._func = func
        self._input_types = list(input_types) if input_types is not None else None
        self._result_type = result_type
        self._accumulator_type = accumulator_type
        self._func_type = func_type
        self._name = name or getattr(func, "__name__", type(func).__name__)
        if isinstance(func, AggregateFunction):
            self._name = name or type(func).__name__

    def __call__(self, *args):
        from pyflink.table.expressions import _call
        return _call(self, args)

    def _callable(self):
        """The AggregateFunction object the runtime calls create_accumulator/accumulate/... on; for a
        pandas UDAF, the callable taking one Series per argument and returning the aggregate."""
        if self._func_type == "pandas":
            if isinstance(self._func, AggregateFunction):
                return PandasAggregateFunctionWrapper(self._func).eval
            return self._func
        return self._func

    def _describe(self):
        from _sluice.graph import udf_descriptor
        func = self._func
        method = "accumulate" if isinstance(func, AggregateFunction) else None
        out = {"name": self._name, "kind": "aggregate",
               "input_types": None if self._input_types is None else [t.sql() for t in self._input_types],
               "result_type": self._result_type.sql(), "accumulator_type": self._accumulator_type.sql(),
               "udf": udf_descriptor(func, method)}
        if self._func_type == "pandas":
            out["func_type"] = "pandas"
        return out

    def alias(self, *names):
        return self


class PandasAggregateFunctionWrapper(UserDefinedFunction):
    """An AggregateFunction used as a pandas UDAF, as PyFlink runs one: a fresh accumulator per call,
    `accumulate(acc, *series)`, then `get_value(acc)`."""

    def __init__(self, func):
        self.func = func

    def open(self, function_context):
        self.func.open(function_context)

    def eval(self, *args):
        accumulator = self.func.create_accumulator()
        self.func.accumulate(accumulator, *args)
        return self.func.get_value(accumulator)

    def close(self):
        self.func.close()


def udaf(f=None, input_types=None, result_type=None, accumulator_type=None, deterministic=None, name=None,
         func_type="general"):
    site = sites.user_site(2)
    if func_type not in ("general", "pandas"):
        raise JobDefinitionError(f"udaf() func_type must be 'general' or 'pandas', got {func_type!r}", site)
    if func_type == "pandas" and result_type is None and not isinstance(f, AggregateFunction):
        raise JobDefinitionError("udaf() with func_type=\"pandas\" needs result_type", site)

    def wrap(func):
        return UserDefinedAggregateFunctionWrapper(func, input_types, result_type, accumulator_type, name, site,
                                                   func_type)
    if f is None:
        return wrap
    return wrap(f)


class TableAggregateFunction(ImperativeAggregateFunction):
    """A table aggregate function: `emit_value(acc)` yields the group's rows."""

    def emit_value(self, accumulator):
        raise NotImplementedError


class UserDefinedTableAggregateFunctionWrapper(object):
    """What `udtaf(...)` returns: the argument of flat_aggregate(), alone (called with the whole
    row as one Row) or called on expressions."""

    def __init__(self, func, input_types, result_type, accumulator_type, name, site):
        if not isinstance(func, TableAggregateFunction):
            raise Unsupported(f"udtaf() of a {type(func).__name__} is not supported by sluice yet (pass a "
                              "TableAggregateFunction instance)", site)
        if accumulator_type is None:
            accumulator_type = func.get_accumulator_type()
        if result_type is None:
            result_type = func.get_result_type()
        if isinstance(input_types, DataType):
            input_types = [input_types]
        for t in list(input_types or []) + [result_type, accumulator_type]:
            if not isinstance(t, DataType):
                raise JobDefinitionError(f"udtaf() types must be DataTypes, got {type(t).__name__}", site)
        self._func = func
        self._input_types = list(input_types) if input_types is not None else None
        self._result_type = result_type
        self._accumulator_type = accumulator_type
        self._name = name or type(func).__name__

    def __call__(self, *args):
        from pyflink.table.expressions import _call
        return _call(self, args)

    def _callable(self):
        return self._func

    def _describe(self):
        from _sluice.graph import udf_descriptor
        return {"name": self._name, "kind": "table_aggregate",
                "input_types": None if self._input_types is None else [t.sql() for t in self._input_types],
                "result_type": self._result_type.sql(), "accumulator_type": self._accumulator_type.sql(),
                "udf": udf_descriptor(self._func, "accumulate")}

    def alias(self, *names):
        return self


def udtaf(f=None, input_types=None, result_type=None, accumulator_type=None, deterministic=None, name=None,
          func_type="general"):
    site = sites.user_site(2)
    if func_type != "general":
        raise Unsupported(f"udtaf() with func_type={func_type!r} is not supported by sluice yet", site)

    def wrap(func):
        return UserDefinedTableAggregateFunctionWrapper(func, input_types, result_type, accumulator_type, name,
                                                        site)
    if f is None:
        return wrap
    return wrap(f)
