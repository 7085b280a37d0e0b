"""sluice's `pyflink` shim: PyFlink's Python API, recorded by the compiler and run by the sluice runtime.

Jobs import this package exactly as they import PyFlink. Names sluice does not support yet import fine
and fail with a located "not supported" error when used.
"""
