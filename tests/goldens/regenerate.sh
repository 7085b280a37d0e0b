#!/usr/bin/env bash
# Regenerate the golden outputs (examples/<name>/expected.out) by running each
# example job on a real PyFlink installation and capturing its exact stdout.
#
# CI never runs this script: the goldens are checked in, and CI only compares
# sluice-compiled binaries against them. Run it by hand when you add or change
# an example, then review and commit the updated expected.out files.
#
# Requirements: Java 17 and a PyFlink 2.3.0 virtualenv. To install the venv:
#   python3 -m venv /work/venvs/pyflink && /work/venvs/pyflink/bin/pip install apache-flink==2.3.0
#
# Usage: tests/goldens/regenerate.sh [PYFLINK_VENV] [example-name...]
#   PYFLINK_VENV  path to the venv (default: $PYFLINK_VENV, else /work/venvs/pyflink).
#                 The first argument is taken as the venv if it is a directory
#                 containing bin/python; otherwise it is treated as an example name.
#   example-name  only regenerate these examples (default: every examples/*/ with job.py).
#
# Per example: cwd is examples/<name>/, arguments come from examples/<name>/args
# (one argument per line, optional), stdout -> expected.out. stderr is kept in a
# temp file and shown only if the job fails; any failure aborts the script.
# Each job takes ~7-10 s (JVM start-up).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
examples_dir="$repo_root/examples"

venv="${PYFLINK_VENV:-/work/venvs/pyflink}"
if [[ $# -gt 0 && -x "$1/bin/python" ]]; then
    venv="$(cd "$1" && pwd)"
    shift
elif [[ $# -gt 0 && "$1" == */* && ! -f "$examples_dir/${1#examples/}/job.py" ]]; then
    echo "error: '$1' is neither a PyFlink venv (no bin/python) nor an example" >&2
    exit 1
fi
if [[ ! -x "$venv/bin/python" ]]; then
    echo "error: PyFlink venv not found at '$venv' (no bin/python)" >&2
    echo "install it with: python3 -m venv $venv && $venv/bin/pip install apache-flink==2.3.0" >&2
    exit 1
fi

names=()
if [[ $# -gt 0 ]]; then
    for n in "$@"; do
        n="${n%/}"
        n="${n#examples/}"
        if [[ ! -f "$examples_dir/$n/job.py" ]]; then
            echo "error: no such example: $examples_dir/$n/job.py" >&2
            exit 1
        fi
        names+=("$n")
    done
else
    for d in "$examples_dir"/*/; do
        [[ -f "$d/job.py" ]] && names+=("$(basename "$d")")
    done
fi
if [[ ${#names[@]} -eq 0 ]]; then
    echo "error: no examples found under $examples_dir" >&2
    exit 1
fi

stderr_file="$(mktemp)"
out_tmp="$(mktemp)"
trap 'rm -f "$stderr_file" "$out_tmp"' EXIT

for name in "${names[@]}"; do
    dir="$examples_dir/$name"
    job_args=()
    if [[ -f "$dir/args" ]]; then
        while IFS= read -r line || [[ -n "$line" ]]; do
            job_args+=("$line")
        done < "$dir/args"
    fi
    echo "==> $name ${job_args[*]:-}" >&2
    status=0
    (
        cd "$dir"
        # The venv's bin must come first on PATH so Flink's Python worker
        # (spawned as `python`) picks up the venv's interpreter and pyflink.
        PATH="$venv/bin:$PATH" VIRTUAL_ENV="$venv" \
            python job.py ${job_args[@]+"${job_args[@]}"}
    ) >"$out_tmp" 2>"$stderr_file" || status=$?
    if [[ $status -ne 0 ]]; then
        echo "error: $name failed with exit status $status; stderr:" >&2
        cat "$stderr_file" >&2
        echo "error: $name: expected.out left unchanged" >&2
        exit "$status"
    fi
    cp "$out_tmp" "$dir/expected.out"
    echo "    wrote examples/$name/expected.out ($(wc -l < "$dir/expected.out") lines)" >&2
done
