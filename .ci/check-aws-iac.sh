#!/usr/bin/env bash
# Static checks of the AWS infrastructure as code: cfn-lint on template.yaml (informational
# findings included), the SAM translator's function versions under changed parameters
# (check-sam-versions.py), and terraform init/validate/fmt of terraform/aws and its examples,
# with providers taken only from the offline mirror. Any finding fails the run.
set -euo pipefail

fail() { echo "check-aws-iac: FAILED: $*" >&2; exit 1; }
source "$(dirname "${BASH_SOURCE[0]}")/terraform-lib.sh"

command -v cfn-lint >/dev/null || fail "cfn-lint not found (pip install cfn-lint)"
command -v terraform >/dev/null || fail "terraform not found (install Terraform >= 1.5)"
[[ -d "$mirror/registry.terraform.io/hashicorp/aws" ]] \
  || fail "no hashicorp/aws provider in the offline mirror $mirror"

echo "check-aws-iac: cfn-lint $(cfn-lint --version | awk '{print $2}') template.yaml"
cfn-lint --include-checks I -t "$root/template.yaml" || fail "cfn-lint reported findings in template.yaml"

# Every configuration change publishes a new version; no schedule has a literal name.
python3 "$root/.ci/check-sam-versions.py" "$root/template.yaml" || fail "SAM version check of template.yaml"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
offline_terraform "$work"

# logging_config on aws_lambda_function needs hashicorp/aws 5.32: the constraint must not admit less.
for f in terraform/aws/versions.tf terraform/aws/examples/*/main.tf; do
  grep -qE 'version += +">= 5\.(3[2-9]|[4-9][0-9])' "$root/$f" \
    || fail "$f: the hashicorp/aws constraint must have a lower bound of at least 5.32 (logging_config)"
done

# IAM names are account-wide: every role of terraform/aws carries the region (a second region of
# the same account would collide otherwise).
roles="$(cat "$root"/terraform/aws/*.tf | grep -c '^resource "aws_iam_role" ' || true)"
regional="$(cat "$root"/terraform/aws/*.tf | grep -c 'name               = local.role_name\[' || true)"
[[ "$roles" -gt 0 && "$roles" == "$regional" ]] \
  || fail "terraform/aws: $regional of $roles IAM roles are named with the region (local.role_name)"
grep -qF '"${var.name}-${data.aws_region.current.name}-${role}"' "$root/terraform/aws/main.tf" \
  || fail "terraform/aws: local.role_name must include the region"
# The schedule is not retried (Scheduler and Lambda retry attempts 0): nothing may say otherwise.
grep -q 'MaximumRetryAttempts: 0' <(sed -n '/^  ScheduleFunction:/,/^  [A-Za-z]*:$/p' "$root/template.yaml") \
  || fail "template.yaml: the schedule function's retry attempts must be 0"
if grep -rniE 'scheduler retries|schedule(r)? (will )?retr(y|ies) it' "$root/aws-lambda/src/main/java"; then
  fail "the schedule is not retried (retry attempts 0): a comment above says it is"
fi

echo "check-aws-iac: terraform fmt -check terraform/aws"
terraform -chdir="$root/terraform/aws" fmt -recursive -check -diff \
  || fail "terraform fmt: run 'terraform fmt -recursive terraform/aws'"

for dir in terraform/aws terraform/aws/examples/hub terraform/aws/examples/spoke; do
  echo "check-aws-iac: terraform init/validate $dir"
  # Plugin cache and lock file stay out of the work tree.
  export TF_DATA_DIR="$work/data/${dir//\//_}"
  terraform -chdir="$root/$dir" init -backend=false -input=false -no-color -lockfile=readonly >"$work/init.log" 2>&1 \
    || terraform -chdir="$root/$dir" init -backend=false -input=false -no-color >"$work/init.log" 2>&1 \
    || { cat "$work/init.log" >&2; fail "terraform init in $dir"; }
  terraform -chdir="$root/$dir" validate -no-color || fail "terraform validate in $dir"
done

echo "check-aws-iac: OK"
