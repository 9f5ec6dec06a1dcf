variable "name" {
  description = "Name prefix for the functions, roles and queues."
  type        = string
  default     = "stance-sync"

  validation {
    condition     = can(regex("^[A-Za-z0-9-]{1,40}$", var.name))
    error_message = "name: letters, digits and dashes, at most 40 characters (it prefixes IAM role and Lambda names)."
  }
}

variable "lambda_jar_path" {
  description = "The shaded handler jar built by `mvn -B -pl aws-lambda -am package -DskipTests`."
  type        = string
  default     = null
}

variable "source_bucket_name" {
  description = "Bucket where Stance writes its scans (existing, or created when create_source_bucket)."
  type        = string
}

variable "create_source_bucket" {
  description = "Create source_bucket_name here (required for trigger_mode \"s3\", whose notification lives on the bucket)."
  type        = bool
  default     = false
}

variable "scan_prefix" {
  description = "Prefix under which Stance writes findings/<snapshot>/findings.jsonl and assets/<snapshot>/assets.jsonl."
  type        = string
  default     = "stance"

  validation {
    condition     = can(regex("^[^/](.*[^/])?$", var.scan_prefix))
    error_message = "scan_prefix must be non-empty without a leading or trailing slash."
  }
}

variable "central_bucket_name" {
  description = "The central (hub) bucket; created when create_central_bucket."
  type        = string
}

variable "create_central_bucket" {
  description = "Create the central bucket (hub). Spokes use false and the hub's bucket name."
  type        = bool
  default     = true
}

variable "central_uri" {
  description = "STANCE_CENTRAL_URI override for a central store on another cloud (gs://..., az://...); null means s3://central_bucket_name."
  type        = string
  default     = null
}

variable "spoke_account_ids" {
  description = "Accounts whose functions may write into the central bucket created here, each only its own account's records."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.spoke_account_ids : can(regex("^[0-9]{12}$", a))])
    error_message = "spoke_account_ids must be 12-digit AWS account ids."
  }
}

variable "spoke_role_arns" {
  description = "Roles of the spoke functions (each spoke's object_created_role_arn output) admitted to the central bucket by aws:PrincipalArn; required with spoke_account_ids."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.spoke_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", a))])
    error_message = "spoke_role_arns must be IAM role ARNs (arn:aws:iam::<account>:role/<name>)."
  }
}

variable "trigger_mode" {
  description = "sqs: S3 notification -> queue (with DLQ) -> function; eventbridge: an Object Created rule; s3: direct bucket notification (needs create_source_bucket)."
  type        = string
  default     = "sqs"

  validation {
    condition     = contains(["sqs", "eventbridge", "s3"], var.trigger_mode)
    error_message = "trigger_mode must be one of sqs, eventbridge, s3."
  }
}

variable "security_hub_findings" {
  description = "Also push the findings of Security Hub's \"Security Hub Findings - Imported\" EventBridge events of this account (ASFF, into the event's account, no resolve pass) through the object-created path; needs trigger_mode sqs or eventbridge."
  type        = bool
  default     = false
}

variable "schedule_expression" {
  description = "EventBridge Scheduler expression for the catch-up over STANCE_SOURCES and/or the pull."
  type        = string
  default     = "rate(1 hour)"
}

variable "schedule_enabled" {
  type    = bool
  default = true
}

variable "central_prefix" {
  description = "STANCE_CENTRAL_PREFIX."
  type        = string
  default     = "aggregated"

  validation {
    condition     = can(regex("^[^/](.*[^/])?$", var.central_prefix))
    error_message = "central_prefix must be non-empty without a leading or trailing slash."
  }
}

variable "conflict_resolution" {
  description = "STANCE_CONFLICT_RESOLUTION."
  type        = string
  default     = "latest_wins"

  validation {
    condition     = contains(["latest_wins", "local_wins", "central_wins", "merge"], var.conflict_resolution)
    error_message = "conflict_resolution must be one of latest_wins, local_wins, central_wins, merge."
  }
}

variable "sync_direction" {
  description = "STANCE_SYNC_DIRECTION."
  type        = string
  default     = "push"

  validation {
    condition     = contains(["push", "pull", "bidirectional"], var.sync_direction)
    error_message = "sync_direction must be one of push, pull, bidirectional."
  }
}

variable "include_assets" {
  description = "STANCE_INCLUDE_ASSETS."
  type        = bool
  default     = true
}

variable "batch_size" {
  description = "STANCE_BATCH_SIZE."
  type        = number
  default     = 1000

  validation {
    condition     = var.batch_size >= 1
    error_message = "batch_size must be at least 1."
  }
}

variable "checksum_verify" {
  description = "STANCE_CHECKSUM_VERIFY."
  type        = bool
  default     = true
}

variable "account_id" {
  description = "STANCE_ACCOUNT_ID; null means the account the function runs in."
  type        = string
  default     = null
}

variable "stance_sources" {
  description = "STANCE_SOURCES for the scheduled catch-up: \"uri|account|provider\" entries separated by commas."
  type        = string
  default     = null
}

variable "extra_source_object_arns" {
  description = "S3 object ARN patterns (e.g. arn:aws:s3:::bucket/stance/*) the schedule function may read for STANCE_SOURCES; it may also list their buckets."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.extra_source_object_arns : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/", a))])
    error_message = "extra_source_object_arns must be S3 object ARN patterns (arn:aws:s3:::bucket/prefix/*)."
  }
}

variable "pull_target" {
  description = "STANCE_PULL_TARGET for sync_direction pull/bidirectional."
  type        = string
  default     = null
}

variable "memory_size" {
  type    = number
  default = 1024
}

variable "timeout" {
  type    = number
  default = 300

  validation {
    condition     = var.timeout >= 10 && var.timeout <= 900
    error_message = "timeout must be between 10 and 900 seconds."
  }
}

variable "architecture" {
  type    = string
  default = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "snap_start" {
  description = "Publish versions with SnapStart (java21). Turn off where SnapStart is unavailable (some regions, emulators)."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Retention of the functions' log groups, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...)."
  }
}

variable "tags" {
  type    = map(string)
  default = {}
}
