#!/usr/bin/env bash
# terraform apply + destroy of terraform/aws against a local moto server (every provider
# endpoint pointed at it), offline from the provider mirror: buckets, queues, roles, the two
# functions from the built jar, aliases, triggers and the schedule. Proves the module's wiring
# (references, counts, resource arguments) with a real provider run; moto does not enforce IAM.
#   usage: .ci/aws-terraform-moto.sh [sqs|eventbridge|s3]   (build the jar first)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-sqs}"
mirror="${TF_PLUGIN_MIRROR:-/opt/tf-plugins}"
jar="$root/aws-lambda/target/stance-sync-aws-lambda.jar"

fail() { echo "aws-terraform-moto: FAILED: $*" >&2; exit 1; }
[[ -f "$jar" ]] || fail "build first: mvn -B -pl aws-lambda -am package -DskipTests"
command -v terraform >/dev/null || fail "terraform not found"

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
python3 -m moto.server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
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
  }
}

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
}

output "central_uri" {
  value = module.stance_sync.central_uri
}
TF

cd "$work/root"
terraform init -backend=false -input=false -no-color >"$work/init.log" 2>&1 || { cat "$work/init.log" >&2; fail "terraform init"; }
echo "aws-terraform-moto: apply (trigger_mode=$mode)"
terraform apply -auto-approve -input=false -no-color >"$work/apply.log" 2>&1 \
  || { tail -60 "$work/apply.log" >&2; fail "terraform apply against moto"; }
grep -E '^Apply complete' "$work/apply.log"
terraform state list | sed 's/^/  /'
echo "aws-terraform-moto: destroy"
terraform destroy -auto-approve -input=false -no-color >"$work/destroy.log" 2>&1 \
  || { tail -60 "$work/destroy.log" >&2; fail "terraform destroy against moto"; }
grep -E '^Destroy complete' "$work/destroy.log"
echo "aws-terraform-moto: OK"
