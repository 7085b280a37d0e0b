"""sluice's side of the `pyflink` shim.

Owns what the shim needs beyond PyFlink's API surface: the mode the job script runs in (recording at
compile time, running inside a sluice binary), the job graph the API calls build, call-site capture for
diagnostics, and the "not supported" error every shim module raises for constructs sluice lacks.
"""
