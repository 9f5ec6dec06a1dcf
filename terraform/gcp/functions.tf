# ---- event-driven push: storage object finalized ----------------------------------------------

data "google_storage_bucket" "source" {
  count = local.enable_push ? 1 : 0
  name  = var.source_bucket
}

resource "google_cloudfunctions2_function" "push" {
  count = local.enable_push ? 1 : 0

  project     = var.project_id
  name        = "${var.name_prefix}-push"
  location    = var.region
  description = "Pushes each finalized Stance findings.jsonl / assets.jsonl (and Prowler *.ocsf.json / *.asff.json) of gs://${var.source_bucket} to ${local.central_uri}."
  labels      = var.labels

  build_config {
    runtime         = var.runtime
    entry_point     = local.entry_points.push
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
    max_instance_count               = var.max_instance_count
    max_instance_request_concurrency = 1
    ingress_settings                 = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision   = true
    service_account_email            = google_service_account.push[0].email
    environment_variables            = local.push_environment
  }

  event_trigger {
    # A Cloud Storage trigger must be in the bucket's location.
    trigger_region        = lower(data.google_storage_bucket.source[0].location)
    event_type            = "google.cloud.storage.object.v1.finalized"
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.trigger.email
    event_filters {
      attribute = "bucket"
      value     = var.source_bucket
    }
  }

  depends_on = [
    terraform_data.apis_enabled,
    google_project_iam_member.trigger_event_receiver,
    google_project_iam_member.gcs_agent_pubsub_publisher,
    google_storage_bucket_iam_member.central_write,
    google_storage_bucket_iam_member.push_central_list,
    google_storage_bucket_iam_member.source_read,
    time_sleep.iam_propagation,
  ]
}

resource "google_cloud_run_service_iam_member" "push_invoker" {
  count    = local.enable_push ? 1 : 0
  project  = var.project_id
  location = var.region
  service  = google_cloudfunctions2_function.push[0].service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.trigger.email}"
}

# ---- scheduled catch-up / pull: Cloud Scheduler -> Pub/Sub -> function --------------------------

resource "google_pubsub_topic" "schedule" {
  count      = local.enable_schedule ? 1 : 0
  project    = var.project_id
  name       = "${var.name_prefix}-schedule"
  labels     = var.labels
  depends_on = [terraform_data.apis_enabled]
}

resource "google_cloud_scheduler_job" "schedule" {
  count       = local.enable_schedule ? 1 : 0
  project     = var.project_id
  region      = var.region
  name        = "${var.name_prefix}-catch-up"
  description = "Triggers the stance-sync catch-up over the configured sources and the pull."
  schedule    = var.schedule
  time_zone   = var.schedule_time_zone

  depends_on = [terraform_data.apis_enabled]

  pubsub_target {
    topic_name = google_pubsub_topic.schedule[0].id
    data       = base64encode("stance-sync scheduled catch-up")
    attributes = {
      origin = "cloud-scheduler"
    }
  }
}

resource "google_cloudfunctions2_function" "schedule" {
  count = local.enable_schedule ? 1 : 0

  project     = var.project_id
  name        = "${var.name_prefix}-schedule"
  location    = var.region
  description = "Scheduled stance-sync catch-up into ${local.central_uri} and/or pull."
  labels      = var.labels

  build_config {
    runtime         = var.runtime
    entry_point     = local.entry_points.schedule
    service_account = var.build_service_account
    source {
      storage_source {
        bucket = google_storage_bucket.function_source.name
        object = google_storage_bucket_object.function.name
      }
    }
  }

  service_config {
    available_memory = var.available_memory
    timeout_seconds  = var.timeout_seconds
    # One catch-up at a time; the next tick resumes whatever one run left.
    max_instance_count               = 1
    max_instance_request_concurrency = 1
    ingress_settings                 = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision   = true
    service_account_email            = google_service_account.schedule[0].email
    environment_variables            = local.schedule_environment
  }

  event_trigger {
    trigger_region = var.region
    event_type     = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic   = google_pubsub_topic.schedule[0].id
    # The next tick is the retry: a failed catch-up is not replayed for a day.
    retry_policy          = "RETRY_POLICY_DO_NOT_RETRY"
    service_account_email = google_service_account.trigger.email
  }

  depends_on = [
    terraform_data.apis_enabled,
    google_storage_bucket_iam_member.central_write,
    google_storage_bucket_iam_member.central_read,
    google_storage_bucket_iam_member.scheduled_source_read,
    google_storage_bucket_iam_member.pull_target_write,
    time_sleep.iam_propagation,
  ]

  lifecycle {
    precondition {
      condition     = local.pull_target_gcs_bucket == null || var.pull_target_bucket == local.pull_target_gcs_bucket
      error_message = "pull_target ${coalesce(var.pull_target, "-")} is in gs://${coalesce(local.pull_target_gcs_bucket, "-")}: set pull_target_bucket = \"${coalesce(local.pull_target_gcs_bucket, "-")}\" so that the scheduled function may write there."
    }
  }
}

resource "google_cloud_run_service_iam_member" "schedule_invoker" {
  count    = local.enable_schedule ? 1 : 0
  project  = var.project_id
  location = var.region
  service  = google_cloudfunctions2_function.schedule[0].service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.trigger.email}"
}
