#!/usr/bin/env bash
# terraform/aws under a policy evaluator: applies the module on a local moto server (hub with
# fan-out, resolve_missing, export, an s3:// pull target and a sources file), then
#  1. holds the roles it created to the permissions table (docs/permissions.json, recorded by
#     FunctionStoreOperationsTest): every operation a function performs granted, nothing else;
#  2. switches moto's IAM authorization on (/moto-api/reset-auth, the server-mode form of
#     INITIAL_NO_AUTH_ACTION_COUNT) with IAM's wildcard rules (.ci/moto-iam-server.py), takes
#     each function's role through STS, and runs that function's real handler in the shaded
#     Lambda jar under AWS's runtime client with those credentials: event pushes with
#     resolve-missing (object-created role), the one tick, which fans out and then pulls and
#     exports (schedule role), a source push that needs a continuation, finishes and writes the
#     account's status, and one whose resolve pass deletes gone assets (worker role);
#  3. removes one grant (the worker's delete of finished resume checkpoints) and expects that
#     run to fail: the evaluator is seen to deny.
# What moto does not evaluate, and what covers it instead: docs/permissions.md.
# KEEP_WORK=1 keeps the work folder (moto's log, terraform's, each handler run's event and output).
#   usage: .ci/check-aws-policy-iac.sh   (build first: mvn -B -pl aws-lambda -am verify, or
#          mvn -B -pl aws-lambda -am package -DskipTests and
#          mvn -B -pl aws-lambda dependency:copy@copy-runtime-interface-client -DskipTests=false)
set -euo pipefail

fail() { echo "check-aws-policy-iac: FAILED: $*" >&2; exit 1; }
source "$(dirname "${BASH_SOURCE[0]}")/terraform-lib.sh"
started=$(date +%s)
moto_terraform_prerequisites
ls "$root"/aws-lambda/target/lambda-runtime/aws-lambda-java-runtime-interface-client-*.jar >/dev/null 2>&1 \
  || fail "no Lambda runtime client in aws-lambda/target/lambda-runtime: mvn -B -pl aws-lambda dependency:copy@copy-runtime-interface-client -DskipTests=false"
python3 -c 'import boto3, moto.server' 2>/dev/null || fail "python3 needs boto3 and moto[server]"

moto_start python3 "$root/.ci/moto-iam-server.py"
[[ -z "${KEEP_WORK:-}" ]] || echo "check-aws-policy-iac: work folder $work"

# Buckets the module expects to exist: the export's and the pull target's.
AWS_ENDPOINT_URL="http://127.0.0.1:$port" python3 -c '
import boto3
s3 = boto3.client("s3", region_name="us-east-1")
for b in ("moto-stance-export", "moto-stance-copy"):
    s3.create_bucket(Bucket=b)'

{ moto_provider_tf; cat <<TF
module "stance_sync" {
  source = "$root/terraform/aws"

  name                 = "policy"
  lambda_jar_path      = "$jar"
  central_bucket_name  = "moto-stance-central"
  spoke_account_ids    = ["111111111111"]
  spoke_role_arns      = ["arn:aws:iam::111111111111:role/spoke-object-created"]
  source_bucket_name   = "moto-stance-scans"
  create_source_bucket = true
  # STANCE_SOURCES in another bucket: the workers read it, the tick that fans out does not.
  extra_source_object_arns = ["arn:aws:s3:::moto-stance-extra/stance/*"]
  trigger_mode             = "sqs"
  snap_start               = false

  fan_out            = true
  sources_uri        = "s3://moto-stance-central/_config/sources.jsonl"
  resolve_missing    = true
  resolve_max_share  = 0.9
  export_bucket_name = "moto-stance-export"
  export_keep        = 1
  pull_target        = "s3://moto-stance-copy/aggregated"
  sync_direction     = "bidirectional"
}

output "functions" {
  value = {
    object_created = module.stance_sync.object_created_function_name
    schedule       = module.stance_sync.schedule_function_name
    worker         = module.stance_sync.worker_function_name
  }
}

output "work_queue_url" {
  value = module.stance_sync.work_queue_url
}
TF
} >"$work/root/main.tf"
moto_apply
echo "check-aws-policy-iac: applied in $(( $(date +%s) - started ))s"

AWS_ENDPOINT_URL="http://127.0.0.1:$port" WORK="$work" JAR="$jar" \
  python3 "$root/.ci/aws-policy-evaluator.py" "$work/outputs.json" || fail "see the lines above"
echo "check-aws-policy-iac: OK in $(( $(date +%s) - started ))s"
