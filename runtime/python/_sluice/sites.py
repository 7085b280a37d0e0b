"""Call sites: where in the user's job a shim API call was made.

A site is the innermost stack frame outside the shim itself, with the exact span CPython 3.11 records
for the instruction being executed (1-based lines, 0-based UTF-8 byte columns), so the compiler can point
a diagnostic at `job.py:LINE:COL` and find the call expression in the job's AST.
"""
import os
import sys

_SHIM_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_SHIM_PREFIXES = (os.path.join(_SHIM_ROOT, "pyflink") + os.sep, os.path.join(_SHIM_ROOT, "_sluice") + os.sep,
                  "<sluice>")


def is_shim_file(filename):
    return filename.startswith(_SHIM_PREFIXES) or filename.startswith("<frozen") or filename.startswith("<sluice")


def frame_span(frame):
    """(line, col, end_line, end_col) of the instruction a frame is executing, or a line-only span."""
    code = frame.f_code
    lasti = frame.f_lasti
    try:
        positions = list(code.co_positions())
        line, end_line, col, end_col = positions[lasti // 2]
    except (AttributeError, IndexError, ValueError):
        line, end_line, col, end_col = frame.f_lineno, None, None, None
    line = line or frame.f_lineno or 0
    return {
        "file": code.co_filename,
        "line": line,
        "col": col if col is not None else 0,
        "end_line": end_line if end_line is not None else line,
        "end_col": end_col if end_col is not None else (col or 0),
    }


def user_site(depth_hint=1):
    """The span of the innermost user frame calling into the shim."""
    frame = sys._getframe(depth_hint)
    while frame is not None and is_shim_file(frame.f_code.co_filename):
        frame = frame.f_back
    if frame is None:
        return None
    return frame_span(frame)


def traceback_site(tb):
    """The innermost user frame of a traceback (for exceptions raised while the job script runs)."""
    site = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not is_shim_file(filename) and not filename.startswith("<"):
            site = _tb_span(tb)
        tb = tb.tb_next
    return site


def _tb_span(tb):
    code = tb.tb_frame.f_code
    try:
        line, end_line, col, end_col = list(code.co_positions())[tb.tb_lasti // 2]
    except (AttributeError, IndexError, ValueError):
        line, end_line, col, end_col = tb.tb_lineno, None, None, None
    line = line or tb.tb_lineno
    return {"file": code.co_filename, "line": line, "col": col or 0,
            "end_line": end_line or line, "end_col": end_col if end_col is not None else (col or 0)}
