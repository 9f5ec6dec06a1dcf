#!/usr/bin/env bash
# terraform apply + destroy of terraform/aws against a local moto server (every provider
# endpoint pointed at it), offline from the provider mirror: buckets, queues, roles, the two
# functions from the built jar, aliases, triggers and the schedule. Proves the module's wiring
# (references, counts, resource arguments) with a real provider run; moto does not enforce IAM.
# With the fan-out on, it then asserts what was created: the work queue's redrive policy to its
# DLQ and visibility timeout, the worker's handler, environment and SQS event source mapping
# (batch size, ReportBatchItemFailures), the schedule's STANCE_WORK_QUEUE / STANCE_SOURCES_URI /
# lifecycle variables, and the grants (send to the work queue, read the sources file, write the
# export prefix).
# The Glue tables of the export are created on moto too.
#   usage: .ci/aws-terraform-moto.sh [sqs|eventbridge|s3]   (build the jar first)
set -euo pipefail

mode="${1:-sqs}"
fail() { echo "aws-terraform-moto: FAILED: $*" >&2; exit 1; }
source "$(dirname "${BASH_SOURCE[0]}")/terraform-lib.sh"
moto_terraform_prerequisites
moto_start python3 -m moto.server

{ moto_provider_tf; cat <<TF
module "stance_sync" {
  source = "$root/terraform/aws"

  name                 = "stance-sync-moto"
  lambda_jar_path      = "$jar"
  central_bucket_name  = "moto-stance-central"
  spoke_account_ids    = ["111111111111"]
  spoke_role_arns      = ["arn:aws:iam::111111111111:role/stance-sync-spoke-object-created"]
  source_bucket_name   = "moto-stance-scans"
  create_source_bucket = true
  trigger_mode         = "$mode"
  stance_sources       = "s3://moto-stance-scans/stance|123456789012|aws"
  # moto does not model SnapStart.
  snap_start = false

  fan_out                      = true
  sources_uri                  = "s3://moto-stance-central/_config/sources.jsonl"
  work_queue_max_receive_count = 4
  resolve_missing              = true
  export_bucket_name           = "moto-stance-export"
}

output "central_uri" {
  value = module.stance_sync.central_uri
}

output "work_queue_url" {
  value = module.stance_sync.work_queue_url
}

output "work_dead_letter_queue_url" {
  value = module.stance_sync.work_dead_letter_queue_url
}

output "worker_function_name" {
  value = module.stance_sync.worker_function_name
}

output "schedule_function_name" {
  value = module.stance_sync.schedule_function_name
}

output "object_created_function_name" {
  value = module.stance_sync.object_created_function_name
}
TF
} >"$work/root/main.tf"
echo "aws-terraform-moto: apply (trigger_mode=$mode)"
moto_apply
terraform state list | sed 's/^/  /'
echo "aws-terraform-moto: asserting the fan-out, its DLQ and the lifecycle settings"
AWS_ENDPOINT_URL="http://127.0.0.1:$port" python3 - "$work/outputs.json" <<'PY' || fail "the applied fan-out does not match the module's promise"
import json, sys
import boto3

out = {k: v["value"] for k, v in json.load(open(sys.argv[1])).items()}
sqs, lam, iam = (boto3.client(s, region_name="us-east-1") for s in ("sqs", "lambda", "iam"))
problems = []

def expect(what, actual, wanted):
    if actual != wanted:
        problems.append(f"{what}: {actual!r}, expected {wanted!r}")

work = sqs.get_queue_attributes(QueueUrl=out["work_queue_url"], AttributeNames=["All"])["Attributes"]
dlq = sqs.get_queue_attributes(QueueUrl=out["work_dead_letter_queue_url"], AttributeNames=["All"])["Attributes"]
redrive = json.loads(work["RedrivePolicy"])
expect("work queue redrive target", redrive["deadLetterTargetArn"], dlq["QueueArn"])
expect("work queue maxReceiveCount", int(redrive["maxReceiveCount"]), 4)
worker = lam.get_function_configuration(FunctionName=out["worker_function_name"])
expect("work queue visibility timeout", int(work["VisibilityTimeout"]), 6 * worker["Timeout"])
expect("worker handler", worker["Handler"], "com.mantissa.stance.sync.aws.SqsHandler::handleRequest")
env = worker["Environment"]["Variables"]
expect("worker STANCE_WORK_QUEUE", env.get("STANCE_WORK_QUEUE"), out["work_queue_url"])
expect("worker STANCE_RESOLVE_MISSING", env.get("STANCE_RESOLVE_MISSING"), "true")
expect("worker STANCE_RESOLVE_MAX_SHARE", env.get("STANCE_RESOLVE_MAX_SHARE"), "0.5")

mappings = lam.list_event_source_mappings(EventSourceArn=work["QueueArn"])["EventSourceMappings"]
expect("event source mappings of the work queue", len(mappings), 1)
if mappings:
    m = lam.get_event_source_mapping(UUID=mappings[0]["UUID"])
    expect("mapping target", m["FunctionArn"].split(":")[6], out["worker_function_name"])
    expect("mapping batch size", m["BatchSize"], 1)
    expect("mapping response types", m.get("FunctionResponseTypes"), ["ReportBatchItemFailures"])

schedule = lam.get_function_configuration(FunctionName=out["schedule_function_name"])["Environment"]["Variables"]
expect("schedule STANCE_WORK_QUEUE", schedule.get("STANCE_WORK_QUEUE"), out["work_queue_url"])
expect("schedule STANCE_SOURCES_URI", schedule.get("STANCE_SOURCES_URI"), "s3://moto-stance-central/_config/sources.jsonl")
expect("schedule STANCE_EXPORT_TARGET", schedule.get("STANCE_EXPORT_TARGET"), "s3://moto-stance-export/stance-export")
expect("schedule STANCE_EXPORT_KEEP", schedule.get("STANCE_EXPORT_KEEP"), "3")
expect("schedule STANCE_STALE_AFTER", schedule.get("STANCE_STALE_AFTER"), "48h")
expect("schedule STANCE_RESOLVE_MISSING", schedule.get("STANCE_RESOLVE_MISSING"), "true")
obj = lam.get_function_configuration(FunctionName=out["object_created_function_name"])["Environment"]["Variables"]
expect("object-created STANCE_RESOLVE_MISSING", obj.get("STANCE_RESOLVE_MISSING"), "true")
expect("object-created has no STANCE_WORK_QUEUE", "STANCE_WORK_QUEUE" in obj, False)

def statements(role):
    found = {}
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        doc = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        doc = json.loads(doc) if isinstance(doc, str) else doc
        for st in doc["Statement"]:
            found[st.get("Sid", "")] = st
    return found

def grants(role, sid, action, resource):
    st = statements(role).get(sid)
    actions = st and (st["Action"] if isinstance(st["Action"], list) else [st["Action"]])
    resources = st and (st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]])
    if not st or action not in actions or resource not in resources:
        problems.append(f"role {role} lacks {sid}: {action} on {resource} (has {st})")

worker_role = lam.get_function_configuration(FunctionName=out["worker_function_name"])["Role"].split("/")[-1]
schedule_role = lam.get_function_configuration(FunctionName=out["schedule_function_name"])["Role"].split("/")[-1]
grants(worker_role, "ConsumeWorkMessages", "sqs:ReceiveMessage", work["QueueArn"])
grants(worker_role, "SendContinuations", "sqs:SendMessage", work["QueueArn"])
grants(worker_role, "ReadWriteCentralRecords", "s3:PutObject", "arn:aws:s3:::moto-stance-central/aggregated/findings/????/*")
grants(worker_role, "RemoveFinishedCheckpoints", "s3:DeleteObject", "arn:aws:s3:::moto-stance-central/aggregated/_state/*/resume/*")
grants(worker_role, "RemoveGoneAssets", "s3:DeleteObject", "arn:aws:s3:::moto-stance-central/aggregated/assets/????/*")
object_role = lam.get_function_configuration(FunctionName=out["object_created_function_name"])["Role"].split("/")[-1]
grants(object_role, "RemoveOwnGoneAssets", "s3:DeleteObject",
       "arn:aws:s3:::moto-stance-central/aggregated/assets/????/123456789012/*")
grants(schedule_role, "SendWorkMessages", "sqs:SendMessage", work["QueueArn"])
grants(schedule_role, "ReadSourcesFile", "s3:GetObject", "arn:aws:s3:::moto-stance-central/_config/sources.jsonl")
grants(schedule_role, "WriteExport", "s3:PutObject", "arn:aws:s3:::moto-stance-export/stance-export/*")
grants(schedule_role, "WriteExport", "s3:DeleteObject", "arn:aws:s3:::moto-stance-export/stance-export/*")
grants(schedule_role, "ListExport", "s3:ListBucket", "arn:aws:s3:::moto-stance-export")

glue = boto3.client("glue", region_name="us-east-1")
tables = sorted(t["Name"] for t in glue.get_tables(DatabaseName="stance_sync_export")["TableList"])
expect("Glue tables over the export", tables, ["assets", "findings"])

if problems:
    print("\n".join("aws-terraform-moto:   " + p for p in problems), file=sys.stderr)
    sys.exit(1)
print(f"aws-terraform-moto: work queue -> DLQ after 4 receives, visibility {work['VisibilityTimeout']}s; "
      f"worker {out['worker_function_name']} on the queue (batch 1, ReportBatchItemFailures); grants and variables as configured")
PY
echo "aws-terraform-moto: destroy"
terraform destroy -auto-approve -input=false -no-color >"$work/destroy.log" 2>&1 \
  || { tail -60 "$work/destroy.log" >&2; fail "terraform destroy against moto"; }
grep -E '^Destroy complete' "$work/destroy.log"
echo "aws-terraform-moto: OK"
