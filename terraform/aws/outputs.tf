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
  description = "Point an existing source bucket's s3:ObjectCreated:* notification here (trigger_mode sqs; null otherwise)."
  value       = one(aws_sqs_queue.scan_events[*].arn)
}

output "scan_event_dead_letter_queue_url" {
  value = one(aws_sqs_queue.scan_events_dlq[*].id)
}

output "failed_invocation_queue_url" {
  value = aws_sqs_queue.failed_invocations.id
}

output "object_created_function_name" {
  value = aws_lambda_function.object_created.function_name
}

output "object_created_function_arn" {
  value = aws_lambda_function.object_created.arn
}

output "schedule_function_name" {
  value = aws_lambda_function.schedule.function_name
}

output "schedule_function_arn" {
  value = aws_lambda_function.schedule.arn
}

output "schedule_role_arn" {
  description = "Role of the schedule function (grant it read access to extra sources in other accounts)."
  value       = aws_iam_role.schedule.arn
}

output "scheduler_role_arn" {
  description = "Role EventBridge Scheduler assumes to invoke the schedule function."
  value       = aws_iam_role.scheduler.arn
}

output "central_bucket_arn" {
  value = local.central_bucket_arn
}
