# Fan-out for organisations with many sources: the timer function (StanceScheduledSync) sends one
# work message per source (of the sources file STANCE_SOURCES_URI and STANCE_SOURCES) to a
# storage queue and returns; StanceQueueWorker (@QueueTrigger, queue STANCE_WORK_QUEUE_NAME,
# connection STANCE_WORK_STORAGE) pushes one source per message and sends a continuation
# message to the same queue when its time budget runs out. A message whose push keeps failing
# transiently is moved by the Functions host to "<queue>-poison" after host.json's
# maxDequeueCount (5) dequeues. The queues live in the central account (Entra ID only), and the
# function's identity is their only writer.

variable "fan_out" {
  description = "Create the work queue and its poison queue and enable StanceQueueWorker; the timer then fans out (STANCE_WORK_QUEUE) instead of pushing every source itself."
  type        = bool
  default     = false
}

variable "work_queue_name" {
  description = "Storage queue of the work messages, in the central account; the host moves failed messages to \"<name>-poison\"."
  type        = string
  default     = "stance-sync-work"

  validation {
    # 3-63 characters with the "-poison" suffix.
    condition     = can(regex("^[a-z0-9](-?[a-z0-9]){2,55}$", var.work_queue_name))
    error_message = "work_queue_name: 3-56 lower-case letters, digits and single hyphens (the poison queue appends \"-poison\")."
  }
}

variable "sources_file" {
  description = "The sources file (STANCE_SOURCES_URI: one JSON object per line with location, account, provider), a blob the function may read; null for STANCE_SOURCES alone."
  type = object({
    storage_account_id = string
    container_name     = string
    blob_name          = string
  })
  default = null

  validation {
    condition     = var.sources_file == null || can(regex("(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft.Storage/storageAccounts/[a-z0-9]{3,24}$", try(var.sources_file.storage_account_id, "")))
    error_message = "sources_file.storage_account_id must be a storage account resource id."
  }
}

variable "time_budget" {
  description = "STANCE_TIME_BUDGET of the queue worker (500ms, 3s, 2m); null: the longest Consumption invocation (10 min) less a margin. Set it when functionTimeout is shorter."
  type        = string
  default     = null
}

variable "resolve_missing" {
  description = "STANCE_RESOLVE_MISSING: every push takes its snapshot as the account's complete state (resolve findings it no longer has, remove such assets). Off by default: the pass lists all of central's findings on every push."
  type        = bool
  default     = false
}

variable "resolve_max_share" {
  description = "STANCE_RESOLVE_MAX_SHARE: a push that would resolve more than this share of an account's unresolved findings is refused."
  type        = number
  default     = 0.5

  validation {
    condition     = var.resolve_max_share >= 0 && var.resolve_max_share <= 1
    error_message = "resolve_max_share must be between 0 and 1."
  }
}

variable "export_container_name" {
  description = "Container of the central account, created here, that the timer function exports central to as a Stance scan (STANCE_EXPORT_TARGET); null for no export."
  type        = string
  default     = null
}

variable "export_prefix" {
  description = "Prefix of the export in export_container_name."
  type        = string
  default     = "stance-export"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$", var.export_prefix))
    error_message = "export_prefix must be a relative prefix without leading or trailing '/' or wildcards."
  }
}

variable "export_keep" {
  description = "STANCE_EXPORT_KEEP: exported snapshots kept."
  type        = number
  default     = 3

  validation {
    condition     = var.export_keep >= 1
    error_message = "export_keep must be at least 1."
  }
}

variable "stale_after" {
  description = "STANCE_STALE_AFTER: the timer function logs one WARN line per account without a push for this long (90m, 48h, 7d)."
  type        = string
  default     = "48h"
}

locals {
  poison_queue_name = "${var.work_queue_name}-poison"
  # Role-assignment scopes of the two queues (ARM ids).
  work_queue_scopes = {
    work   = "${azurerm_storage_account.central.id}/queueServices/default/queues/${var.work_queue_name}"
    poison = "${azurerm_storage_account.central.id}/queueServices/default/queues/${local.poison_queue_name}"
  }

  sources_file_account = var.sources_file == null ? null : split("/", var.sources_file.storage_account_id)[8]
  sources_file_uri     = var.sources_file == null ? null : "https://${local.sources_file_account}.blob.core.windows.net/${var.sources_file.container_name}/${var.sources_file.blob_name}"

  export_target = var.export_container_name == null ? null : "${azurerm_storage_account.central.primary_blob_endpoint}${var.export_container_name}/${var.export_prefix}"

  # The queue trigger's binding settings are always present, so that StanceQueueWorker indexes
  # cleanly when it is disabled; STANCE_WORK_QUEUE only with the fan-out (it turns the timer's
  # catch-up into the fan-out).
  fan_out_settings = merge(
    {
      STANCE_WORK_QUEUE_NAME                    = var.fan_out ? var.work_queue_name : "unused"
      STANCE_WORK_STORAGE__queueServiceUri      = var.fan_out ? azurerm_storage_account.central.primary_queue_endpoint : azurerm_storage_account.host.primary_queue_endpoint
      "AzureWebJobs.StanceQueueWorker.Disabled" = var.fan_out ? "false" : "true"
    },
    var.fan_out ? { STANCE_WORK_QUEUE = "azq://${azurerm_storage_account.central.name}/${var.work_queue_name}" } : {},
    local.sources_file_uri == null ? {} : { STANCE_SOURCES_URI = local.sources_file_uri },
    var.time_budget == null ? {} : { STANCE_TIME_BUDGET = var.time_budget },
  )

  lifecycle_settings = merge(
    {
      STANCE_RESOLVE_MISSING   = tostring(var.resolve_missing)
      STANCE_RESOLVE_MAX_SHARE = tostring(var.resolve_max_share)
      STANCE_STALE_AFTER       = var.stale_after
      STANCE_EXPORT_KEEP       = tostring(var.export_keep)
    },
    local.export_target == null ? {} : { STANCE_EXPORT_TARGET = local.export_target },
  )
}

# ---------------------------------------------------------------------------------------------
# Work queue and poison queue (ARM control plane: no shared key, no data-plane call)
# ---------------------------------------------------------------------------------------------
resource "azurerm_storage_queue" "work" {
  count              = var.fan_out ? 1 : 0
  name               = var.work_queue_name
  storage_account_id = azurerm_storage_account.central.id
}

# The host creates "<queue>-poison" on its first poison message; created here it is owned
# infrastructure with its own role assignment, and it exists for monitoring from day one.
resource "azurerm_storage_queue" "poison" {
  count              = var.fan_out ? 1 : 0
  name               = local.poison_queue_name
  storage_account_id = azurerm_storage_account.central.id
}

# The function's identity takes and deletes work messages (trigger), sends source messages and
# continuations, and moves poison messages: Storage Queue Data Contributor on the two queues only.
resource "azurerm_role_assignment" "hub_work_queues" {
  for_each             = var.fan_out ? local.work_queue_scopes : {}
  scope                = each.value
  role_definition_name = "Storage Queue Data Contributor"
  principal_id         = azurerm_linux_function_app.hub.identity[0].principal_id
  principal_type       = "ServicePrincipal"
  description          = "stance-sync hub: ${each.key} queue of the fan-out"
  depends_on           = [azurerm_storage_queue.work, azurerm_storage_queue.poison]
}

# ---------------------------------------------------------------------------------------------
# Sources file: read that one blob (listing stays allowed, as for every reader)
# ---------------------------------------------------------------------------------------------
resource "azurerm_role_assignment" "hub_sources_file_reader" {
  count                = var.sources_file == null ? 0 : 1
  scope                = "${var.sources_file.storage_account_id}/blobServices/default/containers/${var.sources_file.container_name}"
  role_definition_name = "Storage Blob Data Reader"
  principal_id         = azurerm_linux_function_app.hub.identity[0].principal_id
  principal_type       = "ServicePrincipal"
  condition_version    = "2.0"
  condition            = <<-EOT
    (
     (
      !(ActionMatches{'${local.blob_actions}/read'} AND NOT SubOperationMatches{'Blob.List'})
     )
     OR
     (
      @Resource[${local.blob_actions}:path] StringEquals '${try(var.sources_file.blob_name, "")}'
     )
    )
  EOT
  description          = "stance-sync hub: read the sources file"
}

# ---------------------------------------------------------------------------------------------
# Export: a container of the central account; write, read and delete under the export prefix
# ---------------------------------------------------------------------------------------------
resource "azurerm_storage_container" "export" {
  count                 = var.export_container_name == null ? 0 : 1
  name                  = var.export_container_name
  storage_account_id    = azurerm_storage_account.central.id
  container_access_type = "private"
}

resource "azurerm_role_assignment" "hub_export_writer" {
  count                = var.export_container_name == null ? 0 : 1
  scope                = azurerm_storage_container.export[0].id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = azurerm_linux_function_app.hub.identity[0].principal_id
  principal_type       = "ServicePrincipal"
  condition_version    = "2.0"
  condition            = <<-EOT
    (
     (
      !(ActionMatches{'${local.blob_actions}/write'})
      AND
      !(ActionMatches{'${local.blob_actions}/add/action'})
      AND
      !(ActionMatches{'${local.blob_actions}/delete'})
      AND
      !(ActionMatches{'${local.blob_actions}/read'} AND NOT SubOperationMatches{'Blob.List'})
     )
     OR
     (
      @Resource[${local.blob_actions}:path] StringLike '${var.export_prefix}/*'
     )
    )
  EOT
  description          = "stance-sync hub: the export under ${var.export_prefix}/ only"
}

output "work_queue" {
  description = "STANCE_WORK_QUEUE of the fan-out (azq://account/queue); null without fan_out."
  value       = var.fan_out ? "azq://${azurerm_storage_account.central.name}/${var.work_queue_name}" : null
}

output "poison_queue" {
  description = "Where the host moves a work message after maxDequeueCount (5) failed dequeues; inspect and re-send from here (docs/deploy-azure.md)."
  value       = var.fan_out ? "azq://${azurerm_storage_account.central.name}/${local.poison_queue_name}" : null
}

output "sources_uri" {
  description = "STANCE_SOURCES_URI as configured on the function app (null without sources_file)."
  value       = local.sources_file_uri
}

output "export_target" {
  description = "STANCE_EXPORT_TARGET: where the timer function exports central as a Stance scan (null without export)."
  value       = local.export_target
}
