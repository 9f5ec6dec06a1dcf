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
# Needs: JDK 17+, python3 with moto[server] and boto3, core/target/stance-sync.jar (built if missing).
# The machine should be otherwise idle: the figures are wall-clock. Each row prints the load
# average before it; a worker's 5 s idle wait before it exits is subtracted.
set -euo pipefail
cd "$(dirname "$0")/.."

sources=1000 findings=100 workers="1 2 4 8" big=100000 budget=5s
while (( $# )); do
  case $1 in
    --sources) sources=$2; shift 2 ;;
    --findings) findings=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --big) big=$2; shift 2 ;;
    --budget) budget=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

jar=core/target/stance-sync.jar
if [[ ! -f $jar ]] || [[ -n $(find core/src/main core/pom.xml -newer "$jar" -print -quit) ]]; then
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
def counted(environ, start_response):
    # Counts every request moto serves while counting is on, by service and operation.
    if counting[0]:
        target = environ.get("HTTP_X_AMZ_TARGET")
        if target:
            kind = target.replace("AmazonSQS.", "SQS ")
        else:
            method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "").strip("/")
            listing = method == "GET" and "/" not in path and "list-type" in environ.get("QUERY_STRING", "")
            kind = "S3 " + ("LIST" if listing else method)
        with lock:
            counts[kind] += 1
    return moto_app(environ, start_response)
server = make_server("127.0.0.1", port, counted, threaded=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
def check(bucket, expected):
    ids, not_one, bad = collections.Counter(), 0, 0
    store = s3_backends["123456789012"]["aws"].buckets[bucket]
    for key in list(store.keys.keys()):
        if "/_state/" in key:
            continue
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

echo "[fanout] writing $sources sources x $findings findings" >&2
helper spoke bench-spoke "$sources" "$findings" "$work/sources.jsonl"
cli() { java -XX:+UseSerialGC -jar "$jar" "$@"; }

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, command: bench/fanout.sh --sources $sources --findings $findings --workers \"$workers\" --big $big --budget $budget"
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
echo "load at the end: $(load)"
