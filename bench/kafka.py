#!/usr/bin/env python3
"""Kafka benchmark (sluice only: PyFlink's Kafka connector is a Maven jar this machine cannot fetch).

    python3 bench/kafka.py [--small] [--debug] [--servers 127.0.0.1:19092]

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
    sizes = (1_000, 20_000) if args.small else (100_000, 1_000_000)
    runs = []
    for n in sizes:
        stamp = f"{n}-{int(time.time() * 1000)}"
        source, sink = f"bench-in-{stamp}", f"bench-out-{stamp}"
        for topic in (source, sink):
            subprocess.run([TANSU, "topic", "create", topic, "--partitions", "1",
                            "--broker", f"tcp://{args.servers}"], check=True, stdout=subprocess.DEVNULL)
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


if __name__ == "__main__":
    sys.exit(main())
