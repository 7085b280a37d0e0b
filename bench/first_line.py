"""Runs a command and reports seconds from start to its first stdout line, and to its exit."""
import subprocess
import sys
import time

start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
proc.stdout.readline()
first = time.perf_counter() - start
proc.stdout.read()
proc.wait()
total = time.perf_counter() - start
print(f"first_line_s={first:.4f} total_s={total:.4f} exit={proc.returncode}")
