#!/usr/bin/env python3
"""Exit 0 when two results JSON files hold the same results: the same (suite, check, variant,
vantage, target, endpoint, kind, status) multiset. Durations, timings and message wording
that quotes them are not compared: they differ between any two runs."""
import collections
import json
import sys


def keys(path):
    d = json.load(open(path))
    return collections.Counter(
        (r["suite"], r["check_id"], r["variant"], r["vantage"], r["target"], r["endpoint"],
         r["kind"], r["status"]) for r in d["results"])


a, b = keys(sys.argv[1]), keys(sys.argv[2])
if a == b:
    sys.exit(0)
for k in sorted((a - b) + (b - a)):
    print("only in", sys.argv[1] if a[k] > b[k] else sys.argv[2], k, file=sys.stderr)
sys.exit(1)
