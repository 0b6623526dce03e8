#!/usr/bin/env python3
"""Runs a command and prints its wall time in seconds and its peak RSS in KiB (tab-separated),
so bench/run.sh measures every tool the same way. The command's stdout goes to --out."""
import resource
import subprocess
import sys
import time

args = sys.argv[1:]
out = subprocess.DEVNULL
if len(args) >= 2 and args[0] == "--out":
    out = open(args[1], "w")
    args = args[2:]
start = time.monotonic()
rc = subprocess.run(args, stdout=out, stderr=subprocess.STDOUT).returncode
wall = time.monotonic() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"{wall:.4f}\t{rss}\t{rc}")
