output "central_bucket" {
  description = "Name of the central bucket."
  value       = local.central_bucket
}

output "central_uri" {
  description = "STANCE_CENTRAL_URI the functions use (also what the CLI takes as --central)."
  value       = local.central_uri
}

output "push_service_account_email" {
  description = "Identity the push function runs as (source read, central prefix write), or null when source_bucket is unset."
  value       = local.enable_push ? google_service_account.push[0].email : null
}

output "schedule_service_account_email" {
  description = "Identity the scheduled function runs as (central read, central prefix write, sources, pull target), or null when enable_schedule is false."
  value       = local.enable_schedule ? google_service_account.schedule[0].email : null
}

output "trigger_service_account_email" {
  description = "Identity Eventarc uses to invoke the functions."
  value       = google_service_account.trigger.email
}

output "push_function_id" {
  description = "Storage-triggered push function, or null when source_bucket is unset."
  value       = local.enable_push ? google_cloudfunctions2_function.push[0].id : null
}

output "schedule_function_id" {
  description = "Scheduled catch-up function, or null when enable_schedule is false."
  value       = local.enable_schedule ? google_cloudfunctions2_function.schedule[0].id : null
}

output "schedule_topic_id" {
  description = "Pub/Sub topic the scheduler publishes to (publish to it to run a catch-up now)."
  value       = local.enable_schedule ? google_pubsub_topic.schedule[0].id : null
}

output "scheduler_job_name" {
  description = "Cloud Scheduler job that triggers the catch-up."
  value       = local.enable_schedule ? google_cloud_scheduler_job.schedule[0].name : null
}
