# Fan-out for organisations with many sources: the scheduled function sends one work message
# per source (of the sources file STANCE_SOURCES_URI and STANCE_SOURCES) to the work queue, then
# runs the pull and the export that are configured, as a tick without fan-out does after its
# catch-up; the worker function, triggered by that queue, pushes one source within its time
# budget (writing the account's status, and resolving with resolve_missing, as every push does)
# and sends a continuation message to the same queue when the budget runs out. Lambda's
# concurrency gives the parallelism; a message whose push keeps failing transiently moves to the
# dead-letter queue after work_queue_max_receive_count receives.

variable "fan_out" {
  description = "Create the work queue, its dead-letter queue and the worker function; the schedule then fans out (STANCE_WORK_QUEUE) instead of pushing every source itself."
  type        = bool
  default     = false
}

variable "sources_uri" {
  description = "STANCE_SOURCES_URI: a sources file (one JSON object per line: location, account, provider), e.g. s3://central/_config/sources.jsonl; an s3:// file is readable by the schedule function."
  type        = string
  default     = null

  validation {
    condition     = var.sources_uri == null || can(regex("^[a-z0-9]+://", coalesce(var.sources_uri, "-")))
    error_message = "sources_uri must be a location such as s3://bucket/_config/sources.jsonl."
  }
}

variable "work_queue_max_receive_count" {
  description = "Receives of one work message before SQS moves it to the dead-letter queue (a push that failed transiently that often)."
  type        = number
  default     = 5

  validation {
    condition     = var.work_queue_max_receive_count >= 1 && var.work_queue_max_receive_count <= 1000
    error_message = "work_queue_max_receive_count must be between 1 and 1000."
  }
}

variable "worker_batch_size" {
  description = "Work messages per worker invocation. Source pushes of one invocation share its time, so 1 gives each source a whole invocation; the queue's concurrency gives the parallelism."
  type        = number
  default     = 1

  validation {
    condition     = var.worker_batch_size >= 1 && var.worker_batch_size <= 10
    error_message = "worker_batch_size must be between 1 and 10 (an SQS batch)."
  }
}

variable "worker_maximum_concurrency" {
  description = "The most worker invocations the work queue starts at once (2-1000; null: up to the account's unreserved concurrency). Bounds the write rate into central."
  type        = number
  default     = 50

  validation {
    condition     = var.worker_maximum_concurrency == null || (coalesce(var.worker_maximum_concurrency, 2) >= 2 && coalesce(var.worker_maximum_concurrency, 2) <= 1000)
    error_message = "worker_maximum_concurrency must be between 2 and 1000, or null."
  }
}

variable "time_budget" {
  description = "STANCE_TIME_BUDGET of the worker (500ms, 3s, 2m); null: the invocation's remaining time less a margin."
  type        = string
  default     = null
}

locals {
  # An s3:// sources file: bucket/key, for the schedule function's read grant.
  sources_s3_path = var.sources_uri != null && startswith(coalesce(var.sources_uri, "-"), "s3://") ? trimprefix(var.sources_uri, "s3://") : null

  work_queue_url = var.fan_out ? aws_sqs_queue.work[0].url : null

  fan_out_schedule_env = merge(
    var.sources_uri == null ? {} : { STANCE_SOURCES_URI = var.sources_uri },
    var.fan_out ? { STANCE_WORK_QUEUE = local.work_queue_url } : {},
  )

  worker_env = merge(
    local.common_env,
    local.resolve_environment,
    { STANCE_WORK_QUEUE = local.work_queue_url },
    var.time_budget == null ? {} : { STANCE_TIME_BUDGET = var.time_budget },
  )
}

# ------------------------------------------------------------------ work queue and its DLQ
resource "aws_sqs_queue" "work_dlq" {
  count                     = var.fan_out ? 1 : 0
  name                      = "${var.name}-work-dlq"
  sqs_managed_sse_enabled   = true
  message_retention_seconds = 1209600
  tags                      = var.tags
}

resource "aws_sqs_queue" "work" {
  count                   = var.fan_out ? 1 : 0
  name                    = "${var.name}-work"
  sqs_managed_sse_enabled = true
  # AWS's guidance for a Lambda event source: at least six times the function timeout, so that
  # a message is not delivered again while an invocation (and its retries) still holds it.
  # https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
  visibility_timeout_seconds = 6 * var.timeout
  message_retention_seconds  = 1209600
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.work_dlq[0].arn
    maxReceiveCount     = var.work_queue_max_receive_count
  })
  tags = var.tags
}

data "aws_iam_policy_document" "work_queue" {
  count = var.fan_out ? 1 : 0

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.work[0].arn]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sqs_queue_policy" "work" {
  count     = var.fan_out ? 1 : 0
  queue_url = aws_sqs_queue.work[0].id
  policy    = data.aws_iam_policy_document.work_queue[0].json
}

# ------------------------------------------------------------------ worker function
data "aws_iam_policy_document" "worker" {
  count                   = var.fan_out ? 1 : 0
  source_policy_documents = [data.aws_iam_policy_document.common.json, data.aws_iam_policy_document.push_any_account.json]

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.worker[0].arn}:*"]
  }

  statement {
    sid       = "ConsumeWorkMessages"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"]
    resources = [aws_sqs_queue.work[0].arn]
  }

  # A push that needed continuations deletes its checkpoint when it finishes.
  statement {
    sid       = "RemoveFinishedCheckpoints"
    actions   = ["s3:DeleteObject"]
    resources = ["${local.central_bucket_arn}/${var.central_prefix}/_state/*/resume/*"]
  }

  # A push that runs out of time continues through a message to the same queue.
  statement {
    sid       = "SendContinuations"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.work[0].arn]
  }
}

resource "aws_iam_role" "worker" {
  count              = var.fan_out ? 1 : 0
  name               = local.role_name["worker"]
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "worker" {
  count  = var.fan_out ? 1 : 0
  name   = "sync"
  role   = aws_iam_role.worker[0].id
  policy = data.aws_iam_policy_document.worker[0].json
}

resource "aws_cloudwatch_log_group" "worker" {
  count             = var.fan_out ? 1 : 0
  name              = "/aws/lambda/${var.name}-worker"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_lambda_function" "worker" {
  count            = var.fan_out ? 1 : 0
  function_name    = "${var.name}-worker"
  description      = "Pushes the source each work message names (resumable: continues through the work queue when its time runs out)."
  role             = aws_iam_role.worker[0].arn
  filename         = local.jar_path
  source_code_hash = filebase64sha256(local.jar_path)
  runtime          = "java21"
  # SqsHandler: a source message is a resumable push; it answers SQSBatchResponse.
  handler       = "${local.handler_package}.SqsHandler::handleRequest"
  architectures = [var.architecture]
  memory_size   = var.memory_size
  timeout       = var.timeout
  publish       = true

  dynamic "snap_start" {
    for_each = var.snap_start ? [1] : []
    content {
      apply_on = "PublishedVersions"
    }
  }

  environment {
    variables = local.worker_env
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.worker[0].name
    application_log_level = "INFO"
    system_log_level      = "WARN"
  }

  tags       = var.tags
  depends_on = [aws_iam_role_policy.worker]
}

resource "aws_lambda_alias" "worker" {
  count            = var.fan_out ? 1 : 0
  name             = "live"
  function_name    = aws_lambda_function.worker[0].function_name
  function_version = aws_lambda_function.worker[0].version
}

resource "aws_lambda_event_source_mapping" "work" {
  count            = var.fan_out ? 1 : 0
  event_source_arn = aws_sqs_queue.work[0].arn
  function_name    = aws_lambda_alias.worker[0].arn
  batch_size       = var.worker_batch_size
  # Only the messages the handler names (a transient failure) go back to the queue.
  function_response_types = ["ReportBatchItemFailures"]

  dynamic "scaling_config" {
    for_each = var.worker_maximum_concurrency == null ? [] : [var.worker_maximum_concurrency]
    content {
      maximum_concurrency = scaling_config.value
    }
  }
}

# ------------------------------------------------------------------ the schedule's side
# A tick that fans out pushes nothing: the pull and the export read central's records and the
# accounts' state, and the stale-account check lists it. No source, no write, no delete.
data "aws_iam_policy_document" "schedule_reads_central" {
  count = var.fan_out ? 1 : 0

  statement {
    sid       = "ListCentral"
    actions   = ["s3:ListBucket"]
    resources = [local.central_bucket_arn]
  }

  statement {
    sid     = "ReadCentralRecords"
    actions = ["s3:GetObject"]
    resources = [
      "${local.central_bucket_arn}/${var.central_prefix}/findings/????/*",
      "${local.central_bucket_arn}/${var.central_prefix}/assets/????/*",
      "${local.central_bucket_arn}/${var.central_prefix}/_state/*",
    ]
  }

  statement {
    sid       = "OnFailureDestination"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.failed_invocations.arn]
  }
}

data "aws_iam_policy_document" "schedule_fan_out" {
  count = var.fan_out || local.sources_s3_path != null ? 1 : 0

  dynamic "statement" {
    for_each = var.fan_out ? [1] : []
    content {
      sid       = "SendWorkMessages"
      actions   = ["sqs:SendMessage"]
      resources = [aws_sqs_queue.work[0].arn]
    }
  }

  dynamic "statement" {
    for_each = local.sources_s3_path == null ? [] : [1]
    content {
      sid       = "ReadSourcesFile"
      actions   = ["s3:GetObject"]
      resources = ["arn:${local.partition}:s3:::${local.sources_s3_path}"]
    }
  }

  # A missing sources file answers 404 (not 403) only with ListBucket on its bucket.
  dynamic "statement" {
    for_each = local.sources_s3_path == null ? [] : [1]
    content {
      sid       = "ListSourcesFileBucket"
      actions   = ["s3:ListBucket"]
      resources = ["arn:${local.partition}:s3:::${split("/", local.sources_s3_path)[0]}"]
    }
  }
}

resource "aws_iam_role_policy" "schedule_fan_out" {
  count  = var.fan_out || local.sources_s3_path != null ? 1 : 0
  name   = "fan-out"
  role   = aws_iam_role.schedule.id
  policy = data.aws_iam_policy_document.schedule_fan_out[0].json
}

output "work_queue_url" {
  description = "The work queue (STANCE_WORK_QUEUE): one message per source; null without fan_out."
  value       = local.work_queue_url
}

output "work_queue_arn" {
  value = one(aws_sqs_queue.work[*].arn)
}

output "work_dead_letter_queue_url" {
  description = "Work messages whose push failed work_queue_max_receive_count times; inspect, then redrive (docs/deploy-aws.md)."
  value       = one(aws_sqs_queue.work_dlq[*].url)
}

output "work_dead_letter_queue_arn" {
  value = one(aws_sqs_queue.work_dlq[*].arn)
}

output "worker_function_name" {
  value = one(aws_lambda_function.worker[*].function_name)
}

output "worker_function_alias_arn" {
  value = one(aws_lambda_alias.worker[*].arn)
}

output "worker_role_arn" {
  description = "Role of the worker function (grant it read access to sources in other accounts)."
  value       = one(aws_iam_role.worker[*].arn)
}
