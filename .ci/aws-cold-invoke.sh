#!/usr/bin/env bash
# Measures a cold invocation of the AWS handler: a fresh JVM on the shaded Lambda jar, with
# the template's JAVA_TOOL_OPTIONS, deserialising an S3 event and
# pushing 100 findings from a bucket on a local moto server into a central store
# (a local folder by default; CENTRAL=s3 for a bucket on the same moto, CENTRAL=azure for a
# container on Azurite from emulators/node_modules, which needs a jar built with -Pwith-azure:
# this also proves the shaded jar's merged service files still find the Azure HTTP client). Prints the wall time
# of each run (/usr/bin/time) and fails when a run did not land all 100 records. CDS=1 adds
# an AppCDS archive made by one training run first. MAX_WALL=1.5 fails a run slower than that
# (off by default: wall time on a shared machine says more about the neighbours). RUNTIME=ric
# runs each invocation under AWS's runtime interface client (.ci/aws-runtime-invoke.py) instead.
# TOOL_OPTIONS replaces the template's JAVA_TOOL_OPTIONS (e.g. TOOL_OPTIONS= for the JVM's defaults).
# Each run also prints how long constructing the handler and the invocation itself took, and the
# invocation's CPU time (the comparable figure on a shared machine) and the JIT compiler's time in it;
# AWS_LAMBDA_INITIALIZATION_TYPE=snap-start builds the S3 client and primes the push path inside the
# process in the constructor, as a SnapStart snapshot is taken (the invocation is then what a
# restored snapshot still runs).
#   usage: .ci/aws-cold-invoke.sh [runs]        (build first: mvn -B -pl aws-lambda -am package -DskipTests)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-3}"
central_kind="${CENTRAL:-file}"
# JAR= and TEST_CLASSES= measure another build (e.g. a copy of an earlier jar) side by side.
jar="${JAR:-$root/aws-lambda/target/stance-sync-aws-lambda.jar}"
test_classes="${TEST_CLASSES:-$root/aws-lambda/target/test-classes}"
m2="${MAVEN_REPO:-$HOME/.m2/repository}"
tests_jar="$(ls "$m2"/com/amazonaws/aws-lambda-java-tests/*/aws-lambda-java-tests-*.jar | sort -V | tail -1)"
serialization_jar="$(ls "$m2"/com/amazonaws/aws-lambda-java-serialization/*/aws-lambda-java-serialization-*.jar | sort -V | tail -1)"

fail() { echo "aws-cold-invoke: FAILED: $*" >&2; exit 1; }
# Whether the output file $1 holds the handler's log line of a sync that succeeded with 100
# records and no errors: the line is one JSON object ("severity", "objects", "account",
# "outcome", "redeliver", "result" with "records_synced" and "error_count"), printed as is or,
# with AWS_LAMBDA_LOG_FORMAT=JSON, as the "message" of the runtime's own JSON record.
synced_all() {
  python3 - "$1" <<'PY'
import json, sys
def lines(text):
    # Every JSON object in the text: the runtime's plain-text mode runs consecutive lines together.
    decoder, at = json.JSONDecoder(), text.find("{")
    while at >= 0:
        try:
            value, end = decoder.raw_decode(text, at)
        except ValueError:
            at = text.find("{", at + 1)
            continue
        if isinstance(value, dict) and isinstance(value.get("message"), str) and value["message"].startswith("{"):
            yield from lines(value["message"])
        elif isinstance(value, dict):
            yield value
        at = text.find("{", end)
ok = any(l.get("outcome") == "succeeded" and l.get("result", {}).get("records_synced") == 100
         and l.get("result", {}).get("error_count") == 0 for l in lines(open(sys.argv[1], errors="replace").read()))
sys.exit(0 if ok else 1)
PY
}
[[ -f "$jar" && -d "$test_classes" ]] || fail "build first: mvn -B -pl aws-lambda -am package -DskipTests"
[[ -x /usr/bin/time ]] || fail "/usr/bin/time missing (apt-get install time)"
if [[ "$central_kind" == azure ]] && ! grep -qx 'com/azure/storage/blob/BlobServiceClientBuilder.class' < <(unzip -Z1 "$jar"); then
  fail "CENTRAL=azure needs the Azure SDK in the jar: mvn -B -pl aws-lambda -am package -DskipTests -Pwith-azure"
fi

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
python3 -m moto.server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
export AWS_ENDPOINT_URL_S3="http://127.0.0.1:$port" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
for _ in $(seq 1 100); do
  curl -s -o /dev/null "$AWS_ENDPOINT_URL_S3/moto-api/" && break
  sleep 0.1
done
if [[ "$central_kind" == azure ]]; then
  azurite="$root/emulators/node_modules/.bin/azurite-blob"
  [[ -x "$azurite" ]] || fail "no $azurite: npm ci --prefix emulators"
  blob_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  "$azurite" --inMemoryPersistence --disableTelemetry --skipApiVersionCheck --silent \
    --blobHost 127.0.0.1 --blobPort "$blob_port" >"$work/azurite.log" 2>&1 &
  azurite_pid=$!
  trap 'kill "$moto_pid" "$azurite_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
  # Azurite's public development account (documented by Microsoft).
  export AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;"
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$blob_port/devstoreaccount1?comp=list" && break
    sleep 0.1
  done
fi

# 100 findings of ~1.5 KB, the event naming them, and (for CENTRAL=s3) the central buckets.
python3 - "$work" "$runs" "$central_kind" <<'PY'
import json, sys, boto3
work, runs, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s3 = boto3.client("s3")
s3.create_bucket(Bucket="spoke-scans")
lines = []
for i in range(100):
    lines.append(json.dumps({
        "id": f"arn:aws:securityhub:us-east-1:123456789012:finding/cold-{i:04d}",
        "asset_id": f"arn:aws:ec2:us-east-1:123456789012:instance/i-{i:017x}",
        "finding_type": "misconfiguration", "severity": ["critical", "high", "medium", "low"][i % 4],
        "status": "open", "title": f"Security group allows ingress from 0.0.0.0/0 on port {20 + i}",
        "description": "The security group permits unrestricted inbound traffic. " * 12,
        "first_seen": "2026-11-20T06:00:00Z", "last_seen": "2026-11-24T06:00:00Z",
        "rule_id": f"ec2-sg-open-{i % 7}", "resource_path": "IpPermissions[0].IpRanges[0]",
        "expected_value": "10.0.0.0/8", "actual_value": "0.0.0.0/0",
        "compliance_frameworks": ["CIS AWS 1.5", "PCI DSS 3.2.1"],
        "remediation_guidance": "Restrict the ingress rule to known CIDR ranges."}))
s3.put_object(Bucket="spoke-scans", Key="stance/findings/cold-1/findings.jsonl", Body=("\n".join(lines) + "\n").encode())
event = {"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
    "eventTime": "2026-11-24T06:00:12.345Z", "eventName": "ObjectCreated:Put",
    "userIdentity": {"principalId": "AWS:AIDAJDPLRKLG7UEXAMPLE"}, "requestParameters": {"sourceIPAddress": "203.0.113.10"},
    "responseElements": {"x-amz-request-id": "C3D13FE58DE4C810", "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},
    "s3": {"s3SchemaVersion": "1.0", "configurationId": "stance-scan-files",
        "bucket": {"name": "spoke-scans", "ownerIdentity": {"principalId": "A3NL1KOZZKExample"}, "arn": "arn:aws:s3:::spoke-scans"},
        "object": {"key": "stance/findings/cold-1/findings.jsonl", "size": 150000, "eTag": "d41d8cd98f00b204e9800998ecf8427e",
                   "sequencer": "0055AED6DCD90281E5"}}}]}
json.dump(event, open(f"{work}/event.json", "w"))
if kind == "s3":
    for r in ["training"] + list(range(runs)):
        s3.create_bucket(Bucket=f"cold-central-{r}")
if kind == "azure":
    # Create Container with a Shared Key signature (no Azure SDK for Python needed).
    import base64, email.utils, hmac, hashlib, os, urllib.request
    settings = dict(p.split("=", 1) for p in os.environ["AZURE_STORAGE_CONNECTION_STRING"].strip(";").split(";"))
    account, key, endpoint = settings["AccountName"], settings["AccountKey"], settings["BlobEndpoint"]
    for r in ["training"] + list(range(runs)):
        name = f"cold-central-{r}"
        date = email.utils.formatdate(usegmt=True)
        headers = {"x-ms-date": date, "x-ms-version": "2021-08-06"}
        canonical_headers = "".join(f"{k}:{v}\n" for k, v in sorted(headers.items()))
        # Emulator URLs carry the account in the path, so it appears twice in the resource.
        resource = f"/{account}/{account}/{name}\nrestype:container"
        # VERB, then the 11 standard headers of which only Content-Type is sent (urllib would add one).
        to_sign = "PUT\n\n\n\n\napplication/octet-stream\n" + "\n" * 6 + canonical_headers + resource
        signature = base64.b64encode(hmac.new(base64.b64decode(key), to_sign.encode(), hashlib.sha256).digest()).decode()
        request = urllib.request.Request(f"{endpoint}/{name}?restype=container", method="PUT", data=b"",
                                         headers={**headers, "Content-Type": "application/octet-stream",
                                                  "Authorization": f"SharedKey {account}:{signature}"})
        urllib.request.urlopen(request).close()
PY

# The CPU time the moto server has spent so far, in ms: what answering a run's requests cost the
# machine (the invocation waits on it; on 2 cores it also competes with the function for a core).
moto_cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$moto_pid/stat"; }
# The launcher classes as a jar: CDS archives only classes loaded from jars.
jar --create --file "$work/launcher.jar" -C "$test_classes" com/mantissa/stance/sync/aws
cp="$jar:$work/launcher.jar:$tests_jar:$serialization_jar"
tool_options="${TOOL_OPTIONS--XX:+TieredCompilation -XX:TieredStopAtLevel=1}"
if [[ -n "${CDS:-}" ]]; then
  # AppCDS: one training invocation dumps the loaded classes; the measured runs map them.
  case "$central_kind" in
    s3) training_uri="s3://cold-central-training" ;;
    azure) training_uri="az://devstoreaccount1/cold-central-training" ;;
    *) training_uri="file://$work/training" ;;
  esac
  JAVA_TOOL_OPTIONS="$tool_options -XX:ArchiveClassesAtExit=$work/app.jsa" STANCE_CENTRAL_URI="$training_uri" \
    java -cp "$cp" com.mantissa.stance.sync.aws.ColdInvoke "$work/event.json" >"$work/training.out" 2>&1 \
    || { cat "$work/training.out" >&2; fail "CDS training run failed"; }
  tool_options="$tool_options -XX:SharedArchiveFile=$work/app.jsa"
fi
echo "aws-cold-invoke: jar $(du -k "$jar" | cut -f1) KB, java $(java -version 2>&1 | head -1), $(nproc) cores, central=$central_kind${CDS:+, AppCDS}"
for r in $(seq 0 $((runs - 1))); do
  case "$central_kind" in
    s3) central_uri="s3://cold-central-$r" ;;
    azure) central_uri="az://devstoreaccount1/cold-central-$r" ;;
    *) central_uri="file://$work/central-$r" ;;
  esac
  if [[ -n "${RUNTIME:-}" ]]; then
    # Under AWS's runtime interface client: the figure is JVM launch to the posted response.
    JAVA_TOOL_OPTIONS="$tool_options" STANCE_CENTRAL_URI="$central_uri" \
      python3 "$root/.ci/aws-runtime-invoke.py" "$jar" com.mantissa.stance.sync.aws.S3EventHandler::handleRequest \
      "$work/event.json" >"$work/out-$r" 2>&1 || { cat "$work/out-$r" >&2; fail "run $r failed"; }
    synced_all "$work/out-$r" || { cat "$work/out-$r" >&2; fail "run $r did not sync 100 records"; }
    echo "aws-cold-invoke: run $r (runtime interface client): $(grep -o 'JVM launch to posted result: .*' "$work/out-$r") (load average $(cut -d" " -f1 /proc/loadavg))"
    continue
  fi
  moto_cpu_before="$(moto_cpu_ms)"
  JAVA_TOOL_OPTIONS="$tool_options" STANCE_CENTRAL_URI="$central_uri" \
    /usr/bin/time -f "%e s wall, %U s user + %S s sys CPU, %M KB max RSS" -o "$work/time-$r" \
    java -cp "$cp" com.mantissa.stance.sync.aws.ColdInvoke "$work/event.json" >"$work/out-$r" 2>&1 \
    || { cat "$work/out-$r" >&2; fail "run $r failed"; }
  synced_all "$work/out-$r" || { cat "$work/out-$r" >&2; fail "run $r did not sync 100 records"; }
  echo "aws-cold-invoke: run $r: $(cat "$work/time-$r") (load average $(cut -d" " -f1 /proc/loadavg));$(grep -o ' handler constructed in .*' "$work/out-$r" || true); moto spent $(( $(moto_cpu_ms) - moto_cpu_before )) ms of CPU answering"
  # KEEP_OUT=/path keeps each run's output (the invocation log line) for inspection.
  if [[ -n "${MAX_WALL:-}" ]] && awk -v w="$(cut -d' ' -f1 "$work/time-$r")" -v m="$MAX_WALL" 'BEGIN { exit !(w > m) }'; then
    fail "run $r took longer than MAX_WALL=$MAX_WALL s"
  fi
  if [[ -n "${KEEP_OUT:-}" ]]; then cp "$work/out-$r" "$KEEP_OUT-$r"; fi
done
