"""Run-time driver: execute the job script inside a sluice binary.

The native runtime calls `run(...)` once. The script runs as `__main__` exactly as `python job.py ARGS`
would; each `env.execute()` hands its job to `native.execute`. Returns the process exit code.
"""
import builtins
import linecache
import os
import sys
import traceback
import types

from _sluice import session
from _sluice.errors import JobFailed, SluiceError


def _report_metrics():
    from _sluice import metrics
    for line in metrics.summary_lines():
        print(line, file=sys.stderr)


def run(job_file, source, argv, native):
    session.mode = "run"
    session.native = native
    session.job_dir = os.path.dirname(job_file)
    sys.argv = [job_file] + list(argv)
    linecache.cache[job_file] = (len(source), None, source.splitlines(True), job_file)
    module = types.ModuleType("__main__")
    module.__file__ = job_file
    module.__builtins__ = builtins
    sys.modules["__main__"] = module
    port = os.environ.get("SLUICE_METRICS_PORT")
    if port:
        from _sluice import metrics
        metrics.serve(port)
    try:
        exec(compile(source, job_file, "exec"), module.__dict__)
        _report_metrics()
        return 0
    except SystemExit as exc:
        if exc.code is None:
            return 0
        if isinstance(exc.code, int):
            return exc.code
        print(exc.code, file=sys.stderr)
        return 1
    except JobFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except SluiceError as exc:
        site = exc.site
        where = f"{site['file']}:{site['line']}:{site['col'] + 1}: " if site else ""
        print(f"error: {where}{exc.message}", file=sys.stderr)
        return 2
    except BaseException:
        traceback.print_exc()
        return 1
    finally:
        sys.stdout.flush()
