"""TableEnvironment / StreamTableEnvironment: the catalog (DDL), function registry, and job execution.

`execute_sql('CREATE TABLE ...')` and `sql_update(ddl)` register tables (the compiler parses the DDL);
`create_temporary_table(name, descriptor)` registers the DDL a TableDescriptor renders, with the parts
of it located at the builder calls that wrote them; `from_descriptor` reads an inline (anonymous) one;
`execute_sql('INSERT ...')` and `Table.execute_insert()` run one job immediately; `sql_update('INSERT
...')` and `Table.insert_into()` wait for `t_env.execute(name)`, which runs them all as one job (or, as
in PyFlink 2.x, `insert_into(...)` returns a TablePipeline whose `execute()` runs that insert alone).
"""
import re

from pyflink.table import catalog_statements
from pyflink.table.table import Table, _functions_in, relative_site
from pyflink.table.udf import (ScalarFunction, UserDefinedAggregateFunctionWrapper, UserDefinedScalarFunctionWrapper,
                               UserDefinedTableFunctionWrapper)
from _sluice import execution, session, sites
from _sluice.errors import JobDefinitionError, Unsupported, UnsupportedMethods
from _sluice.graph import JobGraph, _relative

_CREATE_TABLE = re.compile(r"^\s*CREATE\s+(?:TEMPORARY\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([`\w.]+)",
                           re.IGNORECASE)
_INSERT = re.compile(r"^\s*INSERT\s+(?:INTO|OVERWRITE)\s+(?:TABLE\s+)?([`\w.]+)", re.IGNORECASE)
_CREATE_VIEW = re.compile(r"^\s*CREATE\s+(?:TEMPORARY\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?([`\w.]+)",
                          re.IGNORECASE)
_CREATE_FUNCTION = re.compile(r"^\s*CREATE\s+(?:TEMPORARY\s+)?(?:SYSTEM\s+)?FUNCTION\s+(?:IF\s+NOT\s+EXISTS\s+)?"
                              r"([`\w.]+)\s+AS\s+'([\w.]+)'(?:\s+LANGUAGE\s+(\w+))?\s*;?\s*$", re.IGNORECASE)
_QUERY = re.compile(r"^\s*(?:SELECT|WITH|VALUES|\()", re.IGNORECASE)


def _strip_comments(sql):
    return re.sub(r"--[^\n]*", "", sql)


def _table_name(path):
    return path.replace("`", "").split(".")[-1]


class EnvironmentSettings(object):
    class Builder(object):
        def __init__(self):
            self._mode = "STREAMING"

        def use_blink_planner(self):
            return self

        def use_any_planner(self):
            return self

        def use_old_planner(self):
            raise Unsupported("the legacy (old) planner is not supported by sluice", sites.user_site(2))

        def in_streaming_mode(self):
            self._mode = "STREAMING"
            return self

        def in_batch_mode(self):
            self._mode = "BATCH"
            return self

        def with_built_in_catalog_name(self, name):
            return self

        def with_built_in_database_name(self, name):
            return self

        def with_configuration(self, config):
            return self

        def build(self):
            return EnvironmentSettings(self._mode)

    def __init__(self, mode="STREAMING"):
        self._mode = mode

    @staticmethod
    def new_instance():
        return EnvironmentSettings.Builder()

    @staticmethod
    def in_streaming_mode():
        return EnvironmentSettings("STREAMING")

    @staticmethod
    def in_batch_mode():
        return EnvironmentSettings("BATCH")

    def is_streaming_mode(self):
        return self._mode == "STREAMING"


_PYTHON_OPTIONS = {
    "python.fn-execution.arrow.batch.size": "arrow_batch_size",
    "python.fn-execution.bundle.size": "bundle_size",
    "python.fn-execution.bundle.time": "bundle_time_ms",
}


class _Configuration(object):
    """The table config's option map; `parallelism.default` reaches the job's config."""

    def __init__(self, t_env):
        self._t_env = t_env
        self._data = {}

    def set_string(self, key, value):
        value = str(value)
        if key == "parallelism.default":
            try:
                parallelism = int(value)
            except ValueError:
                raise JobDefinitionError(f"parallelism.default must be an integer, got {value!r}",
                                         sites.user_site(2))
            if parallelism != 1:
                raise Unsupported("parallelism other than 1 is not supported by sluice yet", sites.user_site(2))
            self._t_env._config["parallelism"] = parallelism
        elif key in _PYTHON_OPTIONS:
            # How pandas UDFs batch their rows (PythonOptions): the compiled job reads them from its config.
            try:
                number = int(value)
            except ValueError:
                number = 0
            if number <= 0:
                raise JobDefinitionError(f"{key} must be a positive integer, got {value!r}", sites.user_site(2))
            self._t_env._config[_PYTHON_OPTIONS[key]] = number
        elif key == "table.local-time-zone":
            # The session time zone of TIMESTAMP_LTZ values: the compiled job sets it when it starts.
            self._t_env._config["local_time_zone"] = value
        self._data[key] = value
        return self

    set = set_string

    def set_integer(self, key, value):
        return self.set_string(key, value)

    def set_boolean(self, key, value):
        return self.set_string(key, "true" if value else "false")

    def get_string(self, key, default_value=None):
        return self._data.get(key, default_value)

    def get(self, key, default_value=None):
        return self._data.get(key, default_value)

    def contains_key(self, key):
        return key in self._data

    def to_dict(self):
        return dict(self._data)


class TableConfig(UnsupportedMethods):
    _pyflink_name = "TableConfig"

    def __init__(self, t_env):
        self._configuration = _Configuration(t_env)

    def set(self, key, value):
        self._configuration.set_string(key, value)
        return self

    def get(self, key, default_value=None):
        return self._configuration.get(key, default_value)

    def get_configuration(self):
        return self._configuration

    def add_configuration(self, configuration):
        for key, value in configuration.to_dict().items():
            self._configuration.set_string(key, value)

    def set_idle_state_retention(self, duration):
        return None

    def set_local_timezone(self, timezone_id):
        self._configuration.set_string("table.local-time-zone", timezone_id)

    def get_local_timezone(self):
        return self._configuration.get("table.local-time-zone", "default")


class TableResult(object):
    """A job's result. For `Table.execute()` the job runs when the result is printed (`print()`),
    which shows Flink's boxed table; until then the result only holds the query."""

    def __init__(self, job_result=None, table=None):
        self._job_result = job_result
        self._table = table

    def wait(self, timeout_ms=None):
        return None

    def get_job_client(self):
        return None

    def print(self):
        site = sites.user_site(2)
        if self._table is None:
            print("OK")
            return
        t_env = self._table._t_env
        sink = t_env._graph.add("sink.tableau", [self._table._node], None, {}, None, None, None, site)
        t_env._execute([sink], "collect", site)

    def collect(self):
        return self._collect(sites.user_site(2))

    def _collect(self, site):
        if self._table is None:
            raise Unsupported("collect() of a statement's result (rather than a query's) is not supported by "
                              "sluice yet", site)
        t_env = self._table._t_env
        sink = t_env._graph.add("sink.collect", [self._table._node], None, {}, None, None, None, site)
        return execution.CloseableIterator(t_env._execute([sink], "collect", site, collect=True))


class TableEnvironment(UnsupportedMethods):
    _pyflink_name = "TableEnvironment"

    def __init__(self, mode="STREAMING", config=None):
        self._graph = JobGraph()
        self._config = config if config is not None else {"parallelism": None, "runtime_mode": mode}
        self._config["runtime_mode"] = mode
        self._table_config = TableConfig(self)
        self._tables = {}
        self._views = {}
        # Names registered as temporary (CREATE TEMPORARY ..., create_temporary_*).
        self._temporary = set()
        self._functions = {}
        self._pending = []
        self._unnamed = 0
        self._inline = 0

    @staticmethod
    def create(environment_settings=None, configuration=None):
        if environment_settings is not None and not isinstance(environment_settings, EnvironmentSettings):
            configuration, environment_settings = environment_settings, None
        mode = environment_settings._mode if environment_settings is not None else "STREAMING"
        t_env = TableEnvironment(mode)
        if configuration is not None:
            for key, value in configuration.to_dict().items():
                t_env._table_config.set(key, value)
        return t_env

    def get_config(self):
        return self._table_config

    # -- catalog ---------------------------------------------------------------------------------------

    def _register_ddl(self, statement, site):
        text = _strip_comments(statement)
        view = _CREATE_VIEW.match(text)
        if view is not None:
            spec = {"text": statement, "kind": "sql", "arg": 0, "site": relative_site(site)}
            self._views[_table_name(view.group(1))] = {"sql": spec}
            self._mark_temporary(_table_name(view.group(1)), text)
            return
        function = _CREATE_FUNCTION.match(text)
        if function is not None:
            self._create_function_sql(function, site)
            return
        match = _CREATE_TABLE.match(text)
        if match is None:
            first = _strip_comments(statement).strip().split(None, 2)[:2]
            raise Unsupported(f"the SQL statement {' '.join(first).upper()} ... is not supported by sluice yet",
                              site)
        name = _table_name(match.group(1))
        self._tables[name] = {"table": name, "ddl": statement, "ddl_site": relative_site(site)}
        self._mark_temporary(name, text)

    def _mark_temporary(self, name, text):
        if re.match(r"^\s*CREATE\s+TEMPORARY\b", text, re.IGNORECASE):
            self._temporary.add(name)
        else:
            self._temporary.discard(name)

    # Flink's catalog listings, of what the script registered.
    def list_tables(self):
        return catalog_statements.tables(self)

    def list_views(self):
        return catalog_statements.views(self)

    def list_temporary_tables(self):
        return catalog_statements.temporary_tables(self)

    def list_temporary_views(self):
        return catalog_statements.temporary_views(self)

    def list_catalogs(self):
        return ["default_catalog"]

    def list_databases(self):
        return ["default_database"]

    def get_current_catalog(self):
        return "default_catalog"

    def get_current_database(self):
        return "default_database"

    def list_user_defined_functions(self):
        return sorted(self._functions)

    def drop_temporary_table(self, table_path):
        return self._drop(self._tables, _table_name(table_path))

    def drop_temporary_view(self, view_path):
        return self._drop(self._views, _table_name(view_path))

    def drop_table(self, table_path, ignore_if_not_exists=True):
        return self._drop(self._tables, _table_name(table_path))

    def drop_view(self, view_path, ignore_if_not_exists=True):
        return self._drop(self._views, _table_name(view_path))

    def _drop(self, registry, name):
        self._temporary.discard(name)
        return registry.pop(name, None) is not None

    def _descriptor_entry(self, name, descriptor, site, api):
        """The catalog entry of a TableDescriptor registered as `name`."""
        from pyflink.table.table_descriptor import TableDescriptor
        if not isinstance(descriptor, TableDescriptor):
            what = "a table's name or " if api in ("execute_insert", "insert_into", "add_insert") else ""
            raise JobDefinitionError(f"{api}() takes {what}a TableDescriptor (TableDescriptor.for_connector(...)"
                                     f"...build()), got {type(descriptor).__name__}", site)
        ddl, pieces = descriptor.ddl(name)
        return {"table": name, "ddl": ddl, "ddl_site": relative_site(site), "ddl_pieces": pieces}

    def _inline_entry(self, descriptor, site, api):
        """A descriptor registered as Flink registers an inline table: `*anonymous_<connector>$<n>*`."""
        connector = descriptor._connector() if hasattr(descriptor, "_connector") else ""
        self._inline += 1
        name = f"*anonymous_{connector}${self._inline}*"
        return self._descriptor_entry(name, descriptor, site, api)

    def _create_table(self, path, descriptor, ignore_if_exists, site, api, exists_message):
        name = _table_name(path)
        entry = self._descriptor_entry(name, descriptor, site, api)
        if name in self._tables or name in self._views:
            if ignore_if_exists:
                return
            raise JobDefinitionError(exists_message.format(
                f"`default_catalog`.`default_database`.`{name}`"), site)
        self._tables[name] = entry
        if api == "create_temporary_table":
            self._temporary.add(name)

    def create_temporary_table(self, path, descriptor, ignoreIfExists=False):
        self._create_table(path, descriptor, ignoreIfExists, sites.user_site(2), "create_temporary_table",
                           "Temporary table '{}' already exists")

    def create_table(self, path, descriptor, ignoreIfExists=False):
        self._create_table(path, descriptor, ignoreIfExists, sites.user_site(2), "create_table",
                           "Could not execute CreateTable in path {}: the table already exists")

    def from_descriptor(self, descriptor):
        site = sites.user_site(2)
        entry = self._inline_entry(descriptor, site, "from_descriptor")
        if not descriptor._has_physical_columns():
            raise JobDefinitionError("from_descriptor() needs a descriptor with a schema of physical columns "
                                     "(TableDescriptor.Builder.schema(Schema.new_builder().column(...)...))", site)
        node = self._graph.add("table.scan", [], None, entry, None, None, None, site)
        return Table(self, node)

    def _catalog_entry(self, path, site):
        name = _table_name(path)
        entry = self._tables.get(name)
        if entry is None:
            raise JobDefinitionError(f"Table `{name}` was not found (create it with execute_sql('CREATE TABLE "
                                     "...') or create_temporary_table(name, descriptor) first)", site)
        return entry

    def _create_function_sql(self, match, site):
        import importlib
        name, target, language = _table_name(match.group(1)), match.group(2), (match.group(3) or "JAVA")
        if language.upper() != "PYTHON":
            raise Unsupported(f"CREATE FUNCTION ... LANGUAGE {language.upper()} is not supported by sluice "
                              "(LANGUAGE PYTHON is)", site)
        module, _, attr = target.rpartition(".")
        try:
            function = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError, ValueError) as e:
            raise JobDefinitionError(f"CREATE FUNCTION {name}: cannot load '{target}': {e}", site)
        self._register_function(name, function, site)

    def _view_table(self, name, site):
        view = self._views[name]
        if "node" in view:
            return Table(self, view["node"])
        return Table(self, self._sql_node("table.sql_query", view["sql"]["text"], site, view["sql"]))

    def create_temporary_view(self, view_path, table, *fields):
        if fields:
            table = table.alias(*fields)
        self._views[_table_name(view_path)] = {"node": table._node}
        self._temporary.add(_table_name(view_path))

    register_table = create_temporary_view

    def create_view(self, view_path, table, ignore_if_exists=False):
        self.create_temporary_view(view_path, table)
        self._temporary.discard(_table_name(view_path))

    def _anonymous_view(self, table):
        for name, view in self._views.items():
            if view.get("node") is table._node:
                return name
        name = f"UnnamedTable${self._unnamed}"
        self._unnamed += 1
        self._views[name] = {"node": table._node}
        return name

    def _sql_node(self, op, stmt, site, spec=None):
        spec = spec or {"text": stmt, "kind": "sql", "arg": 0, "site": relative_site(site)}
        texts = [spec] + [v["sql"] for v in self._views.values() if "sql" in v]
        functions = _functions_in(self, [], texts)
        joined = "\n".join(t["text"] for t in texts)
        inputs, views = [], {}
        for name, view in self._views.items():
            if "sql" in view:
                views[name] = {"sql": view["sql"]}
            elif re.search(r"(?<![\w$])`?" + re.escape(name) + r"`?(?![\w$])", joined):
                views[name] = {"input": len(inputs)}
                inputs.append(view["node"])
        catalog = {"tables": {n: {k: e[k] for k in ("ddl", "ddl_site", "ddl_pieces") if k in e}
                              for n, e in self._tables.items()},
                   "views": views}
        params = {"statement": spec, "functions": _describe(functions), "catalog": catalog}
        return self._graph.add(op, inputs, None, params, _values(functions), None, None, site)

    def from_elements(self, elements, schema=None, verify_schema=True):
        site = sites.user_site(2)
        rows = [_as_tuple(e) for e in elements]
        columns = _elements_schema(rows, schema, site)
        node = self._graph.add("table.values", [], None, {"schema": columns}, {"elements": rows}, None, None,
                               site)
        return Table(self, node)

    def from_pandas(self, pdf, schema=None, splits_num=1):
        """A pandas DataFrame's rows as a table, as `from_elements` of them: column types from the
        dtypes (as PyFlink's Arrow conversion gives them) unless `schema` is a row type; NaN and None
        are NULL."""
        from pyflink.table.types import DataTypes, DataType
        site = sites.user_site(2)
        names = list(schema) if isinstance(schema, (list, tuple)) else [str(c) for c in pdf.columns]
        if isinstance(schema, DataType):
            row_type = schema
        else:
            fields = [DataTypes.FIELD(name, _pandas_type(pdf[column], site))
                      for name, column in zip(names, pdf.columns)]
            row_type = DataTypes.ROW(fields)
        rows = [tuple(_pandas_value(v) for v in row) for row in pdf.itertuples(index=False, name=None)]
        return self.from_elements(rows, row_type)

    def from_path(self, path):
        site = sites.user_site(2)
        if _table_name(path) in self._views:
            return self._view_table(_table_name(path), site)
        entry = self._catalog_entry(path, site)
        node = self._graph.add("table.scan", [], None, dict(entry), None, None, None, site)
        return Table(self, node)

    def execute_sql(self, stmt):
        site = sites.user_site(2)
        insert = _INSERT.match(_strip_comments(stmt))
        if insert is not None:
            sink = self._sql_insert(stmt, insert, site)
            return self._execute([sink], "insert-into_default_catalog.default_database."
                                 + _table_name(insert.group(1)), site)
        if _QUERY.match(_strip_comments(stmt)):
            return Table(self, self._sql_node("table.sql_query", stmt, site)).execute()
        text = _strip_comments(stmt)
        answered = catalog_statements.show(self, text, site) or catalog_statements.drop(self, text, site)
        if answered is not None:
            return answered
        self._register_ddl(stmt, site)
        return TableResult()

    def sql_update(self, stmt):
        site = sites.user_site(2)
        insert = _INSERT.match(_strip_comments(stmt))
        if insert is not None:
            self._pending.append(self._sql_insert(stmt, insert, site))
        else:
            self._register_ddl(stmt, site)

    def _sql_insert(self, stmt, match, site):
        node = self._sql_node("table.sql_insert", stmt, site)
        return self._sink(node, match.group(1), site)

    def sql_query(self, query):
        site = sites.user_site(2)
        return Table(self, self._sql_node("table.sql_query", query, site))

    def create_statement_set(self):
        from pyflink.table.statement_set import StatementSet
        return StatementSet(self)

    # -- functions -------------------------------------------------------------------------------------

    def _register_function(self, name, function, site):
        if isinstance(function, ScalarFunction):
            raise JobDefinitionError(f"register a ScalarFunction through udf(): udf({type(function).__name__}()"
                                     ", result_type=...)", site)
        if not isinstance(function, (UserDefinedScalarFunctionWrapper, UserDefinedAggregateFunctionWrapper,
                                     UserDefinedTableFunctionWrapper)):
            raise Unsupported(f"registering a {type(function).__name__} as a function is not supported by "
                              "sluice yet (use @udf)", site)
        self._functions[name] = function

    def register_function(self, name, function):
        self._register_function(name, function, sites.user_site(2))

    def create_temporary_function(self, path, function):
        self._register_function(_table_name(path), function, sites.user_site(2))

    def create_temporary_system_function(self, name, function):
        self._register_function(name, function, sites.user_site(2))

    def create_function(self, path, function_class_name, ignore_if_exists=None):
        raise Unsupported("create_function() is not supported by sluice yet", sites.user_site(2))

    # -- dependencies (the binary embeds the job's modules; nothing to ship) ---------------------------

    def add_python_file(self, file_path):
        return None

    def set_python_requirements(self, requirements_file_path, requirements_cache_dir=None):
        return None

    def add_python_archive(self, archive_path, target_dir=None):
        return None

    # -- graph and execution ---------------------------------------------------------------------------

    def _add_node(self, op, inputs, params, args, specs):
        functions = _functions_in(self, args, specs)
        params = dict(params)
        params["functions"] = _describe(functions)
        return self._graph.add(op, inputs, None, params, _values(functions), None, None, sites.user_site(3))

    def _sink(self, node, target, site, api="execute_insert"):
        """A sink writing `node` to the table named `target`, or to a TableDescriptor's inline table
        (whose columns, when its schema declares none, are the query's: `derive_schema`)."""
        if isinstance(target, str):
            entry = dict(self._catalog_entry(target, site))
        else:
            entry = self._inline_entry(target, site, api)
            if not target._has_physical_columns():
                entry["derive_schema"] = True
        return self._graph.add("sink.table", [node], None, entry, None, None, None, site)

    def _execute(self, sinks, name, site, collect=False):
        keep = set()
        stack = [s.id for s in sinks]
        while stack:
            nid = stack.pop()
            if nid not in keep:
                keep.add(nid)
                stack.extend(self._graph.nodes[nid].inputs)
        nodes = [n for n in self._graph.nodes if n.id in keep]
        result = execution.execute(nodes, dict(self._config), name, site, collect)
        result = result if collect else TableResult(result)
        # A graph shared with a StreamExecutionEnvironment keeps its nodes: the sinks just run must not
        # run again at env.execute().
        for sink in sinks:
            if sink.op.startswith("sink."):
                sink.op = "executed." + sink.op
        return result

    def execute(self, job_name):
        site = sites.user_site(2)
        sinks, self._pending = self._pending, []
        if not sinks:
            raise JobDefinitionError("No operators defined in streaming topology. Cannot execute.", site)
        return self._execute(sinks, job_name, site)._job_result


def _pandas_type(series, site):
    """The SQL type PyFlink's Arrow conversion gives a pandas column."""
    from pyflink.table.types import DataTypes
    kind, size = series.dtype.kind, series.dtype.itemsize
    if kind == "b":
        return DataTypes.BOOLEAN()
    if kind in "iu":
        return {1: DataTypes.TINYINT(), 2: DataTypes.SMALLINT(), 4: DataTypes.INT()}.get(size, DataTypes.BIGINT())
    if kind == "f":
        return DataTypes.FLOAT() if size == 4 else DataTypes.DOUBLE()
    if kind == "O" and all(v is None or isinstance(v, str) for v in series if v == v):
        return DataTypes.STRING()
    raise Unsupported(f"from_pandas() of a column of dtype {series.dtype} is not supported by sluice yet "
                      "(give a schema of row type, or use from_elements)", site)


def _pandas_value(value):
    """A DataFrame cell as from_elements takes it: numpy scalars as Python values, NaN as NULL."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def _as_tuple(element):
    if isinstance(element, (tuple, list)):
        return tuple(element)
    return (element,)


def _python_type(value):
    import datetime
    import decimal
    if isinstance(value, bool):
        return "BOOLEAN"
    if isinstance(value, int):
        return "BIGINT"
    if isinstance(value, float):
        return "DOUBLE"
    if isinstance(value, str):
        return "STRING"
    if isinstance(value, decimal.Decimal):
        return "DECIMAL(38, 18)"
    if isinstance(value, datetime.datetime):
        return "TIMESTAMP(6)"
    if isinstance(value, datetime.date):
        return "DATE"
    if isinstance(value, datetime.time):
        return "TIME(0)"
    return type(value).__name__


def _elements_schema(rows, schema, site):
    """Column names and SQL types: from a DataTypes.ROW, or names given and types inferred from the
    values (Python int is BIGINT, float DOUBLE, str STRING, bool BOOLEAN), as PyFlink infers them."""
    from pyflink.table.types import RowType
    width = max((len(r) for r in rows), default=0)
    if isinstance(schema, RowType):
        return [{"name": n, "type": t.sql()} for n, t in schema._fields]
    names = list(schema) if schema is not None else [f"_{i + 1}" for i in range(width)]
    if len(names) != width:
        raise JobDefinitionError(f"from_elements() schema names {len(names)} columns, but the elements have "
                                 f"{width}", site)
    columns = []
    for i, name in enumerate(names):
        values = [r[i] for r in rows if i < len(r) and r[i] is not None]
        if not values:
            raise JobDefinitionError(f"from_elements() cannot infer the type of column `{name}` (all values are "
                                     "None); pass a DataTypes.ROW schema", site)
        columns.append({"name": name, "type": _python_type(values[0])})
    return columns


def _describe(functions):
    out = {}
    for name, function in sorted(functions.items()):
        desc = function._describe()
        if desc["udf"] is not None:
            desc["udf"]["file"] = _relative(desc["udf"]["file"], session.job_dir)
        out[name] = desc
    return out


def _values(functions):
    return {"udf:" + name: function._callable() for name, function in functions.items()}


class StreamTableEnvironment(TableEnvironment):
    _pyflink_name = "StreamTableEnvironment"

    @staticmethod
    def create(stream_execution_environment=None, environment_settings=None, table_config=None):
        mode = environment_settings._mode if environment_settings is not None else "STREAMING"
        config = stream_execution_environment._config if stream_execution_environment is not None else None
        t_env = StreamTableEnvironment(mode, config)
        if stream_execution_environment is not None:
            # Tables and DataStreams of this environment are one job graph (to_data_stream,
            # to_append_stream); env.execute() runs what leads to the DataStream sinks.
            t_env._graph = stream_execution_environment._graph
            t_env._stream_env = stream_execution_environment
        return t_env

    def _bridge(self, table, type_info, api):
        from pyflink.datastream.data_stream import DataStream
        site = sites.user_site(3)
        env = getattr(self, "_stream_env", None)
        if env is None:
            raise JobDefinitionError(f"{api}() needs a StreamTableEnvironment created with "
                                     "StreamTableEnvironment.create(stream_execution_environment=env)", site)
        if env._graph is not self._graph or table._node not in self._graph.nodes:
            raise JobDefinitionError(f"{api}() takes a table of this environment's current job", site)
        node = self._graph.add("table.to_stream", [table._node], type_info, {"api": api}, None, None, None, site)
        return DataStream(env, node)

    def from_data_stream(self, data_stream, *fields):
        site = sites.user_site(2)
        if getattr(self, "_stream_env", None) is not data_stream._env or data_stream._node not in self._graph.nodes:
            raise JobDefinitionError("from_data_stream() takes a DataStream of the StreamExecutionEnvironment "
                                     "this StreamTableEnvironment was created with", site)
        table = Table(self, self._graph.add("table.from_stream", [data_stream._node], None, {}, None, None, None,
                                            site))
        return table.alias(*fields) if fields else table

    def to_data_stream(self, table):
        return self._bridge(table, None, "to_data_stream")

    def to_append_stream(self, table, type_info):
        return self._bridge(table, type_info, "to_append_stream")

    def to_changelog_stream(self, table, target_schema=None, changelog_mode=None):
        if target_schema is not None or changelog_mode is not None:
            from _sluice.errors import Unsupported
            raise Unsupported("to_changelog_stream() with a target schema or changelog mode is not supported by sluice yet",
                              sites.user_site(2))
        return self._bridge(table, None, "to_changelog_stream")
