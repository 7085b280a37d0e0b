"""`env.execute()`: describe the job (record mode) or hand it to the native runtime (run mode)."""
from _sluice import session
from _sluice.errors import JobShapeChanged
from _sluice.graph import describe_job


class JobExecutionResult(object):
    def __init__(self, job_name):
        self._job_name = job_name

    def get_job_id(self):
        return "00000000000000000000000000000000"

    def get_job_name(self):
        return self._job_name

    def get_net_runtime(self):
        return 0

    def get_accumulator_result(self, name):
        return None

    def get_all_accumulator_results(self):
        return {}

    def is_job_execution_result(self):
        return True

    def get_job_execution_result(self):
        return self


class CloseableIterator(object):
    """The rows of `TableResult.collect()` (PyFlink `Row`s with their row kinds) or the elements of
    `DataStream.execute_and_collect()`; a context manager. The
    job runs while the script iterates; `close()` stops it."""

    def __init__(self, rows):
        self._rows = rows

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._rows)

    def next(self):
        return next(self._rows)

    def close(self):
        close = getattr(self._rows, "close", None)
        if close is not None:
            close()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.close()


def _rebuild_hint():
    import os
    import shlex
    import sys
    args = " ".join(shlex.quote(a) for a in sys.argv[1:])
    return f"sluice build {os.path.basename(sys.argv[0])}" + (f" -- {args}" if args else "")


def execute(nodes, config, name, site, collect=False):
    """Runs the job (records it, in record mode). `collect`: the job ends in a collect sink; returns
    the iterator over its rows (empty in record mode: the job's results exist only in the binary)."""
    index = session.executed
    session.executed += 1
    job = describe_job(nodes, config, name, site)
    if session.mode == "record":
        session.jobs.append(job)
        if collect:
            if session.collected is None:
                session.collected = site
            return iter(())
        return JobExecutionResult(name)
    expected = session.native.expected_shape(index)
    if expected is None:
        raise JobShapeChanged(f"this run executes job #{index + 1}, but the binary was compiled for "
                              f"{session.native.job_count()} job(s); rebuild with these arguments: "
                              f"{_rebuild_hint()}", site)
    if expected != job["shape_hash"]:
        raise JobShapeChanged("these arguments build a different job than the one this binary was compiled "
                              "from (its operators or types changed, not only its values); rebuild with "
                              f"them: {_rebuild_hint()}", site)
    bindings = [{"id": i, "op": n.op, "udf": n.udf, "values": n.values} for i, n in enumerate(nodes)]
    import sys
    sys.stdout.flush()  # the script's own prints come before the job's output
    if collect:
        return session.native.execute_collect(index, bindings)
    session.native.execute(index, bindings)
    return JobExecutionResult(name)
