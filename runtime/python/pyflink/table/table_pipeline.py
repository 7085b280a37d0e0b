"""TablePipeline: what PyFlink 2.x's `Table.insert_into(...)` returns, a query and the sink it writes to.

`execute()` runs that one insert as a job (and takes it out of the inserts a legacy `t_env.execute()`
would run); the sink itself was recorded by `insert_into`, so errors about it point there.
"""
from _sluice import sites
from _sluice.errors import UnsupportedMethods

__all__ = ["TablePipeline"]


class TablePipeline(UnsupportedMethods):
    _pyflink_name = "TablePipeline"

    def __init__(self, t_env, sink):
        self._t_env = t_env
        self._sink = sink

    def execute(self):
        from pyflink.table.table import _insert_job_name
        site = sites.user_site(2)
        if self._sink in self._t_env._pending:
            self._t_env._pending.remove(self._sink)
        return self._t_env._execute([self._sink], _insert_job_name(self._sink), site)

    def get_sink_identifier(self):
        name = self._sink.params["table"]
        if name.startswith("*anonymous_"):
            return None
        return f"`default_catalog`.`default_database`.`{name}`"

    def __str__(self):
        return f"TablePipeline(sink={self._sink.params['table']})"
