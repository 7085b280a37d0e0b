"""Process-wide state of the shim: which mode the job script runs in and what it has produced.

`mode` is "record" while the compiler runs the script, "run" inside a sluice binary. In record mode each
`env.execute()` appends a described job to `jobs`; in run mode it calls `native.execute`.
"""
mode = "record"
jobs = []
job_dir = None
native = None
executed = 0
# Record mode: the site of the first collect()/to_pandas(), whose results are empty there.
collected = None
