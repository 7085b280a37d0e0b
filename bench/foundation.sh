#!/usr/bin/env bash
# Foundation measurements (issue 2): second-job build time with a warm shared target dir, startup to
# first output line and peak RSS of the state_access binary, and records/s of the seed's state job.
# Usage: bench/foundation.sh [COUNT]   (COUNT records for the throughput run; default 1000000)
# Optionally PYFLINK_VENV=/path/to/venv runs the same state job on PyFlink 2.3 for comparison.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
count=${1:-1000000}
export SLUICE_TARGET_DIR=${SLUICE_TARGET_DIR:-$root/target/bench-jobs}
cd "$root"
cargo build -q -p sluice
sluice=$root/target/debug/sluice
out=$root/target/bench-crates

"$sluice" build examples/state_access/job.py -o "$out/state_access" > /dev/null    # warms the target dir
start=$(date +%s.%N)
bin=$("$sluice" build examples/collection_argparse/job.py -o "$out/collection_argparse" | tail -1)
echo "second job build (release, warm target dir): $(echo "$(date +%s.%N) - $start" | bc) s"

state=$out/../bench-jobs/release/state_access
(cd examples/state_access && python3 "$root/bench/first_line.py" "$state")
(cd examples/state_access && /usr/bin/time -f "state_access peak RSS: %M KB" "$state" > /dev/null)

counter=$("$sluice" build bench/jobs/state_count.py -o "$out/state_count" | tail -1)
for n in 1000 "$count"; do
  /usr/bin/time -f "state_count --count $n: %e s, peak RSS %M KB" "$counter" --count "$n" > /dev/null
done
echo "records/s excluding startup = ($count - 1000) / (t($count) - t(1000))"

if [ -n "${PYFLINK_VENV:-}" ]; then
  PATH="$PYFLINK_VENV/bin:$PATH" /usr/bin/time -f "PyFlink state_count --count $count: %e s, peak RSS (client only) %M KB" \
    python bench/jobs/state_count.py --count "$count" > /dev/null
fi
