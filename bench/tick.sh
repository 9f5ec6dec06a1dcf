#!/usr/bin/env bash
# The cost of a scheduled tick, from the repository root:
#   bench/tick.sh [--sources 30] [--findings 100] [--assets 20] [--budget none]
# SOURCES Stance scans (snapshots/manifest.json naming the latest snapshot, its findings.jsonl and
# assets.jsonl) in one spoke bucket on moto, each its own account, pushed three times with
# `stance-sync enqueue` + one `stance-sync worker` into one central bucket:
#   1. first: central empty;
#   2. unchanged: nothing changed on the spoke;
#   3. changed: source 0 has a new snapshot (manifest and both files), source 1 was rescanned
#      under the same snapshot id (its findings.jsonl rewritten, one finding changed).
# Every request is counted inside moto's own process, by store and operation; GETs of scan files
# (findings.jsonl, assets.jsonl) also by the bytes moto sent. Per tick: wall time, spoke requests
# by kind, scan files read and their bytes, central requests by kind, and the check that central
# holds what the spoke says (records, and every account's status object).
# Needs: JDK 17+, python3 with moto[server] and boto3, core/target/stance-sync.jar (built if missing).
set -euo pipefail
cd "$(dirname "$0")/.."

sources=30 findings=100 assets=20 budget=none
while (( $# )); do
  case $1 in
    --sources) sources=$2; shift 2 ;;
    --findings) findings=$2; shift 2 ;;
    --assets) assets=$2; shift 2 ;;
    --budget) budget=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

jar=core/target/stance-sync.jar
if [[ ! -f $jar ]] || [[ -n $(find core/src/main core/pom.xml -newer "$jar" -print -quit) ]]; then
  echo "[tick] building $jar" >&2
  mvn -B -q -pl core -am package -DskipTests
fi
python3 -c 'import moto.server, boto3' 2>/dev/null || { echo "[tick] needs: pip install 'moto[server]>=5.1,<6' boto3" >&2; exit 1; }

work=bench/target/tick
rm -rf "$work" && mkdir -p "$work"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port) control=$(free_port)
# server.py: moto, counting the requests it serves by bucket and operation, and the bytes of the
# scan files it sends; a control port starts and stops the count and checks central.
cat >"$work/server.py" <<'PY'
import json, sys, collections, threading, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from werkzeug.serving import make_server
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.s3.models import s3_backends
port, control = int(sys.argv[1]), int(sys.argv[2])
counts, lock, counting = collections.Counter(), threading.Lock(), [False]
moto_app = DomainDispatcherApplication(create_backend_app)
SCAN_FILES = ("/findings.jsonl", "/assets.jsonl")
def counted(environ, start_response):
    if not counting[0]:
        return moto_app(environ, start_response)
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        with lock:
            counts["sqs " + target.replace("AmazonSQS.", "")] += 1
        return moto_app(environ, start_response)
    method, path = environ["REQUEST_METHOD"], urllib.parse.unquote(environ.get("PATH_INFO", "")).strip("/")
    bucket, _, key = path.partition("/")
    store = "spoke" if bucket == "bench-spoke" else "central"
    listing = method == "GET" and not key
    kind = "LIST" if listing else method
    if method == "GET" and key.endswith(SCAN_FILES):
        kind = "GET scan file"
    elif method == "GET" and key.endswith("/manifest.json"):
        kind = "GET manifest"
    elif method == "GET" and "/_state/" in key:
        kind = "GET _state"
    sent = [0]
    def counting_start(status, headers, exc_info=None):
        for name, value in headers:
            if name.lower() == "content-length":
                sent[0] = int(value)
        return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)
    body = moto_app(environ, counting_start)
    with lock:
        counts[f"{store} {kind}"] += 1
        if kind == "GET scan file":
            counts["spoke scan file bytes"] += sent[0]
    return body
server = make_server("127.0.0.1", port, counted, threaded=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
def check(bucket, expected_records, accounts):
    store = s3_backends["123456789012"]["aws"].buckets[bucket]
    # Records are under findings/ and assets/; the account's state and its change feed are not records.
    records, statuses, feed = 0, 0, 0
    for key in list(store.keys.keys()):
        if "/_changes/" in key:
            feed += 1
        elif "/_state/" not in key:
            records += 1
        elif key.endswith(".json") and "/status" in key:
            statuses += 1
    return {"records": records, "expected": expected_records, "status_objects": statuses,
            "change_feed_entries": feed, "ok": records == expected_records and statuses >= accounts}
class Control(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass
    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/check":
            body = check(q["bucket"], int(q["expected"]), int(q["accounts"]))
        elif url.path == "/start":
            with lock:
                counts.clear()
            counting[0] = True
            body = {}
        elif url.path == "/stop":
            counting[0] = False
            body = {}
        else:
            with lock:
                body = dict(counts)
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
ThreadingHTTPServer(("127.0.0.1", control), Control).serve_forever()
PY
(cd "$work" && exec python3 server.py "$port" "$control" >moto.log 2>&1) &
moto=$!
trap 'kill $moto 2>/dev/null || true' EXIT
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_ENDPOINT_URL_S3="http://127.0.0.1:$port" \
  AWS_ENDPOINT_URL_SQS="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/moto-api/" >/dev/null && break; sleep 0.2; done

cat >"$work/helper.py" <<'PY'
import json, sys, boto3
s3, sqs = boto3.client("s3"), boto3.client("sqs")
cmd = sys.argv[1]
def finding(account, i, title="Public bucket"):
    return json.dumps({"id": f"{account}-finding-{i}", "finding_type": "misconfiguration", "severity": "high",
                       "status": "open" if i % 4 else "resolved", "title": f"{title} {i}",
                       "last_seen": "2026-11-20T10:00:00Z"})
def asset(account, i):
    return json.dumps({"id": f"{account}-asset-{i}", "type": "aws_s3_bucket", "region": "us-east-1",
                       "name": f"bucket-{i}"})
def scan(bucket, s, snapshot, n, m, changed=None):
    account = f"{100000000000 + s}"
    body = "\n".join(finding(account, i, "Changed" if i == changed else "Public bucket") for i in range(n)) + "\n"
    s3.put_object(Bucket=bucket, Key=f"acct-{s}/findings/{snapshot}/findings.jsonl", Body=body.encode())
    if changed is None:
        s3.put_object(Bucket=bucket, Key=f"acct-{s}/assets/{snapshot}/assets.jsonl",
                      Body=("\n".join(asset(account, i) for i in range(m)) + "\n").encode())
        s3.put_object(Bucket=bucket, Key=f"acct-{s}/snapshots/manifest.json",
                      Body=json.dumps({"snapshots": [{"id": snapshot}]}).encode())
    return account
if cmd == "spoke":                       # spoke BUCKET SOURCES FINDINGS ASSETS SOURCES_FILE
    bucket, n, f, a, out = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
    s3.create_bucket(Bucket=bucket)
    with open(out, "w") as o:
        for s in range(n):
            account = scan(bucket, s, "20261201-100000", f, a)
            o.write(json.dumps({"location": f"s3://{bucket}/acct-{s}", "account": account, "provider": "aws"}) + "\n")
elif cmd == "change":                    # change BUCKET FINDINGS ASSETS: a new snapshot of 0, 1 rescanned in place
    bucket, f, a = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    scan(bucket, 0, "20261202-100000", f, a)
    scan(bucket, 1, "20261201-100000", f, a, changed=1)
elif cmd == "bucket":
    s3.create_bucket(Bucket=sys.argv[2])
elif cmd == "queue":
    print(sqs.create_queue(QueueName=sys.argv[2])["QueueUrl"])
PY
helper() { python3 "$work/helper.py" "$@"; }
counting() { curl -sf "http://127.0.0.1:$control/$1" >/dev/null; }
ms() { date +%s%3N; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
cli() { java -XX:+UseSerialGC -jar "$jar" "$@"; }

helper spoke bench-spoke "$sources" "$findings" "$assets" "$work/sources.jsonl"
helper bucket bench-central
queue=$(helper queue bench-tick)
extra=(); [[ $budget != none ]] && extra=(--time-budget "$budget")

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(load), command: bench/tick.sh --sources $sources --findings $findings --assets $assets --budget $budget"
echo "ticks over $sources Stance scans (findings.jsonl $findings findings, assets.jsonl $assets assets each) on moto: enqueue + 1 worker"
tick() {
  local name=$1 start seconds
  cli enqueue --sources "$work/sources.jsonl" --queue "$queue" >/dev/null
  counting start
  start=$(ms)
  cli worker --queue "$queue" --central s3://bench-central --exit-when-idle 2s "${extra[@]}" \
    >"$work/worker-$name.json" 2>"$work/worker-$name.log"
  seconds=$(python3 -c "print(round(($(ms) - $start) / 1000 - 2, 1))")
  counting stop
  curl -sf "http://127.0.0.1:$control/requests" >"$work/requests-$name.json"
  python3 - "$name" "$seconds" "$sources" "$work/requests-$name.json" <<'PY'
import json, sys
name, seconds, n, path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
c = json.load(open(path))
spoke = {k[6:]: v for k, v in c.items() if k.startswith("spoke ") and k != "spoke scan file bytes"}
central = {k[8:]: v for k, v in c.items() if k.startswith("central ")}
files, scan_bytes = c.get("spoke GET scan file", 0), c.get("spoke scan file bytes", 0)
def kinds(d):
    return ", ".join(f"{k} {v}" for k, v in sorted(d.items(), key=lambda x: -x[1]))
print(f"| {name} | {seconds} | {files} of {2 * n} | {scan_bytes:,} | {sum(spoke.values())} ({sum(spoke.values()) / n:.2f}/source) "
      f"| {sum(central.values())} ({sum(central.values()) / n:.2f}/source) |")
print(f"  spoke: {kinds(spoke)}", file=sys.stderr)
print(f"  central: {kinds(central)}", file=sys.stderr)
PY
}
echo "| tick | seconds | scan files read | scan bytes read | spoke requests | central requests |"
echo "|---|---:|---:|---:|---:|---:|"
tick first
tick unchanged
helper change bench-spoke "$findings" "$assets"
tick changed
tick unchanged-again
echo "central: $(curl -sf "http://127.0.0.1:$control/check?bucket=bench-central&expected=$(( sources * (findings + assets) ))&accounts=$sources")"
echo "load at the end: $(load)"
