#!/usr/bin/env bash
# Measures a cold invocation of the GCP function, the way .ci/aws-cold-invoke.sh measures the AWS
# handler: for each run a fresh JVM on the deployment jar (target/deployment) plus a small launcher
# from the module's test classes (ColdInvoke) constructs StorageObjectFinalizedFunction as the
# Functions Framework does, reads one google.cloud.storage.object.v1.finalized CloudEvent and
# invokes once, pushing 100 findings of ~1.5 KB from a spoke bucket into central (a bucket on the
# same GCS server by default; CENTRAL=file for a local folder).
# The GCS server is the project's hand-written fake of the GCS JSON API (FakeGcsJsonApiServer,
# from core's test classes; no real GCS emulator starts offline), run in a JVM of its own so that
# the store's work stays out of the measured process; the function reaches it through
# STORAGE_EMULATOR_HOST, as the tests do.
# Prints each run's wall time (/usr/bin/time), CPU and max RSS, the time constructing the function
# took, the invocation's time and CPU time (the comparable figure on a shared machine) and the JIT
# compiler's time in it, the load average, and the CPU time the fake server spent answering.
# Fails when a run did not land all 100 records. TOOL_OPTIONS replaces the JAVA_TOOL_OPTIONS that
# terraform/gcp gives the functions for their default memory (TOOL_OPTIONS="-XX:MaxRAM=1024m
# -XX:MaxRAMPercentage=70" is what Google's launcher sets when a deployment sets none).
# KEEP_OUT=/path keeps each run's output.
#   usage: .ci/gcp-cold-invoke.sh [runs]        (build first: mvn -B -pl gcp-function -am package -DskipTests)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-3}"
central_kind="${CENTRAL:-gcs}"
# JAR= and TEST_CLASSES= measure another build (e.g. a copy of an earlier jar) side by side; the
# launcher and the fake server always come from TEST_CLASSES and CORE_TEST_CLASSES.
jar="${JAR:-$root/gcp-function/target/deployment/stance-sync-gcp-function.jar}"
test_classes="${TEST_CLASSES:-$root/gcp-function/target/test-classes}"
core_test_classes="${CORE_TEST_CLASSES:-$root/core/target/test-classes}"
m2="${MAVEN_REPO:-$HOME/.m2/repository}"

fail() { echo "gcp-cold-invoke: FAILED: $*" >&2; exit 1; }
build_hint="build first: mvn -B -pl gcp-function -am package -DskipTests"
[[ -f "$jar" ]] || fail "no $jar: $build_hint"
[[ -f "$test_classes/com/mantissa/stance/sync/gcp/ColdInvoke.class" ]] || fail "no launcher in $test_classes: $build_hint"
[[ -f "$core_test_classes/com/mantissa/stance/sync/testing/FakeGcsJsonApiServer.class" ]] \
  || fail "no fake GCS server in $core_test_classes: $build_hint"
[[ -x /usr/bin/time ]] || fail "/usr/bin/time missing (apt-get install time)"
case "$central_kind" in gcs|file) ;; *) fail "CENTRAL=$central_kind: gcs or file" ;; esac
# The Functions Framework supplies these to the function; the deployment jar leaves them out.
api_jar="$(ls "$m2"/com/google/cloud/functions/functions-framework-api/*/functions-framework-api-*.jar 2>/dev/null | sort -V | tail -1)"
events_jar="$(ls "$m2"/io/cloudevents/cloudevents-api/*/cloudevents-api-*.jar 2>/dev/null | sort -V | tail -1)"
[[ -n "$api_jar" && -n "$events_jar" ]] || fail "functions-framework-api or cloudevents-api missing from $m2: $build_hint"

work="$(mktemp -d)"
# The launcher classes as a jar, as the AWS script does (and the fake's main with them).
jar --create --file "$work/launcher.jar" -C "$test_classes" com/mantissa/stance/sync/gcp
buckets=(spoke-scans)
for r in $(seq 0 $((runs - 1))); do buckets+=("cold-central-$r"); done
# The fake's own JVM: core's test classes, the launcher's main, and gson from the deployment jar.
mkfifo "$work/fake.stdin"
java -XX:TieredStopAtLevel=1 -cp "$core_test_classes:$work/launcher.jar:$jar" com.mantissa.stance.sync.gcp.FakeGcsServerMain \
  "${buckets[@]}" <"$work/fake.stdin" >"$work/fake.out" 2>&1 &
fake_pid=$!
exec 3>"$work/fake.stdin"
trap 'exec 3>&-; kill "$fake_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 300); do
  grep -q '^http://' "$work/fake.out" 2>/dev/null && break
  kill -0 "$fake_pid" 2>/dev/null || { cat "$work/fake.out" >&2; fail "the fake GCS server exited"; }
  sleep 0.1
done
endpoint="$(grep -m1 '^http://' "$work/fake.out" || true)"
[[ -n "$endpoint" ]] || { cat "$work/fake.out" >&2; fail "the fake GCS server did not start within 30 s"; }

# 100 findings of ~1.5 KB, uploaded as the spoke's scan file.
object="stance/findings/cold-1/findings.jsonl"
python3 - "$work/findings.jsonl" <<'PY'
import json, sys
lines = []
for i in range(100):
    lines.append(json.dumps({
        "id": f"projects/stance-cold/findings/cold-{i:04d}",
        "asset_id": f"//compute.googleapis.com/projects/stance-cold/zones/europe-west1-b/instances/vm-{i:04d}",
        "finding_type": "misconfiguration", "severity": ["critical", "high", "medium", "low"][i % 4],
        "status": "open", "title": f"Firewall rule allows ingress from 0.0.0.0/0 on port {20 + i}",
        "description": "The firewall rule permits unrestricted inbound traffic. " * 12,
        "first_seen": "2026-11-20T06:00:00Z", "last_seen": "2026-11-24T06:00:00Z",
        "rule_id": f"gce-fw-open-{i % 7}", "resource_path": "sourceRanges[0]",
        "expected_value": "10.0.0.0/8", "actual_value": "0.0.0.0/0",
        "compliance_frameworks": ["CIS GCP 2.0", "PCI DSS 3.2.1"],
        "remediation_guidance": "Restrict the rule's source ranges to known CIDR ranges."}))
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
curl -sf -o /dev/null -X POST -H 'Content-Type: application/octet-stream' --data-binary @"$work/findings.jsonl" \
  "$endpoint/upload/storage/v1/b/spoke-scans/o?uploadType=media&name=${object//\//%2F}" \
  || fail "could not upload the scan file to the fake GCS server at $endpoint"

# The CPU time the fake server has spent so far, in ms: what answering a run's requests cost the machine.
fake_cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$fake_pid/stat"; }
# Whether output $1 holds the function's log line of a sync that landed 100 records without errors.
synced_all() {
  python3 - "$1" <<'PY'
import json, sys
ok = False
for line in open(sys.argv[1], errors="replace"):
    try:
        l = json.loads(line)
    except ValueError:
        continue
    r = l.get("result", {}) if isinstance(l, dict) else {}
    ok = ok or (l.get("outcome") == "succeeded" and r.get("records_synced") == 100 and r.get("error_count") == 0)
sys.exit(0 if ok else 1)
PY
}
cp="$jar:$work/launcher.jar:$api_jar:$events_jar"
tool_options="${TOOL_OPTIONS--XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:MaxRAM=1024m -XX:MaxRAMPercentage=70}"
echo "gcp-cold-invoke: jar $(du -k "$jar" | cut -f1) KB, java $(java -version 2>&1 | head -1), $(nproc) cores, central=$central_kind (fake GCS server), JAVA_TOOL_OPTIONS=${tool_options:-(none)}"
for r in $(seq 0 $((runs - 1))); do
  case "$central_kind" in
    gcs) central_uri="gs://cold-central-$r" ;;
    *) central_uri="file://$work/central-$r" ;;
  esac
  fake_cpu_before="$(fake_cpu_ms)"
  # Only what the deployment sets: the function must not see the developer's cloud credentials.
  env -i PATH="$PATH" HOME="$work" ${tool_options:+JAVA_TOOL_OPTIONS="$tool_options"} \
    STORAGE_EMULATOR_HOST="$endpoint" GOOGLE_CLOUD_PROJECT=stance-cold STANCE_CENTRAL_URI="$central_uri" \
    /usr/bin/time -f "%e s wall, %U s user + %S s sys CPU, %M KB max RSS" -o "$work/time-$r" \
    java -cp "$cp" com.mantissa.stance.sync.gcp.ColdInvoke spoke-scans "$object" >"$work/out-$r" 2>&1 \
    || { tail -c 4000 "$work/out-$r" >&2; fail "run $r failed"; }
  synced_all "$work/out-$r" || { tail -c 4000 "$work/out-$r" >&2; fail "run $r did not sync 100 records"; }
  echo "gcp-cold-invoke: run $r: $(cat "$work/time-$r") (load average $(cut -d" " -f1 /proc/loadavg));$(grep -o ' handler constructed in .*' "$work/out-$r" || true); the fake GCS server spent $(( $(fake_cpu_ms) - fake_cpu_before )) ms of CPU answering"
  if [[ -n "${KEEP_OUT:-}" ]]; then cp "$work/out-$r" "$KEEP_OUT-$r"; fi
done
