#!/usr/bin/env bash
# The CLI jar run as a new user runs it against a bucket (S3 on a local moto server): a plain
# `java -jar` run moves into a child JVM, the first such run writes the class-data archive and
# later ones map it, and stdout, stderr and exit codes are what one JVM gives. The child ends when
# its parent is killed, a corrupted archive is never mapped (no crash banner, no hs_err file), a
# temporary archive of a dead run is removed, and two jars sharing the cache keep both archives.
# Everything lives in a temporary folder that is removed on exit. On Java 25 and later the child's
# archive is an ahead-of-time cache, recorded by the first run; the same checks hold.
#
# Usage: [JAVA=/path/to/bin/java] .ci/check-cli-child-jvm.sh
#        (builds core/target/stance-sync.jar if missing or stale; JAVA defaults to the java on PATH)
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=core/target/stance-sync.jar
JAVA=${JAVA:-java}
"$JAVA" -version >/dev/null 2>&1 || { echo "check-cli-child-jvm: FAIL: no JVM at '$JAVA'" >&2; exit 1; }
echo "check-cli-child-jvm: on $("$JAVA" -version 2>&1 | head -n 1)"
if [ ! -f "$JAR" ] || [ -n "$(find core/src/main core/pom.xml -newer "$JAR" -print -quit)" ]; then
  echo "check-cli-child-jvm: building $JAR"
  mvn -B -q -pl core -am package -DskipTests
fi
WORK=$(mktemp -d)
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
python3 -m moto.server -H 127.0.0.1 -p "$port" >"$WORK/moto.log" 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null || true; rm -rf "$WORK"' EXIT
export AWS_ENDPOINT_URL_S3="http://127.0.0.1:$port" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
  AWS_REGION=us-east-1 XDG_CACHE_HOME="$WORK/cache"
unset JAVA_TOOL_OPTIONS JDK_JAVA_OPTIONS _JAVA_OPTIONS STANCE_SYNC_CHILD_JVM
for _ in $(seq 1 100); do
  curl -s -o /dev/null "$AWS_ENDPOINT_URL_S3/moto-api/" && break
  sleep 0.1
done
curl -sf -X PUT -o /dev/null "$AWS_ENDPOINT_URL_S3/central" || { echo "check-cli-child-jvm: FAIL: no moto" >&2; exit 1; }

FAILED=0
fail() { echo "check-cli-child-jvm: FAIL $*" >&2; FAILED=$((FAILED + 1)); }
pass() { echo "check-cli-child-jvm: ok   $*"; }
# run NAME args...: stdout/stderr to files, exit code in $RC
run() { local name=$1; shift; set +e; "$JAVA" -jar "$JAR" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"; RC=$?; set -e; }
one_json() { python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); sys.exit(0 if v.get(sys.argv[2]) == json.loads(sys.argv[3]) else 1)' "$@"; }
archives() { find "$WORK/cache/stance-sync" -name 'cli-*.jsa' 2>/dev/null | wc -l; }

mkdir -p "$WORK/scan"
for i in $(seq 1 20); do
  echo "{\"id\": \"f-$i\", \"severity\": \"high\", \"title\": \"t\", \"last_seen\": \"2026-12-01T00:00:00\"}"
done >"$WORK/scan/findings.jsonl"
push=(push --central s3://central --source "$WORK/scan" --account 123456789012 --provider aws --json)

# A caller's timeout: SIGKILL to the JVM it started, while the child pushes a large scan.
mkdir -p "$WORK/big"
python3 -c 'import sys
for i in range(200000):
    print("{\"id\": \"b-%d\", \"severity\": \"low\", \"title\": \"t\", \"last_seen\": \"2026-12-01T00:00:00\"}" % i)' \
  >"$WORK/big/findings.jsonl"
"$JAVA" -jar "$JAR" push --central s3://central/big --source "$WORK/big" --account 123456789012 --provider aws --quiet \
  >"$WORK/killed.out" 2>"$WORK/killed.err" &
parent=$!
child=""
for _ in $(seq 1 100); do
  child=$(pgrep -P "$parent" java || true)
  [ -n "$child" ] && break
  sleep 0.1
done
sleep 2
if [ -z "$child" ] || ! kill -0 "$child" 2>/dev/null; then
  fail "killed parent: no child running 2 s into the push (child '$child')"
else
  kill -KILL "$parent"
  wait "$parent" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$child" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$child" 2>/dev/null; then fail "the child $child still runs 10 s after its parent was killed"; kill -KILL "$child"
  else pass "the child ended with its SIGKILLed parent"; fi
fi
# A temporary archive whose writer is gone (as a killed run leaves one).
dead=$(sh -c 'echo $$')
mkdir -p "$WORK/cache/stance-sync"
head -c 1000000 /dev/zero >"$WORK/cache/stance-sync/cli-0123456789abcdef.jsa.$dead.tmp"

run first "${push[@]}"
if [ "$RC" = 0 ] && one_json "$WORK/first.out" records_synced 20; then pass "first push: exit 0, one JSON object, 20 synced"
else fail "first push: exit $RC: $(cat "$WORK/first.out" "$WORK/first.err")"; fi
if [ "$(archives)" = 1 ] && [ -z "$(find "$WORK/cache/stance-sync" -name '*.tmp')" ]; then
  pass "the first run left one class-data archive and no temporary file (the dead run's one removed)"
else fail "archives after the first run: $(ls -la "$WORK/cache/stance-sync" 2>&1)"; fi

run again "${push[@]}"
if [ "$RC" = 0 ] && one_json "$WORK/again.out" records_skipped 20 && [ "$(archives)" = 1 ]; then
  pass "re-push on the archive: exit 0, one JSON object, 20 skipped"
else fail "re-push: exit $RC: $(cat "$WORK/again.out" "$WORK/again.err")"; fi
if grep -q "Sharing\|cds\|CDS\|AOT" "$WORK/first.out" "$WORK/first.err" "$WORK/again.out" "$WORK/again.err"; then
  fail "the JVM's class-data messages reached the output: $(cat "$WORK/again.err")"
else pass "no class-data or AOT message on stdout or stderr, first run included"; fi

# The archive corrupted in place: it is not mapped, so the JVM does not crash.
mkdir -p "$WORK/cwd"
archive=$(find "$WORK/cache/stance-sync" -name 'cli-*.jsa' | head -1)
python3 -c 'import sys
p = sys.argv[1]; d = bytearray(open(p, "rb").read())
for i in range(len(d) // 2, len(d) // 2 + 4096): d[i] ^= 0xff
open(p, "wb").write(d)' "$archive"
set +e; (cd "$WORK/cwd" && "$JAVA" -jar "$OLDPWD/$JAR" "${push[@]}" >"$WORK/corrupt.out" 2>"$WORK/corrupt.err"); RC=$?; set -e
if [ "$RC" = 0 ] && one_json "$WORK/corrupt.out" records_skipped 20; then
  pass "a corrupted archive: exit 0, one JSON object on stdout"
else fail "corrupted archive: exit $RC: $(head -c 2000 "$WORK/corrupt.out") $(head -c 2000 "$WORK/corrupt.err")"; fi
if [ -z "$(find "$WORK/cwd" -name 'hs_err_pid*')" ]; then pass "no hs_err file in the working folder"
else fail "hs_err file in the working folder: $(ls "$WORK/cwd")"; fi

# A second jar (another copy, another path) sharing the cache keeps its own archive beside the first.
cp "$JAR" "$WORK/other.jar"
set +e; "$JAVA" -jar "$WORK/other.jar" "${push[@]}" >"$WORK/other.out" 2>"$WORK/other.err"; RC=$?; set -e
run after-other "${push[@]}"
if [ "$RC" = 0 ] && [ "$(archives)" = 2 ]; then pass "two jars sharing the cache: two archives"
else fail "two jars: exit $RC, archives: $(ls "$WORK/cache/stance-sync")"; fi

run missing push --central s3://no-such-bucket --source "$WORK/scan" --account 123456789012 --provider aws --json
if [ "$RC" = 2 ] && one_json "$WORK/missing.out" exit_code 2; then pass "a missing bucket: exit 2 and the JSON error, through the child"
else fail "missing bucket: exit $RC: $(cat "$WORK/missing.out" "$WORK/missing.err")"; fi

STANCE_SYNC_CHILD_JVM=0 run single "${push[@]}"
if [ "$RC" = 0 ] && cmp -s <(sed 's/"duration_seconds": [0-9.e-]*//' "$WORK/again.out") \
    <(sed 's/"duration_seconds": [0-9.e-]*//' "$WORK/single.out"); then
  pass "STANCE_SYNC_CHILD_JVM=0: the same result in one JVM"
else fail "one JVM: exit $RC: $(cat "$WORK/single.out" "$WORK/single.err")"; fi

[ "$FAILED" = 0 ] || { echo "check-cli-child-jvm: $FAILED check(s) failed" >&2; exit 1; }
echo "check-cli-child-jvm: all checks passed"
