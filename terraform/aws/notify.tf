# Notifications: every function that pushes publishes a digest of each push's finding changes at
# or above notify_min_severity to an SNS topic (STANCE_NOTIFY_URI), which fans it out to its
# subscriptions: email, HTTPS webhooks (chat), SQS queues, Lambda. See docs/notifications.md.

variable "notify" {
  description = "Create an SNS topic for the push digests (or use notify_topic_arn) and grant every function that pushes sns:Publish on it."
  type        = bool
  default     = false
}

variable "notify_topic_arn" {
  description = "An existing SNS standard topic for the digests instead of a new one (with notify = true)."
  type        = string
  default     = null

  validation {
    condition     = var.notify_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", coalesce(var.notify_topic_arn, "-")))
    error_message = "notify_topic_arn must be a standard SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:TOPIC); FIFO topics are not supported."
  }
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

resource "aws_sns_topic" "changes" {
  count             = var.notify && var.notify_topic_arn == null ? 1 : 0
  name              = "${var.name}-changes"
  kms_master_key_id = "alias/aws/sns"
  tags              = var.tags
}

locals {
  notify_topic_arn = var.notify ? coalesce(var.notify_topic_arn, try(aws_sns_topic.changes[0].arn, null)) : null
  notify_env = var.notify ? {
    STANCE_NOTIFY_URI          = local.notify_topic_arn
    STANCE_NOTIFY_MIN_SEVERITY = var.notify_min_severity
  } : {}
}

data "aws_iam_policy_document" "publish_changes" {
  count = var.notify ? 1 : 0

  statement {
    sid       = "PublishChanges"
    actions   = ["sns:Publish"]
    resources = [local.notify_topic_arn]
  }
}

resource "aws_iam_role_policy" "object_created_publish_changes" {
  count  = var.notify ? 1 : 0
  name   = "publish-changes"
  role   = aws_iam_role.object_created.id
  policy = data.aws_iam_policy_document.publish_changes[0].json
}

# With the fan-out the workers push and the tick only reads central: it sends no digest.
resource "aws_iam_role_policy" "schedule_publish_changes" {
  count  = var.notify && !var.fan_out ? 1 : 0
  name   = "publish-changes"
  role   = aws_iam_role.schedule.id
  policy = data.aws_iam_policy_document.publish_changes[0].json
}

resource "aws_iam_role_policy" "worker_publish_changes" {
  count  = var.notify && var.fan_out ? 1 : 0
  name   = "publish-changes"
  role   = aws_iam_role.worker[0].id
  policy = data.aws_iam_policy_document.publish_changes[0].json
}

output "notify_topic_arn" {
  description = "The SNS topic of the push digests (STANCE_NOTIFY_URI); subscribe email, webhooks or queues to it."
  value       = local.notify_topic_arn
}
