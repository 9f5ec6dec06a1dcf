#!/usr/bin/env bash
# Offline checks of terraform/azure: formatting, the ABAC conditions the module renders, and
# `terraform validate` when the azurerm provider is available in the local plugin mirror.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
module="$root/terraform/azure"
command -v terraform >/dev/null || { echo "check-azure-iac: terraform is not installed" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat >"$work/cli.tfrc" <<'CFG'
provider_installation {
  filesystem_mirror {
    path = "/opt/tf-plugins"
  }
}
CFG
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1

echo "check-azure-iac: terraform fmt -check"
terraform fmt -check -recursive -diff "$module" \
  || { echo "check-azure-iac: run: terraform fmt -recursive terraform/azure" >&2; exit 1; }

# Production must authenticate with the managed identity: a storage connection string or account
# key in the app settings would bypass it.
if grep -nE '^[^#]*(AZURE_STORAGE_CONNECTION_STRING|AccountKey=)' "$module"/*.tf; then
  echo "check-azure-iac: terraform/azure must not configure storage connection strings" >&2
  exit 1
fi

# Render the role-assignment conditions (pure expressions, no provider needed) and check that the
# hub is confined to the central prefix and a spoke to its own account's record paths.
echo "check-azure-iac: rendering ABAC conditions"
abac="$work/abac"
mkdir -p "$abac"
cp "$module/variables.tf" "$abac/"
sed -n '/^locals {/,/^}/p' "$module/rbac.tf" >"$abac/locals.tf"
cat >"$abac/vars.auto.tfvars" <<'VARS'
location                     = "westeurope"
resource_group_name          = "rg"
function_app_name            = "stance-sync"
central_storage_account_name = "central1"
host_storage_account_name    = "host1"
central_prefix               = "agg"
spoke_writers                = { prod = { principal_id = "p", account_id = "123456789012" } }
VARS
(cd "$abac" && terraform init -input=false -backend=false >/dev/null)
hub="$(cd "$abac" && echo 'local.central_condition["hub"]' | terraform console)"
spoke="$(cd "$abac" && echo 'local.central_condition["spoke-prod"]' | terraform console)"
expect() {
  local what="$1" text="$2" needle="$3"
  grep -qF -- "$needle" <<<"$text" || { echo "check-azure-iac: $what condition lacks: $needle" >&2; echo "$text" >&2; exit 1; }
}
expect hub "$hub" "blobs:path] StringLike 'agg/*'"
expect hub "$hub" "!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'})"
# "?" matches exactly one character: the account segment sits right after the 4-character hash
# folder. "*" there would also match "/", letting a spoke write below another account's folder.
expect spoke "$spoke" "StringLike 'agg/findings/????/123456789012/*'"
expect spoke "$spoke" "StringLike 'agg/assets/????/123456789012/*'"
if grep -qF "StringLike 'agg/*'" <<<"$spoke" || grep -qE "StringLike '[^']*/\*/" <<<"$spoke"; then
  echo "check-azure-iac: spoke condition must not grant the whole prefix nor use '*' before the account" >&2
  echo "$spoke" >&2
  exit 1
fi

# The module must be usable as a child module: provider configuration lives in examples/hub.
if grep -nE '^[[:space:]]*provider[[:space:]]+"' "$module"/*.tf; then
  echo "check-azure-iac: terraform/azure must not declare provider blocks (configure them in examples/hub)" >&2
  exit 1
fi
grep -q 'data_plane_available = false' "$module/examples/hub/main.tf" \
  || { echo "check-azure-iac: examples/hub must turn off azurerm's storage data-plane calls (403 on the first apply)" >&2; exit 1; }
# A plain first apply must work: the Event Grid subscriptions need the published function.
sed -n '/^variable "event_subscription_enabled"/,/^}/p' "$module/variables.tf" | grep -q 'default *= false' \
  || { echo "check-azure-iac: event_subscription_enabled must default to false (the first apply has no function to validate)" >&2; exit 1; }
grep -q 'webdeploy_publish_basic_authentication_enabled = false' "$module/main.tf" \
  || { echo "check-azure-iac: WebDeploy basic auth must be off" >&2; exit 1; }

if [ -d /opt/tf-plugins/registry.terraform.io/hashicorp/azurerm ]; then
  echo "check-azure-iac: terraform validate"
  cp -r "$module" "$work/module"
  (cd "$work/module/examples/hub" && terraform init -input=false -backend=false >/dev/null && terraform validate)
else
  echo "check-azure-iac: azurerm provider not in /opt/tf-plugins; terraform validate skipped (offline)"
fi
echo "check-azure-iac: OK"
