#!/usr/bin/env bash
# The fan-out benchmark, from the repository root:
#   bench/fanout.sh [--sources 1000] [--findings 100] [--workers "1 2 4 8"] [--big 100000] [--budget 5s]
# 1. SOURCES sources of FINDINGS findings each, sent with `stance-sync enqueue` to an SQS queue on
#    moto and drained into a fresh central by N `stance-sync worker` processes, for each N:
#    wall time, records per second, S3 requests by kind (counted inside moto), and the proof
#    that no work was lost or duplicated (every record in central exactly once, every _version 1,
#    the queue and its dead-letter queue empty; central is read inside moto's own process, because
#    reading it back over HTTP would take longer than the push).
# 2. One snapshot of BIG findings pushed by one worker with --time-budget BUDGET against one
#    unbounded push: invocations (continuations + 1), total time of each, every _version 1.
# 3. --ticks "10 100 1000": the cost of a scheduled tick for N Stance sources (manifest, one
#    snapshot of TICK_FINDINGS findings and 2 assets each), through `enqueue` and one `worker`:
#    the first tick, an unchanged tick, and a tick after one source was rescanned under the same
#    snapshot id. Per tick: requests and response bytes read, from the spokes (scan-file GETs and
#    their bytes apart) and from central, per source, and the unchanged tick's price per source on
#    S3, GCS and Azure (the prices and their sources: docs/performance.md). --only-ticks skips 1 and 2.
# Needs: JDK 17+, python3 with moto[server] and boto3, core/target/stance-sync.jar (built if missing).
# The machine should be otherwise idle: the figures are wall-clock. Each row prints the load
# average before it; a worker's 5 s idle wait before it exits is subtracted.
set -euo pipefail
cd "$(dirname "$0")/.."

sources=1000 findings=100 workers="1 2 4 8" big=100000 budget=5s ticks="" tick_findings=10 only_ticks=""
while (( $# )); do
  case $1 in
    --ticks) ticks=$2; shift 2 ;;
    --tick-findings) tick_findings=$2; shift 2 ;;
    --only-ticks) only_ticks=1; shift ;;
    --sources) sources=$2; shift 2 ;;
    --findings) findings=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --big) big=$2; shift 2 ;;
    --budget) budget=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

# STANCE_JAR=path measures another build (a copy: a build that rewrites the jar mid-run breaks the run).
jar=${STANCE_JAR:-core/target/stance-sync.jar}
if [[ -z ${STANCE_JAR:-} ]] && { [[ ! -f $jar ]] || [[ -n $(find core/src/main core/pom.xml -newer "$jar" -print -quit) ]]; }; then
  echo "[fanout] building $jar" >&2
  mvn -B -q -pl core -am package -DskipTests
fi
python3 -c 'import moto.server, boto3' 2>/dev/null || { echo "[fanout] needs: pip install 'moto[server]>=5.1,<6' boto3" >&2; exit 1; }

work=bench/target/fanout
rm -rf "$work" && mkdir -p "$work"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port) control=$(free_port)
# server.py: moto, counting the requests it serves, plus a control port that starts and stops the
# count and checks central from moto's own objects (reading 100,000 records back over HTTP would
# take longer than the push being measured).
cat >"$work/server.py" <<'PY'
import json, sys, collections, threading, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from werkzeug.serving import make_server
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.s3.models import s3_backends
port, control = int(sys.argv[1]), int(sys.argv[2])
counts, lock, counting = collections.Counter(), threading.Lock(), [False]
# moto 5.2.1's SQS queue is not safe under concurrent requests: two ReceiveMessage calls can hand
# out the same message (the visibility check and the marking are not atomic), and two
# DeleteMessage calls each rebuild the queue's message list from the same snapshot, so one delete
# is lost and its message stays counted although its worker acknowledged it (seen with 8 workers:
# 1,001 deliveries of 1,000 messages, all acknowledged, 2 still counted). SQS itself does neither,
# so the queue's state changes run one at a time here; a long poll waits outside the lock.
import time
from moto.sqs import models as sqs_models
sqs_lock = threading.RLock()
def serialised(method):
    def call(*args, **kwargs):
        with sqs_lock:
            return method(*args, **kwargs)
    return call
for name in ("delete_message", "change_message_visibility", "send_message", "send_message_batch", "delete_message_batch"):
    if hasattr(sqs_models.SQSBackend, name):
        setattr(sqs_models.SQSBackend, name, serialised(getattr(sqs_models.SQSBackend, name)))
original_receive = sqs_models.SQSBackend.receive_message
def receive_message(self, queue_name, count, wait_seconds_timeout, visibility_timeout, message_attribute_names=None):
    end = time.time() + (wait_seconds_timeout or 0)
    while True:
        with sqs_lock:
            result = original_receive(self, queue_name, count, 0, visibility_timeout, message_attribute_names)
        if result or time.time() >= end:
            return result
        time.sleep(0.05)
sqs_models.SQSBackend.receive_message = receive_message
moto_app = DomainDispatcherApplication(create_backend_app)
# The tick phase's detail: per store role (a bucket named *spoke* is a spoke, *central* central)
# and request kind, the requests and the response body bytes (what egress bills); a GET of a
# findings.jsonl / assets.jsonl is its own kind, "scan file GET".
detail = collections.defaultdict(lambda: [0, 0])
def role_and_kind(environ):
    method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "").strip("/")
    bucket, _, key = path.partition("/")
    if not key and method == "GET" and "list-type" in environ.get("QUERY_STRING", ""):
        kind = "LIST"
    elif method == "GET" and key.endswith(("findings.jsonl", "assets.jsonl")):
        kind = "scan file GET"
    else:
        kind = method
    role = "spoke" if "spoke" in bucket else "central" if "central" in bucket else "other"
    return role, kind
def counted(environ, start_response):
    # Counts every request moto serves while counting is on, by service and operation.
    if not counting[0]:
        return moto_app(environ, start_response)
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        kind = target.replace("AmazonSQS.", "SQS ")
        role_kind = ("queue", kind)
    else:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "").strip("/")
        listing = method == "GET" and "/" not in path and "list-type" in environ.get("QUERY_STRING", "")
        kind = "S3 " + ("LIST" if listing else method)
        role_kind = role_and_kind(environ)
    with lock:
        counts[kind] += 1
        detail[role_kind][0] += 1
    def body():
        for chunk in moto_app(environ, start_response):
            with lock:
                detail[role_kind][1] += len(chunk)
            yield chunk
    return body()
server = make_server("127.0.0.1", port, counted, threaded=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
def check(bucket, expected):
    ids, not_one, bad = collections.Counter(), 0, 0
    store = s3_backends["123456789012"]["aws"].buckets[bucket]
    for key in list(store.keys.keys()):
        if "/_state/" in key or "/_changes/" in key:
            continue  # the accounts' state and change feeds are not records
        try:
            record = json.loads(store.keys[key].value)
        except ValueError:
            bad += 1
            continue
        ids[record["id"]] += 1
        not_one += record.get("_version") != 1
    twice = sum(1 for c in ids.values() if c > 1)
    return {"records": len(ids), "expected": expected, "duplicated_ids": twice, "version_not_1": not_one,
            "unreadable": bad, "ok": len(ids) == expected and twice == 0 and not_one == 0 and bad == 0}
class Control(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass
    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/check":
            body = check(q["bucket"], int(q["expected"]))
        elif url.path == "/detail":
            with lock:
                body = {f"{r}|{k}": v for (r, k), v in detail.items()}
        elif url.path == "/start":
            with lock:
                counts.clear()
                detail.clear()
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

# helper.py: fixtures and queue checks through boto3 against moto.
cat >"$work/helper.py" <<'PY'
import json, sys, boto3
s3, sqs = boto3.client("s3"), boto3.client("sqs")
cmd = sys.argv[1]
def finding(account, i):
    return json.dumps({"id": f"{account}-finding-{i}", "finding_type": "misconfiguration", "severity": "high",
                       "status": "open", "title": f"Public bucket {i}", "last_seen": "2026-11-20T10:00:00Z"})
def waiting(url):
    a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages",
                                                               "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return int(a["ApproximateNumberOfMessages"]) + int(a["ApproximateNumberOfMessagesNotVisible"])
if cmd == "spoke":                       # spoke BUCKET SOURCES FINDINGS SOURCES_FILE
    bucket, n, m, out = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    s3.create_bucket(Bucket=bucket)
    with open(out, "w") as f:
        for s in range(n):
            account = f"{100000000000 + s}"
            body = "\n".join(finding(account, i) for i in range(m)) + "\n"
            s3.put_object(Bucket=bucket, Key=f"acct-{s}/findings.jsonl", Body=body.encode())
            f.write(json.dumps({"location": f"s3://{bucket}/acct-{s}", "account": account, "provider": "aws"}) + "\n")
elif cmd == "bucket":                    # bucket NAME
    s3.create_bucket(Bucket=sys.argv[2])
elif cmd == "queue":                     # queue NAME -> url; its dead-letter queue NAME-dlq after 5 receives
    dlq = sqs.create_queue(QueueName=sys.argv[2] + "-dlq")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    print(sqs.create_queue(QueueName=sys.argv[2], Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": "5"})})["QueueUrl"])
elif cmd == "stance":                    # stance BUCKET SOURCES FINDINGS SOURCES_FILE: Stance scan prefixes
    bucket, n, m, out = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    s3.create_bucket(Bucket=bucket)
    with open(out, "w") as f:
        for s in range(n):
            account = f"{200000000000 + s}"
            prefix = f"acct-{s}/stance"
            body = "\n".join(finding(account, i) for i in range(m)) + "\n"
            s3.put_object(Bucket=bucket, Key=f"{prefix}/findings/snap-1/findings.jsonl", Body=body.encode())
            assets = "\n".join(json.dumps({"id": f"{account}-asset-{i}", "region": "us-east-1",
                                            "resource_type": "aws_s3_bucket"}) for i in range(2)) + "\n"
            s3.put_object(Bucket=bucket, Key=f"{prefix}/assets/snap-1/assets.jsonl", Body=assets.encode())
            s3.put_object(Bucket=bucket, Key=f"{prefix}/snapshots/manifest.json",
                          Body=json.dumps({"snapshots": [{"id": "snap-1"}]}).encode())
            f.write(json.dumps({"location": f"s3://{bucket}/{prefix}", "account": account, "provider": "aws"}) + "\n")
elif cmd == "rescan":                    # rescan BUCKET SOURCE FINDINGS: the same snapshot id, one finding changed
    bucket, s, m = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    account = f"{200000000000 + s}"
    lines = [finding(account, i) for i in range(m)]
    lines[0] = lines[0].replace('"status": "open"', '"status": "resolved"').replace('2026-11-20T10:00:00Z', '2026-11-21T10:00:00Z')
    s3.put_object(Bucket=bucket, Key=f"acct-{s}/stance/findings/snap-1/findings.jsonl", Body=("\n".join(lines) + "\n").encode())
elif cmd == "left":                      # left QUEUE_URL -> "messages left N, dead letters M"
    url = sys.argv[2]
    print(f"queue {waiting(url)}, DLQ {waiting(url + '-dlq')}")
PY
helper() { python3 "$work/helper.py" "$@"; }
counting() { curl -sf "http://127.0.0.1:$control/$1" >/dev/null; }
# requests by kind, e.g. "S3 PUT 10100, S3 GET 200, SQS ReceiveMessage 120, ..."
requests() { curl -sf "http://127.0.0.1:$control/requests" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(v for k,v in d.items() if k.startswith("S3")), "|", ", ".join(f"{k} {v}" for k,v in sorted(d.items(), key=lambda x: -x[1])))'; }
# every record of the bucket exactly once with _version 1, and the queue and its DLQ empty
check() {
  local r left
  r=$(curl -sf "http://127.0.0.1:$control/check?bucket=$1&expected=$2")
  left=$(helper left "$3")
  python3 -c "import json,sys; r=json.loads(sys.argv[1]); left=sys.argv[2]; empty=left=='queue 0, DLQ 0'
print(f\"records {r['records']}/{r['expected']}, duplicated {r['duplicated_ids']}, _version != 1: {r['version_not_1']}, {left}: \" + ('OK' if r['ok'] and empty else 'FAILED'))" "$r" "$left"
}
ms() { date +%s%3N; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

cli() { java -XX:+UseSerialGC -jar "$jar" "$@"; }
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, command: bench/fanout.sh --sources $sources --findings $findings --workers \"$workers\" --big $big --budget $budget${ticks:+ --ticks \"$ticks\" --tick-findings $tick_findings}${only_ticks:+ --only-ticks}"
if [[ -z $only_ticks ]]; then
echo "[fanout] writing $sources sources x $findings findings" >&2
helper spoke bench-spoke "$sources" "$findings" "$work/sources.jsonl"
echo "fan-out: $sources sources x $findings findings through SQS on moto"
printf '%-8s %9s %10s %12s %10s %-16s  %s\n' workers seconds records/s S3-requests continued load-before check
for n in $workers; do
  central="bench-central-$n"
  helper bucket "$central"
  queue=$(helper queue "bench-work-$n")
  cli enqueue --sources "$work/sources.jsonl" --queue "$queue" >"$work/enqueue-$n.json"
  counting start
  before=$(load)
  start=$(ms)
  pids=()
  for w in $(seq "$n"); do
    cli worker --queue "$queue" --central "s3://$central" --exit-when-idle 5s \
      >"$work/worker-$n-$w.json" 2>"$work/worker-$n-$w.log" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  # The workers wait 5 s for an empty queue before they exit: not part of the work.
  seconds=$(python3 -c "print(round(($(ms) - $start) / 1000 - 5, 1))")
  counting stop
  reqs=$(requests)
  echo "$n workers: ${reqs#*| }" >>"$work/requests.txt"
  continued=$(cat "$work"/worker-"$n"-*.json | python3 -c 'import json,sys; print(sum(json.loads(l)["continuations_sent"] for l in sys.stdin if l.strip()))')
  printf '%-8s %9s %10s %12s %10s %-16s  %s\n' "$n" "$seconds" \
    "$(python3 -c "print(round($sources * $findings / $seconds))")" "${reqs%% |*}" "$continued" "$before" \
    "$(check "$central" $(( sources * findings )) "$queue")"
done
echo "requests by kind:"; cat "$work/requests.txt"

echo
echo "resumable push: one snapshot of $big findings, --time-budget $budget against unbounded"
helper spoke bench-big 1 "$big" "$work/big.jsonl"
printf '%-12s %12s %9s %12s %-16s  %s\n' budget invocations seconds S3-requests load-before check
for b in "$budget" none; do
  central="bench-big-central-$b"
  helper bucket "$central"
  queue=$(helper queue "bench-big-$b")
  cli enqueue --sources "$work/big.jsonl" --queue "$queue" >/dev/null
  extra=(); [[ $b != none ]] && extra=(--time-budget "$b")
  counting start
  before=$(load)
  start=$(ms)
  cli worker --queue "$queue" --central "s3://$central" --exit-when-idle 5s "${extra[@]}" >"$work/big-$b.json" 2>"$work/big-$b.log"
  seconds=$(python3 -c "print(round(($(ms) - $start) / 1000 - 5, 1))")
  counting stop
  reqs=$(requests)
  echo "budget $b: ${reqs#*| }" >>"$work/requests.txt"
  invocations=$(python3 -c "import json; print(json.load(open('$work/big-$b.json'))['pushes'])")
  printf '%-12s %12s %9s %12s %-16s  %s\n' "$b" "$invocations" "$seconds" "${reqs%% |*}" "$before" "$(check "$central" "$big" "$queue")"
done
echo "requests by kind:"; tail -2 "$work/requests.txt"
fi

# The scheduled tick's cost: what each tick reads from the spokes and from central.
tick_row() {  # tick_row N TICK SECONDS LOAD: one row from the server's detail of the tick just counted
  curl -sf "http://127.0.0.1:$control/detail" | python3 -c '
import json, sys
n, tick, seconds, load = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
d = {tuple(k.split("|", 1)): v for k, v in json.load(sys.stdin).items()}
def total(role, kinds=None, i=0):
    return sum(v[i] for (r, k), v in d.items() if r == role and (kinds is None or k in kinds))
scan_gets, scan_bytes = total("spoke", {"scan file GET"}), total("spoke", {"scan file GET"}, 1)
spoke_reqs, spoke_bytes = total("spoke"), total("spoke", None, 1)
central_reqs, central_bytes = total("central"), total("central", None, 1)
kinds = lambda role: ", ".join(f"{k} {v[0]}" for (r, k), v in sorted(d.items()) if r == role)
print(f"| {n:>5} | {tick:<22} | {seconds:>7} | {spoke_reqs:>6} ({spoke_reqs / n:.2f}) | {scan_gets:>5} ({scan_gets / n:.2f}) "
      f"| {scan_bytes:>10,} ({scan_bytes / n:,.0f}) | {spoke_bytes - scan_bytes:>9,} | {central_reqs:>6} ({central_reqs / n:.2f}) "
      f"| {central_bytes:>9,} | {load} |")
print("  spoke: " + kinds("spoke") + "; central: " + kinds("central") + "; queue: " + kinds("queue"), file=sys.stderr)
with open(sys.argv[5], "a") as f:
    json.dump({"sources": n, "tick": tick, "detail": {"|".join(k): v for k, v in d.items()}}, f)
    f.write("\n")
' "$@" "$work/ticks.jsonl"
}
if [[ -n $ticks ]]; then
  echo
  echo "scheduled ticks: N Stance sources of $tick_findings findings + 2 assets, enqueue + 1 worker; per source in brackets"
  echo "| sources | tick | seconds | spoke requests | scan-file GETs | scan-file bytes | other spoke bytes | central requests | central bytes | load before |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for n in $ticks; do
    spoke="bench-tick-spoke-$n" central="bench-tick-central-$n"
    helper stance "$spoke" "$n" "$tick_findings" "$work/tick-sources-$n.jsonl"
    helper bucket "$central"
    queue=$(helper queue "bench-tick-$n")
    for tick in first unchanged "one source rescanned"; do
      [[ $tick == "one source rescanned" ]] && helper rescan "$spoke" 0 "$tick_findings"
      before=$(load)
      counting start
      start=$(ms)
      cli enqueue --sources "$work/tick-sources-$n.jsonl" --queue "$queue" >/dev/null
      cli worker --queue "$queue" --central "s3://$central" --exit-when-idle 2s >"$work/tick-$n-${tick// /-}.json" \
        2>"$work/tick-$n-${tick// /-}.log"
      seconds=$(python3 -c "print(round(($(ms) - $start) / 1000 - 2, 1))")
      counting stop
      tick_row "$n" "$tick" "$seconds" "$before" 2>>"$work/tick-kinds.txt"
      echo "N=$n $tick" >>"$work/tick-kinds.txt"
    done
  done
  echo "requests by kind (each line follows its tick's):"; cat "$work/tick-kinds.txt"
  # The unchanged tick's price per source, from the largest N (prices: docs/performance.md, "What a tick costs").
  python3 - "$work/ticks.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
row = max((r for r in rows if r["tick"] == "unchanged"), key=lambda r: r["sources"])
n, d = row["sources"], {tuple(k.split("|", 1)): v for k, v in row["detail"].items()}
def per_source(role, kinds, i=0):
    return sum(v[i] for (r, k), v in d.items() if r == role and k in kinds) / n
reads = lambda role: per_source(role, {"GET", "HEAD", "scan file GET"})
writes = lambda role: per_source(role, {"PUT", "POST", "LIST"})
egress_gb = sum(v[1] for (r, k), v in d.items() if r == "spoke") / n / 2**30
# USD per 1,000 reads, per 1,000 writes/lists, per GB to the internet (first tier).
prices = {"S3 Standard": (0.0004, 0.005, 0.09), "GCS Standard": (0.0004, 0.005, 0.12),
          "Azure Blob hot": (0.0004, 0.005, None)}
print(f"unchanged tick, per source (N={n}): spoke {reads('spoke'):.2f} reads + {writes('spoke'):.2f} writes/lists, "
      f"{egress_gb * 2**30:,.0f} bytes; central {reads('central'):.2f} reads + {writes('central'):.2f} writes")
for name, (read, write, egress) in prices.items():
    requests = (reads("spoke") + reads("central")) * read / 1000 + (writes("spoke") + writes("central")) * write / 1000
    cross = "" if egress is None else f", + ${egress_gb * egress:.8f} egress when the hub is on another cloud"
    print(f"  {name}: ${requests:.8f} in requests{cross}; 10,000 sources, hourly for 730 h: ${requests * 10000 * 730:,.2f}"
          + ("" if egress is None else f" + ${egress_gb * egress * 10000 * 730:,.2f} egress"))
PY
fi
echo "load at the end: $(load)"
