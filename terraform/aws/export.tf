# Central exported as a Stance scan ({export}/findings/{snapshot}/findings.jsonl,
# {export}/assets/{snapshot}/assets.jsonl, {export}/snapshots/manifest.json) by the scheduled
# function, and Glue tables over it that Athena queries the way Stance queries its own scans:
# one JSON object per line, one folder per snapshot, the manifest naming the newest.

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

  validation {
    condition     = var.export_keep >= 1
    error_message = "export_keep must be at least 1."
  }
}

variable "export_glue_database" {
  description = "Glue database of the export's findings and assets tables."
  type        = string
  default     = "stance_sync_export"
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

  validation {
    condition     = var.resolve_max_share >= 0 && var.resolve_max_share <= 1
    error_message = "resolve_max_share must be between 0 and 1."
  }
}

variable "stale_after" {
  description = "The scheduled function logs a WARN line per account without a push for this long (90m, 48h, 7d)."
  type        = string
  default     = "48h"
}

locals {
  export_enabled  = var.export_bucket_name != null
  export_location = local.export_enabled ? "s3://${var.export_bucket_name}/${var.export_prefix}" : null

  # Every function that pushes (object-created, schedule, worker) resolves alike.
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

  # Columns of Stance's finding and asset lines, plus the source keys every exported line keeps.
  # Hive column names cannot start with '_', so those map onto source_* columns.
  export_finding_columns = {
    id                    = "string"
    asset_id              = "string"
    finding_type          = "string"
    severity              = "string"
    status                = "string"
    title                 = "string"
    description           = "string"
    first_seen            = "string"
    last_seen             = "string"
    rule_id               = "string"
    resource_path         = "string"
    expected_value        = "string"
    actual_value          = "string"
    cve_id                = "string"
    cvss_score            = "double"
    package_name          = "string"
    installed_version     = "string"
    fixed_version         = "string"
    compliance_frameworks = "array<string>"
    remediation_guidance  = "string"
  }
  export_asset_columns = {
    id               = "string"
    cloud_provider   = "string"
    account_id       = "string"
    region           = "string"
    resource_type    = "string"
    name             = "string"
    tags             = "map<string,string>"
    network_exposure = "string"
    created_at       = "string"
    last_seen        = "string"
    raw_config       = "string"
  }
  export_source_columns = {
    source_account  = { key = "_source_account", type = "string" }
    source_provider = { key = "_source_provider", type = "string" }
    synced_at       = { key = "_synced_at", type = "string" }
    checksum        = { key = "_checksum", type = "string" }
    version         = { key = "_version", type = "bigint" }
  }
  export_tables = {
    findings = local.export_finding_columns
    assets   = local.export_asset_columns
  }
}

# The export writes the two files of each snapshot and the manifest, reads what it wrote before
# (an unchanged central writes nothing) and deletes the snapshot folders beyond export_keep.
data "aws_iam_policy_document" "export" {
  count = local.export_enabled ? 1 : 0

  statement {
    sid       = "WriteExport"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["arn:${local.partition}:s3:::${var.export_bucket_name}/${var.export_prefix}/*"]
  }

  statement {
    sid       = "ListExport"
    actions   = ["s3:ListBucket"]
    resources = ["arn:${local.partition}:s3:::${var.export_bucket_name}"]
  }
}

resource "aws_iam_role_policy" "schedule_export" {
  count  = local.export_enabled ? 1 : 0
  name   = "export"
  role   = aws_iam_role.schedule.id
  policy = data.aws_iam_policy_document.export[0].json
}

resource "aws_glue_catalog_database" "export" {
  count       = local.export_enabled ? 1 : 0
  name        = var.export_glue_database
  description = "stance-sync: central exported as a Stance scan (${local.export_location})."
}

resource "aws_glue_catalog_table" "export" {
  for_each      = local.export_enabled ? local.export_tables : {}
  name          = each.key
  database_name = aws_glue_catalog_database.export[0].name
  table_type    = "EXTERNAL_TABLE"
  description   = "Stance ${each.key} of every account, one snapshot per partition; the newest is the first id in ${local.export_location}/snapshots/manifest.json."

  parameters = {
    EXTERNAL                      = "TRUE"
    classification                = "json"
    "projection.enabled"          = "true"
    "projection.snapshot_id.type" = "injected"
    "storage.location.template"   = "${local.export_location}/${each.key}/$${snapshot_id}/"
    "has_encrypted_data"          = "true"
  }

  partition_keys {
    name = "snapshot_id"
    type = "string"
  }

  storage_descriptor {
    location      = "${local.export_location}/${each.key}/"
    input_format  = "org.apache.hadoop.mapred.TextInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"

    ser_de_info {
      name                  = "stance-jsonl"
      serialization_library = "org.openx.data.jsonserde.JsonSerDe"
      parameters = merge(
        { "case.insensitive" = "false", "ignore.malformed.json" = "false" },
        { for column, source in local.export_source_columns : "mapping.${column}" => source.key },
      )
    }

    dynamic "columns" {
      for_each = merge(each.value, { for column, source in local.export_source_columns : column => source.type })
      content {
        name = columns.key
        type = columns.value
      }
    }
  }
}

# The change feed ({central_prefix}/_changes/{account}/dt=YYYY-MM-DD/{push}.jsonl): one line per
# change a push made to a finding, in the export's database, so that "what opened since
# yesterday" is one Athena query. Not partitioned: the account comes before the day in the key
# (so grants can be scoped per account), and a query reads the whole feed, which is a few
# hundred bytes per change; expire old days with a lifecycle rule on _changes/.
resource "aws_glue_catalog_table" "changes" {
  count         = local.export_enabled && var.central_uri == null ? 1 : 0
  name          = "changes"
  database_name = aws_glue_catalog_database.export[0].name
  table_type    = "EXTERNAL_TABLE"
  description   = "What each push changed in central's findings (opened, reopened, resolved, severity_changed), one row per change; at is the push time (ISO 8601, UTC)."

  parameters = {
    EXTERNAL           = "TRUE"
    classification     = "json"
    has_encrypted_data = "true"
  }

  storage_descriptor {
    location      = "s3://${var.central_bucket_name}/${var.central_prefix}/_changes/"
    input_format  = "org.apache.hadoop.mapred.TextInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"

    ser_de_info {
      name                  = "stance-sync-changes"
      serialization_library = "org.openx.data.jsonserde.JsonSerDe"
      parameters            = { "case.insensitive" = "false", "ignore.malformed.json" = "false" }
    }

    dynamic "columns" {
      for_each = ["at", "account", "provider", "id", "change", "severity", "previous_severity", "title", "asset_id",
      "snapshot", "reason"]
      content {
        name = columns.value
        type = "string"
      }
    }
  }
}

output "export_location" {
  description = "Where the scheduled function exports central as a Stance scan (null without export)."
  value       = local.export_location
}

output "export_lifecycle_environment" {
  description = "STANCE_* lifecycle settings of the scheduled function's environment (resolve, export, stale accounts); the other functions get the resolve settings."
  value       = local.lifecycle_environment
}

output "export_athena_tables" {
  description = "Glue tables over the export (query with WHERE snapshot_id = '<newest id in the manifest>') and over central's change feed (changes)."
  value = merge(
    { for name, table in aws_glue_catalog_table.export : name => "${table.database_name}.${table.name}" },
    { for table in aws_glue_catalog_table.changes : "changes" => "${table.database_name}.${table.name}" },
  )
}
