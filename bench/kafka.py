#!/usr/bin/env python3
"""Kafka benchmark (sluice only: PyFlink's Kafka connector is a Maven jar this machine cannot fetch).

    python3 bench/kafka.py [--small] [--debug] [--servers 127.0.0.1:19092]
    python3 bench/kafka.py --latency RATE    # end-to-end latency p50/p99 at a fixed input rate

For two input sizes: a datagen -> Kafka job produces N JSON orders to a fresh topic (sink rate), then
the Kafka -> filter -> Kafka job reads them to the end (source + sink rate). Records/s exclude start-up
((n2-n1)/(t2-t1)); rows are appended to bench/results.csv like bench/run.py's. Needs a broker
(`tests/services.sh start`) and the tansu CLI to create topics; without them it says so and exits 0.
"""
import argparse
import datetime
import os
import platform
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import ROOT, build_sluice, measure  # noqa: E402


# tansu does not create topics on first use; its CLI creates them (tests/services.sh installs it here).
TANSU = os.environ.get("SLUICE_TANSU", os.path.expanduser("~/.cache/sluice/tansu/bin/tansu"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--debug", action="store_true")
    parser.add_argument("--servers", default="127.0.0.1:19092")
    parser.add_argument("--csv", default=os.path.join(ROOT, "bench", "results.csv"))
    parser.add_argument("--latency", type=int, metavar="RATE",
                        help="instead: end-to-end latency p50/p99 at RATE records/s for 10 s")
    args = parser.parse_args()
    host, port = args.servers.split(":")
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
    except OSError:
        print(f"kafka bench: no broker on {args.servers}; skipped (tests/services.sh start runs one)")
        return 0
    if not os.access(TANSU, os.X_OK):
        print(f"kafka bench: no tansu CLI at {TANSU} to create topics; skipped")
        return 0
    subprocess.run(["cargo", "build", "-q", "-p", "sluice"], cwd=ROOT, check=True)
    if args.latency:
        return latency(args)
    sizes = (1_000, 20_000) if args.small else (100_000, 1_000_000)
    runs = []
    for n in sizes:
        stamp = f"{n}-{int(time.time() * 1000)}"
        source, sink = f"bench-in-{stamp}", f"bench-out-{stamp}"
        create_topics(args.servers, source, sink)
        # Topics and counts are in the jobs' DDL, so each size is its own build (seconds, warm).
        produce_args = ["--count", str(n), "--topic", source, "--servers", args.servers]
        filter_args = ["--source", source, "--sink", sink, "--servers", args.servers]
        producer = build_sluice(os.path.join(ROOT, "bench", "jobs", "kafka_produce.py"), args.debug, produce_args)
        filter_job = build_sluice(os.path.join(ROOT, "bench", "jobs", "kafka_filter.py"), args.debug, filter_args)
        _, t_produce, rss_p, code = measure([producer, *produce_args], ROOT)
        if code != 0:
            raise SystemExit(f"the producer failed (exit {code})")
        _, t_filter, rss_f, code = measure([filter_job, *filter_args], ROOT)
        if code != 0:
            raise SystemExit(f"the filter job failed (exit {code})")
        runs.append((n, t_produce, t_filter, max(rss_p, rss_f)))
    (n1, p1, f1, _), (n2, p2, f2, rss) = runs
    # On tiny inputs fixed costs (metadata, the final flush) can hide the difference: no rate then.
    produce_rate = (n2 - n1) / (p2 - p1) if p2 - p1 > 0.05 else float("nan")
    filter_rate = (n2 - n1) / (f2 - f1) if f2 - f1 > 0.05 else float("nan")
    print(f"kafka-produce sluice {produce_rate:>12,.0f} rec/s  (datagen -> kafka json)")
    print(f"kafka-filter  sluice {filter_rate:>12,.0f} rec/s  (kafka -> filter -> kafka, json)  "
          f"peak RSS {rss / 1024:.1f} MB")
    date = datetime.date.today().isoformat()
    machine = f"{platform.machine()} {os.cpu_count()} cores"
    profile = "debug" if args.debug else "release"
    inputs = "small" if args.small else "full"
    with open(args.csv, "a", newline="") as f:
        for job, rate, seconds in (("kafka-produce", produce_rate, p2), ("kafka-filter", filter_rate, f2)):
            f.write(f"{date},{machine},{job},sluice,{n2},{seconds:.3f},{rate:.0f},,{rss / 1024:.1f},,"
                    f"{inputs},{profile}\n")
    return 0


def create_topics(servers, *topics):
    for topic in topics:
        subprocess.run([TANSU, "topic", "create", topic, "--partitions", "1", "--broker", f"tcp://{servers}"],
                       check=True, stdout=subprocess.DEVNULL)


def latency(args):
    """The filter job runs unbounded while a producer writes at a fixed rate; then a third job pairs
    each input record with its output by id and prints both Kafka timestamps (send time, write time)."""
    rate, seconds = args.latency, 10
    stamp = int(time.time() * 1000)
    source, sink = f"lat-in-{stamp}", f"lat-out-{stamp}"
    create_topics(args.servers, source, sink)
    jobs = os.path.join(ROOT, "bench", "jobs")
    filter_args = ["--source", source, "--sink", sink, "--servers", args.servers, "--unbounded"]
    produce_args = ["--count", str(rate * seconds), "--topic", source, "--servers", args.servers,
                    "--rate", str(rate)]
    pair_args = ["--source", source, "--sink", sink, "--servers", args.servers]
    filter_job = build_sluice(os.path.join(jobs, "kafka_filter.py"), args.debug, filter_args)
    producer = build_sluice(os.path.join(jobs, "kafka_produce.py"), args.debug, produce_args)
    pairer = build_sluice(os.path.join(jobs, "kafka_latency.py"), args.debug, pair_args)
    running = subprocess.Popen([filter_job, *filter_args], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    for line in running.stderr:
        if "reading" in line:
            break
    subprocess.run([producer, *produce_args], cwd=ROOT, check=True)
    time.sleep(3)
    running.kill()
    running.wait()
    out = subprocess.run([pairer, *pair_args], cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout

    def millis(text):
        return datetime.datetime.fromisoformat(text).timestamp() * 1000

    delays = []
    for line in out.splitlines():
        fields = line.strip()[3:-1].split(", ")
        if len(fields) == 3:
            delays.append(millis(fields[2]) - millis(fields[1]))
    if not delays:
        raise SystemExit("no records came through")
    delays.sort()
    p50, p99 = delays[len(delays) // 2], delays[min(len(delays) - 1, len(delays) * 99 // 100)]
    print(f"kafka-latency sluice {rate:,} rec/s for {seconds} s: {len(delays):,} records through the filter, "
          f"p50 {p50:.0f} ms, p99 {p99:.0f} ms (Kafka send time to the filter job's write time)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
