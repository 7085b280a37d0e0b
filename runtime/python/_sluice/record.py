"""Compile-time driver: run a job script in record mode and write what it built as JSON.

    python -m _sluice.record OUT.json JOB.py [ARGS...]

Runs the script as `python JOB.py ARGS` would (as `__main__`, with its directory on sys.path), with the
shim recording instead of running. Writes {"jobs": [...], "modules": [...], "error": ...}. The script's
own prints go to stderr so that sluice's stdout stays machine-readable.
"""
import json
import os
import runpy
import sys
import traceback

from _sluice import session, sites
from _sluice.errors import SluiceError


def _error(category, message, site, trace=None):
    return {"category": category, "message": message, "site": _relative_site(site), "traceback": trace}


def _relative_site(site):
    if site and site.get("file") and session.job_dir and os.path.isabs(site["file"]):
        site = dict(site)
        site["file"] = os.path.relpath(site["file"], session.job_dir)
    return site


def _user_traceback(exc):
    """The traceback of the job's own frames only, with paths relative to the job's directory."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if not sites.is_shim_file(f.filename) and not f.filename.startswith("<")]
    for frame in frames:
        if session.job_dir and os.path.isabs(frame.filename):
            frame.filename = os.path.relpath(frame.filename, session.job_dir)
    lines = ["Traceback (most recent call last):\n"] + traceback.format_list(frames)
    lines += traceback.format_exception_only(type(exc), exc)
    return "".join(lines)


def _import_error(exc):
    name = getattr(exc, "name", None) or ""
    if not name.startswith("pyflink"):
        return None
    if isinstance(exc, ModuleNotFoundError):
        what = f"module {name}"
    else:
        missing = str(exc).split("'")[1] if "'" in str(exc) else str(exc)
        what = f"{name}.{missing}"
    return _error("unsupported", f"{what} is not supported by sluice yet", sites.traceback_site(exc.__traceback__))


def _sibling_modules(job_path):
    job_dir = session.job_dir + os.sep
    found = []
    for name, module in sorted(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if not path or name == "__main__":
            continue
        path = os.path.abspath(path)
        if path == job_path or not path.startswith(job_dir) or sites.is_shim_file(path):
            continue
        found.append({"name": name, "file": os.path.relpath(path, session.job_dir),
                      "package": os.path.basename(path) == "__init__.py"})
    return found


def _site_dirs():
    """Where this interpreter finds third-party packages (a venv's included): the binary, which links
    the base interpreter's libpython, adds them so the job imports what it imported here."""
    import site
    dirs = list(site.getsitepackages()) if hasattr(site, "getsitepackages") else []
    user = site.getusersitepackages() if hasattr(site, "getusersitepackages") else None
    if user and site.ENABLE_USER_SITE:
        dirs.append(user)
    return [d for d in dirs if os.path.isdir(d)]


def main():
    out_path, job_path, *args = sys.argv[1:]
    job_path = os.path.abspath(job_path)
    session.mode = "record"
    session.job_dir = os.path.dirname(job_path)
    sys.argv = [job_path] + args
    sys.path.insert(0, session.job_dir)
    real_stdout, sys.stdout = sys.stdout, sys.stderr
    error = None
    try:
        runpy.run_path(job_path, run_name="__main__")
    except SystemExit as exc:
        if exc.code not in (None, 0):
            error = _error("user", f"the job exited with status {exc.code} while sluice ran it to record the "
                           "job graph (does it need arguments? pass them after --)", None)
    except SluiceError as exc:
        error = _error(exc.category, exc.message, exc.site)
    except ImportError as exc:
        error = _import_error(exc) or _error("user", f"{type(exc).__name__}: {exc}",
                                             sites.traceback_site(exc.__traceback__), _user_traceback(exc))
    except BaseException as exc:  # the job's own exception: report it where it happened
        message = f"the job raised {type(exc).__name__}: {exc}"
        if session.collected is not None:
            at = _relative_site(session.collected) or {}
            message += (f" (note: while sluice compiles the job, the results of collect()/to_pandas() at "
                        f"{at.get('file')}:{at.get('line')} are empty; code that needs them runs in the binary)")
        error = _error("user", message, sites.traceback_site(exc.__traceback__), _user_traceback(exc))
    finally:
        sys.stdout = real_stdout
    result = {"jobs": session.jobs, "modules": _sibling_modules(job_path), "error": error,
              "site_dirs": _site_dirs(),
              # The interpreter whose libpython the binary links: a venv's base, resolved, so that
              # every build names the same one (pyo3 rebuilds when PYO3_PYTHON changes).
              "base_python": os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)}
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(result, out, indent=1, default=repr)


if __name__ == "__main__":
    main()
