"""Table and GroupedTable: each relational operation adds a `table.*` node to the environment's graph.

Expressions are kept as text (string expressions as written, the expression DSL rendered as SQL) with
the call site and argument index they came from; the compiler parses, resolves and types them.
"""
import re

from pyflink.table.expressions import Expression
from _sluice import session, sites
from _sluice.errors import JobDefinitionError, Unsupported, UnsupportedMethods


def relative_site(site):
    """A call site with its file relative to the job's directory (as the plan's sites are)."""
    from _sluice.graph import _relative
    if not site:
        return site
    site = dict(site)
    site["file"] = _relative(site["file"], session.job_dir)
    return site


def expression_specs(args, site, api):
    """One spec per argument: its text, whether it is a string expression, and where it was written."""
    specs = []
    site = relative_site(site)
    for i, arg in enumerate(args):
        if isinstance(arg, str):
            specs.append({"text": arg, "kind": "string", "arg": i, "site": site})
        elif isinstance(arg, Expression):
            specs.append({"text": arg._sql, "kind": "expr", "arg": i, "site": site})
        else:
            raise JobDefinitionError(f"{api}() takes string expressions or expressions such as col('a'), "
                                     f"got {type(arg).__name__}", site)
    return specs


def _functions_in(t_env, args, specs):
    """The registered (and inline) Python functions the expressions call, by name."""
    found = {}
    for arg in args:
        if isinstance(arg, Expression):
            found.update(arg._functions)
    text = " ".join(s["text"] for s in specs)
    for name, function in t_env._functions.items():
        if re.search(r"(?<![\w`])`?" + re.escape(name) + r"`?\s*\(", text, re.IGNORECASE):
            found.setdefault(name, function)
    return found


class Table(UnsupportedMethods):
    _pyflink_name = "Table"

    def __init__(self, t_env, node):
        self._t_env = t_env
        self._node = node

    def _add(self, op, params, args=(), specs=()):
        return Table(self._t_env, self._t_env._add_node(op, [self._node], params, args, specs))

    def select(self, *fields):
        site = sites.user_site(2)
        specs = expression_specs(fields, site, "select")
        return self._add("table.select", {"exprs": specs}, fields, specs)

    def where(self, predicate):
        site = sites.user_site(2)
        specs = expression_specs([predicate], site, "where")
        return self._add("table.filter", {"predicate": specs[0]}, [predicate], specs)

    filter = where

    def alias(self, field, *fields):
        site = sites.user_site(2)
        specs = expression_specs([field, *fields], site, "alias")
        return self._add("table.alias", {"names": specs})

    def group_by(self, *fields):
        site = sites.user_site(2)
        return GroupedTable(self, expression_specs(fields, site, "group_by"), fields)

    def add_columns(self, *fields):
        """The table's columns, then `fields`."""
        site = sites.user_site(2)
        specs = expression_specs(fields, site, "add_columns")
        return self._add("table.add_columns", {"exprs": specs, "replace": False}, fields, specs)

    def add_or_replace_columns(self, *fields):
        """As add_columns, but a field named like an existing column replaces it in place."""
        site = sites.user_site(2)
        specs = expression_specs(fields, site, "add_or_replace_columns")
        return self._add("table.add_columns", {"exprs": specs, "replace": True}, fields, specs)

    def rename_columns(self, *fields):
        """`col("a").alias("b")` (or "a as b") renames column a to b."""
        site = sites.user_site(2)
        return self._add("table.rename_columns", {"exprs": expression_specs(fields, site, "rename_columns")})

    def drop_columns(self, *fields):
        site = sites.user_site(2)
        return self._add("table.drop_columns", {"exprs": expression_specs(fields, site, "drop_columns")})

    def distinct(self):
        return self._add("table.distinct", {})

    def union_all(self, right):
        site = sites.user_site(2)
        if not isinstance(right, Table) or right._t_env is not self._t_env:
            raise JobDefinitionError("union_all() takes a Table of the same TableEnvironment", site)
        return Table(self._t_env, self._t_env._add_node("table.union", [self._node, right._node], {}, (), ()))

    @property
    def create_temporal_table_function(self):
        """PyFlink 2.3's Table has no such method (Java's has): like PyFlink, reject it where it is read."""
        raise JobDefinitionError("PyFlink 2.3's Table has no create_temporal_table_function() (PyFlink raises "
                                 "AttributeError); join a versioned table with FOR SYSTEM_TIME AS OF in SQL instead",
                                 sites.user_site(2))

    def union(self, right):
        """UNION without ALL: Flink rejects it on unbounded (streaming) tables, and so does sluice."""
        raise JobDefinitionError("The UNION operation on two unbounded tables is currently not supported "
                                 "(use union_all(), then distinct())", sites.user_site(2))

    def window(self, window):
        from pyflink.table.window import GroupWindow
        site = sites.user_site(2)
        if not isinstance(window, GroupWindow):
            raise JobDefinitionError("window() takes a group window such as Tumble.over(...).on(...).alias(...)", site)
        return GroupWindowedTable(self, window, site)

    def _join(self, right, predicate, kind, api, site):
        if not isinstance(right, Table):
            raise JobDefinitionError(f"{api}() takes a Table, got {type(right).__name__}", site)
        if right._t_env is not self._t_env:
            raise JobDefinitionError(f"{api}() takes a Table of the same TableEnvironment", site)
        params = {"kind": kind, "predicate": None}
        args, specs = [], []
        if predicate is not None:
            specs = expression_specs([predicate], site, api)
            params["predicate"] = specs[0]
            args = [predicate]
        node = self._t_env._add_node("table.join", [self._node, right._node], params, args, specs)
        return JoinedTable(self._t_env, node)

    def join(self, right, join_predicate=None):
        """Inner join; the condition is `join_predicate` or the next `where()`."""
        return self._join(right, join_predicate, "inner", "join", sites.user_site(2))

    def left_outer_join(self, right, join_predicate=None):
        return self._join(right, join_predicate, "left", "left_outer_join", sites.user_site(2))

    def right_outer_join(self, right, join_predicate):
        return self._join(right, join_predicate, "right", "right_outer_join", sites.user_site(2))

    def full_outer_join(self, right, join_predicate):
        return self._join(right, join_predicate, "full", "full_outer_join", sites.user_site(2))

    def over_window(self, *over_windows):
        from pyflink.table.window import OverWindow
        site = sites.user_site(2)
        if len(over_windows) != 1 or not isinstance(over_windows[0], OverWindow):
            raise Unsupported("over_window() with other than one Over window is not supported by sluice yet", site)
        return OverWindowedTable(self, over_windows[0], site)

    def order_by(self, *fields):
        """Sorts by `fields` (`col(a).desc`); streaming Flink needs fetch()/limit() after it (a Top-N)."""
        site = sites.user_site(2)
        specs = expression_specs(fields, site, "order_by")
        return self._add("table.sort", {"keys": specs, "offset": 0, "fetch": None}, fields, specs)

    def _resort(self, api, offset=None, fetch=None):
        site = sites.user_site(3)
        node = self._node
        if node.op != "table.sort":
            # Without order_by(): the first rows in arrival order, as Flink's streaming limit.
            params = {"keys": [], "offset": int(offset or 0), "fetch": None if fetch is None else int(fetch),
                      "site": relative_site(site)}
            new = self._t_env._graph.add("table.sort", [node], None, params, [], None, None, site)
            return Table(self._t_env, new)
        params = dict(node.params)
        if offset is not None:
            params["offset"] = int(offset)
        if fetch is not None:
            if params.get("fetch") is not None:
                fetch = min(int(fetch), params["fetch"])
            params["fetch"] = int(fetch)
        params["site"] = relative_site(site)
        inputs = [self._t_env._graph.nodes[i] for i in node.inputs]
        new = self._t_env._graph.add("table.sort", inputs, None, params, node.values, None, None, site)
        return Table(self._t_env, new)

    def fetch(self, fetch):
        return self._resort("fetch", fetch=fetch)

    def offset(self, offset):
        return self._resort("offset", offset=offset)

    def limit(self, fetch, offset=0):
        return self._resort("limit", offset=offset, fetch=fetch)

    def _join_lateral(self, call, predicate, kind, api):
        site = sites.user_site(3)
        if isinstance(call, str):
            text, names = call, []
        elif isinstance(call, Expression):
            text = getattr(call, "_call_sql", call._sql)
            names = list(getattr(call, "_names", []))
        else:
            raise JobDefinitionError(f"{api}() takes a table function call such as f(col('a')).alias('x', 'y'), "
                                     f"got {type(call).__name__}", site)
        if predicate is not None:
            raise Unsupported(f"a join predicate of {api}() is not supported by sluice yet (filter with where() "
                              "after the join)", site)
        spec = {"text": text, "kind": "expr" if isinstance(call, Expression) else "string", "arg": 0,
                "site": relative_site(site)}
        params = {"kind": kind, "call": spec, "names": names, "predicate": None}
        return self._add("table.lateral", params, [call], [spec])

    def join_lateral(self, table_function_call, join_predicate=None):
        return self._join_lateral(table_function_call, join_predicate, "inner", "join_lateral")

    def left_outer_join_lateral(self, table_function_call, join_predicate=None):
        return self._join_lateral(table_function_call, join_predicate, "left", "left_outer_join_lateral")

    def _map(self, func, api, kind):
        """`map(f)` / `flat_map(f)`: `f` alone is called with the whole row as one Row; a call
        `f(col("a"), ...)` with those arguments. The output is the function's columns only."""
        from pyflink.table.udf import UserDefinedScalarFunctionWrapper, UserDefinedTableFunctionWrapper
        site = sites.user_site(3)
        wrapper = UserDefinedScalarFunctionWrapper if kind == "map" else UserDefinedTableFunctionWrapper
        what = "a Python scalar function (udf)" if kind == "map" else "a Python table function (udtf)"
        names = []
        if isinstance(func, wrapper):
            call = Expression(f"{func._name}()", {func._name: func})
            whole_row = True
        elif isinstance(func, Expression):
            call = func
            names = list(getattr(func, "_names", []))
            whole_row = False
        else:
            raise JobDefinitionError(f"{api}() takes {what} or a call of one, got {type(func).__name__}", site)
        if kind != "map" and any(getattr(f, "_func_type", "general") == "pandas" for f in call._functions.values()):
            raise Unsupported(f"{api}() of a pandas function is not supported by sluice yet", site)
        text = getattr(call, "_call_sql", call._sql)
        spec = {"text": text, "kind": "expr", "arg": 0, "site": relative_site(site)}
        params = {"kind": kind, "call": spec, "whole_row": whole_row, "names": names}
        return self._add("table.map", params, [call], [spec])

    def aggregate(self, func):
        """An aggregate function over the whole table: its ROW result's fields are the columns of
        the following select()."""
        return AggregatedTable(self, [], [], func, sites.user_site(2), "aggregate")

    def flat_aggregate(self, func):
        """A table aggregate function over the whole table: the rows its emit_value yields."""
        return AggregatedTable(self, [], [], func, sites.user_site(2), "flat_aggregate")

    def map(self, func):
        return self._map(func, "map", "map")

    def flat_map(self, func):
        return self._map(func, "flat_map", "flat_map")

    def execute_insert(self, table_path_or_descriptor, overwrite=False):
        site = sites.user_site(2)
        sink = self._t_env._sink(self._node, table_path_or_descriptor, site, "execute_insert")
        return self._t_env._execute([sink], _insert_job_name(sink), site)

    def __str__(self):
        return self._t_env._anonymous_view(self)

    def execute(self):
        from pyflink.table.table_environment import TableResult
        return TableResult(table=self)

    def to_pandas(self):
        """The table's rows as a pandas DataFrame: the job runs to its end, its changelog applied (an
        update or delete removes the row it retracts), as PyFlink's `to_pandas()`."""
        import pandas as pd
        from pyflink.common.types import RowKind
        from pyflink.table.table_environment import TableResult
        rows = TableResult(table=self)._collect(sites.user_site(2))
        kept = []
        for row in rows:
            values = tuple(row)
            if row.get_row_kind() in (RowKind.INSERT, RowKind.UPDATE_AFTER):
                kept.append(values)
            elif values in kept:
                kept.remove(values)
        names = getattr(rows._rows, "field_names", None)
        return pd.DataFrame.from_records(kept, columns=names) if names is not None else pd.DataFrame(kept)

    def insert_into(self, table_path_or_descriptor, overwrite=False):
        """PyFlink 2.x: a TablePipeline to `execute()`. The sink also waits for the legacy
        `t_env.execute(name)`, which runs every pending insert as one job (PyFlink 1.10's style)."""
        from pyflink.table.table_pipeline import TablePipeline
        site = sites.user_site(2)
        sink = self._t_env._sink(self._node, table_path_or_descriptor, site, "insert_into")
        self._t_env._pending.append(sink)
        return TablePipeline(self._t_env, sink)


def _insert_job_name(sink):
    """Flink's name for an INSERT job: `insert-into_` and the sink table's full path."""
    name = sink.params["table"]
    if name.startswith("*anonymous_"):
        return "insert-into_" + name
    return "insert-into_default_catalog.default_database." + name


class JoinedTable(Table):
    """The result of `join()`: a `where()` directly after an inner join without a predicate becomes the
    join's condition (as Flink's planner pushes it into the join)."""

    def where(self, predicate):
        node = self._node
        if node.params.get("kind") == "inner" and node.params.get("predicate") is None:
            site = sites.user_site(2)
            specs = expression_specs([predicate], site, "where")
            from pyflink.table.table import _functions_in
            from pyflink.table.table_environment import _describe, _values
            functions = _functions_in(self._t_env, [predicate], specs)
            node.params["predicate"] = specs[0]
            node.params["functions"] = _describe(functions)
            node.values = dict(node.values or {}, **_values(functions))
            return Table(self._t_env, node)
        return Table.where(self, predicate)

    filter = where


class GroupedTable(UnsupportedMethods):
    _pyflink_name = "GroupedTable"

    def __init__(self, table, key_specs, key_args):
        self._table = table
        self._key_specs = key_specs
        self._key_args = key_args

    def select(self, *fields):
        site = sites.user_site(2)
        specs = expression_specs(fields, site, "select")
        args = list(self._key_args) + list(fields)
        return self._table._add("table.aggregate", {"keys": self._key_specs, "exprs": specs}, args,
                                self._key_specs + specs)

    def aggregate(self, func):
        return AggregatedTable(self._table, self._key_specs, self._key_args, func, sites.user_site(2), "aggregate")

    def flat_aggregate(self, func):
        return AggregatedTable(self._table, self._key_specs, self._key_args, func, sites.user_site(2),
                               "flat_aggregate")


class AggregatedTable(UnsupportedMethods):
    """`table.aggregate(f)` / `group_by(...).aggregate(f)`: its select() becomes a `table.aggregate`
    node whose `row_agg` is the call of `f` (a udaf of a ROW result_type); the select reads the
    group keys and the ROW's fields (or the call's aliases). `flat_aggregate(f)` (a udtaf) is the
    same with `flat`: the group's rows are what `emit_value` yields."""
    _pyflink_name = "AggregatedTable"

    def __init__(self, table, key_specs, key_args, func, site, api):
        from pyflink.table.udf import UserDefinedAggregateFunctionWrapper, UserDefinedTableAggregateFunctionWrapper
        self._whole_row = False
        if api == "flat_aggregate" and isinstance(func, UserDefinedTableAggregateFunctionWrapper):
            # PyFlink calls it with the whole row as one Row.
            func = Expression(f"{func._name}()", {func._name: func})
            self._whole_row = True
        elif isinstance(func, (UserDefinedAggregateFunctionWrapper, UserDefinedTableAggregateFunctionWrapper)):
            raise Unsupported(f"{api}() of a bare aggregate function is not supported by sluice yet (call it "
                              "on its arguments, e.g. f(col('a')))", site)
        if not isinstance(func, Expression):
            raise JobDefinitionError(f"{api}() takes an aggregate function call such as f(col('a')).alias('x', "
                                     f"'y'), got {type(func).__name__}", site)
        self._table = table
        self._key_specs = key_specs
        self._key_args = key_args
        self._func = func
        self._site = site
        self._api = api

    def select(self, *fields):
        site = sites.user_site(2)
        specs = expression_specs(fields, site, "select")
        call = self._func
        spec = {"text": getattr(call, "_call_sql", call._sql), "kind": "expr", "arg": 0,
                "site": relative_site(self._site)}
        params = {"keys": self._key_specs, "exprs": specs, "row_agg": spec,
                  "names": list(getattr(call, "_names", [])), "whole_row": self._whole_row,
                  "flat": self._api == "flat_aggregate"}
        args = list(self._key_args) + [call] + list(fields)
        return self._table._add("table.aggregate", params, args, self._key_specs + [spec] + specs)


class OverWindowedTable(UnsupportedMethods):
    """`table.over_window(w)`: its select() becomes a `table.over` node (the window as SQL window spec
    text, the select list with `AGG(x) OVER w` calls)."""
    _pyflink_name = "OverWindowedTable"

    def __init__(self, table, window, site):
        self._table = table
        self._window = window
        self._site = site

    def select(self, *fields):
        site = sites.user_site(2)
        specs = expression_specs(fields, site, "select")
        window = {"text": self._window._spec, "kind": "expr", "arg": 0, "site": relative_site(self._site)}
        return self._table._add("table.over", {"window": window, "alias": self._window._alias, "exprs": specs},
                                fields, specs)


class GroupWindowedTable(UnsupportedMethods):
    """`table.window(w)`: the window becomes a `table.window` node appending window_start, window_end
    and window_time (as SQL's TUMBLE table function does); grouping by the window's alias groups by
    window_start and window_end, and `w.start` / `w.end` / `w.rowtime` read those columns."""
    _pyflink_name = "GroupWindowedTable"

    def __init__(self, table, window, site):
        self._table = table
        self._window = window
        self._site = site

    def group_by(self, *fields):
        site = sites.user_site(2)
        w = self._window
        at = relative_site(self._site)
        size = {"text": w._size, "kind": "expr", "arg": 0, "site": at}
        time = {"text": w._time_field, "kind": "expr", "arg": 0, "site": at}
        params = {"kind": w._kind, "size": size, "time": time}
        if w._slide is not None:
            params["slide"] = {"text": w._slide, "kind": "expr", "arg": 0, "site": at}
        windowed = self._table._add("table.window", params)
        specs = expression_specs(fields, site, "group_by")
        aliases = {w._alias, "`" + w._alias + "`"}
        if not any(s["text"].strip() in aliases for s in specs):
            raise JobDefinitionError(f"group_by() of a windowed table must name the window `{w._alias}`", site)
        keys = []
        for s in specs:
            if s["text"].strip() in aliases:
                keys.append(dict(s, text="window_start, window_end", kind="string"))
            else:
                keys.append(s)
        args = [f for f, s in zip(fields, specs) if s["text"].strip() not in aliases]
        return GroupedTable(windowed, keys, args)
