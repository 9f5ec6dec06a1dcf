variable "location" {
  description = "Azure region of the hub resources."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group created for the hub resources."
  type        = string
}

variable "function_app_name" {
  description = "Function app name (globally unique, at most 32 characters); must match -DfunctionAppName at deploy."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,30}[a-z0-9]$", var.function_app_name))
    error_message = "function_app_name: 2-32 lower-case letters, digits and hyphens."
  }
}

variable "central_storage_account_name" {
  description = "Name of the central (hub) storage account that receives the aggregated records."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]{3,24}$", var.central_storage_account_name))
    error_message = "central_storage_account_name: 3-24 lower-case letters and digits."
  }
}

variable "host_storage_account_name" {
  description = "Name of the function app's own host storage account (AzureWebJobsStorage: keys, timer locks, blob receipts). Holds no sync data."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]{3,24}$", var.host_storage_account_name))
    error_message = "host_storage_account_name: 3-24 lower-case letters and digits."
  }
}

variable "central_container_name" {
  description = "Container of the central account that holds the aggregate."
  type        = string
  default     = "stance-central"
}

variable "central_prefix" {
  description = "Prefix inside the central container (STANCE_CENTRAL_PREFIX); the hub identity may only write below it."
  type        = string
  default     = "aggregated"

  validation {
    condition     = can(regex("^[^/*?]+(/[^/*?]+)*$", var.central_prefix))
    error_message = "central_prefix: non-empty, no leading/trailing '/', no wildcards."
  }
}

variable "central_replication_type" {
  description = "Replication of the central account (LRS, ZRS, GRS, RAGRS, GZRS, RAGZRS)."
  type        = string
  default     = "GRS"
}

variable "central_soft_delete_days" {
  description = "Blob and container soft-delete retention of the central account, in days."
  type        = number
  default     = 30
}

variable "service_plan_sku" {
  description = "App Service plan SKU: Y1 (Consumption) or EP1-EP3 (Elastic Premium)."
  type        = string
  default     = "Y1"

  validation {
    condition     = contains(["Y1", "EP1", "EP2", "EP3"], var.service_plan_sku)
    error_message = "service_plan_sku: one of Y1, EP1, EP2, EP3."
  }
}

variable "java_version" {
  description = "Java runtime of the function app (the code is Java 17 bytecode)."
  type        = string
  default     = "21"

  validation {
    condition     = contains(["17", "21"], var.java_version)
    error_message = "java_version: 17 or 21."
  }
}

variable "schedule" {
  description = "NCRONTAB (six fields, with seconds) of the scheduled catch-up: STANCE_SCHEDULE."
  type        = string
  default     = "0 0 * * * *"

  validation {
    condition     = length(split(" ", trimspace(var.schedule))) == 6
    error_message = "schedule: six space-separated NCRONTAB fields ({second} {minute} {hour} {day} {month} {day-of-week})."
  }
}

variable "trigger_mode" {
  description = "event_grid (default: Event Grid BlobCreated subscriptions, read-only access to sources) or blob (blob trigger on the single source container; needs Blob Data Owner and Queue Data Contributor on that account)."
  type        = string
  default     = "event_grid"

  validation {
    condition     = contains(["event_grid", "blob"], var.trigger_mode)
    error_message = "trigger_mode: event_grid or blob."
  }
}

variable "event_subscription_enabled" {
  description = "Create the Event Grid subscriptions. Azure validates the function endpoint when a subscription is created, which fails until the code is deployed: the first apply runs with the default false, the code is deployed, then apply again with true."
  type        = bool
  default     = false
}

variable "public_network_access_enabled" {
  description = "Public access to the function app (and its deployment endpoint). Event Grid delivers over it, so trigger_mode event_grid needs true; in blob mode it can be turned off once the code is deployed (or when deploying through a private endpoint)."
  type        = bool
  default     = true
}

variable "event_max_delivery_attempts" {
  description = "Event Grid redeliveries of a BlobCreated event whose function invocation failed (1-30)."
  type        = number
  default     = 30
}

variable "event_time_to_live_minutes" {
  description = "How long Event Grid keeps retrying one event (1-1440 minutes); the scheduled catch-up covers what expires."
  type        = number
  default     = 1440
}

variable "sources" {
  description = <<-EOT
    Spoke scan locations, keyed by a label. Each one gets read-only access for the function, an
    Event Grid subscription for its findings.jsonl/assets.jsonl (trigger_mode event_grid) and an
    entry in STANCE_SOURCES for the scheduled catch-up. Records are filed under the source's
    subscription id (what a BlobCreated event carries), or under STANCE_ACCOUNT_ID when
    stance_settings sets it, so that both paths write the same keys.
  EOT
  type = map(object({
    storage_account_id = string
    container_name     = string
    prefix             = optional(string, "")
  }))
  default = {}

  validation {
    condition = alltrue([
      for s in values(var.sources) :
      can(regex("(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft.Storage/storageAccounts/[a-z0-9]{3,24}$", s.storage_account_id))
    ])
    error_message = "sources[*].storage_account_id must be a storage account resource id."
  }
}

variable "spoke_writers" {
  description = <<-EOT
    Identities (object ids) of spoke deployments that push straight into the central container,
    keyed by label. Each gets Storage Blob Data Contributor on the central container, narrowed by an
    ABAC condition to record paths of its own account_id.
  EOT
  type = map(object({
    principal_id = string
    account_id   = string
    # Set, Azure creates the assignment without looking the principal up first, so a managed
    # identity created moments before is not refused as "does not exist in the directory".
    principal_type = optional(string, "ServicePrincipal")
    # The spoke's resolve pass (STANCE_RESOLVE_MISSING=true there) deletes its own account's
    # assets that a snapshot no longer has; only then may it delete.
    resolve_missing = optional(bool, false)
  }))
  default = {}

  validation {
    condition     = alltrue([for w in values(var.spoke_writers) : contains(["ServicePrincipal", "User", "Group"], w.principal_type)])
    error_message = "spoke_writers[*].principal_type: ServicePrincipal (a managed identity or app), User or Group."
  }

  validation {
    condition     = alltrue([for w in values(var.spoke_writers) : can(regex("^[^/\\\\*?'\\s]+$", w.account_id))])
    error_message = "spoke_writers[*].account_id: one path segment without '/', '\\', quotes, wildcards or spaces."
  }
}

variable "stance_settings" {
  description = "Further STANCE_* app settings (STANCE_CONFLICT_RESOLUTION, STANCE_BATCH_SIZE, an S3 or GCS STANCE_PULL_TARGET...; a blob container pull target is pull_target)."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.stance_settings) : startswith(k, "STANCE_")])
    error_message = "stance_settings keys must start with STANCE_."
  }

  # The function may write a blob container only through pull_target, which grants it.
  validation {
    condition     = !can(regex("^(az://|https?://)", lookup(var.stance_settings, "STANCE_PULL_TARGET", "")))
    error_message = "stance_settings.STANCE_PULL_TARGET names a blob container, which the function may not write: set pull_target instead."
  }
}

variable "log_retention_days" {
  description = "Retention of the Log Analytics workspace behind Application Insights."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}

variable "existing_system_topics" {
  description = <<-EOT
    Event Grid system topics that already exist on source storage accounts, keyed by the account's
    resource id (an account holds one system topic, so a second one cannot be created next to it):
    the module subscribes to these instead of creating its own.
  EOT
  type = map(object({
    name                = string
    resource_group_name = string
  }))
  default = {}
}
