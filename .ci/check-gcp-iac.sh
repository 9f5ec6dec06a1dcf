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
# The fan-out: the work topic, the dead-letter topic and the subscription that keeps its
# messages, the Pub/Sub service agent's grants for dead-lettering, the worker function on the
# work topic with retries, its identity, publish grants, and the settings the code reads.
expect_block google_pubsub_topic.work 'name       = local.work_topic_name'
expect_block google_pubsub_topic.work_dead_letter 'name       = local.work_dead_letter_name'
expect_block google_pubsub_subscription.work_dead_letter 'topic                      = google_pubsub_topic.work_dead_letter[0].id'
expect_block google_pubsub_topic_iam_member.work_dead_letter_publisher 'member  = local.pubsub_service_account'
expect_block google_pubsub_topic_iam_member.work_dead_letter_publisher 'role    = "roles/pubsub.publisher"'
expect_block google_pubsub_topic_iam_member.work_publisher 'schedule = google_service_account.schedule[0].email'
expect_block google_pubsub_topic_iam_member.work_publisher 'worker   = google_service_account.worker[0].email'
# Notifications: the digest topic, publish on it for every identity whose function pushes
# (object-created, the schedule's catch-up, the worker), and the setting the code reads.
expect_block google_pubsub_topic.changes 'name    = local.notify_topic_name'
expect_block google_pubsub_topic_iam_member.changes_publisher 'role     = "roles/pubsub.publisher"'
grep -qF 'push = google_service_account.push[0].email' terraform/gcp/notify.tf \
  && grep -qF 'local.enable_schedule && !local.enable_fan_out ? { schedule = google_service_account.schedule[0].email }' terraform/gcp/notify.tf \
  && grep -qF 'worker = google_service_account.worker[0].email' terraform/gcp/notify.tf \
  || { echo "check-gcp-iac: the push, schedule and worker identities must each publish to the digest topic" >&2; status=1; }
grep -qF 'STANCE_NOTIFY_URI          = "pubsub://${var.project_id}/${local.notify_topic_name}"' terraform/gcp/notify.tf \
  && grep -qF 'local.notify_environment' terraform/gcp/main.tf \
  || { echo "check-gcp-iac: every function's environment must carry STANCE_NOTIFY_URI of the digest topic" >&2; status=1; }
expect_block google_cloudfunctions2_function.worker 'entry_point     = local.entry_points.worker'
expect_block google_cloudfunctions2_function.worker 'pubsub_topic   = google_pubsub_topic.work[0].id'
expect_block google_cloudfunctions2_function.worker 'retry_policy          = "RETRY_POLICY_RETRY"'
expect_block google_cloudfunctions2_function.worker 'service_account_email            = google_service_account.worker[0].email'
expect_block google_cloudfunctions2_function.worker 'environment_variables            = local.worker_environment'
expect_block google_cloud_run_service_iam_member.worker_invoker 'google_service_account.trigger.email'
expect_block terraform_data.work_dead_letter_policy "--dead-letter-topic='\${google_pubsub_topic.work_dead_letter[0].id}'"
expect_block terraform_data.work_dead_letter_policy "--max-delivery-attempts='\${var.work_max_delivery_attempts}'"
expect_block terraform_data.work_dead_letter_policy "--role='roles/pubsub.subscriber'"
expect_block google_storage_bucket_iam_member.schedule_sources_file_read 'google_service_account.schedule[0].email'
expect_block google_storage_bucket_iam_member.schedule_sources_file_read 'expression  = "resource.name == '
expect_block google_storage_bucket_iam_member.export_write 'google_service_account.schedule[0].email'
grep -qF 'pubsub_service_account = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"' terraform/gcp/fanout.tf \
  || { echo "check-gcp-iac: the dead-letter grants must name the Pub/Sub service agent" >&2; status=1; }
# The names the code reads, taken from the code.
# The settings table (settings/Settings.java): constant name -> its environment variable.
settings_java=core/src/main/java/com/mantissa/stance/sync/settings/Settings.java
setting_env() { grep -oE "Setting<[^>]*> $1 = new Setting<>\(\"[A-Z_]+\"" "$settings_java" | cut -d'"' -f2 || true; }
for setting in "$(setting_env WORK_QUEUE)" "$(setting_env SOURCES_URI)" "$(setting_env TIME_BUDGET)" \
    "$(setting_env RESOLVE_MISSING)" "$(setting_env RESOLVE_MAX_SHARE)" "$(setting_env EXPORT_TARGET)" \
    "$(setting_env EXPORT_KEEP)" "$(setting_env STALE_AFTER)"; do
  if [[ -z "$setting" ]] || ! grep -qE "(^|[{ ])$setting +=" terraform/gcp/*.tf; then
    echo "check-gcp-iac: terraform/gcp sets no environment variable '$setting' that the code reads" >&2
    status=1
  fi
done
grep -qF 'work_queue_uri         = "pubsub://${var.project_id}/${local.work_topic_name}"' terraform/gcp/fanout.tf \
  || { echo "check-gcp-iac: STANCE_WORK_QUEUE must be pubsub://PROJECT/<work topic>" >&2; status=1; }
for env in 'local.lifecycle_environment' 'local.fan_out_schedule_environment'; do
  awk '/schedule_environment = merge\(/,/^  \)/' terraform/gcp/main.tf | grep -qF "$env" \
    || { echo "check-gcp-iac: the scheduled function's environment must merge $env" >&2; status=1; }
done
grep -qF 'push_environment = merge(local.base_environment, local.resolve_environment' terraform/gcp/main.tf \
  || { echo "check-gcp-iac: the push function's environment must carry the resolve settings" >&2; status=1; }
# A first apply: the functions (and their Eventarc triggers) wait for IAM propagation after the
# APIs and the service agents' grants; BigQuery is enabled for the export; the dataset sits where
# the export bucket is; event-driven functions time out within 540 s.
expect_block time_sleep.iam_propagation 'create_duration = var.iam_propagation_wait'
for fn in push schedule worker; do
  expect_block "google_cloudfunctions2_function.$fn" 'time_sleep.iam_propagation,'
done
grep -qF 'var.export_bucket_name != null ? ["bigquery.googleapis.com"] : []' terraform/gcp/main.tf \
  || { echo "check-gcp-iac: the export needs bigquery.googleapis.com among the required APIs" >&2; status=1; }
expect_block google_bigquery_dataset.export 'location    = local.export_dataset_location'
expect_block google_bigquery_dataset.export 'condition     = local.export_locations_match'
sed -n '/^variable "timeout_seconds"/,/^}/p' terraform/gcp/variables.tf | grep -qF 'var.timeout_seconds <= 540' \
  || { echo "check-gcp-iac: timeout_seconds must be validated against the 540 s limit of event-driven functions" >&2; status=1; }
# Under resolve_missing the push function lists central: a bucket-level role, since listing is
# not an object operation that the prefix condition could admit.
expect_block google_storage_bucket_iam_member.push_central_list 'role   = "roles/storage.legacyBucketReader"'
expect_block google_storage_bucket_iam_member.push_central_list 'count  = local.enable_push && var.resolve_missing ? 1 : 0'
[[ $status -eq 0 ]] || exit $status
echo "check-gcp-iac: terraform/gcp formatted; entry points exist; identities separated; APIs enabled; fan-out with dead-letter topic; digest topic and its publishers; lifecycle settings; first-apply wait, BigQuery API and location, 540 s"
