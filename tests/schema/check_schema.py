#!/usr/bin/python3
"""suites/schema.json must agree with the loader.

Every shipped suite (suites/*.yaml) and every file in tests/schema/good/ must validate against
the schema AND load with `mailspec validate`; every file in tests/schema/mistakes/ (the common
mistakes) must be rejected by both. Run by ctest (label unit) with --mailspec BINARY.
Uses Debian's python3-yaml and python3-jsonschema (installed by ./run setup).
"""
import argparse
import glob
import json
import os
import subprocess
import sys

import jsonschema
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def schema_errors(validator, path):
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    return [e.message for e in validator.iter_errors(doc)]


def loader_accepts(mailspec, path):
    # Suites may reference ${VAR:-default}s only, so the environment does not matter.
    p = subprocess.run([mailspec, "validate", path], capture_output=True, text=True)
    return p.returncode == 0, p.stdout + p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mailspec", required=True)
    args = ap.parse_args()
    with open(os.path.join(ROOT, "suites", "schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    failures = 0
    good = sorted(glob.glob(os.path.join(ROOT, "suites", "*.yaml")) +
                  glob.glob(os.path.join(ROOT, "tests", "schema", "good", "*.yaml")))
    bad = sorted(glob.glob(os.path.join(ROOT, "tests", "schema", "mistakes", "*.yaml")))
    if not good or not bad:
        print("no suites or mistakes found")
        return 1
    for path in good:
        rel = os.path.relpath(path, ROOT)
        errs = schema_errors(validator, path)
        ok, out = loader_accepts(args.mailspec, path)
        if errs or not ok:
            failures += 1
            print(f"FAIL {rel}: should be accepted; schema: {errs or 'ok'}; loader: {out.strip() or 'ok'}")
        else:
            print(f"ok   {rel}: accepted by schema and loader")
    for path in bad:
        rel = os.path.relpath(path, ROOT)
        errs = schema_errors(validator, path)
        ok, out = loader_accepts(args.mailspec, path)
        if not errs or ok:
            failures += 1
            print(f"FAIL {rel}: should be rejected; schema errors: {errs}; loader accepted: {ok}")
        else:
            print(f"ok   {rel}: rejected by schema ({errs[0]}) and loader ({out.strip().splitlines()[0]})")
    print(f"{len(good) + len(bad) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
