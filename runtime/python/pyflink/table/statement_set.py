"""StatementSet: several INSERTs (SQL or Tables) collected and run as one job by `execute()`.

Each `add_insert_sql` / `add_insert` (to a table's name or a TableDescriptor) records its sink at once
(so errors point at that call); the job that `execute()` runs holds every sink added since the set was
created, as Flink's does.
"""
from _sluice import sites
from _sluice.errors import JobDefinitionError, UnsupportedMethods


class StatementSet(UnsupportedMethods):
    _pyflink_name = "StatementSet"

    def __init__(self, t_env):
        self._t_env = t_env
        self._sinks = []
        self._names = []

    def add_insert_sql(self, stmt):
        from pyflink.table.table_environment import _INSERT, _strip_comments
        site = sites.user_site(2)
        insert = _INSERT.match(_strip_comments(stmt))
        if insert is None:
            raise JobDefinitionError("add_insert_sql() takes an INSERT INTO ... statement", site)
        self._sinks.append(self._t_env._sql_insert(stmt, insert, site))
        self._names.append(insert.group(1))
        return self

    def add_insert(self, target_path_or_descriptor, table, overwrite=False):
        from pyflink.table.table import Table
        site = sites.user_site(2)
        if not isinstance(table, Table):
            raise JobDefinitionError(f"add_insert() takes a Table, got {type(table).__name__}", site)
        sink = self._t_env._sink(table._node, target_path_or_descriptor, site, "add_insert")
        self._sinks.append(sink)
        self._names.append(sink.params["table"])
        return self

    def execute(self):
        from pyflink.table.table_environment import _table_name
        site = sites.user_site(2)
        if not self._sinks:
            raise JobDefinitionError("No operators defined in streaming topology. Cannot execute.", site)
        sinks, self._sinks = self._sinks, []
        names, self._names = self._names, []
        name = "insert-into_" + ",".join(n if n.startswith("*anonymous_") else
                                         "default_catalog.default_database." + _table_name(n) for n in names)
        return self._t_env._execute(sinks, name, site)
