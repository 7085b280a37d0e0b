#!/usr/bin/env bash
# The harness micro-benchmark cases (runtime/benches/support/harness_cases.rs) counted in instructions
# under callgrind, which does not depend on what else the machine runs: each case runs LOW and HIGH
# batches of 1,024 `add(i, j)` calls, and the difference per call is reported with its ratio to the
# floors (a pure CPython loop over ints Python holds; a loop making its ints with range).
# Usage: bench/harness_instructions.sh [LOW HIGH]   (default 20 120)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
low=${1:-20}
high=${2:-120}
cd "$root"
cargo build -q --release -p sluice-runtime --example harness_instructions
bin=$root/target/release/examples/harness_instructions
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

count() { # CASE BATCHES -> total instructions
  valgrind --tool=callgrind --callgrind-out-file="$work/out" "$bin" "$1" "$2" 2>"$work/log" >/dev/null
  grep -m1 -oP '(?<=Collected : )\d+' "$work/log" || { cat "$work/log" >&2; exit 1; }
}

per_call() { # CASE -> instructions per add() call
  local a b
  a=$(count "$1" "$low")
  b=$(count "$1" "$high")
  echo $(( (b - a) / ((high - low) * 1024) ))
}

rows=$(per_call rows)
tuples=$(per_call tuples)
distinct_values=$(per_call distinct_values_made)
floor=$(per_call floor)
floor_range=$(per_call floor_range)
floor_tuples=$(per_call floor_tuples)
printf '%-22s %12s %10s %14s\n' case instr/call 'x floor' 'x floor_range'
for case in floor floor_range values values_distinct table_select table_select_distinct; do
  n=$(per_call "$case")
  # The row cases make their input batch inside the counted loop; that is not the harness's work.
  case $case in
    table_select*) n=$(( n - rows )) ;;
    values_distinct) n=$(( n - distinct_values )) ;;
  esac
  printf '%-22s %12d %10.2f %14.2f\n' "$case" "$n" "$(echo "$n / $floor" | bc -l)" "$(echo "$n / $floor_range" | bc -l)"
done
# The DataStream map calls add_tuple(t), not add(i, j): its floor is a CPython loop making those calls.
n=$(( $(per_call datastream_map) - tuples ))
printf '%-22s %12d %10s\n' floor_tuples "$floor_tuples" '(1.00)'
printf '%-22s %12d %10.2f   (x floor_tuples)\n' datastream_map "$n" "$(echo "$n / $floor_tuples" | bc -l)"
echo "(making one input row / tuple / distinct value pair, subtracted from those cases: $rows / $tuples / $distinct_values instructions)"
