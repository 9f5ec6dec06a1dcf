data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  partition = data.aws_partition.current.partition
  # IAM names are global to the account, Lambda and SQS names only to a region: the roles carry
  # the region, so the module deploys in two regions of one account under the same name.
  role_name = { for role in ["object-created", "schedule", "scheduler", "worker"] :
    role => "${var.name}-${data.aws_region.current.name}-${role}"
  }
  account_id = coalesce(var.account_id, data.aws_caller_identity.current.account_id)
  jar_path   = coalesce(var.lambda_jar_path, "${path.module}/../../aws-lambda/target/stance-sync-aws-lambda.jar")

  source_bucket_arn  = "arn:${local.partition}:s3:::${var.source_bucket_name}"
  central_bucket_arn = "arn:${local.partition}:s3:::${var.central_bucket_name}"

  # The buckets this module creates; both get the same hardening (versioning, SSE, no public access).
  managed_buckets = merge(
    var.create_central_bucket ? { central = var.central_bucket_name } : {},
    var.create_source_bucket ? { source = var.source_bucket_name } : {},
  )

  handler_package = "com.mantissa.stance.sync.aws"
  object_handler = {
    sqs         = "${local.handler_package}.SqsHandler::handleRequest"
    eventbridge = "${local.handler_package}.EventBridgeHandler::handleRequest"
    s3          = "${local.handler_package}.S3EventHandler::handleRequest"
  }[var.trigger_mode]

  # Record paths are {prefix}/findings/{4 hex chars}/{account}/...: "????" cannot span a "/",
  # so an id containing "/" cannot reach into another account's folder.
  own_record_arns = [
    "${local.central_bucket_arn}/${var.central_prefix}/findings/????/${local.account_id}/*",
    "${local.central_bucket_arn}/${var.central_prefix}/assets/????/${local.account_id}/*",
    # The account's push index (a cache of what it last wrote).
    "${local.central_bucket_arn}/${var.central_prefix}/_state/${local.account_id}/*",
  ]

  common_env = merge(
    {
      # C1 only: a short invocation never pays back C2's compile time.
      JAVA_TOOL_OPTIONS          = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1"
      STANCE_CENTRAL_URI         = coalesce(var.central_uri, "s3://${var.central_bucket_name}")
      STANCE_CENTRAL_PREFIX      = var.central_prefix
      STANCE_CONFLICT_RESOLUTION = var.conflict_resolution
      STANCE_INCLUDE_ASSETS      = tostring(var.include_assets)
      STANCE_BATCH_SIZE          = tostring(var.batch_size)
      STANCE_CHECKSUM_VERIFY     = tostring(var.checksum_verify)
    },
    var.account_id == null ? {} : { STANCE_ACCOUNT_ID = var.account_id },
    local.notify_env,
  )
  object_created_env = merge(local.common_env, local.resolve_environment)
  # Only the schedule runs pulls, exports and fans out; the object-created function always pushes.
  schedule_env = merge(
    local.common_env,
    local.lifecycle_environment,
    local.fan_out_schedule_env,
    { STANCE_SYNC_DIRECTION = var.sync_direction },
    var.stance_sources == null ? {} : { STANCE_SOURCES = var.stance_sources },
    var.pull_target == null ? {} : { STANCE_PULL_TARGET = var.pull_target },
  )

  scan_filter_prefix = "${var.scan_prefix}/"

  # Buckets of the extra STANCE_SOURCES object patterns (arn:aws:s3:::bucket/prefix/* -> arn:aws:s3:::bucket).
  extra_source_bucket_arns = distinct([for arn in var.extra_source_object_arns : split("/", arn)[0]])

  # An s3:// pull target: the pull reads, lists and conditionally writes there.
  pull_target_path   = var.pull_target != null && startswith(coalesce(var.pull_target, "-"), "s3://") ? trimsuffix(trimprefix(var.pull_target, "s3://"), "/") : null
  pull_target_bucket = local.pull_target_path == null ? null : split("/", local.pull_target_path)[0]

  use_sqs = var.trigger_mode == "sqs"
  use_s3  = var.trigger_mode == "s3"

  # Stance's scan files and Prowler's output: one notification per suffix (they do not overlap).
  object_created_suffixes = [".jsonl", ".ocsf.json", ".asff.json"]
}

# ------------------------------------------------------------------ buckets (central, optional source)
resource "aws_s3_bucket" "managed" {
  for_each = local.managed_buckets
  bucket   = each.value
  tags     = var.tags
}

resource "aws_s3_bucket_versioning" "managed" {
  for_each = local.managed_buckets
  bucket   = aws_s3_bucket.managed[each.key].id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "managed" {
  for_each = local.managed_buckets
  bucket   = aws_s3_bucket.managed[each.key].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "managed" {
  for_each                = local.managed_buckets
  bucket                  = aws_s3_bucket.managed[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# ------------------------------------------------------------------ central bucket (hub)
resource "aws_s3_bucket_ownership_controls" "central" {
  count  = var.create_central_bucket ? 1 : 0
  bucket = aws_s3_bucket.managed["central"].id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "central" {
  count  = var.create_central_bucket ? 1 : 0
  bucket = aws_s3_bucket.managed["central"].id
  rule {
    id     = "expire-superseded-record-versions"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = 90
    }
  }
  depends_on = [aws_s3_bucket_versioning.managed]
}

data "aws_iam_policy_document" "central_bucket" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [local.central_bucket_arn, "${local.central_bucket_arn}/*"]
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

  statement {
    sid       = "DenyOldTls"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [local.central_bucket_arn, "${local.central_bucket_arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "NumericLessThan"
      variable = "s3:TlsVersion"
      values   = ["1.2"]
    }
  }

  # Unconditioned by s3:prefix: S3's 404-or-403 decision for a missing key, and HeadBucket,
  # carry no prefix (see "common" below). Only the spoke functions' roles (aws:PrincipalArn).
  dynamic "statement" {
    for_each = length(var.spoke_account_ids) > 0 ? [1] : []
    content {
      sid       = "SpokesListCentral"
      actions   = ["s3:ListBucket"]
      resources = [local.central_bucket_arn]
      principals {
        type        = "AWS"
        identifiers = var.spoke_account_ids
      }
      condition {
        test     = "ArnEquals"
        variable = "aws:PrincipalArn"
        values   = var.spoke_role_arns
      }
    }
  }

  dynamic "statement" {
    for_each = length(var.spoke_account_ids) > 0 ? [1] : []
    content {
      sid     = "SpokesWriteOwnAccountRecords"
      actions = ["s3:GetObject", "s3:PutObject"]
      # $${...} is an IAM policy variable, resolved by S3 per request, not by Terraform.
      resources = [
        "${local.central_bucket_arn}/${var.central_prefix}/findings/????/$${aws:PrincipalAccount}/*",
        "${local.central_bucket_arn}/${var.central_prefix}/assets/????/$${aws:PrincipalAccount}/*",
        "${local.central_bucket_arn}/${var.central_prefix}/_state/$${aws:PrincipalAccount}/*",
      ]
      principals {
        type        = "AWS"
        identifiers = var.spoke_account_ids
      }
      condition {
        test     = "ArnEquals"
        variable = "aws:PrincipalArn"
        values   = var.spoke_role_arns
      }
    }
  }

  # Each push of a spoke records what it changed in its own account's change feed.
  dynamic "statement" {
    for_each = length(var.spoke_account_ids) > 0 ? [1] : []
    content {
      sid       = "SpokesRecordOwnAccountChanges"
      actions   = ["s3:PutObject"]
      resources = ["${local.central_bucket_arn}/${var.central_prefix}/_changes/$${aws:PrincipalAccount}/*"]
      principals {
        type        = "AWS"
        identifiers = var.spoke_account_ids
      }
      condition {
        test     = "ArnEquals"
        variable = "aws:PrincipalArn"
        values   = var.spoke_role_arns
      }
    }
  }

  # The resolve pass of a spoke (resolve_missing = true there) removes its own account's assets
  # that a snapshot no longer has. A cross-account request needs both this and the spoke role's
  # own grant, which that module adds only with resolve_missing = true.
  dynamic "statement" {
    for_each = length(var.spoke_account_ids) > 0 ? [1] : []
    content {
      sid       = "SpokesRemoveOwnGoneAssets"
      actions   = ["s3:DeleteObject"]
      resources = ["${local.central_bucket_arn}/${var.central_prefix}/assets/????/$${aws:PrincipalAccount}/*"]
      principals {
        type        = "AWS"
        identifiers = var.spoke_account_ids
      }
      condition {
        test     = "ArnEquals"
        variable = "aws:PrincipalArn"
        values   = var.spoke_role_arns
      }
    }
  }
}

resource "aws_s3_bucket_policy" "central" {
  count      = var.create_central_bucket ? 1 : 0
  bucket     = aws_s3_bucket.managed["central"].id
  policy     = data.aws_iam_policy_document.central_bucket.json
  depends_on = [aws_s3_bucket_public_access_block.managed]

  lifecycle {
    precondition {
      condition     = length(var.spoke_account_ids) == 0 || length(var.spoke_role_arns) > 0
      error_message = "spoke_account_ids admits spokes only together with spoke_role_arns (their functions' roles)."
    }
  }
}

# ------------------------------------------------------------------ source bucket (optional)
data "aws_iam_policy_document" "source_bucket" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [local.source_bucket_arn, "${local.source_bucket_arn}/*"]
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

resource "aws_s3_bucket_policy" "source" {
  count      = var.create_source_bucket ? 1 : 0
  bucket     = aws_s3_bucket.managed["source"].id
  policy     = data.aws_iam_policy_document.source_bucket.json
  depends_on = [aws_s3_bucket_public_access_block.managed]
}

resource "aws_s3_bucket_notification" "source" {
  count       = var.create_source_bucket ? 1 : 0
  bucket      = aws_s3_bucket.managed["source"].id
  eventbridge = var.trigger_mode == "eventbridge"

  dynamic "lambda_function" {
    for_each = var.trigger_mode == "s3" ? local.object_created_suffixes : []
    content {
      lambda_function_arn = aws_lambda_alias.object_created.arn
      events              = ["s3:ObjectCreated:*"]
      filter_prefix       = local.scan_filter_prefix
      filter_suffix       = lambda_function.value
    }
  }

  dynamic "queue" {
    for_each = local.use_sqs ? local.object_created_suffixes : []
    content {
      queue_arn     = aws_sqs_queue.scan_events[0].arn
      events        = ["s3:ObjectCreated:*"]
      filter_prefix = local.scan_filter_prefix
      filter_suffix = queue.value
    }
  }

  # S3 checks the destinations when it stores the notification configuration.
  depends_on = [aws_lambda_permission.s3, aws_sqs_queue_policy.scan_events]
}

# ------------------------------------------------------------------ queues
resource "aws_sqs_queue" "scan_events_dlq" {
  count                     = local.use_sqs ? 1 : 0
  name                      = "${var.name}-scan-events-dlq"
  sqs_managed_sse_enabled   = true
  message_retention_seconds = 1209600
  tags                      = var.tags
}

resource "aws_sqs_queue" "scan_events" {
  count                   = local.use_sqs ? 1 : 0
  name                    = "${var.name}-scan-events"
  sqs_managed_sse_enabled = true
  # AWS's guidance for a Lambda event source: at least six times the function timeout.
  visibility_timeout_seconds = 6 * var.timeout
  message_retention_seconds  = 1209600
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.scan_events_dlq[0].arn
    maxReceiveCount     = 5
  })
  tags = var.tags
}

data "aws_iam_policy_document" "scan_events_queue" {
  count = local.use_sqs ? 1 : 0

  statement {
    sid       = "SourceBucketNotifications"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.scan_events[0].arn]
    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [local.source_bucket_arn]
    }
    # A bucket name is global; its owner is this account.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }

  dynamic "statement" {
    for_each = var.security_hub_findings ? [1] : []
    content {
      sid       = "SecurityHubFindingsRule"
      actions   = ["sqs:SendMessage"]
      resources = [aws_sqs_queue.scan_events[0].arn]
      principals {
        type        = "Service"
        identifiers = ["events.amazonaws.com"]
      }
      condition {
        test     = "ArnEquals"
        variable = "aws:SourceArn"
        values   = [aws_cloudwatch_event_rule.security_hub_findings[0].arn]
      }
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.scan_events[0].arn]
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

resource "aws_sqs_queue_policy" "scan_events" {
  count     = local.use_sqs ? 1 : 0
  queue_url = aws_sqs_queue.scan_events[0].id
  policy    = data.aws_iam_policy_document.scan_events_queue[0].json
}

# Asynchronous invocations (S3 and EventBridge triggers, the schedule) that still fail after
# Lambda's retries land here with the event and the error.
resource "aws_sqs_queue" "failed_invocations" {
  name                      = "${var.name}-failed-invocations"
  sqs_managed_sse_enabled   = true
  message_retention_seconds = 1209600
  tags                      = var.tags
}

# ------------------------------------------------------------------ IAM
data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "common" {
  statement {
    sid       = "ReadScanFiles"
    actions   = ["s3:GetObject"]
    resources = ["${local.source_bucket_arn}/${var.scan_prefix}/*"]
  }

  # Without ListBucket S3 answers 403 instead of 404 for a key that does not exist (a record
  # central does not have yet, a scan file the locator probes), and the engine (rightly) never
  # treats a 403 as "absent". The adapter's calls: HeadBucket, HeadObject/GetObject (also of
  # missing keys), PutObject with If-None-Match/If-Match, ListObjectsV2 with a prefix. Only the
  # last carries s3:prefix, so ListBucket conditioned on s3:prefix would turn every missing-key
  # lookup and HeadBucket into 403: it is granted on the bucket (key names, no content).
  # https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html#API_HeadObject_RequestSyntax
  statement {
    sid       = "ListBuckets"
    actions   = ["s3:ListBucket"]
    resources = [local.source_bucket_arn, local.central_bucket_arn]
  }

  statement {
    sid       = "OnFailureDestination"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.failed_invocations.arn]
  }
}

data "aws_iam_policy_document" "object_created" {
  source_policy_documents = [data.aws_iam_policy_document.common.json]

  # The log group is created here, so the function needs only streams and events in it
  # (instead of AWSLambdaBasicExecutionRole's logs:* on every group).
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.object_created.arn}:*"]
  }

  # A spoke function writes only its own account's records.
  statement {
    sid       = "WriteOwnAccountRecords"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = local.own_record_arns
  }

  # Each push records what it changed in the account's change feed (create-if-absent only).
  statement {
    sid       = "RecordOwnAccountChanges"
    actions   = ["s3:PutObject"]
    resources = ["${local.central_bucket_arn}/${var.central_prefix}/_changes/${local.account_id}/*"]
  }

  # The resolve pass removes the account's assets that a snapshot no longer has.
  dynamic "statement" {
    for_each = var.resolve_missing ? [1] : []
    content {
      sid       = "RemoveOwnGoneAssets"
      actions   = ["s3:DeleteObject"]
      resources = ["${local.central_bucket_arn}/${var.central_prefix}/assets/????/${local.account_id}/*"]
    }
  }

  dynamic "statement" {
    for_each = local.use_sqs ? [1] : []
    content {
      sid       = "ConsumeScanEvents"
      actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"]
      resources = [aws_sqs_queue.scan_events[0].arn]
    }
  }
}

# What every function that pushes any configured account may do: the catch-up schedule and the
# fan-out worker share it.
data "aws_iam_policy_document" "push_any_account" {
  # A push writes records of whichever spoke account it is given ("????" = the hash folder), and
  # the accounts' state; nothing else under the prefix.
  statement {
    sid     = "ReadWriteCentralRecords"
    actions = ["s3:GetObject", "s3:PutObject"]
    resources = [
      "${local.central_bucket_arn}/${var.central_prefix}/findings/????/*",
      "${local.central_bucket_arn}/${var.central_prefix}/assets/????/*",
      "${local.central_bucket_arn}/${var.central_prefix}/_state/*",
    ]
  }

  # Each push records what it changed in the accounts' change feed (create-if-absent only).
  statement {
    sid       = "RecordChanges"
    actions   = ["s3:PutObject"]
    resources = ["${local.central_bucket_arn}/${var.central_prefix}/_changes/*"]
  }

  # Every push runs the resolve pass when resolve_missing is on (the catch-up and the worker's
  # source pushes alike): it removes the assets that a snapshot no longer has.
  dynamic "statement" {
    for_each = var.resolve_missing ? [1] : []
    content {
      sid       = "RemoveGoneAssets"
      actions   = ["s3:DeleteObject"]
      resources = ["${local.central_bucket_arn}/${var.central_prefix}/assets/????/*"]
    }
  }

  dynamic "statement" {
    for_each = length(var.extra_source_object_arns) > 0 ? [1] : []
    content {
      sid       = "ReadExtraSources"
      actions   = ["s3:GetObject"]
      resources = var.extra_source_object_arns
    }
  }

  # The locator probes keys that may not exist (manifest, snapshots): 404, not 403, needs ListBucket.
  dynamic "statement" {
    for_each = length(local.extra_source_bucket_arns) > 0 ? [1] : []
    content {
      sid       = "ListExtraSources"
      actions   = ["s3:ListBucket"]
      resources = local.extra_source_bucket_arns
    }
  }
}

data "aws_iam_policy_document" "schedule" {
  # The grants of the mode the tick runs in: the catch-up pushes every source here; with the
  # fan-out the workers push them and the tick only reads central (fanout.tf).
  source_policy_documents = var.fan_out ? [data.aws_iam_policy_document.schedule_reads_central[0].json] : [
    data.aws_iam_policy_document.common.json, data.aws_iam_policy_document.push_any_account.json
  ]

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.schedule.arn}:*"]
  }

  dynamic "statement" {
    for_each = local.pull_target_path == null ? [] : [1]
    content {
      sid       = "WritePullTarget"
      actions   = ["s3:GetObject", "s3:PutObject"]
      resources = ["arn:${local.partition}:s3:::${local.pull_target_path}/*"]
    }
  }

  dynamic "statement" {
    for_each = local.pull_target_path == null ? [] : [1]
    content {
      sid       = "ListPullTarget"
      actions   = ["s3:ListBucket"]
      resources = ["arn:${local.partition}:s3:::${local.pull_target_bucket}"]
    }
  }
}

resource "aws_iam_role" "object_created" {
  name               = local.role_name["object-created"]
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
  tags               = var.tags

  # Refused at plan time (a check block would only warn).
  lifecycle {
    precondition {
      condition     = alltrue([for role, name in local.role_name : length(name) <= 64])
      error_message = "IAM role names (name-region-role) hold at most 64 characters: shorten var.name."
    }

    precondition {
      condition     = var.trigger_mode != "s3" || var.create_source_bucket
      error_message = "trigger_mode \"s3\" configures the bucket's notification, so create_source_bucket must be true; use sqs or eventbridge for an existing bucket."
    }

    # Spokes are admitted by the central bucket's policy, which only the hub's module writes.
    precondition {
      condition     = length(var.spoke_account_ids) == 0 || var.create_central_bucket
      error_message = "spoke_account_ids admits spokes through the central bucket's policy, which this module writes only with create_central_bucket = true (the hub)."
    }
  }
}

resource "aws_iam_role_policy" "object_created" {
  name   = "sync"
  role   = aws_iam_role.object_created.id
  policy = data.aws_iam_policy_document.object_created.json
}


resource "aws_iam_role" "schedule" {
  name               = local.role_name["schedule"]
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "schedule" {
  name   = "sync"
  role   = aws_iam_role.schedule.id
  policy = data.aws_iam_policy_document.schedule.json
}


# ------------------------------------------------------------------ functions
resource "aws_cloudwatch_log_group" "object_created" {
  name              = "/aws/lambda/${var.name}-object-created"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_cloudwatch_log_group" "schedule" {
  name              = "/aws/lambda/${var.name}-schedule"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_lambda_function" "object_created" {
  function_name    = "${var.name}-object-created"
  description      = "Pushes the snapshot of a newly written Stance scan file into the central bucket."
  role             = aws_iam_role.object_created.arn
  filename         = local.jar_path
  source_code_hash = filebase64sha256(local.jar_path)
  runtime          = "java21"
  handler          = local.object_handler
  architectures    = [var.architecture]
  memory_size      = var.memory_size
  timeout          = var.timeout
  # SnapStart snapshots published versions; every trigger invokes the alias.
  publish = true

  dynamic "snap_start" {
    for_each = var.snap_start ? [1] : []
    content {
      apply_on = "PublishedVersions"
    }
  }

  environment {
    variables = local.object_created_env
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.object_created.name
    application_log_level = "INFO"
    system_log_level      = "WARN"
  }

  tags       = var.tags
  depends_on = [aws_iam_role_policy.object_created]
}

resource "aws_lambda_alias" "object_created" {
  name             = "live"
  function_name    = aws_lambda_function.object_created.function_name
  function_version = aws_lambda_function.object_created.version
}

resource "aws_lambda_function_event_invoke_config" "object_created" {
  function_name                = aws_lambda_function.object_created.function_name
  qualifier                    = aws_lambda_alias.object_created.name
  maximum_retry_attempts       = 2
  maximum_event_age_in_seconds = 21600
  destination_config {
    on_failure {
      destination = aws_sqs_queue.failed_invocations.arn
    }
  }
}

resource "aws_lambda_function" "schedule" {
  function_name    = "${var.name}-schedule"
  description      = "Scheduled catch-up over STANCE_SOURCES and/or the pull of the central aggregate."
  role             = aws_iam_role.schedule.arn
  filename         = local.jar_path
  source_code_hash = filebase64sha256(local.jar_path)
  runtime          = "java21"
  handler          = "${local.handler_package}.ScheduleHandler::handleRequest"
  architectures    = [var.architecture]
  memory_size      = var.memory_size
  timeout          = var.timeout
  publish          = true

  dynamic "snap_start" {
    for_each = var.snap_start ? [1] : []
    content {
      apply_on = "PublishedVersions"
    }
  }

  environment {
    variables = local.schedule_env
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.schedule.name
    application_log_level = "INFO"
    system_log_level      = "WARN"
  }

  lifecycle {
    precondition {
      condition     = var.sync_direction == "push" || var.pull_target != null
      error_message = "sync_direction pull or bidirectional copies central into pull_target (STANCE_PULL_TARGET); set it."
    }
  }

  tags       = var.tags
  depends_on = [aws_iam_role_policy.schedule]
}

resource "aws_lambda_alias" "schedule" {
  name             = "live"
  function_name    = aws_lambda_function.schedule.function_name
  function_version = aws_lambda_function.schedule.version
}

resource "aws_lambda_function_event_invoke_config" "schedule" {
  function_name          = aws_lambda_function.schedule.function_name
  qualifier              = aws_lambda_alias.schedule.name
  maximum_retry_attempts = 0
  destination_config {
    on_failure {
      destination = aws_sqs_queue.failed_invocations.arn
    }
  }
}

# ------------------------------------------------------------------ triggers
resource "aws_lambda_permission" "s3" {
  count          = local.use_s3 ? 1 : 0
  statement_id   = "AllowSourceBucketNotifications"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.object_created.function_name
  qualifier      = aws_lambda_alias.object_created.name
  principal      = "s3.amazonaws.com"
  source_account = data.aws_caller_identity.current.account_id
  source_arn     = local.source_bucket_arn
}

resource "aws_cloudwatch_event_rule" "object_created" {
  count       = var.trigger_mode == "eventbridge" ? 1 : 0
  name        = "${var.name}-object-created"
  description = "Stance scan files written to the source bucket."
  event_pattern = jsonencode({
    source      = ["aws.s3"]
    detail-type = ["Object Created"]
    detail = {
      bucket = { name = [var.source_bucket_name] }
      object = { key = [for suffix in local.object_created_suffixes : { wildcard = "${var.scan_prefix}/*${suffix}" }] }
    }
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_target" "object_created" {
  count     = var.trigger_mode == "eventbridge" ? 1 : 0
  rule      = aws_cloudwatch_event_rule.object_created[0].name
  target_id = "object-created-function"
  arn       = aws_lambda_alias.object_created.arn
}

resource "aws_lambda_permission" "eventbridge" {
  count          = var.trigger_mode == "eventbridge" ? 1 : 0
  statement_id   = "AllowObjectCreatedRule"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.object_created.function_name
  qualifier      = aws_lambda_alias.object_created.name
  principal      = "events.amazonaws.com"
  source_account = data.aws_caller_identity.current.account_id
  source_arn     = aws_cloudwatch_event_rule.object_created[0].arn
}

# Security Hub's findings events, pushed into the event's account by the object-created path:
# to the queue (trigger_mode sqs) or the function (eventbridge); the S3 handler does not read them.
resource "aws_cloudwatch_event_rule" "security_hub_findings" {
  count       = var.security_hub_findings ? 1 : 0
  name        = "${var.name}-security-hub-findings"
  description = "Security Hub findings imported into this account (ASFF), pushed into central."
  event_pattern = jsonencode({
    source      = ["aws.securityhub"]
    detail-type = ["Security Hub Findings - Imported"]
  })
  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.trigger_mode != "s3"
      error_message = "security_hub_findings needs trigger_mode sqs or eventbridge: the S3-notification handler does not read EventBridge events."
    }
  }
}

resource "aws_cloudwatch_event_target" "security_hub_findings" {
  count     = var.security_hub_findings ? 1 : 0
  rule      = aws_cloudwatch_event_rule.security_hub_findings[0].name
  target_id = local.use_sqs ? "security-hub-queue" : "security-hub-function"
  arn       = local.use_sqs ? aws_sqs_queue.scan_events[0].arn : aws_lambda_alias.object_created.arn
}

resource "aws_lambda_permission" "security_hub_findings" {
  count          = var.security_hub_findings && var.trigger_mode == "eventbridge" ? 1 : 0
  statement_id   = "AllowSecurityHubFindingsRule"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.object_created.function_name
  qualifier      = aws_lambda_alias.object_created.name
  principal      = "events.amazonaws.com"
  source_account = data.aws_caller_identity.current.account_id
  source_arn     = aws_cloudwatch_event_rule.security_hub_findings[0].arn
}

resource "aws_lambda_event_source_mapping" "scan_events" {
  count                              = local.use_sqs ? 1 : 0
  event_source_arn                   = aws_sqs_queue.scan_events[0].arn
  function_name                      = aws_lambda_alias.object_created.arn
  batch_size                         = 10
  maximum_batching_window_in_seconds = 5
  # Only the messages the handler names go back to the queue.
  function_response_types = ["ReportBatchItemFailures"]
}

data "aws_iam_policy_document" "scheduler_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

data "aws_iam_policy_document" "scheduler_invoke" {
  statement {
    actions   = ["lambda:InvokeFunction"]
    resources = [aws_lambda_alias.schedule.arn]
  }
}

resource "aws_iam_role" "scheduler" {
  name               = local.role_name["scheduler"]
  assume_role_policy = data.aws_iam_policy_document.scheduler_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "invoke-schedule-function"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler_invoke.json
}

resource "aws_scheduler_schedule" "catchup" {
  name                = "${var.name}-catchup"
  schedule_expression = var.schedule_expression
  state               = var.schedule_enabled ? "ENABLED" : "DISABLED"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_alias.schedule.arn
    role_arn = aws_iam_role.scheduler.arn
    # An EventBridge-shaped payload (ScheduledEvent) naming the schedule for the log line;
    # Scheduler fills in the <aws.scheduler.*> context attributes.
    input = jsonencode({
      source        = "aws.scheduler"
      "detail-type" = "Scheduled Event"
      id            = "<aws.scheduler.execution-id>"
      resources     = ["<aws.scheduler.schedule-arn>"]
      detail        = {}
    })
    retry_policy {
      maximum_retry_attempts = 0
    }
  }
}
