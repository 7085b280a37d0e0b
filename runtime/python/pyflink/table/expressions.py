"""The Table API's expression DSL (`col`, `lit`, `call`, operators, `.sum`, `.alias`).

Expressions render themselves as Flink SQL expression text; the compiler parses and types that text
exactly as it does string expressions, so both styles lower to the same typed plan.
"""
from _sluice import sites
from _sluice.errors import JobDefinitionError


def _quote(name):
    return "`" + name.replace("`", "``") + "`"


class Expression(object):
    def __init__(self, sql, functions=None):
        self._sql = sql
        self._functions = dict(functions or {})

    def _derive(self, sql, *others):
        functions = dict(self._functions)
        for o in others:
            if isinstance(o, Expression):
                functions.update(o._functions)
        return Expression(sql, functions)

    def _binary(self, op, other, reverse=False):
        other = _expr(other)
        left, right = (other, self) if reverse else (self, other)
        return self._derive(f"({left._sql} {op} {right._sql})", other)

    def __add__(self, o): return self._binary("+", o)
    def __radd__(self, o): return self._binary("+", o, True)
    def __sub__(self, o): return self._binary("-", o)
    def __rsub__(self, o): return self._binary("-", o, True)
    def __mul__(self, o): return self._binary("*", o)
    def __rmul__(self, o): return self._binary("*", o, True)
    def __truediv__(self, o): return self._binary("/", o)
    def __rtruediv__(self, o): return self._binary("/", o, True)
    def __mod__(self, o): return self._binary("%", o)
    def __eq__(self, o): return self._binary("=", o)
    def __ne__(self, o): return self._binary("<>", o)
    def __lt__(self, o): return self._binary("<", o)
    def __le__(self, o): return self._binary("<=", o)
    def __gt__(self, o): return self._binary(">", o)
    def __ge__(self, o): return self._binary(">=", o)
    def __and__(self, o): return self._binary("AND", o)
    def __or__(self, o): return self._binary("OR", o)
    def __invert__(self): return self._derive(f"(NOT {self._sql})")
    def __neg__(self): return self._derive(f"(- {self._sql})")
    __hash__ = object.__hash__

    def alias(self, name, *extra_names):
        if extra_names:
            # A table function call's column names (join_lateral reads them).
            derived = self._derive(self._sql)
            derived._names = [name, *extra_names]
            derived._call_sql = self._sql
            return derived
        derived = self._derive(f"{self._sql} AS {_quote(name)}")
        derived._names = [name]
        derived._call_sql = self._sql
        return derived

    def over(self, alias):
        """An aggregate over the over window named `alias` (`col("a").sum.over(col("w"))`)."""
        return self._derive(f"{self._sql} OVER {_expr(alias)._sql}")

    @property
    def asc(self):
        return self._derive(f"{self._sql} ASC")

    @property
    def desc(self):
        return self._derive(f"{self._sql} DESC")

    def _agg(self, name):
        return self._derive(f"{name}({self._sql})")

    count = property(lambda self: self._agg("COUNT"))
    sum = property(lambda self: self._agg("SUM"))
    avg = property(lambda self: self._agg("AVG"))
    min = property(lambda self: self._agg("MIN"))
    max = property(lambda self: self._agg("MAX"))
    first_value = property(lambda self: self._agg("FIRST_VALUE"))
    last_value = property(lambda self: self._agg("LAST_VALUE"))
    stddev_pop = property(lambda self: self._agg("STDDEV_POP"))
    stddev_samp = property(lambda self: self._agg("STDDEV_SAMP"))
    var_pop = property(lambda self: self._agg("VAR_POP"))
    var_samp = property(lambda self: self._agg("VAR_SAMP"))

    def list_agg(self, separator=None):
        if separator is None:
            return self._agg("LISTAGG")
        return self._derive(f"LISTAGG({self._sql}, {_expr(separator)._sql})")

    def cast(self, data_type):
        return self._derive(f"CAST({self._sql} AS {data_type.sql()})")

    def extract(self, time_interval_unit):
        return self._derive(f"EXTRACT({time_interval_unit.name} FROM {self._sql})")

    to_date = property(lambda self: self._derive(f"CAST({self._sql} AS DATE)"))
    to_time = property(lambda self: self._derive(f"CAST({self._sql} AS TIME)"))
    to_timestamp = property(lambda self: self._derive(f"CAST({self._sql} AS TIMESTAMP(3))"))

    def _interval(self, unit):
        return self._derive(f"INTERVAL '{self._sql}' {unit}")

    millis = milli = property(lambda self: self._interval("MILLISECOND"))
    seconds = second = property(lambda self: self._interval("SECOND"))
    minutes = minute = property(lambda self: self._interval("MINUTE"))
    hours = hour = property(lambda self: self._interval("HOUR"))
    days = day = property(lambda self: self._interval("DAY"))

    # A group window's columns (`col("w").start`): the window's start, end and rowtime.
    start = property(lambda self: self._derive("window_start"))
    end = property(lambda self: self._derive("window_end"))
    # The window's rowtime (its end minus 1 ms) stays a rowtime attribute: a window over it cascades.
    rowtime = property(lambda self: self._derive("__sluice_window_rowtime(window_end)"))

    # String, math and conditional methods of PyFlink's Expression, as the SQL they stand for.
    upper_case = property(lambda self: self._derive(f"UPPER({self._sql})"))
    lower_case = property(lambda self: self._derive(f"LOWER({self._sql})"))
    char_length = property(lambda self: self._derive(f"CHAR_LENGTH({self._sql})"))
    abs = property(lambda self: self._derive(f"ABS({self._sql})"))

    def floor(self, time_interval_unit=None):
        if time_interval_unit is None:
            return self._derive(f"FLOOR({self._sql})")
        return self._derive(f"FLOOR({self._sql} TO {time_interval_unit.name})")

    def ceil(self, time_interval_unit=None):
        if time_interval_unit is None:
            return self._derive(f"CEIL({self._sql})")
        return self._derive(f"CEIL({self._sql} TO {time_interval_unit.name})")

    def replace(self, search=None, replacement=None):
        return _call("REPLACE", [self, search, replacement])

    # Math (DOUBLE results) and string functions of PyFlink's Expression: properties where PyFlink
    # has properties, methods where it has methods.
    exp = property(lambda self: self._derive(f"EXP({self._sql})"))
    log10 = property(lambda self: self._derive(f"LOG10({self._sql})"))
    log2 = property(lambda self: self._derive(f"LOG2({self._sql})"))
    ln = property(lambda self: self._derive(f"LN({self._sql})"))
    sqrt = property(lambda self: self._derive(f"SQRT({self._sql})"))
    sin = property(lambda self: self._derive(f"SIN({self._sql})"))
    cos = property(lambda self: self._derive(f"COS({self._sql})"))
    tan = property(lambda self: self._derive(f"TAN({self._sql})"))
    cot = property(lambda self: self._derive(f"COT({self._sql})"))
    asin = property(lambda self: self._derive(f"ASIN({self._sql})"))
    acos = property(lambda self: self._derive(f"ACOS({self._sql})"))
    atan = property(lambda self: self._derive(f"ATAN({self._sql})"))
    sinh = property(lambda self: self._derive(f"SINH({self._sql})"))
    cosh = property(lambda self: self._derive(f"COSH({self._sql})"))
    tanh = property(lambda self: self._derive(f"TANH({self._sql})"))
    degrees = property(lambda self: self._derive(f"DEGREES({self._sql})"))
    radians = property(lambda self: self._derive(f"RADIANS({self._sql})"))
    sign = property(lambda self: self._derive(f"SIGN({self._sql})"))
    init_cap = property(lambda self: self._derive(f"INITCAP({self._sql})"))
    reverse = property(lambda self: self._derive(f"REVERSE({self._sql})"))
    to_base64 = property(lambda self: self._derive(f"TO_BASE64({self._sql})"))
    from_base64 = property(lambda self: self._derive(f"FROM_BASE64({self._sql})"))
    ascii = property(lambda self: self._derive(f"ASCII({self._sql})"))
    chr = property(lambda self: self._derive(f"CHR({self._sql})"))

    md5 = property(lambda self: self._derive(f"MD5({self._sql})"))
    sha1 = property(lambda self: self._derive(f"SHA1({self._sql})"))
    sha224 = property(lambda self: self._derive(f"SHA224({self._sql})"))
    sha256 = property(lambda self: self._derive(f"SHA256({self._sql})"))
    sha384 = property(lambda self: self._derive(f"SHA384({self._sql})"))
    sha512 = property(lambda self: self._derive(f"SHA512({self._sql})"))

    def sha2(self, hash_length):
        return _call("SHA2", [self, hash_length])

    def json_value(self, path, *options, **kw_options):
        if options or kw_options:
            raise JobDefinitionError("json_value() with a returning type or ON EMPTY / ON ERROR behaviour is not "
                                     "supported by sluice yet", sites.user_site(2))
        return _call("JSON_VALUE", [self, path])

    def json_exists(self, path, on_error=None):
        if on_error is not None:
            raise JobDefinitionError("json_exists() with ON ERROR behaviour is not supported by sluice yet",
                                     sites.user_site(2))
        return _call("JSON_EXISTS", [self, path])

    def instr(self, s):
        return _call("INSTR", [self, s])

    def overlay(self, new_string, starting, length=None):
        return _call("OVERLAY", [self, new_string, starting] + ([] if length is None else [length]))

    def url_encode(self):
        return _call("URL_ENCODE", [self])

    def url_decode(self):
        return _call("URL_DECODE", [self])

    def translate(self, from_str, to_str):
        return _call("TRANSLATE", [self, from_str, to_str])

    def parse_url(self, part_to_extract, key=None):
        return _call("PARSE_URL", [self, part_to_extract] + ([] if key is None else [key]))

    def elt(self, expr, *exprs):
        return _call("ELT", [self, expr, *exprs])

    def __pow__(self, o): return _call("POWER", [self, o])
    def __rpow__(self, o): return _call("POWER", [o, self])

    def log(self, base=None):
        return self._derive(f"LOG({self._sql})") if base is None else _call("LOG", [base, self])

    def truncate(self, n=0):
        return _call("TRUNCATE", [self, n])

    def if_null(self, null_replacement):
        return _call("IFNULL", [self, null_replacement])

    def lpad(self, length, pad):
        return _call("LPAD", [self, length, pad])

    def rpad(self, length, pad):
        return _call("RPAD", [self, length, pad])

    def repeat(self, n):
        return _call("REPEAT", [self, n])

    def left(self, length):
        return _call("LEFT", [self, length])

    def right(self, length):
        return _call("RIGHT", [self, length])

    def position(self, haystack):
        return _call("LOCATE", [self, haystack])

    def locate(self, s, pos=None):
        return _call("LOCATE", [self, s] if pos is None else [self, s, pos])

    def split_index(self, separator, index):
        return _call("SPLIT_INDEX", [self, separator, index])

    def regexp(self, regex):
        return _call("REGEXP", [self, regex])

    def regexp_replace(self, regex, replacement):
        return _call("REGEXP_REPLACE", [self, regex, replacement])

    def regexp_extract(self, regex, extract_index=None):
        return _call("REGEXP_EXTRACT", [self, regex] if extract_index is None else [self, regex, extract_index])

    def get(self, key):
        """A field of a ROW value, by name or by position from 0."""
        if isinstance(key, bool) or not isinstance(key, (str, int)):
            raise TypeError(f"get() takes a field name or index, not {key!r}")
        key_sql = str(key) if isinstance(key, int) else "'" + key.replace("'", "''") + "'"
        return self._derive(f"__sluice_get({self._sql}, {key_sql})")

    def trim(self, character=None):
        if character is None:
            return self._derive(f"TRIM({self._sql})")
        return self._derive(f"TRIM(BOTH {_expr(character)._sql} FROM {self._sql})", _expr(character))

    def trim_leading(self, character=None):
        chars = "' '" if character is None else _expr(character)._sql
        return self._derive(f"TRIM(LEADING {chars} FROM {self._sql})")

    def trim_trailing(self, character=None):
        chars = "' '" if character is None else _expr(character)._sql
        return self._derive(f"TRIM(TRAILING {chars} FROM {self._sql})")

    def round(self, places):
        return self._derive(f"ROUND({self._sql}, {_expr(places)._sql})", _expr(places))

    def substring(self, begin_index, length=None):
        args = [_expr(begin_index)] + ([] if length is None else [_expr(length)])
        inner = ", ".join([self._sql] + [a._sql for a in args])
        return self._derive(f"SUBSTRING({inner})", *args)

    def like(self, pattern):
        return self._derive(f"({self._sql} LIKE {_expr(pattern)._sql})", _expr(pattern))

    def in_(self, *values):
        items = [_expr(v) for v in values]
        return self._derive(f"({self._sql} IN ({', '.join(i._sql for i in items)}))", *items)

    def between(self, lower_bound, upper_bound):
        lo, hi = _expr(lower_bound), _expr(upper_bound)
        return self._derive(f"({self._sql} BETWEEN {lo._sql} AND {hi._sql})", lo, hi)

    def not_between(self, lower_bound, upper_bound):
        lo, hi = _expr(lower_bound), _expr(upper_bound)
        return self._derive(f"({self._sql} NOT BETWEEN {lo._sql} AND {hi._sql})", lo, hi)

    def if_then_else(self, if_true, if_false):
        t, f = _expr(if_true), _expr(if_false)
        return self._derive(f"(CASE WHEN {self._sql} THEN {t._sql} ELSE {f._sql} END)", t, f)

    @property
    def distinct(self):
        """`col("a").count.distinct`: the aggregate over distinct values."""
        name, _, rest = self._sql.partition("(")
        return self._derive(f"{name}(DISTINCT {rest}")

    # Properties, as in PyFlink.
    is_null = property(lambda self: self._derive(f"({self._sql} IS NULL)"))
    is_not_null = property(lambda self: self._derive(f"({self._sql} IS NOT NULL)"))
    is_true = property(lambda self: self._derive(f"({self._sql} IS TRUE)"))
    is_false = property(lambda self: self._derive(f"({self._sql} IS FALSE)"))
    is_not_true = property(lambda self: self._derive(f"({self._sql} IS NOT TRUE)"))
    is_not_false = property(lambda self: self._derive(f"({self._sql} IS NOT FALSE)"))

    def __str__(self):
        return self._sql

    def __repr__(self):
        return self._sql


def _literal_sql(value):
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if "e" in repr(value) or "." in repr(value) else repr(value) + ".0"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    import datetime
    if isinstance(value, datetime.datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ', timespec='milliseconds')}'"
    if isinstance(value, datetime.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, datetime.time):
        return f"TIME '{value.isoformat(timespec='seconds')}'"
    raise JobDefinitionError(f"lit() of a {type(value).__name__} is not supported", sites.user_site(4))


def _expr(value):
    return value if isinstance(value, Expression) else lit(value)


def col(name):
    # `col("*")`: every column.
    return Expression("*" if name == "*" else _quote(name))


def lit(value, data_type=None):
    if isinstance(value, Expression):
        return value
    sql = _literal_sql(value)
    if data_type is not None:
        sql = f"CAST({sql} AS {data_type.sql()})"
    return Expression(sql)


def _call(function, args):
    from pyflink.table.udf import (UserDefinedAggregateFunctionWrapper, UserDefinedScalarFunctionWrapper,
                                   UserDefinedTableAggregateFunctionWrapper, UserDefinedTableFunctionWrapper)
    args = [_expr(a) for a in args]
    functions = {}
    if isinstance(function, (UserDefinedScalarFunctionWrapper, UserDefinedAggregateFunctionWrapper,
                             UserDefinedTableFunctionWrapper, UserDefinedTableAggregateFunctionWrapper)):
        name = function._name
        functions[name] = function
    elif isinstance(function, str):
        name = function
    else:
        raise JobDefinitionError("call() takes a function name or a udf", sites.user_site(3))
    expr = Expression(f"{name}({', '.join(a._sql for a in args)})", functions)
    return expr._derive(expr._sql, *args)


# Over window bounds (`Over...preceding(UNBOUNDED_RANGE)`, `row_interval(2)`).
UNBOUNDED_ROW = Expression("UNBOUNDED_ROW")
UNBOUNDED_RANGE = Expression("UNBOUNDED_RANGE")
CURRENT_ROW = Expression("CURRENT_ROW")
CURRENT_RANGE = Expression("CURRENT_RANGE")


def row_interval(rows):
    e = Expression(str(int(rows)))
    e._row_interval = int(rows)
    return e


def call(f, *args):
    return _call(f, args)


def concat(first, *others):
    """CONCAT(first, others...): the strings joined (NULL if any is NULL)."""
    return _call("CONCAT", [first, *others])


def concat_ws(separator, first, *others):
    return _call("CONCAT_WS", [separator, first, *others])


def current_timestamp():
    return Expression("CURRENT_TIMESTAMP")


def current_date():
    return Expression("CURRENT_DATE")


def current_time():
    return Expression("CURRENT_TIME")


def local_timestamp():
    return Expression("LOCALTIMESTAMP")


def local_time():
    return Expression("LOCALTIME")


def from_unixtime(unixtime, format=None):
    return _call("FROM_UNIXTIME", [unixtime] if format is None else [unixtime, format])


def unix_timestamp(date_str=None, format=None):
    args = [a for a in (date_str, format) if a is not None]
    return _call("UNIX_TIMESTAMP", args)


def timestamp_diff(time_point_unit, time_point1, time_point2):
    """TIMESTAMPDIFF(unit, time_point1, time_point2)."""
    a, b = _expr(time_point1), _expr(time_point2)
    return a._derive(f"TIMESTAMPDIFF({time_point_unit.name}, {a._sql}, {b._sql})", b)


def null_of(data_type):
    return Expression(f"CAST(NULL AS {data_type.sql()})")


def negative(v):
    return -_expr(v)


def uuid():
    return Expression("UUID()")


def rand(seed=None):
    return Expression("RAND()") if seed is None else _call("RAND", [seed])


def rand_integer(bound, seed=None):
    return _call("RAND_INTEGER", [bound] if seed is None else [seed, bound])


def pi():
    return Expression("PI()")


def e():
    return Expression("E()")


def atan2(y, x):
    return _call("ATAN2", [y, x])


def log(v, base=None):
    return _expr(v).log(base)


def greatest(*args):
    return _call("GREATEST", list(args))


def least(*args):
    return _call("LEAST", list(args))


def if_then_else(condition, if_true, if_false):
    return _expr(condition).if_then_else(if_true, if_false)


def coalesce(*args):
    return _call("COALESCE", list(args))


def and_(predicate0, predicate1, *predicates):
    result = _expr(predicate0)
    for p in (predicate1, *predicates):
        result = result & p
    return result


def or_(predicate0, predicate1, *predicates):
    result = _expr(predicate0)
    for p in (predicate1, *predicates):
        result = result | p
    return result


def not_(expression):
    return ~_expr(expression)


def date_format(timestamp, format):
    """DATE_FORMAT(timestamp, format): the timestamp as text in a SimpleDateFormat pattern."""
    return _call("DATE_FORMAT", [timestamp, format])


def to_date(date_str, format=None):
    return _call("TO_DATE", [date_str] if format is None else [date_str, format])


def to_timestamp(timestamp_str, format=None):
    return _call("TO_TIMESTAMP", [timestamp_str] if format is None else [timestamp_str, format])


def call_sql(sql_expression):
    """A SQL expression in text (`call_sql("a = b AND ts < ts2")`), parsed by the compiler as the
    rest of the expression is."""
    if not isinstance(sql_expression, str):
        raise JobDefinitionError("call_sql() takes a SQL expression string", sites.user_site(2))
    return Expression(f"({sql_expression})")


def to_timestamp_ltz(numeric_epoch_time, precision):
    """TO_TIMESTAMP_LTZ(epoch, precision): epoch seconds (precision 0) or milliseconds (3) as a
    TIMESTAMP_LTZ(3)."""
    return _call("TO_TIMESTAMP_LTZ", [numeric_epoch_time, precision])


# Column functions: `with_columns(range_(2, 4))`, `without_columns(col("c"))`. They render as calls the
# compiler expands into the columns they select where a list of expressions is expected (a select
# list, group_by keys).
def _column_selector(value):
    if isinstance(value, Expression):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise JobDefinitionError(f"a column range takes column names or 1-based indices, not {value!r}",
                                 sites.user_site(3))
    return Expression(str(value) if isinstance(value, int) else _quote(value))


def range_(start, end):
    start, end = _column_selector(start), _column_selector(end)
    return start._derive(f"SLUICE_COLUMN_RANGE({start._sql}, {end._sql})", end)


def with_columns(head, *tails):
    args = [_column_selector(a) for a in (head,) + tails]
    return args[0]._derive("SLUICE_WITH_COLUMNS(" + ", ".join(a._sql for a in args) + ")", *args[1:])


def without_columns(head, *tails):
    args = [_column_selector(a) for a in (head,) + tails]
    return args[0]._derive("SLUICE_WITHOUT_COLUMNS(" + ", ".join(a._sql for a in args) + ")", *args[1:])


def with_all_columns():
    return Expression("*")
