# Notifications: every function that pushes publishes a digest of each push's finding changes at
# or above notify_min_severity to a Pub/Sub topic (STANCE_NOTIFY_URI = pubsub://PROJECT/TOPIC);
# attach push or pull subscriptions (a chat webhook bridge, a Cloud Run service, BigQuery) to it.
# See docs/notifications.md.

variable "notify" {
  description = "Create a Pub/Sub topic for the push digests and grant every function that pushes roles/pubsub.publisher on it."
  type        = bool
  default     = false
}

variable "notify_min_severity" {
  description = "STANCE_NOTIFY_MIN_SEVERITY: the least severity a change must reach to be notified."
  type        = string
  default     = "high"

  validation {
    condition     = contains(["critical", "high", "medium", "low", "info"], var.notify_min_severity)
    error_message = "notify_min_severity must be critical, high, medium, low or info."
  }
}

locals {
  notify_topic_name = "${var.name_prefix}-changes"
  notify_environment = var.notify ? {
    STANCE_NOTIFY_URI          = "pubsub://${var.project_id}/${local.notify_topic_name}"
    STANCE_NOTIFY_MIN_SEVERITY = var.notify_min_severity
  } : {}
  # Every identity whose function pushes: object-created, the schedule's catch-up (with the
  # fan-out the tick only reads central) and the worker.
  notify_publishers = var.notify ? merge(
    local.enable_push ? { push = google_service_account.push[0].email } : {},
    local.enable_schedule && !local.enable_fan_out ? { schedule = google_service_account.schedule[0].email } : {},
    local.enable_fan_out ? { worker = google_service_account.worker[0].email } : {},
  ) : {}
}

resource "google_pubsub_topic" "changes" {
  count   = var.notify ? 1 : 0
  project = var.project_id
  name    = local.notify_topic_name
  labels  = var.labels

  depends_on = [google_project_service.required]
}

resource "google_pubsub_topic_iam_member" "changes_publisher" {
  for_each = local.notify_publishers
  project  = var.project_id
  topic    = google_pubsub_topic.changes[0].name
  role     = "roles/pubsub.publisher"
  member   = "serviceAccount:${each.value}"
}

output "notify_topic" {
  description = "The Pub/Sub topic of the push digests (STANCE_NOTIFY_URI), when notify is on."
  value       = var.notify ? "pubsub://${var.project_id}/${local.notify_topic_name}" : null
}
