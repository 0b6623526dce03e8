#!/usr/bin/env python3
"""Side by side: what mailspec's tls_scan (run --json) and testssl.sh (--jsonfile) report for the
same server: accepted protocol versions and the suites of each (OpenSSL names), with every
difference listed. Prints Markdown; exits 0 (differences are data, explained in the report).
Usage: tls_compare.py MAILSPEC.json CHECK_ID TESTSSL.json"""
import json
import re
import sys

VERSIONS = [("SSLv2", "SSLv2", None), ("SSLv3", "SSLv3", None), ("TLSv1", "TLS1", "tls1"),
            ("TLSv1.1", "TLS1_1", "tls1_1"), ("TLSv1.2", "TLS1_2", "tls1_2"),
            ("TLSv1.3", "TLS1_3", "tls1_3")]

ms_json, check_id, ts_json = sys.argv[1:4]
result = next(r for r in json.load(open(ms_json))["results"] if r["check_id"] == check_id)
props = result.get("properties", {})
ms_versions = set(props.get("tls.versions", "").split())
ms_not_tested = set(props.get("tls.versions.not_tested", "").split())

ts = json.load(open(ts_json))
ts_by_id = {e["id"]: e for e in ts}
ts_ciphers = {}
for e in ts:
    m = re.match(r"cipher-(tls1(?:_\d)?)_x", e["id"])
    if m:
        ts_ciphers.setdefault(m.group(1), []).append(e["finding"].split()[3])

out = ["| version | mailspec | testssl.sh | suites (mailspec / testssl.sh) | same |",
       "|---|---|---|---|---|"]
diffs = []
for name, ts_id, ts_key in VERSIONS:
    if name == "SSLv2":
        ms = "not tested (no SSLv2 in OpenSSL 3)"
    elif name in ms_not_tested:
        ms = "not tested"
    else:
        ms = "accepted" if name in ms_versions else "refused"
    finding = ts_by_id.get(ts_id, {}).get("finding", "?")
    ts_state = "accepted" if finding.startswith("offered") else (
        "refused" if finding.startswith("not offered") else finding)
    a = props.get(f"tls.ciphers.{name}", "").split()
    b = ts_ciphers.get(ts_key, []) if ts_key else []
    same_state = ms == ts_state or ms.startswith("not tested")
    same_suites = set(a) == set(b)
    suites = f"{len(a)} / {len(b)}" if (a or b) else "-"
    same = "n/a" if ms.startswith("not tested") else (
        "yes" if same_state and same_suites else "NO")
    out.append(f"| {name} | {ms} | {ts_state} | {suites} | {same} |")
    for s in sorted(set(a) - set(b)):
        diffs.append(f"{name}: {s} reported by mailspec only")
    for s in sorted(set(b) - set(a)):
        diffs.append(f"{name}: {s} reported by testssl.sh only")
    if not same_state:
        diffs.append(f"{name}: mailspec {ms}, testssl.sh {ts_state}")
out.append("")
# The certificate key and secure renegotiation (testssl.sh -S and -R; absent without them).
extra = []
ts_key = ts_by_id.get("cert_keySize", {}).get("finding", "")
if ts_key:
    m = re.match(r"(\w+) (\d+) bits", ts_key)
    ts_desc = f"{m.group(1)} {m.group(2)}" if m else ts_key
    ms_key = props.get("tls.cert.key", "")
    same = ms_key.split(" (")[0] == ts_desc
    extra.append(f"| certificate key | {ms_key} | {ts_key} | {'yes' if same else 'NO'} |")
    if not same:
        diffs.append(f"certificate key: mailspec {ms_key}, testssl.sh {ts_key}")
ts_reneg = ts_by_id.get("secure_renego", {}).get("finding", "")
if ts_reneg:
    ms_reneg = props.get("tls.secure_renegotiation", "not applicable")
    ts_yes = "supported" in ts_reneg and "not" not in ts_reneg
    same = (ms_reneg == "yes") == ts_yes
    extra.append(f"| secure renegotiation | {ms_reneg} | {ts_reneg} | {'yes' if same else 'NO'} |")
    if not same:
        diffs.append(f"secure renegotiation: mailspec {ms_reneg}, testssl.sh {ts_reneg}")
if extra:
    out += ["| finding | mailspec | testssl.sh | same |", "|---|---|---|---|"] + extra + [""]
if diffs:
    out += ["Differences:", ""] + [f"- {d}" for d in diffs]
else:
    out.append("Every version both could ask about has the same verdict and the same suites "
               "(SSLv2/SSLv3: testssl.sh asks with hand-made ClientHellos on its own sockets; "
               "mailspec reports them *not tested* because Debian's OpenSSL 3 cannot offer "
               "them, never *refused*).")
print("\n".join(out))
