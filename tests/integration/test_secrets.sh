#!/usr/bin/env bash
# Secrets never reach a report: suites authenticate with AUTH PLAIN, LOGIN and SCRAM-SHA-256,
# on success and failure paths, and every output (JUnit, TAP, JSON, HTML, Markdown, the console at -vv with
# stderr) is searched for the password, its base64 at all three alignments inside a larger
# base64 blob, and the AUTH PLAIN blob. None may appear.
#
# Servers: the lab's Postfix submission (Dovecot SASL: PLAIN, LOGIN; accepted, wrong password,
# rejected as expected) and `mailspec-hostile auth-then-drop` (tests/hostile/), which offers
# PLAIN, LOGIN and SCRAM-SHA-256 and drops the connection right after the client's last,
# secret-bearing AUTH message. The lab's Dovecot stores SHA512-CRYPT hashes, from which SCRAM
# cannot work, so SCRAM runs against the fake only.
set -uo pipefail

MAILSPEC=${MAILSPEC:?path of the mailspec binary}
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
HOSTILE=${MAILSPEC_HOSTILE:-$(dirname "$MAILSPEC")/tests/hostile/mailspec-hostile}
[ -x "$HOSTILE" ] || { echo "FAIL: $HOSTILE not built (target mailspec-hostile)"; exit 1; }
# shellcheck source=../../lab/lib/testing.sh
. "$ROOT/lab/lib/testing.sh"
work=$(mktemp -d)
chmod 700 "$work"
hostile_pid=
lab_started=
cleanup() {
    [ -n "$hostile_pid" ] && { kill "$hostile_pid" 2>/dev/null; wait "$hostile_pid" 2>/dev/null; }
    [ -n "$lab_started" ] && { "$ROOT/lab/down" >/dev/null || echo "FAIL: lab/down failed"; }
    rm -rf "$work"
}
trap cleanup EXIT

# forbidden_forms USER PASSWORD: one string per line that no output may contain.
forbidden_forms() {
    python3 - "$1" "$2" <<'PY'
import base64, sys
user, pw = sys.argv[1].encode(), sys.argv[2].encode()
forms = {pw.decode(), base64.b64encode(pw).decode().rstrip("=")}
# The password at each of the three alignments inside a larger base64 blob: the base64 of the
# 3-octet groups that lie wholly within the password is the same whatever surrounds it.
for k in range(3):
    blob = b"\x00" * k + pw + b"\x00" * 3
    enc = base64.b64encode(blob).decode()
    first = (k + 2) // 3          # first group starting inside the password
    last = (k + len(pw)) // 3     # groups ending inside it
    if last > first:
        forms.add(enc[4 * first:4 * last])
for authzid in (b"", user):
    forms.add(base64.b64encode(authzid + b"\x00" + user + b"\x00" + pw).decode())
for f in sorted(forms):
    assert len(f) >= 8, f"form {f!r} too short to search for"
    print(f)
PY
}

FAILS=0
# scan NAME USER PASSWORD DIR: no file in DIR holds any forbidden form.
scan() {
    local name=$1 dir=$4 form hits
    forbidden_forms "$2" "$3" >"$work/forms" || { echo "FAIL: $name: cannot compute forms"; FAILS=$((FAILS + 1)); return; }
    while IFS= read -r form; do
        hits=$(grep -F -l -r -a -- "$form" "$dir" || true)
        if [ -n "$hits" ]; then
            echo "FAIL: $name: a form of the password appears in: $(echo "$hits" | xargs -n1 basename | tr '\n' ' ')"
            FAILS=$((FAILS + 1))
        fi
    done <"$work/forms"
    echo "ok: $name: $(wc -l <"$work/forms") forms of the password absent from $(ls "$dir" | tr '\n' ' ')"
}

# The scan must be able to fail: plant each form, inside larger base64 blobs and at every
# alignment, and require that it is found.
self_test() {
    local dir=$work/self-test pw='Plant-Secret:x1y2z3w4' k
    mkdir -p "$dir"
    for k in 0 1 2; do
        python3 -c 'import base64,sys; k=int(sys.argv[2]); print("AUTH XYZ " + base64.b64encode(b"<" * k + sys.argv[1].encode() + b">>>>").decode())' "$pw" "$k" >"$dir/planted"
        if grep -F -q -f <(forbidden_forms alice "$pw") "$dir/planted"; then echo "ok: self-test: base64 at alignment $k is caught"
        else echo "FAIL: self-test: base64 at alignment $k is not caught"; FAILS=$((FAILS + 1)); fi
    done
    printf 'AUTH PLAIN %s\n' "$(printf '\0alice\0%s' "$pw" | base64 -w0)" >"$dir/planted"
    if grep -F -q -f <(forbidden_forms alice "$pw") "$dir/planted"; then echo "ok: self-test: the AUTH PLAIN blob is caught"
    else echo "FAIL: self-test: the AUTH PLAIN blob is not caught"; FAILS=$((FAILS + 1)); fi
}
self_test

# run NAME SUITE [env...]: one run writing every report into $work/NAME/.
run() {
    local name=$1 suite=$2
    shift 2
    local out=$work/$name
    mkdir -p "$out"
    env "$@" "$MAILSPEC" run "$suite" -vv --json "$out/results.json" --junit "$out/junit.xml" \
        --tap "$out/report.tap" --html "$out/report.html" --markdown "$out/report.md" >"$out/console" 2>&1
    echo "$?" >"$out/rc"
}

# expect_status NAME ID STATUS: the JSON report gives check ID that status.
expect_status() {
    local got
    got=$(python3 -c 'import json,sys; print({r["name"]: r["status"] for r in json.load(open(sys.argv[1]))["results"]}.get(sys.argv[2], "missing"))' \
        "$work/$1/results.json" "$2" 2>&1)
    if [ "$got" = "$3" ]; then echo "ok: $1: $2 is $3"; else
        echo "FAIL: $1: $2 is $got, wanted $3"; tail -20 "$work/$1/console"; FAILS=$((FAILS + 1)); fi
}

# --- failure paths against the fake: the server drops the connection mid-AUTH -------------
PW='Fake-Secret:9f3kQ2vLx7Zp'
"$HOSTILE" --scenario auth-then-drop >"$work/hostile.ports" 2>"$work/hostile.err" &
hostile_pid=$!
for _ in $(seq 100); do grep -qx ready "$work/hostile.ports" 2>/dev/null && break; sleep 0.1; done
port=$(awk '$1 == "auth-then-drop" { print $2 }' "$work/hostile.ports")
[ -n "$port" ] || { echo "FAIL: mailspec-hostile did not start"; cat "$work/hostile.err"; exit 1; }
cat >"$work/drop.yaml" <<YAML
suite: secrets-drop
targets:
  fake: { host: 127.0.0.1, port: $port }
defaults: { timeout: 5s }
checks:
YAML
for mech in PLAIN LOGIN SCRAM-SHA-256; do
    echo "  - { id: drop-$mech, auth: { mechanism: $mech, user: alice, password_env: SECRET_PW, starttls: false } }" >>"$work/drop.yaml"
done
run drop "$work/drop.yaml" SECRET_PW="$PW"
for mech in PLAIN LOGIN SCRAM-SHA-256; do expect_status drop "drop-$mech" error; done
# The drop came after the secret-bearing message: PLAIN's blob, LOGIN's user and password,
# SCRAM's client-first and client-final, all shown redacted.
n=$(grep -a -c '<redacted>' "$work/drop/console")
if [ "$n" = 5 ]; then echo "ok: drop: 5 AUTH payloads sent, each shown <redacted>"; else
    echo "FAIL: drop: $n redacted payloads in the console, wanted 5"; FAILS=$((FAILS + 1)); fi
n=$(grep -a -c 'reply to AUTH: connection reset by the server$' "$work/drop/console")
[ "$n" -ge 3 ] || { echo "FAIL: drop: the server did not drop mid-AUTH three times ($n)"; FAILS=$((FAILS + 1)); }
scan "server drops mid-AUTH" alice "$PW" "$work/drop"

# --- the lab: real Dovecot SASL behind Postfix submission -----------------------------------
lab_require
lab_lock
lab_started=1
"$ROOT/lab/up" >"$work/lab-up.log" 2>&1 || { tail "$work/lab-up.log"; echo "FAIL: lab/up failed"; exit 1; }
LABPW=$(cat "$LAB_RUN/secrets/alice.password")
cat >"$work/lab.yaml" <<YAML
suite: secrets-lab
targets:
  submission: { host: 127.0.0.10, port: 587, tls_name: mail.lab.test, ca_file: $LAB_RUN/tls/ca.pem }
defaults: { timeout: 10s }
checks:
  - { id: plain-ok, auth: { mechanism: PLAIN, user: alice, password_env: ALICE_PW } }
  - { id: login-ok, auth: { mechanism: LOGIN, user: alice, password_env: ALICE_PW } }
  - { id: any-ok, auth: { user: alice, password_env: ALICE_PW } }
  - { id: plain-wrong, auth: { mechanism: PLAIN, user: alice, password_env: WRONG_PW } }
  - { id: login-wrong-expected, auth: { mechanism: LOGIN, user: alice, password_env: WRONG_PW, expect: rejected } }
  - { id: scram-not-offered, auth: { mechanism: SCRAM-SHA-256, user: alice, password_env: ALICE_PW } }
YAML
WRONG='Wrong-Secret:Q8nVt2mRz4Kd'
run lab "$work/lab.yaml" ALICE_PW="$LABPW" WRONG_PW="$WRONG"
expect_status lab plain-ok pass
expect_status lab login-ok pass
expect_status lab any-ok pass
expect_status lab plain-wrong fail
expect_status lab login-wrong-expected pass
expect_status lab scram-not-offered fail
scan "lab, the real password" alice "$LABPW" "$work/lab"
scan "lab, the wrong password" alice "$WRONG" "$work/lab"
grep -q '<redacted>' "$work/lab/console" || { echo "FAIL: the console shows no <redacted> AUTH payload"; FAILS=$((FAILS + 1)); }

[ "$FAILS" = 0 ] || { echo "FAIL: $FAILS problem(s)"; exit 1; }
echo "PASS"
