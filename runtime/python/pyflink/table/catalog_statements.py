"""The catalog as the script sees it: `list_tables()` & co., `DROP TABLE/VIEW`, and `SHOW ...`
statements, answered from the tables, views and functions the script registered (one catalog,
`default_catalog`, one database, `default_database`, as a fresh Flink session has). SHOW results
print as Flink prints them: a boxed table without an `op` column, columns as wide as their values."""
import re

from _sluice.errors import JobDefinitionError, Unsupported

_DROP = re.compile(r"^\s*DROP\s+(TEMPORARY\s+)?(TABLE|VIEW)\s+(IF\s+EXISTS\s+)?([`\w.]+)\s*;?\s*$", re.IGNORECASE)
_SHOW = re.compile(r"^\s*SHOW\s+(TABLES|VIEWS|CATALOGS|DATABASES|CURRENT\s+CATALOG|CURRENT\s+DATABASE"
                   r"|USER\s+FUNCTIONS)\s*;?\s*$", re.IGNORECASE)


def user_views(t_env):
    """The views the script named (not those Flink names when a Table is put in SQL text)."""
    return [name for name in t_env._views if not name.startswith("UnnamedTable$")]


def tables(t_env):
    return sorted(set(t_env._tables) | set(user_views(t_env)))


def temporary_tables(t_env):
    return sorted(n for n in tables(t_env) if n in t_env._temporary)


def views(t_env):
    return sorted(user_views(t_env))


def temporary_views(t_env):
    return sorted(n for n in user_views(t_env) if n in t_env._temporary)


class StaticResult(object):
    """The result of a statement that runs no job: its rows, printed as Flink prints them."""

    def __init__(self, header, rows):
        self._header = header
        self._rows = rows

    def wait(self, timeout_ms=None):
        return None

    def get_job_client(self):
        return None

    def print(self):
        if self._header == "result":
            print("OK")  # a statement's result prints as Flink prints it, not boxed
            return
        if not self._rows:
            print("Empty set")
            return
        width = max([len(self._header)] + [len(r) for r in self._rows])
        border = "+" + "-" * (width + 2) + "+"
        lines = [border, "| " + self._header.rjust(width) + " |", border]
        lines += ["| " + r.rjust(width) + " |" for r in self._rows]
        plural = "" if len(self._rows) == 1 else "s"
        lines += [border, f"{len(self._rows)} row{plural} in set"]
        print("\n".join(lines))

    def collect(self):
        from pyflink.common.types import Row
        from _sluice.execution import CloseableIterator
        return CloseableIterator(iter([Row(r) for r in self._rows]))


def drop(t_env, statement, site):
    """A DROP TABLE / VIEW statement, or None when `statement` is not one."""
    match = _DROP.match(statement)
    if match is None:
        return None
    temporary, kind, if_exists, name = match.groups()
    name = name.replace("`", "").split(".")[-1]
    registry = t_env._tables if kind.upper() == "TABLE" else t_env._views
    if name not in registry:
        if if_exists:
            return StaticResult("result", ["OK"])
        what = "Temporary table" if temporary else kind.capitalize()
        raise JobDefinitionError(f"{what} with identifier 'default_catalog.default_database.{name}' does not exist.",
                                 site)
    del registry[name]
    t_env._temporary.discard(name)
    return StaticResult("result", ["OK"])


def show(t_env, statement, site):
    """A SHOW statement's result, or None when `statement` is not one sluice answers."""
    match = _SHOW.match(statement)
    if match is None:
        if re.match(r"^\s*(SHOW|DESCRIBE|DESC|EXPLAIN)\b", statement, re.IGNORECASE):
            first = statement.split(None, 2)[:2]
            raise Unsupported(f"the SQL statement {' '.join(first).upper()} ... is not supported by sluice yet", site)
        return None
    what = " ".join(match.group(1).upper().split())
    if what == "TABLES":
        return StaticResult("table name", tables(t_env))
    if what == "VIEWS":
        return StaticResult("view name", views(t_env))
    if what == "CATALOGS":
        return StaticResult("catalog name", ["default_catalog"])
    if what == "DATABASES":
        return StaticResult("database name", ["default_database"])
    if what == "CURRENT CATALOG":
        return StaticResult("current catalog name", ["default_catalog"])
    if what == "CURRENT DATABASE":
        return StaticResult("current database name", ["default_database"])
    return StaticResult("function name", sorted(t_env._functions))
