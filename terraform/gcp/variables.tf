variable "project_id" {
  description = "Project that runs the functions. For the storage trigger it must also own source_bucket (Eventarc storage triggers are same-project)."
  type        = string
}

variable "enable_apis" {
  description = "Enable the APIs the module needs (google_project_service, left enabled on destroy). With false they must already be enabled; a precondition lists any that are not."
  type        = bool
  default     = true
}

variable "region" {
  description = "Region of the functions, the scheduler job and the function-source bucket. The storage trigger must be in the source bucket's location."
  type        = string
}

variable "name_prefix" {
  description = "Prefix for every resource name this module creates (functions, service accounts, topic, job)."
  type        = string
  default     = "stance-sync"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,17}$", var.name_prefix))
    error_message = "name_prefix must be 3-18 characters of lower-case letters, digits and hyphens (service account ids are limited to 30)."
  }
}

# ---- central store -----------------------------------------------------------

variable "create_central_bucket" {
  description = "Create the central bucket here (the hub). Set false when a spoke pushes into a bucket that the hub's deployment owns."
  type        = bool
  default     = true
}

variable "central_bucket_name" {
  description = "Name of the central (aggregate) bucket."
  type        = string
}

variable "central_project_id" {
  description = "Project that owns the central bucket; defaults to project_id."
  type        = string
  default     = null
}

variable "central_bucket_location" {
  description = "Location of the central bucket when this module creates it (region, dual- or multi-region)."
  type        = string
  default     = "US"
}

variable "central_prefix" {
  description = "Prefix inside the central bucket under which records are written (STANCE_CENTRAL_PREFIX)."
  type        = string
  default     = "aggregated"

  validation {
    condition     = can(regex("^[^/].*[^/]$|^[^/]$", var.central_prefix))
    error_message = "central_prefix must not start or end with '/'."
  }
}

variable "kms_key_name" {
  description = "Optional CMEK: full resource name of a Cloud KMS key (projects/P/locations/L/keyRings/R/cryptoKeys/K) used as the central bucket's default key. Null keeps Google-managed encryption."
  type        = string
  default     = null
}

variable "noncurrent_version_retention_days" {
  description = "Days a replaced or deleted record version is kept in the versioned central bucket before deletion. 0 keeps them forever."
  type        = number
  default     = 90
}

variable "force_destroy_central_bucket" {
  description = "Allow terraform destroy to delete a non-empty central bucket. Keep false in production."
  type        = bool
  default     = false
}

# ---- event-driven push (spoke) ------------------------------------------------

variable "source_bucket" {
  description = "Bucket where Stance writes its scans in this project. When set, a function pushes each finalized findings.jsonl / assets.jsonl to central. Null disables it."
  type        = string
  default     = null
}

variable "account_id" {
  description = "Account id stamped on the records this deployment pushes (STANCE_ACCOUNT_ID); for a GCP spoke, its project id. Defaults to project_id."
  type        = string
  default     = null
}

# ---- scheduled catch-up / pull (hub) --------------------------------------------

variable "enable_schedule" {
  description = "Deploy the scheduled function (Cloud Scheduler -> Pub/Sub -> function) that catches up over `sources` and/or pulls to `pull_target`."
  type        = bool
  default     = false
}

variable "schedule" {
  description = "Cron schedule of the catch-up (Cloud Scheduler unix-cron format)."
  type        = string
  default     = "0 * * * *"
}

variable "schedule_time_zone" {
  description = "Time zone of the schedule (tz database name)."
  type        = string
  default     = "Etc/UTC"
}

variable "sources" {
  description = "Spoke scan locations visited by the scheduled catch-up (STANCE_SOURCES): uri (gs://, s3://, az://...), the account id, and the provider (aws, gcp, azure)."
  type = list(object({
    uri      = string
    account  = string
    provider = string
  }))
  default = []

  validation {
    condition     = alltrue([for s in var.sources : !strcontains(join("", [s.uri, s.account, s.provider]), "|") && contains(["aws", "gcp", "azure"], s.provider)])
    error_message = "Each source needs provider aws, gcp or azure, and no field may contain '|'."
  }
}

variable "source_read_buckets" {
  description = "GCS buckets among `sources` that the scheduled function may read (objectViewer each). Credentials for S3/Azure sources are out of this module's scope."
  type        = list(string)
  default     = []
}

variable "pull_target" {
  description = "Optional PULL target (STANCE_PULL_TARGET): a location that keeps a verified copy of the aggregate. Null disables the pull."
  type        = string
  default     = null
}

variable "pull_target_bucket" {
  description = "When pull_target is a gs:// location: its bucket, so that the scheduled function may write there (objectUser)."
  type        = string
  default     = null
}

# ---- function settings ------------------------------------------------------------

variable "function_source_dir" {
  description = "Folder holding the single uber JAR built by `mvn -pl gcp-function -am package` (gcp-function/target/deployment)."
  type        = string
  default     = null
}

variable "runtime" {
  description = "Cloud Functions runtime."
  type        = string
  default     = "java21"
}

variable "available_memory" {
  description = "Memory of each function instance."
  type        = string
  default     = "1Gi"
}

variable "iam_propagation_wait" {
  description = "How long the functions' creation waits after enabling APIs and granting the service agents (IAM propagation before Eventarc uses them); \"0s\" when the project was set up before."
  type        = string
  default     = "90s"

  validation {
    condition     = can(regex("^[0-9]+[smh]$", var.iam_propagation_wait))
    error_message = "iam_propagation_wait is a duration such as 90s or 2m."
  }
}

variable "timeout_seconds" {
  description = "Execution timeout of each invocation (event-driven functions allow at most 540)."
  type        = number
  default     = 540

  # Every function of the module is event-driven (Cloud Storage, Pub/Sub triggers).
  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 540
    error_message = "timeout_seconds must be between 1 and 540: event-driven functions time out after at most 540 s."
  }
}

variable "max_instance_count" {
  description = "Upper bound of concurrent instances per function (bounds the write rate into central)."
  type        = number
  default     = 10
}

variable "environment" {
  description = "Further STANCE_* settings for both functions, e.g. { STANCE_CONFLICT_RESOLUTION = \"merge\", STANCE_BATCH_SIZE = \"500\" }."
  type        = map(string)
  default     = {}
}

variable "build_service_account" {
  description = "Optional Cloud Build service account (projects/P/serviceAccounts/EMAIL) used to build the functions; null uses the project default."
  type        = string
  default     = null
}

variable "labels" {
  description = "Labels set on the buckets and functions."
  type        = map(string)
  default     = {}
}
