#!/usr/bin/env bash
# Measures a cold invocation of the Azure function, the way .ci/aws-cold-invoke.sh measures the AWS
# handler: for each run a fresh JVM on the packaged function app (the function jar and its lib/, as
# azure-functions-maven-plugin stages them in target/azure-functions/stance-sync) plus a small
# launcher from the module's test classes (ColdInvoke) creates StanceSyncFunctions as the Functions
# Java worker does, hands StanceEventGridSync one Microsoft.Storage.BlobCreated event (Event Grid
# schema) and invokes once, pushing 100 findings of ~1.5 KB from a spoke container into a central
# container, both on Azurite (emulators/node_modules), reached through AZURE_STORAGE_CONNECTION_STRING.
# CENTRAL=file puts central in a local folder instead.
# Prints each run's wall time (/usr/bin/time), CPU and max RSS, the time constructing the functions
# class took, the invocation's time and CPU time (the comparable figure on a shared machine) and the
# JIT compiler's time in it, the load average, and the CPU time Azurite spent answering.
# Fails when a run did not land all 100 records. JVM_OPTIONS replaces the options the Functions Java
# worker starts its JVM with (its worker.config.json: C1 only, no bytecode verification).
# KEEP_OUT=/path keeps each run's output.
#   usage: .ci/azure-cold-invoke.sh [runs]      (build first: mvn -B -pl azure-function -am package -DskipTests)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-3}"
central_kind="${CENTRAL:-azure}"
# APP= and TEST_CLASSES= measure another build (e.g. a copy of an earlier staging folder) side by side.
app="${APP:-$root/azure-function/target/azure-functions/stance-sync}"
test_classes="${TEST_CLASSES:-$root/azure-function/target/test-classes}"
m2="${MAVEN_REPO:-$HOME/.m2/repository}"
azurite="$root/emulators/node_modules/.bin/azurite-blob"

fail() { echo "azure-cold-invoke: FAILED: $*" >&2; exit 1; }
build_hint="build first: mvn -B -pl azure-function -am package -DskipTests"
compgen -G "$app/stance-sync-azure-function-*.jar" >/dev/null && [[ -d "$app/lib" ]] || fail "no function app in $app: $build_hint"
[[ -f "$test_classes/com/mantissa/stance/sync/azure/ColdInvoke.class" ]] || fail "no launcher in $test_classes: $build_hint"
[[ -x /usr/bin/time ]] || fail "/usr/bin/time missing (apt-get install time)"
[[ -x "$azurite" ]] || fail "no $azurite: npm ci --prefix emulators"
case "$central_kind" in azure|file) ;; *) fail "CENTRAL=$central_kind: azure or file" ;; esac
# The Functions Java worker supplies ExecutionContext; the function app leaves it out.
core_library="$(ls "$m2"/com/microsoft/azure/functions/azure-functions-java-core-library/*/azure-functions-java-core-library-*.jar 2>/dev/null | sort -V | tail -1)"
[[ -n "$core_library" ]] || fail "azure-functions-java-core-library missing from $m2: $build_hint"

work="$(mktemp -d)"
blob_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$azurite" --inMemoryPersistence --disableTelemetry --skipApiVersionCheck --silent \
  --blobHost 127.0.0.1 --blobPort "$blob_port" >"$work/azurite.log" 2>&1 &
azurite_pid=$!
trap 'kill "$azurite_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
# Azurite's public development account (documented by Microsoft).
connection="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;"
for _ in $(seq 1 300); do
  curl -s -o /dev/null "http://127.0.0.1:$blob_port/devstoreaccount1?comp=list" && break
  kill -0 "$azurite_pid" 2>/dev/null || { cat "$work/azurite.log" >&2; fail "Azurite exited"; }
  sleep 0.1
done

# The containers, and 100 findings of ~1.5 KB uploaded as the spoke's scan file.
object="stance/findings/cold-1/findings.jsonl"
AZURE_STORAGE_CONNECTION_STRING="$connection" python3 - "$runs" "$object" <<'PY' || fail "could not prepare Azurite"
import base64, email.utils, hashlib, hmac, json, os, sys, urllib.request
runs, blob = int(sys.argv[1]), sys.argv[2]
settings = dict(p.split("=", 1) for p in os.environ["AZURE_STORAGE_CONNECTION_STRING"].strip(";").split(";"))
account, key, endpoint = settings["AccountName"], settings["AccountKey"], settings["BlobEndpoint"]

def put(path, query, body, extra):
    # One request with a Shared Key signature (no Azure SDK for Python needed).
    headers = {"x-ms-date": email.utils.formatdate(usegmt=True), "x-ms-version": "2021-08-06", **extra}
    canonical_headers = "".join(f"{k}:{v}\n" for k, v in sorted(headers.items()))
    # Emulator URLs carry the account in the path, so it appears twice in the resource.
    resource = f"/{account}/{account}/{path}" + "".join(f"\n{k}:{v}" for k, v in sorted(query.items()))
    # VERB, then the 11 standard headers of which Content-Length and Content-Type are sent.
    to_sign = ("PUT\n\n\n" + (str(len(body)) if body else "") + "\n\napplication/octet-stream\n" + "\n" * 6
               + canonical_headers + resource)
    signature = base64.b64encode(hmac.new(base64.b64decode(key), to_sign.encode(), hashlib.sha256).digest()).decode()
    url = f"{endpoint}/{path}" + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    request = urllib.request.Request(url, method="PUT", data=body, headers={
        **headers, "Content-Type": "application/octet-stream", "Authorization": f"SharedKey {account}:{signature}"})
    urllib.request.urlopen(request).close()

for name in ["spoke-scans"] + [f"cold-central-{r}" for r in range(runs)]:
    put(name, {"restype": "container"}, b"", {})
lines = []
for i in range(100):
    lines.append(json.dumps({
        "id": f"subscriptions/8f1c2d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f/providers/Microsoft.Security/assessments/cold-{i:04d}",
        "asset_id": f"subscriptions/8f1c2d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f/resourceGroups/cold/providers/Microsoft.Network/networkSecurityGroups/nsg-{i:04d}",
        "finding_type": "misconfiguration", "severity": ["critical", "high", "medium", "low"][i % 4],
        "status": "open", "title": f"Network security group allows inbound traffic from any source on port {20 + i}",
        "description": "The security rule permits unrestricted inbound traffic. " * 12,
        "first_seen": "2026-11-20T06:00:00Z", "last_seen": "2026-11-24T06:00:00Z",
        "rule_id": f"nsg-open-{i % 7}", "resource_path": "securityRules[0].sourceAddressPrefix",
        "expected_value": "10.0.0.0/8", "actual_value": "*",
        "compliance_frameworks": ["CIS Azure 2.0", "PCI DSS 3.2.1"],
        "remediation_guidance": "Restrict the rule's source to known address ranges."}))
put(f"spoke-scans/{blob}", {}, ("\n".join(lines) + "\n").encode(), {"x-ms-blob-type": "BlockBlob"})
PY

# The CPU time Azurite (one node process) has spent so far, in ms: what answering a run's requests cost the machine.
azurite_cpu_ms() {
  local pid="$azurite_pid" child
  # npm's .bin entry may be a wrapper; the server is the process that has no child.
  while child="$(pgrep -P "$pid" | head -1)" && [[ -n "$child" ]]; do pid="$child"; done
  awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$pid/stat"
}
# Whether output $1 holds the function's log line of a sync that landed 100 records without errors.
synced_all() {
  python3 - "$1" <<'PY'
import json, sys
ok = False
for line in open(sys.argv[1], errors="replace"):
    text = line.split(" ", 1)[-1]
    try:
        l = json.loads(text)
    except ValueError:
        continue
    r = l.get("result", {}) if isinstance(l, dict) else {}
    ok = ok or (l.get("outcome") == "succeeded" and r.get("records_synced") == 100 and r.get("error_count") == 0)
sys.exit(0 if ok else 1)
PY
}
jar --create --file "$work/launcher.jar" -C "$test_classes" com/mantissa/stance/sync/azure
jvm_options="${JVM_OPTIONS--XX:+TieredCompilation -XX:TieredStopAtLevel=1 -noverify -Djava.net.preferIPv4Stack=true}"
cp="$(compgen -G "$app/stance-sync-azure-function-*.jar" | head -1):$app/lib/*:$core_library:$work/launcher.jar"
echo "azure-cold-invoke: app $(du -sk "$app" | cut -f1) KB, java $(java -version 2>&1 | head -1), $(nproc) cores, central=$central_kind (Azurite), JVM options ${jvm_options:-(none)}"
for r in $(seq 0 $((runs - 1))); do
  case "$central_kind" in
    azure) central_uri="az://devstoreaccount1/cold-central-$r" ;;
    *) central_uri="file://$work/central-$r" ;;
  esac
  azurite_cpu_before="$(azurite_cpu_ms)"
  # Only what the deployment sets: the function must not see the developer's cloud credentials.
  # shellcheck disable=SC2086 # the options are words
  env -i PATH="$PATH" HOME="$work" \
    AZURE_STORAGE_CONNECTION_STRING="$connection" STANCE_CENTRAL_URI="$central_uri" \
    /usr/bin/time -f "%e s wall, %U s user + %S s sys CPU, %M KB max RSS" -o "$work/time-$r" \
    java $jvm_options -cp "$cp" com.mantissa.stance.sync.azure.ColdInvoke 8f1c2d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f \
    "https://devstoreaccount1.blob.core.windows.net/spoke-scans/$object" >"$work/out-$r" 2>&1 \
    || { tail -c 4000 "$work/out-$r" >&2; fail "run $r failed"; }
  synced_all "$work/out-$r" || { tail -c 4000 "$work/out-$r" >&2; fail "run $r did not sync 100 records"; }
  echo "azure-cold-invoke: run $r: $(cat "$work/time-$r") (load average $(cut -d" " -f1 /proc/loadavg));$(grep -o ' handler constructed in .*' "$work/out-$r" || true); Azurite spent $(( $(azurite_cpu_ms) - azurite_cpu_before )) ms of CPU answering"
  if [[ -n "${KEEP_OUT:-}" ]]; then cp "$work/out-$r" "$KEEP_OUT-$r"; fi
done
