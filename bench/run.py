#!/usr/bin/env python3
"""sluice's benchmark suite: each job on sluice and, given a PyFlink venv, on PyFlink, in one run.

    python3 bench/run.py [--small] [--debug] [--pyflink VENV] [--jobs state,window] [--sizes N1,N2] [--rows N] [--repeat K]

Per job and engine: records/s excluding start-up (from a small and a large input: (n2-n1)/(t2-t1)),
start-up (the whole run on 10 records: start, job, exit), peak RSS of the whole process tree (the JVM and Python workers too,
for PyFlink), and sluice/PyFlink ratios. Results are appended to bench/results.csv with the date and
the machine. `--small` uses tiny inputs so CI can run the suite without PyFlink (it cannot rot);
`--rows N` measures on N records (and N/10 for the small input) instead of each job's full sizes;
`--repeat K` times each size K times and uses the median.
"""
import argparse
import csv
import datetime
import os
import platform
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CDN_INPUT = os.path.join(ROOT, "target", "bench-data", "cdn.csv")


def write_cdn_csv(n):
    """n CDN log lines (uuid,client_ip,request_time,response_size,uri) at CDN_INPUT, the same each time."""
    os.makedirs(os.path.dirname(CDN_INPUT), exist_ok=True)
    ips = ["27.184.139.25", "36.110.1.2", "58.61.99.7", "101.226.0.9", "112.85.4.4", "202.96.128.86", "10.0.0.1"]
    uris = ["/index.html", "/js/app.js", "/video/a.mp4", "/img/logo.png", "/dl/pkg.tar.gz"]
    with open(CDN_INPUT, "w") as f:
        state = 42
        lines = []
        for i in range(n):
            state = (state * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
            lines.append(f"{i:08d},{ips[(state >> 33) % 7]},{(state >> 20) % 90 + 1},{(state >> 40) % 100000},"
                         f"{uris[(state >> 50) % 5]}\n")
            if len(lines) == 100_000:
                f.write("".join(lines))
                lines.clear()
        f.write("".join(lines))


JOBS = {
    # name: (job file, argument template, sizes (small run), sizes (full run), input writer or None)
    "state": ("bench/jobs/state_count.py", ["--count", "{n}"], (1_000, 20_000), (100_000, 1_000_000), None),
    "window": ("bench/jobs/window_count.py", ["--count", "{n}"], (1_000, 20_000), (100_000, 1_000_000), None),
    "cdn": ("bench/jobs/cdn_udf.py", [], (1_000, 20_000), (500_000, 5_000_000), write_cdn_csv),
    "sql": ("bench/jobs/cdn_sql.py", [], (1_000, 20_000), (500_000, 5_000_000), write_cdn_csv),
    # The CDN job with a pandas UDF (needs pandas and pyarrow in the Python sluice embeds). Its small
    # run is larger: importing pandas (~1 s) varies more than 20,000 rows take.
    "pandas": ("bench/jobs/cdn_pandas.py", [], (1_000, 100_000), (500_000, 5_000_000), write_cdn_csv),
}


def tree_rss_kb(pid):
    """Resident memory of a process and all its descendants, from /proc."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        stack.extend(children.get(p, []))
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def measure(cmd, cwd, env=None):
    """(seconds to first output line, total seconds, peak tree RSS in KB, exit code)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss_kb(proc.pid))
            done.wait(0.05)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    first = None
    for _ in proc.stdout:
        if first is None:
            first = time.perf_counter() - start
    proc.wait()
    total = time.perf_counter() - start
    done.set()
    sampler.join()
    return first if first is not None else total, total, peak[0], proc.returncode


def build_sluice(job, debug, record_args=()):
    env = dict(os.environ, SLUICE_TARGET_DIR=os.path.join(ROOT, "target", "bench-jobs"))
    cmd = [os.path.join(ROOT, "target", "debug", "sluice"), "build", job,
           "-o", os.path.join(ROOT, "target", "bench-crates", os.path.basename(job)[:-3])]
    if debug:
        cmd.append("--debug")
    if record_args:
        cmd += ["--", *record_args]
    out = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, check=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def run_engine(engine, command, job_args, sizes, prepare, repeat=1):
    """Rates from the median of `repeat` timings per size (start-up times vary by seconds on PyFlink)."""
    if prepare:
        prepare(10)
    startup = measure(command + [a.format(n=10) for a in job_args], ROOT, engine.get("env"))[1]
    runs = []
    for n in sizes:
        if prepare:
            prepare(n)
        args = [a.format(n=n) for a in job_args]
        totals, peak = [], 0
        for _ in range(repeat):
            _, total, rss, code = measure(command + args, ROOT, engine.get("env"))
            if code != 0:
                raise SystemExit(f"{engine['name']} failed on {' '.join(command + args)} (exit {code})")
            totals.append(total)
            peak = max(peak, rss)
        runs.append((n, sorted(totals)[len(totals) // 2], peak))
    (n1, t1, _), (n2, t2, _) = runs
    rate = (n2 - n1) / max(t2 - t1, 1e-9)
    return {"records_per_s": rate, "startup_s": startup, "peak_rss_mb": max(r[2] for r in runs) / 1024,
            "n": n2, "seconds": t2}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true", help="tiny inputs (CI)")
    parser.add_argument("--debug", action="store_true", help="build jobs with the dev profile")
    parser.add_argument("--pyflink", help="a venv with apache-flink 2.3 installed")
    parser.add_argument("--jobs", default=",".join(JOBS))
    parser.add_argument("--sizes", help="the two input sizes N1,N2 instead of the job's own (a medium run)")
    parser.add_argument("--rows", type=int, help="records of the large input (the small one: a tenth)")
    parser.add_argument("--repeat", type=int, default=1, help="timings per size (their median is used)")
    parser.add_argument("--csv", default=os.path.join(ROOT, "bench", "results.csv"))
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "-q", "-p", "sluice"], cwd=ROOT, check=True)
    date = datetime.date.today().isoformat()
    machine = f"{platform.machine()} {os.cpu_count()} cores"
    rows = []
    for name in args.jobs.split(","):
        job, job_args, small, full, prepare = JOBS[name]
        sizes = small if args.small else full
        if args.rows:
            sizes = (max(args.rows // 10, 1), args.rows)
        if args.sizes:
            sizes = tuple(int(n) for n in args.sizes.split(","))
        if prepare:
            prepare(10)
        binary = build_sluice(job, args.debug)
        results = {"sluice": run_engine({"name": "sluice"}, [binary], job_args, sizes, prepare, args.repeat)}
        if args.pyflink:
            env = dict(os.environ, PATH=os.path.join(args.pyflink, "bin") + os.pathsep + os.environ["PATH"])
            results["pyflink"] = run_engine({"name": "pyflink", "env": env},
                                            [os.path.join(args.pyflink, "bin", "python"), job], job_args, sizes, prepare,
                                            args.repeat)
        for engine, r in results.items():
            ratio = ""
            if "pyflink" in results and engine == "sluice":
                ratio = f"{r['records_per_s'] / results['pyflink']['records_per_s']:.1f}x"
            print(f"{name:8} {engine:8} {r['records_per_s']:>12,.0f} rec/s  start {r['startup_s']:.3f} s  "
                  f"peak RSS {r['peak_rss_mb']:7.1f} MB  {ratio}")
            rows.append([date, machine, name, engine, r["n"], f"{r['seconds']:.3f}", f"{r['records_per_s']:.0f}",
                         f"{r['startup_s']:.3f}", f"{r['peak_rss_mb']:.1f}", ratio,
                         args.sizes or ("small" if args.small else "rows" if args.rows else "full"),
                         "debug" if args.debug else "release"])
    new = not os.path.exists(args.csv)
    with open(args.csv, "a", newline="") as f:
        writer = csv.writer(f)
        if new:
            writer.writerow(["date", "machine", "job", "engine", "records", "seconds", "records_per_s",
                             "startup_s", "peak_rss_mb", "vs_pyflink", "inputs", "profile"])
        writer.writerows(rows)
    print(f"appended {len(rows)} rows to {os.path.relpath(args.csv, ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
