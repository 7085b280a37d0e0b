"""TableDescriptor and FormatDescriptor: tables declared in Python, as PyFlink 2.3's builders declare them.

A descriptor is the Table API's spelling of `CREATE TABLE name (schema) WITH (options)`, and sluice
treats it as exactly that: `ddl(name)` renders the equivalent DDL text, which the table environment
registers as `execute_sql` registers a `CREATE TABLE` (the compiler parses it the same way). With the
text go its *pieces*: the character ranges each builder call produced (a column, the watermark, the
primary key, an option) with that call's site, so a compile error about part of the table points at
the `.column(...)` or `.option(...)` that wrote it; anything else points at the call that created the
table (`create_temporary_table`, `from_descriptor`, `execute_insert`).
"""
from pyflink.table.schema import Schema, quote_name
from pyflink.table.table import relative_site
from _sluice import sites
from _sluice.errors import JobDefinitionError, Unsupported, UnsupportedMethods

__all__ = ["TableDescriptor", "FormatDescriptor"]


def _option_key(key, api, site):
    """An option key: a string, or a ConfigOption (`ConfigOptions.key(...)...`)."""
    from pyflink.common.config_options import ConfigOption
    if isinstance(key, str):
        return key
    if isinstance(key, ConfigOption):
        return key.key()
    raise JobDefinitionError(f"{api}.option() takes a string key or a ConfigOption, got {type(key).__name__}", site)


def _option_value(key, value, api, site):
    """The value as the table's options hold it: a string key takes a string (PyFlink hands it to Java's
    `option(String, String)`, and anything else fails there: `Method option([class java.lang.String,
    class java.lang.Integer]) does not exist`); a ConfigOption takes its type's values."""
    from pyflink.common.config_options import ConfigOption
    if isinstance(key, ConfigOption):
        return key._string(value)
    if not isinstance(value, str):
        raise JobDefinitionError(f"{api}.option() takes the value as a string (PyFlink has no option(String, "
                                 f"{type(value).__name__})): write '{value}'", site)
    return value


def _sql_string(text):
    return "'" + text.replace("'", "''") + "'"


class _Option(object):
    def __init__(self, value, site):
        self.value = value
        self.site = site


class FormatDescriptor(UnsupportedMethods):
    """A format and its options (unprefixed: `.option('field-delimiter', ';')` of `csv` is
    `'csv.field-delimiter'` on the table)."""
    _pyflink_name = "FormatDescriptor"

    def __init__(self, format, options):
        self._format = format
        self._options = dict(options)

    @staticmethod
    def for_format(format):
        site = sites.user_site(2)
        if not isinstance(format, str) or not format:
            raise JobDefinitionError("FormatDescriptor.for_format() takes the format's identifier, e.g. 'csv'", site)
        return FormatDescriptor.Builder(format)

    def get_format(self):
        return self._format

    def get_options(self):
        return {k: o.value for k, o in self._options.items()}

    def __str__(self):
        inner = ", ".join(f"{k}={o.value}" for k, o in self._options.items())
        return f"{self._format}[{{{inner}}}]"

    def __eq__(self, other):
        return (isinstance(other, FormatDescriptor) and self._format == other._format
                and self.get_options() == other.get_options())

    def __hash__(self):
        return hash((self._format, tuple(sorted(self.get_options().items()))))

    class Builder(UnsupportedMethods):
        _pyflink_name = "FormatDescriptor.Builder"

        def __init__(self, format):
            self._format = format
            self._options = {}

        def option(self, key, value):
            site = sites.user_site(2)
            name = _option_key(key, "FormatDescriptor.Builder", site)
            self._options[name] = _Option(_option_value(key, value, "FormatDescriptor.Builder", site), site)
            return self

        def build(self):
            return FormatDescriptor(self._format, self._options)


class TableDescriptor(UnsupportedMethods):
    """A connector, its options, an optional schema and a comment (partition keys are not supported)."""
    _pyflink_name = "TableDescriptor"

    def __init__(self, schema, options, partition_keys, comment):
        self._schema = schema
        self._options = dict(options)
        self._partition_keys = list(partition_keys)
        self._comment = comment

    @staticmethod
    def for_connector(connector):
        site = sites.user_site(2)
        if not isinstance(connector, str) or not connector:
            raise JobDefinitionError("TableDescriptor.for_connector() takes the connector's identifier, e.g. "
                                     "'datagen'", site)
        return TableDescriptor.Builder(connector, site)

    def get_schema(self):
        return self._schema

    def get_options(self):
        return {k: o.value for k, o in self._options.items()}

    def get_partition_keys(self):
        return list(self._partition_keys)

    def get_comment(self):
        return self._comment

    def __str__(self):
        # As Flink prints it, but with the options in the order they were set (Flink's follow a HashMap).
        parts = [str(self._schema)] if self._schema is not None else []
        if self._comment is not None:
            parts.append("COMMENT " + _sql_string(self._comment))
        options = ",\n".join(f"  {_sql_string(k)} = {_sql_string(o.value)}" for k, o in self._options.items())
        parts.append("WITH (\n" + options + "\n)")
        return "\n".join(parts)

    def __eq__(self, other):
        return (isinstance(other, TableDescriptor) and self._schema == other._schema
                and self.get_options() == other.get_options() and self._partition_keys == other._partition_keys
                and self._comment == other._comment)

    def __hash__(self):
        return hash((tuple(sorted(self.get_options().items())), tuple(self._partition_keys)))

    def _connector(self):
        return self.get_options().get("connector", "")

    def ddl(self, name):
        """`CREATE TABLE name (...) WITH (...)` for this descriptor, and its pieces: a list of
        `{"start", "end", "site"}`, the character range of the text each builder call wrote."""
        text, pieces = [], []

        def piece(sql, site):
            start = sum(len(t) for t in text)
            text.append(sql)
            if site is not None:
                pieces.append({"start": start, "end": start + len(sql), "site": relative_site(site)})

        text.append(f"CREATE TABLE {quote_name(name)} ")
        members = self._schema._ordered() if self._schema is not None else []
        if members:
            text.append("(\n")
            for i, member in enumerate(members):
                text.append("  ")
                piece(member.sql, member.site)
                text.append(",\n" if i + 1 < len(members) else "\n")
            text.append(") ")
        # The comment is the catalog's documentation: nothing reads it, so the text leaves it out.
        text.append("WITH (\n")
        for i, (key, option) in enumerate(self._options.items()):
            text.append("  ")
            piece(f"{_sql_string(key)} = {_sql_string(option.value)}", option.site)
            text.append(",\n" if i + 1 < len(self._options) else "\n")
        text.append(")")
        return "".join(text), pieces

    def _has_physical_columns(self):
        return self._schema is not None and bool(self._schema._physical())

    class Builder(UnsupportedMethods):
        _pyflink_name = "TableDescriptor.Builder"

        def __init__(self, connector, site):
            self._schema = None
            self._options = {"connector": _Option(connector, site)}
            self._partition_keys = []
            self._comment = None

        def schema(self, schema):
            site = sites.user_site(2)
            if not isinstance(schema, Schema):
                raise JobDefinitionError("TableDescriptor.Builder.schema() takes a Schema "
                                         "(Schema.new_builder()...build())", site)
            self._schema = schema
            return self

        def option(self, key, value):
            site = sites.user_site(2)
            name = _option_key(key, "TableDescriptor.Builder", site)
            self._options[name] = _Option(_option_value(key, value, "TableDescriptor.Builder", site), site)
            return self

        def format(self, format, format_option=None):
            """`'format' = 'csv'`; a FormatDescriptor's options prefixed with its identifier; with a
            `format_option` such as `key.format`, the options prefixed `key.csv.` (Flink's
            FactoryUtil.getFormatPrefix)."""
            site = sites.user_site(2)
            option = "format" if format_option is None else _option_key(format_option, "format", site)
            if isinstance(format, str):
                self._options[option] = _Option(format, site)
                return self
            if not isinstance(format, FormatDescriptor):
                raise JobDefinitionError("TableDescriptor.Builder.format() takes a format identifier such as "
                                         f"'csv' or a FormatDescriptor, got {type(format).__name__}", site)
            if option == "format":
                prefix = format._format + "."
            elif option.endswith(".format"):
                prefix = option[:-len(".format")] + "." + format._format + "."
            else:
                raise JobDefinitionError(f"Format options set using a format descriptor must be prefixed with the "
                                         f"format identifier: '{option}' does not end in '.format'", site)
            self._options[option] = _Option(format._format, site)
            for key, value in format._options.items():
                if key.startswith(prefix):
                    raise JobDefinitionError(f"Format options set using a format descriptor must not contain the "
                                             f"prefix of the format: '{key}'", value.site)
                self._options[prefix + key] = value
            return self

        def partitioned_by(self, *partition_keys):
            # Flink writes a partitioned filesystem table into `key=value/` directories; sluice's
            # connectors do not partition, and leaving the keys out would write other files.
            raise Unsupported("partitioned tables (TableDescriptor.Builder.partitioned_by) are not supported by "
                              "sluice yet", sites.user_site(2))

        def comment(self, comment):
            self._comment = comment
            return self

        def build(self):
            return TableDescriptor(self._schema, self._options, self._partition_keys, self._comment)
