"""Schema: the column list of a `TableDescriptor`, as PyFlink 2.3's `Schema.new_builder()` builds it.

A schema is the `(...)` part of a `CREATE TABLE name (...) WITH (...)` statement. Each member (a
physical, metadata or computed column, the watermark, the primary key) keeps the call site of the
builder method that declared it, so that `TableDescriptor` can render the DDL and tell the compiler
which part of the text came from which call (a bad column type is reported at its `.column(...)`).
Nothing is validated here that Flink only checks when the table is created; the compiler does that.
"""
from pyflink.table.types import DataType, RowType
from _sluice import sites
from _sluice.errors import JobDefinitionError, UnsupportedMethods

__all__ = ["Schema"]

# Words Flink's SQL parser reserves that jobs commonly use as column names: quoted when rendered.
_RESERVED = {"all", "and", "array", "as", "between", "by", "case", "cast", "date", "day", "default", "end",
             "from", "group", "hour", "interval", "key", "map", "minute", "month", "not", "null", "or",
             "order", "partition", "primary", "row", "second", "select", "table", "time", "timestamp",
             "to", "user", "value", "values", "where", "window", "year"}


def quote_name(name):
    """`name` as an SQL identifier: bare when it is a plain word, in backticks otherwise."""
    plain = name[:1].isalpha() or name[:1] == "_"
    plain = plain and all(c.isalnum() or c == "_" for c in name) and name.isascii()
    if plain and name.lower() not in _RESERVED:
        return name
    return "`" + name.replace("`", "``") + "`"


def _type_sql(data_type, method, site):
    """A column type as SQL text: a DataType's own spelling, or the string the job wrote (`'INT'`)."""
    if isinstance(data_type, DataType):
        return data_type.sql()
    if isinstance(data_type, str) and data_type.strip():
        return data_type.strip()
    raise JobDefinitionError(f"Schema.Builder.{method}() takes a DataType or a type string such as 'INT', got "
                             f"{type(data_type).__name__}", site)


def _expression_sql(expr, method, site):
    """A computed column's or watermark's expression as SQL text (a string, or the expression DSL)."""
    from pyflink.table.expressions import Expression
    if isinstance(expr, str):
        return expr, "[" + expr + "]"
    if isinstance(expr, Expression):
        return expr._sql, expr._sql
    raise JobDefinitionError(f"Schema.Builder.{method}() takes an SQL expression string or an expression such as "
                             f"col('ts') - lit(5).seconds, got {type(expr).__name__}", site)


class _Member(object):
    """One line of the schema: `sql` is its DDL text, `shown` what `str(schema)` prints (as Flink's)."""

    def __init__(self, kind, name, sql, shown, site):
        self.kind = kind
        self.name = name
        self.sql = sql
        self.shown = shown
        self.site = site


class Schema(UnsupportedMethods):
    """An unresolved table schema: columns, a watermark and a primary key."""
    _pyflink_name = "Schema"

    def __init__(self, members=()):
        self._members = list(members)

    @staticmethod
    def new_builder():
        return Schema.Builder()

    def _columns(self):
        return [m for m in self._members if m.kind in ("physical", "metadata", "computed")]

    def _physical(self):
        return [m for m in self._members if m.kind == "physical"]

    def __str__(self):
        if not self._members:
            return "()"
        return "(\n" + ",\n".join("  " + m.shown for m in self._ordered()) + "\n)"

    def _ordered(self):
        """Columns in the order declared, then the watermark, then the primary key (as Flink lists them)."""
        rank = {"watermark": 1, "primary_key": 2}
        return sorted(self._members, key=lambda m: rank.get(m.kind, 0))

    def __eq__(self, other):
        return isinstance(other, Schema) and [m.sql for m in self._members] == [m.sql for m in other._members]

    def __hash__(self):
        return hash(tuple(m.sql for m in self._members))

    class Builder(UnsupportedMethods):
        _pyflink_name = "Schema.Builder"

        def __init__(self):
            self._members = []

        def _add(self, kind, name, sql, shown, site):
            if kind == "watermark" and any(m.kind == "watermark" for m in self._members):
                raise JobDefinitionError("Multiple watermark definitions are not supported yet.", site)
            if kind == "primary_key" and any(m.kind == "primary_key" for m in self._members):
                raise JobDefinitionError("Multiple primary keys are not supported.", site)
            self._members.append(_Member(kind, name, sql, shown, site))
            return self

        def from_schema(self, unresolved_schema):
            site = sites.user_site(2)
            if not isinstance(unresolved_schema, Schema):
                raise JobDefinitionError("from_schema() takes a Schema (Schema.new_builder()...build())", site)
            for m in unresolved_schema._members:
                self._add(m.kind, m.name, m.sql, m.shown, m.site)
            return self

        def from_row_data_type(self, data_type):
            site = sites.user_site(2)
            if not isinstance(data_type, RowType):
                raise JobDefinitionError("from_row_data_type() takes a DataTypes.ROW([...]) type", site)
            for name, field_type in data_type._fields:
                self._physical(name, field_type, "from_row_data_type", site)
            return self

        def from_fields(self, field_names, field_data_types):
            site = sites.user_site(2)
            field_names, field_data_types = list(field_names), list(field_data_types)
            if len(field_names) != len(field_data_types):
                raise JobDefinitionError("Field names and field data types must have the same length.", site)
            for name, field_type in zip(field_names, field_data_types):
                self._physical(name, field_type, "from_fields", site)
            return self

        def from_resolved_schema(self, resolved_schema):
            from _sluice.errors import Unsupported
            raise Unsupported("Schema.Builder.from_resolved_schema() is not supported by sluice yet",
                              sites.user_site(2))

        def _physical(self, name, data_type, method, site):
            ty = _type_sql(data_type, method, site)
            shown = ty if isinstance(data_type, DataType) else "[" + ty + "]"
            return self._add("physical", name, f"{quote_name(name)} {ty}", f"`{name}` {shown}", site)

        def column(self, column_name, data_type):
            return self._physical(column_name, data_type, "column", sites.user_site(2))

        def column_by_expression(self, column_name, expr):
            site = sites.user_site(2)
            sql, shown = _expression_sql(expr, "column_by_expression", site)
            return self._add("computed", column_name, f"{quote_name(column_name)} AS {sql}",
                             f"`{column_name}` AS {shown}", site)

        def column_by_metadata(self, column_name, data_type, metadata_key=None, is_virtual=False):
            site = sites.user_site(2)
            ty = _type_sql(data_type, "column_by_metadata", site)
            shown = ty if isinstance(data_type, DataType) else "[" + ty + "]"
            clause = " METADATA"
            if metadata_key is not None:
                clause += " FROM '" + str(metadata_key).replace("'", "''") + "'"
            if is_virtual:
                clause += " VIRTUAL"
            return self._add("metadata", column_name, f"{quote_name(column_name)} {ty}{clause}",
                             f"`{column_name}` {shown}{clause}", site)

        def watermark(self, column_name, watermark_expr):
            site = sites.user_site(2)
            sql, shown = _expression_sql(watermark_expr, "watermark", site)
            return self._add("watermark", column_name, f"WATERMARK FOR {quote_name(column_name)} AS {sql}",
                             f"WATERMARK FOR `{column_name}` AS {shown}", site)

        def primary_key(self, *column_names):
            return self._primary_key("PK_" + "_".join(column_names), column_names, False, sites.user_site(2))

        def primary_key_named(self, constraint_name, *column_names):
            return self._primary_key(constraint_name, column_names, True, sites.user_site(2))

        def _primary_key(self, constraint_name, column_names, named, site):
            if len(column_names) == 1 and isinstance(column_names[0], (list, tuple)):
                column_names = tuple(column_names[0])
            if not column_names:
                raise JobDefinitionError("Primary key constraint must be defined for at least a single column.",
                                         site)
            columns = ", ".join(quote_name(c) for c in column_names)
            shown_columns = ", ".join(f"`{c}`" for c in column_names)
            constraint = f"CONSTRAINT {quote_name(constraint_name)} " if named else ""
            return self._add("primary_key", list(column_names),
                             f"{constraint}PRIMARY KEY ({columns}) NOT ENFORCED",
                             f"CONSTRAINT `{constraint_name}` PRIMARY KEY ({shown_columns}) NOT ENFORCED", site)

        def build(self):
            return Schema(self._members)
