# Fan-out for organisations with many sources: the scheduled function sends one work message per
# source (of the sources file STANCE_SOURCES_URI and STANCE_SOURCES) to the work topic and
# returns; the worker function (PubSubWorkerFunction, the topic's messagePublished CloudEvents
# through an Eventarc trigger) pushes one source per message and publishes a continuation to the
# same topic when its time budget runs out. A transient failure fails the invocation, so Pub/Sub
# delivers the message again with backoff and, after work_max_delivery_attempts, forwards it to
# the dead-letter topic, whose subscription keeps it for inspection.
#
# The trigger's subscription is created by Eventarc (eventarc-REGION-TRIGGER-sub-N), which takes
# no dead-letter setting of its own; the module sets the dead-letter policy on it after the
# function exists (gcloud, see terraform_data.work_dead_letter_policy) and grants the Pub/Sub
# service agent what dead-lettering needs: publish to the dead-letter topic, and acknowledge
# (subscriber) on the forwarding subscription.
# https://cloud.google.com/eventarc/docs/retry-events
# https://cloud.google.com/pubsub/docs/handling-failures#grant_forwarding_permissions

variable "fan_out" {
  description = "Create the work topic, its dead-letter topic and the worker function; the scheduled function then fans out (STANCE_WORK_QUEUE) instead of pushing every source itself. Needs enable_schedule."
  type        = bool
  default     = false
}

variable "sources_uri" {
  description = "STANCE_SOURCES_URI of the scheduled function: a sources file (one JSON object per line: location, account, provider), e.g. gs://central/_config/sources.jsonl; a gs:// file is readable by the scheduled function (that object only)."
  type        = string
  default     = null

  validation {
    condition     = var.sources_uri == null || can(regex("^[a-z0-9]+://[^/]+/.+", coalesce(var.sources_uri, "-")))
    error_message = "sources_uri must be a location with a file name, such as gs://bucket/_config/sources.jsonl."
  }
}

variable "work_max_delivery_attempts" {
  description = "Deliveries of one work message (a push that failed transiently) before Pub/Sub forwards it to the dead-letter topic (5-100)."
  type        = number
  default     = 5

  validation {
    condition     = var.work_max_delivery_attempts >= 5 && var.work_max_delivery_attempts <= 100
    error_message = "work_max_delivery_attempts must be between 5 and 100 (Pub/Sub's bounds)."
  }
}

variable "worker_max_instance_count" {
  description = "The most worker instances at once (each pushes one source at a time); bounds the write rate into central."
  type        = number
  default     = 50
}

variable "apply_dead_letter_policy" {
  description = "Set the dead-letter policy on the worker trigger's Eventarc subscription with gcloud after apply (needs gcloud where terraform runs). With false, run the command of docs/deploy-gcp.md once yourself."
  type        = bool
  default     = true
}

locals {
  enable_fan_out = var.fan_out && var.enable_schedule

  work_topic_name        = "${var.name_prefix}-work"
  work_dead_letter_name  = "${var.name_prefix}-work-dead-letter"
  work_queue_uri         = "pubsub://${var.project_id}/${local.work_topic_name}"
  pubsub_service_account = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"

  # gs://bucket/path -> bucket, path (for the conditioned read grant).
  sources_gcs_path   = var.sources_uri != null && startswith(coalesce(var.sources_uri, "-"), "gs://") ? trimprefix(var.sources_uri, "gs://") : null
  sources_gcs_bucket = local.sources_gcs_path == null ? null : split("/", local.sources_gcs_path)[0]
  sources_gcs_object = local.sources_gcs_path == null ? null : join("/", slice(split("/", local.sources_gcs_path), 1, length(split("/", local.sources_gcs_path))))

  fan_out_schedule_environment = merge(
    var.sources_uri == null ? {} : { STANCE_SOURCES_URI = var.sources_uri },
    local.enable_fan_out ? { STANCE_WORK_QUEUE = local.work_queue_uri } : {},
  )

  # A 2nd gen function learns no remaining time: the budget is the timeout less a margin of a
  # quarter, at most 30 s, as the worker computes it from the longest invocation.
  worker_time_budget = "${var.timeout_seconds - min(floor(var.timeout_seconds / 4), 30)}s"

  worker_environment = merge(local.base_environment, local.resolve_environment, {
    STANCE_WORK_QUEUE  = local.work_queue_uri
    STANCE_TIME_BUDGET = local.worker_time_budget
  })
}

data "google_project" "this" {
  project_id = var.project_id
}

# ---- topics -------------------------------------------------------------------------------------

resource "google_pubsub_topic" "work" {
  count      = local.enable_fan_out ? 1 : 0
  project    = var.project_id
  name       = local.work_topic_name
  labels     = var.labels
  depends_on = [terraform_data.apis_enabled]
}

resource "google_pubsub_topic" "work_dead_letter" {
  count      = local.enable_fan_out ? 1 : 0
  project    = var.project_id
  name       = local.work_dead_letter_name
  labels     = var.labels
  depends_on = [terraform_data.apis_enabled]
}

# Keeps the dead letters (a topic without a subscription drops them) for inspection and re-publishing.
resource "google_pubsub_subscription" "work_dead_letter" {
  count                      = local.enable_fan_out ? 1 : 0
  project                    = var.project_id
  name                       = local.work_dead_letter_name
  topic                      = google_pubsub_topic.work_dead_letter[0].id
  ack_deadline_seconds       = 60
  message_retention_duration = "604800s"
  expiration_policy {
    ttl = ""
  }
  labels = var.labels
}

# Dead-lettering publishes as the Pub/Sub service agent.
resource "google_pubsub_topic_iam_member" "work_dead_letter_publisher" {
  count   = local.enable_fan_out ? 1 : 0
  project = var.project_id
  topic   = google_pubsub_topic.work_dead_letter[0].name
  role    = "roles/pubsub.publisher"
  member  = local.pubsub_service_account
}

# The schedule sends the source messages; the worker sends continuations.
resource "google_pubsub_topic_iam_member" "work_publisher" {
  for_each = local.enable_fan_out ? {
    schedule = google_service_account.schedule[0].email
    worker   = google_service_account.worker[0].email
  } : {}
  project = var.project_id
  topic   = google_pubsub_topic.work[0].name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${each.value}"
}

# ---- worker identity and data access ----------------------------------------------------------

resource "google_service_account" "worker" {
  count        = local.enable_fan_out ? 1 : 0
  project      = var.project_id
  account_id   = "${var.name_prefix}-worker"
  display_name = "stance-sync fan-out worker"
  description  = "Pushes the source each work message names into central; publishes continuations to the work topic."
  depends_on   = [terraform_data.apis_enabled]
}

# A worker pushes the records of whichever account its message names: read and write under the
# central prefix (the condition), read the source buckets.
resource "google_storage_bucket_iam_member" "worker_central_write" {
  count  = local.enable_fan_out ? 1 : 0
  bucket = local.central_bucket
  role   = "roles/storage.objectUser"
  member = "serviceAccount:${google_service_account.worker[0].email}"

  condition {
    title       = "${var.name_prefix}-worker-central-prefix"
    description = "Objects under the central prefix only."
    expression  = "resource.name.startsWith(\"${local.central_objects_prefix}\")"
  }
}

# With resolve_missing a finished source push runs the resolve pass, which lists central's
# findings and assets; listing is bucket-level, which the prefix condition above denies, so the
# worker gets the one predefined role that lists without reading object content.
resource "google_storage_bucket_iam_member" "worker_central_list" {
  count  = local.enable_fan_out && var.resolve_missing ? 1 : 0
  bucket = local.central_bucket
  role   = "roles/storage.legacyBucketReader"
  member = "serviceAccount:${google_service_account.worker[0].email}"
}

resource "google_storage_bucket_iam_member" "worker_source_read" {
  for_each = local.enable_fan_out ? toset(var.source_read_buckets) : toset([])
  bucket   = each.value
  role     = "roles/storage.objectViewer"
  member   = "serviceAccount:${google_service_account.worker[0].email}"
}

# The scheduled function reads the sources file, that object only.
resource "google_storage_bucket_iam_member" "schedule_sources_file_read" {
  count  = local.enable_schedule && local.sources_gcs_path != null ? 1 : 0
  bucket = local.sources_gcs_bucket
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.schedule[0].email}"

  condition {
    title       = "${var.name_prefix}-sources-file"
    description = "The sources file only."
    expression  = "resource.name == \"projects/_/buckets/${local.sources_gcs_bucket}/objects/${local.sources_gcs_object}\""
  }
}

# ---- worker function ------------------------------------------------------------------------------

resource "google_cloudfunctions2_function" "worker" {
  count = local.enable_fan_out ? 1 : 0

  project     = var.project_id
  name        = "${var.name_prefix}-worker"
  location    = var.region
  description = "Pushes the source each work message of ${local.work_topic_name} names into ${local.central_uri}; resumable through continuations."
  labels      = var.labels

  build_config {
    runtime         = var.runtime
    entry_point     = local.entry_points.worker
    service_account = var.build_service_account
    source {
      storage_source {
        bucket = google_storage_bucket.function_source.name
        object = google_storage_bucket_object.function.name
      }
    }
  }

  service_config {
    available_memory                 = var.available_memory
    timeout_seconds                  = var.timeout_seconds
    max_instance_count               = var.worker_max_instance_count
    max_instance_request_concurrency = 1
    ingress_settings                 = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision   = true
    service_account_email            = google_service_account.worker[0].email
    environment_variables            = local.worker_environment
  }

  event_trigger {
    trigger_region = var.region
    event_type     = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic   = google_pubsub_topic.work[0].id
    # A transient failure fails the invocation: Pub/Sub redelivers, then dead-letters.
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.trigger.email
  }

  depends_on = [
    terraform_data.apis_enabled,
    google_storage_bucket_iam_member.worker_central_write,
    google_storage_bucket_iam_member.worker_central_list,
    google_storage_bucket_iam_member.worker_source_read,
    google_pubsub_topic_iam_member.work_publisher,
    time_sleep.iam_propagation,
  ]
}

resource "google_cloud_run_service_iam_member" "worker_invoker" {
  count    = local.enable_fan_out ? 1 : 0
  project  = var.project_id
  location = var.region
  service  = google_cloudfunctions2_function.worker[0].service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.trigger.email}"
}

# The dead-letter policy of the trigger's Eventarc subscription, and the Pub/Sub service agent's
# subscriber role on it (forwarding acknowledges the message there). Re-run when the trigger
# or the attempts change.
resource "terraform_data" "work_dead_letter_policy" {
  count            = local.enable_fan_out && var.apply_dead_letter_policy ? 1 : 0
  triggers_replace = [google_cloudfunctions2_function.worker[0].event_trigger[0].trigger, var.work_max_delivery_attempts, google_pubsub_topic.work_dead_letter[0].id]

  provisioner "local-exec" {
    interpreter = ["/bin/bash", "-c"]
    command     = <<-EOT
      set -euo pipefail
      trigger='${google_cloudfunctions2_function.worker[0].event_trigger[0].trigger}'
      subscription="$(gcloud eventarc triggers describe "$${trigger##*/}" --project='${var.project_id}' --location='${var.region}' --format='value(transport.pubsub.subscription)')"
      [[ -n "$subscription" ]] || { echo "no Pub/Sub subscription on trigger $trigger" >&2; exit 1; }
      gcloud pubsub subscriptions update "$subscription" --project='${var.project_id}' \
        --dead-letter-topic='${google_pubsub_topic.work_dead_letter[0].id}' \
        --max-delivery-attempts='${var.work_max_delivery_attempts}'
      gcloud pubsub subscriptions add-iam-policy-binding "$subscription" --project='${var.project_id}' \
        --member='${local.pubsub_service_account}' --role='roles/pubsub.subscriber' >/dev/null
    EOT
  }

  depends_on = [google_pubsub_topic_iam_member.work_dead_letter_publisher]
}

output "work_queue" {
  description = "STANCE_WORK_QUEUE of the fan-out (pubsub://PROJECT/TOPIC); null without fan_out."
  value       = local.enable_fan_out ? local.work_queue_uri : null
}

output "work_topic_id" {
  value = local.enable_fan_out ? google_pubsub_topic.work[0].id : null
}

output "work_dead_letter_topic_id" {
  description = "Work messages delivered work_max_delivery_attempts times without success."
  value       = local.enable_fan_out ? google_pubsub_topic.work_dead_letter[0].id : null
}

output "work_dead_letter_subscription_id" {
  description = "Pull the dead letters from here to inspect or re-publish them (docs/deploy-gcp.md)."
  value       = local.enable_fan_out ? google_pubsub_subscription.work_dead_letter[0].id : null
}

output "worker_function_id" {
  value = local.enable_fan_out ? google_cloudfunctions2_function.worker[0].id : null
}

output "worker_trigger" {
  description = "The worker's Eventarc trigger, whose subscription carries the dead-letter policy."
  value       = local.enable_fan_out ? google_cloudfunctions2_function.worker[0].event_trigger[0].trigger : null
}

output "worker_service_account_email" {
  value = local.enable_fan_out ? google_service_account.worker[0].email : null
}
