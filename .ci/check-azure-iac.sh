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
sed -n '/^variable "fan_out"/,/^}/p;/^variable "resolve_missing"/,/^}/p' "$module/fanout.tf" >"$abac/fanout-variables.tf"
sed -n '/^locals {/,/^}/p' "$module/rbac.tf" >"$abac/locals.tf"
cat >"$abac/vars.auto.tfvars" <<'VARS'
location                     = "westeurope"
resource_group_name          = "rg"
function_app_name            = "stance-sync"
central_storage_account_name = "central1"
host_storage_account_name    = "host1"
central_prefix               = "agg"
spoke_writers                = { prod = { principal_id = "p", account_id = "123456789012", resolve_missing = true } }
fan_out                      = true
resolve_missing              = true
VARS
(cd "$abac" && terraform init -input=false -backend=false >/dev/null)
hub="$(cd "$abac" && echo 'local.central_condition["hub"]' | terraform console)"
[[ -z "${SHOW_ABAC:-}" ]] || echo "$hub"
spoke="$(cd "$abac" && echo 'local.central_condition["spoke-prod"]' | terraform console)"
expect() {
  local what="$1" text="$2" needle="$3"
  grep -qF -- "$needle" <<<"$text" || { echo "check-azure-iac: $what condition lacks: $needle" >&2; echo "$text" >&2; exit 1; }
}
expect hub "$hub" "blobs:path] StringLike 'agg/findings/????/*'"
expect hub "$hub" "blobs:path] StringLike 'agg/_state/*'"
# Deletes: the resolve pass's gone assets and a worker's finished resume checkpoints, nothing else.
expect hub "$hub" "!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'})"
expect hub "$hub" "blobs:path] StringLike 'agg/_state/*/resume/*'"
expect hub "$hub" "blobs:path] StringLike 'agg/assets/????/*'"
expect spoke "$spoke" "!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'})"
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

# A spoke's assignment names its principal type (no directory lookup of a new identity), and a
# source account's existing Event Grid system topic is used instead of a second one.
expect_principal_type() {
  awk '/^resource "azurerm_role_assignment" "spoke_central_writer" \{/,/^}/' "$module/rbac.tf" | grep -qF 'principal_type       = each.value.principal_type' \
    || { echo "check-azure-iac: spoke_central_writer must set principal_type" >&2; exit 1; }
}
expect_principal_type
grep -qF 'if !contains(keys(var.existing_system_topics), id)' "$module/eventgrid.tf" \
  && grep -qF 'system_topic        = local.system_topics[each.value.storage_account_id].name' "$module/eventgrid.tf" \
  || { echo "check-azure-iac: the event subscriptions must use an existing system topic (existing_system_topics) where given" >&2; exit 1; }

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

# The fan-out: the queue-triggered worker's binding settings are the ones its annotation names,
# the work and poison queues exist in the central account, the function's identity may use them,
# the sources file is readable, and the lifecycle settings carry the names the code reads.
echo "check-azure-iac: fan-out queue, poison queue, worker bindings, sources file, lifecycle settings"
functions="$root/azure-function/src/main/java/com/mantissa/stance/sync/azure/StanceSyncFunctions.java"
settings_java="$root/core/src/main/java/com/mantissa/stance/sync/settings/Settings.java"
trigger="$(tr '\n' ' ' <"$functions" | grep -oE '@QueueTrigger\([^)]*\)' || true)"
queue_setting="$(grep -oE 'queueName = "%[A-Z_]+%"' <<<"$trigger" | grep -oE '[A-Z_]+' || true)"
connection="$(grep -oE 'connection = "[A-Z_]+"' <<<"$trigger" | cut -d'"' -f2 || true)"
[[ -n "$queue_setting" && -n "$connection" ]] || { echo "check-azure-iac: cannot read the @QueueTrigger binding of $functions" >&2; exit 1; }
setting_env() {  # a constant of the settings table -> its environment variable
  grep -oE "Setting<[^>]*> $1 = new Setting<>\(\"[A-Z_]+\"" "$settings_java" | cut -d'"' -f2 || true
}
fail_fanout() { echo "check-azure-iac: $*" >&2; exit 1; }
block() {  # resource address -> its block in terraform/azure
  awk -v start="resource \"${1%%.*}\" \"${1#*.}\" {" '$0 == start {on=1} on {print} on && /^}/ {exit}' "$module"/*.tf
}
expect_block() {
  local text
  text="$(block "$1")"
  [[ -n "$text" ]] || fail_fanout "resource $1 is missing"
  grep -qF -- "$2" <<<"$text" || fail_fanout "resource $1 must contain: $2"
}
for setting in "$queue_setting" "${connection}__queueServiceUri" "$(setting_env WORK_QUEUE)" \
    "$(setting_env SOURCES_URI)" "$(setting_env TIME_BUDGET)" \
    AzureWebJobs.StanceQueueWorker.Disabled; do
  grep -qE "(^|[{ ])\"?${setting//./\\.}\"?[[:space:]]+=" "$module/fanout.tf" \
    || fail_fanout "terraform/azure/fanout.tf sets no app setting $setting (read by the worker or its binding)"
done
for name in RESOLVE_MISSING RESOLVE_MAX_SHARE EXPORT_TARGET EXPORT_KEEP STALE_AFTER; do
  setting="$(setting_env "$name")"
  [[ -n "$setting" ]] || fail_fanout "Settings.$name not found"
  grep -qE "(^|[{ ])$setting[[:space:]]+=" "$module/fanout.tf" || fail_fanout "terraform/azure/fanout.tf sets no app setting $setting"
done
grep -qF 'local.lifecycle_settings' "$module/main.tf" && grep -qF 'local.fan_out_settings' "$module/main.tf" \
  || fail_fanout "the function app's app_settings must merge local.lifecycle_settings and local.fan_out_settings"
grep -qE 'STANCE_WORK_QUEUE += "azq://\$\{azurerm_storage_account\.central\.name\}/\$\{var\.work_queue_name\}"' "$module/fanout.tf" \
  || fail_fanout "STANCE_WORK_QUEUE must be azq://<central account>/<work_queue_name>, the queue the trigger reads"
expect_block azurerm_storage_queue.work 'storage_account_id = azurerm_storage_account.central.id'
expect_block azurerm_storage_queue.poison 'storage_account_id = azurerm_storage_account.central.id'
grep -qF 'poison_queue_name = "${var.work_queue_name}-poison"' "$module/fanout.tf" \
  || fail_fanout "the poison queue must be named <work queue>-poison, where the Functions host moves messages"
expect_block azurerm_role_assignment.hub_work_queues 'role_definition_name = "Storage Queue Data Contributor"'
expect_block azurerm_role_assignment.hub_work_queues 'azurerm_linux_function_app.hub.identity[0].principal_id'
grep -qF '/queueServices/default/queues/${local.poison_queue_name}' "$module/fanout.tf" \
  || fail_fanout "the function's identity needs a role on the poison queue"
# Notifications: the digest queue in the central account, send-only on that queue, and the setting.
expect_block azurerm_storage_queue.changes 'storage_account_id = azurerm_storage_account.central.id'
expect_block azurerm_role_assignment.hub_notify_sender 'role_definition_name = "Storage Queue Data Message Sender"'
expect_block azurerm_role_assignment.hub_notify_sender '/queueServices/default/queues/${var.notify_queue_name}'
grep -qF 'local.notify_settings' "$module/main.tf" \
  || fail_fanout "the function app's app_settings must merge local.notify_settings (STANCE_NOTIFY_URI)"
expect_block azurerm_role_assignment.hub_sources_file_reader 'role_definition_name = "Storage Blob Data Reader"'
expect_block azurerm_role_assignment.hub_sources_file_reader "StringEquals '\${try(var.sources_file.blob_name, \"\")}'"
expect_block azurerm_role_assignment.hub_export_writer "StringLike '\${var.export_prefix}/*'"
# host.json: the dequeue count after which the host moves a message to the poison queue, and
# base64 messages, the encoding the adapter sends.
python3 - "$root/azure-function/host.json" <<'PY' || fail_fanout "azure-function/host.json: queue settings"
import json, sys
queues = json.load(open(sys.argv[1]))["extensions"]["queues"]
assert queues["maxDequeueCount"] == 5, queues
assert queues["messageEncoding"] == "base64", queues
assert queues["batchSize"] == 1, queues
PY
# The documented poison queue count is the one host.json sets.
grep -q 'maxDequeueCount' "$root/docs/deploy-azure.md" || fail_fanout "docs/deploy-azure.md must document maxDequeueCount and the poison queue"

if [ -d /opt/tf-plugins/registry.terraform.io/hashicorp/azurerm ]; then
  echo "check-azure-iac: terraform validate"
  cp -r "$module" "$work/module"
  (cd "$work/module/examples/hub" && terraform init -input=false -backend=false >/dev/null && terraform validate)
else
  echo "check-azure-iac: azurerm provider not in /opt/tf-plugins; terraform validate skipped (offline)"
fi
echo "check-azure-iac: OK"
