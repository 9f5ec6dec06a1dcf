#!/usr/bin/env bash
# The CLI jar run as a new user runs it against a bucket (S3 on a local moto server): a plain
# `java -jar` run moves into a child JVM, the first such run writes the class-data archive and
# later ones map it, and stdout, stderr and exit codes are what one JVM gives. Everything lives
# in a temporary folder that is removed on exit.
#
# Usage: .ci/check-cli-child-jvm.sh     (builds core/target/stance-sync.jar if missing or stale)
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=core/target/stance-sync.jar
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
run() { local name=$1; shift; set +e; java -jar "$JAR" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"; RC=$?; set -e; }
one_json() { python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); sys.exit(0 if v.get(sys.argv[2]) == json.loads(sys.argv[3]) else 1)' "$@"; }
archives() { find "$WORK/cache/stance-sync" -name 'cli-*.jsa' 2>/dev/null | wc -l; }

mkdir -p "$WORK/scan"
for i in $(seq 1 20); do
  echo "{\"id\": \"f-$i\", \"severity\": \"high\", \"title\": \"t\", \"last_seen\": \"2026-12-01T00:00:00\"}"
done >"$WORK/scan/findings.jsonl"
push=(push --central s3://central --source "$WORK/scan" --account 123456789012 --provider aws --json)

run first "${push[@]}"
if [ "$RC" = 0 ] && one_json "$WORK/first.out" records_synced 20; then pass "first push: exit 0, one JSON object, 20 synced"
else fail "first push: exit $RC: $(cat "$WORK/first.out" "$WORK/first.err")"; fi
if [ "$(archives)" = 1 ] && [ -z "$(find "$WORK/cache/stance-sync" -name '*.tmp')" ]; then
  pass "the first run left one class-data archive and no temporary file"
else fail "archives after the first run: $(ls -la "$WORK/cache/stance-sync" 2>&1)"; fi

run again "${push[@]}"
if [ "$RC" = 0 ] && one_json "$WORK/again.out" records_skipped 20 && [ "$(archives)" = 1 ]; then
  pass "re-push on the archive: exit 0, one JSON object, 20 skipped"
else fail "re-push: exit $RC: $(cat "$WORK/again.out" "$WORK/again.err")"; fi
if grep -q "Sharing\|cds\|CDS" "$WORK/again.out" "$WORK/again.err"; then
  fail "the JVM's class-data messages reached the output: $(cat "$WORK/again.err")"
else pass "no class-data message on stdout or stderr"; fi

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
