output "central_bucket_name" {
  value = var.central_bucket_name
}

output "central_uri" {
  value = coalesce(var.central_uri, "s3://${var.central_bucket_name}/${var.central_prefix}")
}

output "object_created_function_alias_arn" {
  description = "Alias ARN the triggers invoke."
  value       = aws_lambda_alias.object_created.arn
}

output "object_created_role_arn" {
  description = "Role of the object-created function (a spoke's identity in the hub's bucket policy)."
  value       = aws_iam_role.object_created.arn
}

output "schedule_function_alias_arn" {
  value = aws_lambda_alias.schedule.arn
}

output "scan_event_queue_arn" {
  description = "Point an existing source bucket's s3:ObjectCreated:* notification here (trigger_mode sqs)."
  value       = aws_sqs_queue.scan_events.arn
}

output "scan_event_dead_letter_queue_url" {
  value = aws_sqs_queue.scan_events_dlq.id
}

output "failed_invocation_queue_url" {
  value = aws_sqs_queue.failed_invocations.id
}
