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

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mirror="${TF_PLUGIN_MIRROR:-/opt/tf-plugins}"
jar="$root/aws-lambda/target/stance-sync-aws-lambda.jar"
started=$(date +%s)

fail() { echo "check-aws-policy-iac: FAILED: $*" >&2; exit 1; }
[[ -f "$jar" ]] || fail "build first: mvn -B -pl aws-lambda -am package -DskipTests"
ls "$root"/aws-lambda/target/lambda-runtime/aws-lambda-java-runtime-interface-client-*.jar >/dev/null 2>&1 \
  || fail "no Lambda runtime client in aws-lambda/target/lambda-runtime: mvn -B -pl aws-lambda dependency:copy@copy-runtime-interface-client -DskipTests=false"
command -v terraform >/dev/null || fail "terraform not found"
[[ -d "$mirror/registry.terraform.io/hashicorp/aws" ]] || fail "no hashicorp/aws provider in the offline mirror $mirror"
python3 -c 'import boto3, moto.server' 2>/dev/null || fail "python3 needs boto3 and moto[server]"

work="$(mktemp -d)"; [[ -z "${KEEP_WORK:-}" ]] || echo "check-aws-policy-iac: work folder $work"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
python3 "$root/.ci/moto-iam-server.py" -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null || true; [[ -n "${KEEP_WORK:-}" ]] || rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$port/moto-api/" && break
  sleep 0.1
done

cat >"$work/tf.rc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/*/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
RC
export TF_CLI_CONFIG_FILE="$work/tf.rc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1

# Buckets the module expects to exist: the export's and the pull target's.
AWS_ENDPOINT_URL="http://127.0.0.1:$port" python3 -c '
import boto3
s3 = boto3.client("s3", region_name="us-east-1")
for b in ("moto-stance-export", "moto-stance-copy"):
    s3.create_bucket(Bucket=b)'

mkdir "$work/root"
cat >"$work/root/main.tf" <<TF
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.32, < 6.0"
    }
  }
}

provider "aws" {
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  s3_use_path_style           = true
  endpoints {
    s3               = "http://127.0.0.1:$port"
    sqs              = "http://127.0.0.1:$port"
    iam              = "http://127.0.0.1:$port"
    sts              = "http://127.0.0.1:$port"
    lambda           = "http://127.0.0.1:$port"
    cloudwatchevents = "http://127.0.0.1:$port"
    cloudwatchlogs   = "http://127.0.0.1:$port"
    scheduler        = "http://127.0.0.1:$port"
    glue             = "http://127.0.0.1:$port"
  }
}

module "stance_sync" {
  source = "$root/terraform/aws"

  name                 = "policy"
  lambda_jar_path      = "$jar"
  central_bucket_name  = "moto-stance-central"
  spoke_account_ids    = ["111111111111"]
  spoke_role_arns      = ["arn:aws:iam::111111111111:role/spoke-object-created"]
  source_bucket_name   = "moto-stance-scans"
  create_source_bucket = true
  trigger_mode         = "sqs"
  snap_start           = false

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

cd "$work/root"
terraform init -backend=false -input=false -no-color >"$work/init.log" 2>&1 || { cat "$work/init.log" >&2; fail "terraform init"; }
terraform apply -auto-approve -input=false -no-color >"$work/apply.log" 2>&1 \
  || { tail -60 "$work/apply.log" >&2; fail "terraform apply against moto"; }
grep -E '^Apply complete' "$work/apply.log"
terraform output -json >"$work/outputs.json"
echo "check-aws-policy-iac: applied in $(( $(date +%s) - started ))s"

AWS_ENDPOINT_URL="http://127.0.0.1:$port" WORK="$work" JAR="$jar" \
  python3 "$root/.ci/aws-policy-evaluator.py" "$work/outputs.json" || fail "see the lines above"
echo "check-aws-policy-iac: OK in $(( $(date +%s) - started ))s"
