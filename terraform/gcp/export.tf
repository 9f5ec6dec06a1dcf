# Central exported as a Stance scan ({export}/findings/{snapshot}/findings.jsonl,
# {export}/assets/{snapshot}/assets.jsonl, {export}/snapshots/manifest.json) by the scheduled
# function, and BigQuery external tables over it, read the way Stance reads its own scans:
# newline-delimited JSON, one folder per snapshot, the manifest naming the newest.

variable "export_bucket_name" {
  description = "Bucket the scheduled function exports central to as a Stance scan; null for no export."
  type        = string
  default     = null
}

variable "export_prefix" {
  description = "Prefix of the exported scan in export_bucket_name."
  type        = string
  default     = "stance-export"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$", var.export_prefix))
    error_message = "export_prefix must be a relative key prefix without leading or trailing '/'."
  }
}

variable "export_keep" {
  description = "Exported snapshots kept (the newest first); older snapshot folders are deleted."
  type        = number
  default     = 3
}

variable "export_dataset_id" {
  description = "BigQuery dataset of the export's findings and assets tables."
  type        = string
  default     = "stance_sync_export"
}

variable "export_dataset_location" {
  description = "Location of the export's BigQuery dataset; null: the export bucket's location (BigQuery reads external files only from there)."
  type        = string
  default     = null
}

variable "resolve_missing" {
  description = "STANCE_RESOLVE_MISSING: every push takes its snapshot as the account's complete state (resolve findings it no longer has, remove such assets). Off by default: the pass lists all of central's findings on every push."
  type        = bool
  default     = false
}

variable "resolve_max_share" {
  description = "A push that would resolve more than this share of an account's unresolved findings is refused."
  type        = number
  default     = 0.5
}

variable "stale_after" {
  description = "The scheduled function logs a WARN line per account without a push for this long (90m, 48h, 7d)."
  type        = string
  default     = "48h"
}

locals {
  export_enabled          = var.export_bucket_name != null
  export_bucket_location  = local.export_enabled ? upper(data.google_storage_bucket.export[0].location) : null
  export_dataset_location = local.export_enabled ? coalesce(var.export_dataset_location, local.export_bucket_location) : null
  # The same location, or the US multi-region over a bucket in a US region. (Not every europe-*
  # region lies in the EU multi-region, so an EU dataset needs an EU bucket.)
  export_locations_match = !local.export_enabled || (
    upper(coalesce(local.export_dataset_location, "-")) == local.export_bucket_location
    || (upper(coalesce(local.export_dataset_location, "-")) == "US" && startswith(lower(coalesce(local.export_bucket_location, "-")), "us-"))
  )
  export_location = local.export_enabled ? "gs://${var.export_bucket_name}/${var.export_prefix}" : null
  # The change feed's table reads central, so central must be where the dataset is too; only a
  # central bucket created here has a location this module knows.
  central_location = upper(var.create_central_bucket ? var.central_bucket_location : "-")
  changes_readable = (local.central_location == upper(coalesce(local.export_dataset_location, "-"))
  || (upper(coalesce(local.export_dataset_location, "-")) == "US" && startswith(lower(local.central_location), "us-")))

  # Every function that pushes (push, schedule, worker) resolves alike.
  resolve_environment = {
    STANCE_RESOLVE_MISSING   = tostring(var.resolve_missing)
    STANCE_RESOLVE_MAX_SHARE = tostring(var.resolve_max_share)
  }
  # Export and the stale-account lines are the scheduled function's.
  lifecycle_environment = merge(
    local.resolve_environment,
    { STANCE_STALE_AFTER = var.stale_after },
    local.export_enabled ? {
      STANCE_EXPORT_TARGET = local.export_location
      STANCE_EXPORT_KEEP   = tostring(var.export_keep)
    } : {},
  )

  export_source_fields = [
    { name = "_source_account", type = "STRING", mode = "NULLABLE" },
    { name = "_source_provider", type = "STRING", mode = "NULLABLE" },
    { name = "_synced_at", type = "STRING", mode = "NULLABLE" },
    { name = "_checksum", type = "STRING", mode = "NULLABLE" },
    { name = "_version", type = "INTEGER", mode = "NULLABLE" },
  ]
  export_schemas = {
    findings = concat([
      for name in ["id", "asset_id", "finding_type", "severity", "status", "title", "description", "first_seen",
      "last_seen", "rule_id", "resource_path", "expected_value", "actual_value", "cve_id"] :
      { name = name, type = "STRING", mode = "NULLABLE" }
      ], [
      { name = "cvss_score", type = "FLOAT", mode = "NULLABLE" },
      { name = "package_name", type = "STRING", mode = "NULLABLE" },
      { name = "installed_version", type = "STRING", mode = "NULLABLE" },
      { name = "fixed_version", type = "STRING", mode = "NULLABLE" },
      { name = "compliance_frameworks", type = "STRING", mode = "REPEATED" },
      { name = "remediation_guidance", type = "STRING", mode = "NULLABLE" },
    ], local.export_source_fields)
    # tags and raw_config are free-form objects: JSON columns keep them whole.
    assets = concat([
      for name in ["id", "cloud_provider", "account_id", "region", "resource_type", "name"] :
      { name = name, type = "STRING", mode = "NULLABLE" }
      ], [
      { name = "tags", type = "JSON", mode = "NULLABLE" },
      { name = "network_exposure", type = "STRING", mode = "NULLABLE" },
      { name = "created_at", type = "STRING", mode = "NULLABLE" },
      { name = "last_seen", type = "STRING", mode = "NULLABLE" },
      { name = "raw_config", type = "JSON", mode = "NULLABLE" },
    ], local.export_source_fields)
  }
}

# The export writes each snapshot's files and the manifest, lists and reads what it wrote before
# (an unchanged central writes nothing) and deletes snapshots beyond export_keep: objectUser on
# the export bucket (listing is bucket-level, so no prefix condition).
resource "google_storage_bucket_iam_member" "export_write" {
  count  = local.export_enabled && local.enable_schedule ? 1 : 0
  bucket = var.export_bucket_name
  role   = "roles/storage.objectUser"
  member = "serviceAccount:${google_service_account.schedule[0].email}"
}

data "google_storage_bucket" "export" {
  count = local.export_enabled ? 1 : 0
  name  = var.export_bucket_name
}

# BigQuery reads an external table's files only from a bucket in the dataset's location (or,
# for a multi-region dataset, in a region of it): the dataset is created where the bucket is.
resource "google_bigquery_dataset" "export" {
  count       = local.export_enabled ? 1 : 0
  project     = var.project_id
  dataset_id  = var.export_dataset_id
  location    = local.export_dataset_location
  description = "stance-sync: central exported as a Stance scan (${local.export_location})."
  depends_on  = [terraform_data.apis_enabled]

  lifecycle {
    precondition {
      condition     = local.export_locations_match
      error_message = "export_dataset_location ${coalesce(var.export_dataset_location, "-")} cannot read gs://${coalesce(var.export_bucket_name, "-")}, which is in ${local.export_bucket_location}: use the bucket's location (or leave export_dataset_location unset)."
    }
  }
}

resource "google_bigquery_table" "export" {
  for_each            = local.export_enabled ? local.export_schemas : {}
  project             = var.project_id
  dataset_id          = google_bigquery_dataset.export[0].dataset_id
  table_id            = each.key
  deletion_protection = false
  description         = "Stance ${each.key} of every account, every kept snapshot; filter on _FILE_NAME with the newest id in ${local.export_location}/snapshots/manifest.json."
  schema              = jsonencode(each.value)

  external_data_configuration {
    source_format         = "NEWLINE_DELIMITED_JSON"
    autodetect            = false
    ignore_unknown_values = true
    source_uris           = ["${local.export_location}/${each.key}/*/${each.key}.jsonl"]
  }
}

# The change feed ({central_prefix}/_changes/{account}/dt=YYYY-MM-DD/{push}.jsonl): one line per
# change a push made to a finding, as an external table in the export's dataset, so that "what
# opened since yesterday" is one query. Not hive-partitioned: the account comes before the day
# in the key (so grants can be scoped per account). BigQuery reads external files only from a
# bucket in the dataset's location: the table is made when central is where the export is.
resource "google_bigquery_table" "changes" {
  count               = local.export_enabled && local.changes_readable ? 1 : 0
  project             = var.project_id
  dataset_id          = google_bigquery_dataset.export[0].dataset_id
  table_id            = "changes"
  deletion_protection = false
  description         = "What each push changed in central's findings (opened, reopened, resolved, severity_changed), one row per change; at is the push time (ISO 8601, UTC)."
  schema = jsonencode([
    for name in ["at", "account", "provider", "id", "change", "severity", "previous_severity", "title", "asset_id",
    "snapshot", "reason"] : { name = name, type = "STRING", mode = "NULLABLE" }
  ])

  external_data_configuration {
    source_format         = "NEWLINE_DELIMITED_JSON"
    autodetect            = false
    ignore_unknown_values = true
    source_uris           = ["gs://${local.central_bucket}/${var.central_prefix}/_changes/*"]
  }
}

output "export_location" {
  description = "Where the scheduled function exports central as a Stance scan (null without export)."
  value       = local.export_location
}

output "export_lifecycle_environment" {
  description = "STANCE_* lifecycle settings of the scheduled function (resolve, export, stale accounts); the other functions get the resolve settings."
  value       = local.lifecycle_environment
}

output "export_bigquery_tables" {
  description = "External tables over the export, and over central's change feed (changes)."
  value = merge(
    { for name, table in google_bigquery_table.export : name => "${table.project}.${table.dataset_id}.${table.table_id}" },
    { for table in google_bigquery_table.changes : "changes" => "${table.project}.${table.dataset_id}.${table.table_id}" },
  )
}
