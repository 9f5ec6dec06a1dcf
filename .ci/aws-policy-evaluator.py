#!/usr/bin/env python3
"""The policy-evaluator part of check-aws-policy-iac.sh, run once terraform/aws is applied on
moto (AWS_ENDPOINT_URL). See that script for what it proves.
usage: aws-policy-evaluator.py OUTPUTS_JSON   (WORK: a scratch folder; JAR: the shaded Lambda jar)
"""
import json
import os
import subprocess
import sys
import urllib.request

import boto3

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import permissions  # noqa: E402

ENDPOINT = os.environ["AWS_ENDPOINT_URL"]
WORK = os.environ["WORK"]
JAR = os.environ["JAR"]
ACCOUNT = "123456789012"  # moto's account
WORKER_ACCOUNT = "222233334444"  # the sources file's account: the worker's pushes start from nothing
CENTRAL, SCANS, EXPORT, COPY = "moto-stance-central", "moto-stance-scans", "moto-stance-export", "moto-stance-copy"
PLATFORM_SIDS = {"WriteOwnLogs", "OnFailureDestination", "ConsumeScanEvents"}
INVOKE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "aws-runtime-invoke.py")


def say(message):
    print(f"check-aws-policy-iac: {message}", flush=True)


def client(service, credentials=None):
    kwargs = {}
    if credentials:
        kwargs = dict(aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
                      aws_session_token=credentials.get("SessionToken"))
    return boto3.client(service, region_name="us-east-1", **kwargs)


outputs = {k: v["value"] for k, v in json.load(open(sys.argv[1])).items()}
functions = outputs["functions"]
queue_url = outputs["work_queue_url"]
lam, iam, s3, sqs = client("lambda"), client("iam"), client("s3"), client("sqs")
queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
config = {name: lam.get_function_configuration(FunctionName=fn) for name, fn in functions.items()}
roles = {name: c["Role"].split("/")[-1] for name, c in config.items()}


def statements(role):
    found = []
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        doc = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        found += (json.loads(doc) if isinstance(doc, str) else doc)["Statement"]
    return found


# ---------------------------------------------------------------- 1. the grants, against the table
central = {"bucket": CENTRAL, "prefix": "aggregated"}
source = {"bucket": SCANS, "prefix": "stance"}
queue = {"queue_arn": queue_arn}
identities = {
    "object_created": (["object-created, resolve-missing"], {"central": central, "source": source}, ACCOUNT),
    # The fan-out is on: the tick's grants are those of that mode alone.
    "schedule": (["schedule, fan-out"],
                 {"central": central, "source": source, "work-queue": queue,
                  "export-target": {"bucket": EXPORT, "prefix": "stance-export"},
                  "pull-target": {"bucket": COPY, "prefix": "aggregated"},
                  "sources-file": {"bucket": CENTRAL, "prefix": "", "object": "_config/sources.jsonl"}}, None),
    "worker": (["worker, resolve-missing"], {"central": central, "work-queue": queue,
                                             "source": [source, {"bucket": "moto-stance-extra", "prefix": "stance"}]}, None),
}
problems = []
for name, (rows, stores, own) in identities.items():
    problems += permissions.compare(f"terraform/aws role {roles[name]}", statements(roles[name]),
                                    permissions.rows(*rows), stores, own_account=own, platform_sids=PLATFORM_SIDS)
if problems:
    print("\n".join("check-aws-policy-iac: " + p for p in problems), file=sys.stderr)
    sys.exit(1)
say("the roles terraform/aws created grant exactly the table's operations (object-created, schedule, worker)")


# ---------------------------------------------------------------- 2. the functions under IAM evaluation
def scan(snapshot, records, account_hint=""):
    findings = "".join(json.dumps({"id": f"finding-{account_hint}{i}", "asset_id": f"asset-{i}",
                                   "finding_type": "misconfiguration", "severity": "high", "status": "open",
                                   "title": f"Open port {i}", "last_seen": f"{snapshot[:4]}-{snapshot[4:6]}-{snapshot[6:8]}T00:00:00Z"})
                       + "\n" for i in range(records))
    assets = "".join(json.dumps({"id": f"asset-{i}", "cloud_provider": "aws", "account_id": ACCOUNT,
                                 "region": "us-east-1", "resource_type": "aws_instance", "name": f"host {i}"}) + "\n"
                     for i in range(records))
    for kind, body in (("findings", findings), ("assets", assets)):
        s3.put_object(Bucket=SCANS, Key=f"stance/{kind}/{snapshot}/{kind}.jsonl", Body=body.encode())
    s3.put_object(Bucket=SCANS, Key="stance/snapshots/manifest.json",
                  Body=json.dumps({"snapshots": [{"id": snapshot}]}).encode())


# moto evaluates a bucket policy without the request's principal or condition keys, so its TLS
# deny denies every object request, signed or not: the bucket policies are checked statically
# (check-permissions-iac.py) and removed here.
for bucket in (CENTRAL, SCANS):
    s3.delete_bucket_policy(Bucket=bucket)
# The queues' event source mappings would have moto run the functions itself (in Docker) on
# every message; here the script delivers the messages to the handlers, as Lambda's poller would.
for mapping in lam.list_event_source_mappings()["EventSourceMappings"]:
    lam.update_event_source_mapping(UUID=mapping["UUID"], Enabled=False)
scan("20261201-000000", 20)
s3.put_object(Bucket=CENTRAL, Key="_config/sources.jsonl", Body=(json.dumps(
    {"location": f"s3://{SCANS}/stance", "account": WORKER_ACCOUNT, "provider": "aws"}) + "\n").encode())

# moto evaluates identity policies of a caller it knows; the CI's own user gets everything, and
# each function role trusts it (moto cannot take a service principal such as lambda.amazonaws.com).
iam.create_user(UserName="ci-admin")
iam.put_user_policy(UserName="ci-admin", PolicyName="all", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
admin_key = iam.create_access_key(UserName="ci-admin")["AccessKey"]
admin_arn = iam.get_user(UserName="ci-admin")["User"]["Arn"]
for role in roles.values():
    iam.update_assume_role_policy(RoleName=role, PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": admin_arn}, "Action": "sts:AssumeRole"}]}))

request = urllib.request.Request(f"{ENDPOINT}/moto-api/reset-auth", data=b"0", method="POST",
                                 headers={"Content-Type": "text/plain"})
say("moto IAM authorization on: " + urllib.request.urlopen(request).read().decode())
admin = {"AccessKeyId": admin_key["AccessKeyId"], "SecretAccessKey": admin_key["SecretAccessKey"]}
s3, sqs, iam, sts = client("s3", admin), client("sqs", admin), client("iam", admin), client("sts", admin)
try:
    client("s3").list_objects_v2(Bucket=CENTRAL)
    sys.exit("check-aws-policy-iac: moto answered an unknown caller with authorization on")
except s3.exceptions.ClientError as e:
    say(f"an unknown caller is refused: {e.response['Error']['Code']}")


def credentials(name):
    return sts.assume_role(RoleArn=config[name]["Role"], RoleSessionName=name)["Credentials"]


def json_objects(text):
    decoder, at = json.JSONDecoder(), text.find("{")
    while at >= 0:
        try:
            value, end = decoder.raw_decode(text, at)
        except ValueError:
            at = text.find("{", at + 1)
            continue
        if isinstance(value, dict):
            yield value
        at = text.find("{", end)


def invoke(name, handler, event, label, env_overrides=None):
    """Runs the function's handler with its role's credentials; returns its problems (empty: success)."""
    creds = credentials(name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(config[name]["Environment"]["Variables"])
    env.update(env_overrides or {})
    env = {k: v for k, v in env.items() if v is not None}
    env.update(AWS_ACCESS_KEY_ID=creds["AccessKeyId"], AWS_SECRET_ACCESS_KEY=creds["SecretAccessKey"],
               AWS_SESSION_TOKEN=creds["SessionToken"], AWS_REGION="us-east-1",
               AWS_ENDPOINT_URL_S3=ENDPOINT, AWS_ENDPOINT_URL_SQS=ENDPOINT)
    path = os.path.join(WORK, f"{label.replace(' ', '-')}.json")
    with open(path, "w") as f:
        json.dump(event, f)
    run = subprocess.run([sys.executable, INVOKE, JAR, handler, path, ACCOUNT], env=env,
                         capture_output=True, text=True, timeout=300)
    output = run.stdout + run.stderr
    with open(path + ".out", "w") as f:
        f.write(output)
    found = []
    if run.returncode != 0:
        found.append(f"{label}: the handler failed (exit {run.returncode})")
    for line in json_objects(output):
        if line.get("severity") == "ERROR" or line.get("outcome") == "failed" or line.get("batchItemFailures"):
            found.append(f"{label}: {json.dumps(line)[:400]}")
    return found, output


def sqs_event(bodies):
    return {"Records": [{"messageId": f"m{i}", "receiptHandle": f"r{i}", "body": body, "attributes": {},
                         "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
                         "eventSourceARN": queue_arn, "awsRegion": "us-east-1"} for i, body in enumerate(bodies)]}


def s3_notification(snapshot):
    return json.dumps({"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "awsRegion": "us-east-1",
                                    "s3": {"bucket": {"name": SCANS},
                                           "object": {"key": f"stance/{kind}/{snapshot}/{kind}.jsonl"}}}
                                   for kind in ("findings", "assets")]})


def take_work():
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    for m in messages:
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])
    return [m["Body"] for m in messages]


def checkpoints():
    listed = s3.list_objects_v2(Bucket=CENTRAL, Prefix="aggregated/_state/").get("Contents", [])
    return [o["Key"] for o in listed if "/resume/" in o["Key"]]


def worker_push(label, continued=True):
    """The fan-out tick's message, pushed by the worker: with a continuation, in two invocations (a
    spent budget, then the rest), else in one."""
    found, _ = invoke("schedule", "com.mantissa.stance.sync.aws.ScheduleHandler::handleRequest",
                      {"source": "aws.scheduler", "detail-type": "Scheduled Event", "id": "tick", "detail": {}},
                      f"{label} fan-out tick")
    work = take_work()
    if len(work) != 1:
        return found + [f"{label}: the fan-out tick sent {len(work)} work messages, not 1"]
    if not continued:
        pushed, _ = invoke("worker", "com.mantissa.stance.sync.aws.SqsHandler::handleRequest", sqs_event(work),
                           f"{label} worker")
        return found + pushed
    first, _ = invoke("worker", "com.mantissa.stance.sync.aws.SqsHandler::handleRequest", sqs_event(work),
                      f"{label} worker, budget spent", {"STANCE_TIME_BUDGET": "1ms", "STANCE_BATCH_SIZE": "5"})
    found += first
    continuation = take_work()
    if len(continuation) != 1 or not checkpoints():
        return found + [f"{label}: no continuation ({len(continuation)} messages) or no checkpoint ({checkpoints()})"]
    rest, _ = invoke("worker", "com.mantissa.stance.sync.aws.SqsHandler::handleRequest", sqs_event(continuation),
                     f"{label} worker, the rest")
    found += rest
    if checkpoints():
        found.append(f"{label}: the finished push left its checkpoint {checkpoints()}")
    return found


def count(bucket, prefix, containing=""):
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return sum(1 for page in pages for o in page.get("Contents", []) if containing in o["Key"])


problems = []
for snapshot, records in (("20261201-000000", 20), ("20261202-000000", 12)):
    scan(snapshot, records)
    found, _ = invoke("object_created", "com.mantissa.stance.sync.aws.SqsHandler::handleRequest",
                      sqs_event([s3_notification(snapshot)]), f"object-created {snapshot}")
    problems += found
assets = count(CENTRAL, "aggregated/assets/")
if assets != 12:
    problems.append(f"object-created: {assets} assets in central after the resolve pass, expected 12")
say(f"object-created role: two event pushes with resolve-missing ({assets} assets left)")

# The one tick: with fan-out on it sends the source, then pulls and exports what central holds.
problems += worker_push("schedule + worker")
exported, pulled = count(EXPORT, "stance-export/"), count(COPY, "aggregated/")
statuses = count(CENTRAL, f"aggregated/_state/{WORKER_ACCOUNT}/status")
if not exported or not pulled:
    problems.append(f"schedule: the fan-out tick left {exported} export objects, {pulled} pulled objects")
if not statuses:
    problems.append(f"worker: no status objects of account {WORKER_ACCOUNT} after its push")
say(f"schedule role: a fan-out tick that then pulls ({pulled} objects) and exports ({exported}); worker role: a "
    f"push with a continuation that deletes its checkpoint and writes the account's status ({statuses} status objects)")

# The worker's resolve pass: a smaller snapshot of the same source deletes the assets it no longer has.
scan("20261203-000000", 8)
problems += worker_push("worker resolve", continued=False)
worker_assets = count(CENTRAL, "aggregated/assets/", f"/{WORKER_ACCOUNT}/")
if worker_assets != 8:
    problems.append(f"worker: {worker_assets} assets of account {WORKER_ACCOUNT} after its resolve pass, expected 8")
say(f"worker role: a source push with resolve-missing ({worker_assets} assets of the account left)")
if problems:
    print("\n".join("check-aws-policy-iac: " + p for p in problems), file=sys.stderr)
    sys.exit(1)

# ---------------------------------------------------------------- 3. one grant fewer must fail
role = roles["worker"]
for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
    doc = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
    doc = json.loads(doc) if isinstance(doc, str) else doc
    kept = [st for st in doc["Statement"] if st.get("Sid") != "RemoveFinishedCheckpoints"]
    if len(kept) != len(doc["Statement"]):
        iam.put_role_policy(RoleName=role, PolicyName=name, PolicyDocument=json.dumps(dict(doc, Statement=kept)))
        break
else:
    sys.exit("check-aws-policy-iac: the worker role has no RemoveFinishedCheckpoints statement to remove")
scan("20261204-000000", 20, "w")
without = worker_push("without RemoveFinishedCheckpoints")
if not without:
    sys.exit("check-aws-policy-iac: FAILED: the worker finished a continued push without the grant to delete its "
             "checkpoint: the evaluator did not deny")
say(f"without RemoveFinishedCheckpoints the worker's run fails as it must: {without[0][:200]}")
