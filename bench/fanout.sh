#!/usr/bin/env bash
# The fan-out benchmark, from the repository root:
#   bench/fanout.sh [--sources 1000] [--findings 100] [--workers "1 2 4 8"] [--big 100000] [--budget 5s]
# 1. SOURCES sources of FINDINGS findings each, sent with `stance-sync enqueue` to an SQS queue on
#    moto and drained into a fresh central by N `stance-sync worker` processes, for each N:
#    wall time, records per second, moto requests (its request recorder), and the proof that no
#    work was lost or duplicated (every record in central exactly once, every _version 1, the
#    queue empty).
# 2. One snapshot of BIG findings pushed by one worker with --time-budget BUDGET against one
#    unbounded push: invocations (continuations + 1), total time of each, every _version 1.
# Needs: JDK 17+, python3 with moto[server] and boto3, core/target/stance-sync.jar (built if missing).
# The machine should be otherwise idle: the figures are wall-clock.
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
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Run in the work folder: moto writes its request recording (moto_recording) to its working directory.
(cd "$work" && exec python3 -m moto.server -H 127.0.0.1 -p "$port" >moto.log 2>&1) &
moto=$!
trap 'kill $moto 2>/dev/null || true' EXIT
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_ENDPOINT_URL_S3="http://127.0.0.1:$port" \
  AWS_ENDPOINT_URL_SQS="http://127.0.0.1:$port"
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/moto-api/" >/dev/null && break; sleep 0.2; done

# helper.py: fixtures and checks through boto3 against moto.
cat >"$work/helper.py" <<'PY'
import json, sys, boto3
s3, sqs = boto3.client("s3"), boto3.client("sqs")
cmd = sys.argv[1]
def finding(account, i):
    return json.dumps({"id": f"{account}-finding-{i}", "finding_type": "misconfiguration", "severity": "high",
                       "status": "open", "title": f"Public bucket {i}", "last_seen": "2026-11-20T10:00:00Z"})
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
elif cmd == "queue":                     # queue NAME -> url
    print(sqs.create_queue(QueueName=sys.argv[2])["QueueUrl"])
elif cmd == "check":                     # check BUCKET EXPECTED_RECORDS QUEUE_URL
    bucket, expected, queue = sys.argv[2], int(sys.argv[3]), sys.argv[4]
    ids, not_one = {}, 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for o in page.get("Contents", []):
            if "/_state/" in o["Key"]:
                continue
            r = json.loads(s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read())
            ids[r["id"]] = ids.get(r["id"], 0) + 1
            not_one += r["_version"] != 1
    a = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages",
                                                                 "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    left = int(a["ApproximateNumberOfMessages"]) + int(a["ApproximateNumberOfMessagesNotVisible"])
    twice = sum(1 for c in ids.values() if c > 1)
    ok = len(ids) == expected and twice == 0 and not_one == 0 and left == 0
    print(f"records {len(ids)}/{expected}, duplicated ids {twice}, _version != 1: {not_one}, "
          f"messages left {left}: {'OK' if ok else 'FAILED'}")
    sys.exit(0 if ok else 1)
PY
helper() { python3 "$work/helper.py" "$@"; }
recorder() { curl -sf -X POST "http://127.0.0.1:$port/moto-api/recorder/$1" >/dev/null; }
requests() { curl -sf "http://127.0.0.1:$port/moto-api/recorder/download-recording" | grep -c . || true; }
ms() { date +%s%3N; }

echo "[fanout] writing $sources sources x $findings findings" >&2
helper spoke bench-spoke "$sources" "$findings" "$work/sources.jsonl"
cli() { java -XX:+UseSerialGC -jar "$jar" "$@"; }

echo "fan-out: $sources sources x $findings findings through SQS on moto (load $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-8s %10s %14s %12s %10s  %s\n' workers seconds records/s requests continued check
for n in $workers; do
  central="bench-central-$n"
  helper bucket "$central"
  queue=$(helper queue "bench-work-$n")
  cli enqueue --sources "$work/sources.jsonl" --queue "$queue" >"$work/enqueue-$n.json"
  recorder reset-recording; recorder start-recording
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
  recorder stop-recording
  reqs=$(requests)
  continued=$(cat "$work"/worker-"$n"-*.json | python3 -c 'import json,sys; print(sum(json.loads(l)["continuations_sent"] for l in sys.stdin if l.strip()))')
  check=$(helper check "$central" $(( sources * findings )) "$queue" || true)
  printf '%-8s %10s %14s %12s %10s  %s\n' "$n" "$seconds" \
    "$(python3 -c "print(round($sources * $findings / $seconds))")" "$reqs" "$continued" "$check"
done

echo
echo "resumable push: one snapshot of $big findings, --time-budget $budget against unbounded"
helper spoke bench-big 1 "$big" "$work/big.jsonl"
printf '%-12s %12s %10s  %s\n' budget invocations seconds check
for b in "$budget" none; do
  central="bench-big-central-$b"
  helper bucket "$central"
  queue=$(helper queue "bench-big-$b")
  cli enqueue --sources "$work/big.jsonl" --queue "$queue" >/dev/null
  extra=(); [[ $b != none ]] && extra=(--time-budget "$b")
  start=$(ms)
  cli worker --queue "$queue" --central "s3://$central" --exit-when-idle 5s "${extra[@]}" >"$work/big-$b.json" 2>"$work/big-$b.log"
  seconds=$(python3 -c "print(round(($(ms) - $start) / 1000 - 5, 1))")
  invocations=$(python3 -c "import json; print(json.load(open('$work/big-$b.json'))['pushes'])")
  check=$(helper check "$central" "$big" "$queue" || true)
  printf '%-12s %12s %10s  %s\n' "$b" "$invocations" "$seconds" "$check"
done
