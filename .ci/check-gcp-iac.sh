#!/usr/bin/env bash
# Offline checks of terraform/gcp: formatting, and that the function entry points the module
# deploys are classes that exist in gcp-function. The google provider cannot be downloaded
# here, so `terraform validate` is not run; arguments were checked against the provider schema.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v terraform >/dev/null 2>&1; then
  echo "check-gcp-iac: terraform is not installed (needed for 'terraform fmt -check')" >&2
  exit 1
fi

# Silence the warning about a missing ~/.terraformrc and keep any provider lookups offline.
cli_config="$(mktemp)"
trap 'rm -f "$cli_config"' EXIT
printf 'provider_installation {\n  filesystem_mirror {\n    path = "/opt/tf-plugins"\n  }\n}\n' >"$cli_config"
export TF_CLI_CONFIG_FILE="$cli_config"

if ! terraform fmt -check -diff -recursive terraform/gcp; then
  echo "check-gcp-iac: terraform/gcp is not 'terraform fmt' clean (run: terraform fmt -recursive terraform/gcp)" >&2
  exit 1
fi

status=0
for entry in $(grep -oE '"com\.mantissa\.stance\.sync\.gcp\.[A-Za-z0-9_]+"' terraform/gcp/*.tf | cut -d'"' -f2 | sort -u); do
  src="gcp-function/src/main/java/$(echo "$entry" | tr . /).java"
  if [[ ! -f "$src" ]]; then
    echo "check-gcp-iac: entry point $entry has no source file $src" >&2
    status=1
  fi
done
for entry in $(grep -oE 'entry-point=com\.mantissa\.stance\.sync\.gcp\.[A-Za-z0-9_]+' docs/deploy-gcp.md | cut -d= -f2 | sort -u); do
  src="gcp-function/src/main/java/$(echo "$entry" | tr . /).java"
  if [[ ! -f "$src" ]]; then
    echo "check-gcp-iac: docs/deploy-gcp.md deploys $entry, which has no source file $src" >&2
    status=1
  fi
done
# Separate identities: the push function must neither read all of central nor write the pull target.
expect_block() {  # resource address, text the block must contain
  local block
  block="$(awk -v start="resource \"${1%%.*}\" \"${1#*.}\" {" '$0 == start {on=1} on {print} on && /^}/ {exit}' terraform/gcp/*.tf)"
  if [[ -z "$block" ]] || ! grep -qF -- "$2" <<<"$block"; then
    echo "check-gcp-iac: resource $1 must contain: $2" >&2
    status=1
  fi
}
expect_block google_cloudfunctions2_function.push 'service_account_email            = google_service_account.push[0].email'
expect_block google_cloudfunctions2_function.schedule 'service_account_email            = google_service_account.schedule[0].email'
expect_block google_storage_bucket_iam_member.central_read 'google_service_account.schedule[0].email'
expect_block google_storage_bucket_iam_member.pull_target_write 'google_service_account.schedule[0].email'
expect_block google_storage_bucket_iam_member.central_write 'expression  = "resource.name.startsWith('
if grep -n 'google_service_account.push' terraform/gcp/*.tf | grep -E 'central_read|pull_target'; then
  status=1
fi
# Required APIs: enabled by the module, or checked by a precondition.
expect_block google_project_service.required 'service                    = each.value'
expect_block terraform_data.apis_enabled 'precondition {'
[[ $status -eq 0 ]] || exit $status
echo "check-gcp-iac: terraform/gcp formatted; entry points exist; identities separated; APIs enabled"
