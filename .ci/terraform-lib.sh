# Sourced by the .ci scripts that run terraform: terraform offline from the provider mirror (every
# one of them), and, for the two that apply terraform/aws to a local moto server
# (aws-terraform-moto.sh, check-aws-policy-iac.sh), the server, the provider block pointing every
# endpoint at it, and init + apply. Not a script of its own. The sourcing script sets
# -euo pipefail and defines fail() (its own message prefix).

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mirror="${TF_PLUGIN_MIRROR:-/opt/tf-plugins}"
jar="$root/aws-lambda/target/stance-sync-aws-lambda.jar"

# offline_terraform DIR: terraform takes providers only from the mirror (its CLI configuration in DIR).
offline_terraform() {
  cat >"$1/tf.rc" <<RC
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
  export TF_CLI_CONFIG_FILE="$1/tf.rc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
}

# The checks both scripts need before starting anything.
moto_terraform_prerequisites() {
  [[ -f "$jar" ]] || fail "build first: mvn -B -pl aws-lambda -am package -DskipTests"
  command -v terraform >/dev/null || fail "terraform not found"
  [[ -d "$mirror/registry.terraform.io/hashicorp/aws" ]] || fail "no hashicorp/aws provider in the offline mirror $mirror"
}

# moto_start SERVER_COMMAND...: a scratch folder ($work, removed on exit unless KEEP_WORK is set),
# the server on a free loopback port ($port, $moto_pid), and terraform offline.
moto_start() {
  work="$(mktemp -d)"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  "$@" -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
  moto_pid=$!
  trap 'kill "$moto_pid" 2>/dev/null || true; [[ -n "${KEEP_WORK:-}" ]] || rm -rf "$work"' EXIT
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port/moto-api/" && break
    sleep 0.1
  done
  offline_terraform "$work"
  export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
  mkdir "$work/root"
}

# The root module's header: the aws provider with every endpoint the module uses on moto.
moto_provider_tf() {
  local service endpoints=""
  for service in s3 sqs iam sts lambda cloudwatchevents cloudwatchlogs scheduler glue; do
    endpoints+="    $(printf '%-16s' "$service") = \"http://127.0.0.1:$port\""$'\n'
  done
  cat <<TF
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
${endpoints}  }
}

TF
}

# terraform init + apply of $work/root; the logs stay in $work.
moto_apply() {
  cd "$work/root"
  terraform init -backend=false -input=false -no-color >"$work/init.log" 2>&1 || { cat "$work/init.log" >&2; fail "terraform init"; }
  terraform apply -auto-approve -input=false -no-color >"$work/apply.log" 2>&1 \
    || { tail -60 "$work/apply.log" >&2; fail "terraform apply against moto"; }
  grep -E '^Apply complete' "$work/apply.log"
  terraform output -json >"$work/outputs.json"
}
