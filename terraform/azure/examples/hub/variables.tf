variable "subscription_id" {
  description = "Subscription of the hub: central storage account and function app."
  type        = string
}

variable "source_subscription_id" {
  description = "Subscription holding the source (spoke) storage accounts; null means the hub subscription."
  type        = string
  default     = null
}

variable "location" {
  type = string
}

variable "resource_group_name" {
  type = string
}

variable "function_app_name" {
  type = string
}

variable "central_storage_account_name" {
  type = string
}

variable "host_storage_account_name" {
  type = string
}

variable "sources" {
  description = "See the module's variable of the same name."
  type = map(object({
    storage_account_id = string
    container_name     = string
    prefix             = optional(string, "")
  }))
  default = {}
}

variable "spoke_writers" {
  description = "See the module's variable of the same name."
  type = map(object({
    principal_id = string
    account_id   = string
  }))
  default = {}
}

variable "stance_settings" {
  type    = map(string)
  default = {}
}

variable "trigger_mode" {
  type    = string
  default = "event_grid"
}

variable "event_subscription_enabled" {
  description = "false for the first apply (the function is not published yet), then true."
  type        = bool
  default     = false
}

variable "public_network_access_enabled" {
  type    = bool
  default = true
}

variable "tags" {
  type    = map(string)
  default = {}
}

variable "fan_out" {
  description = "Work queue, poison queue and the queue-triggered worker; the timer then fans out."
  type        = bool
  default     = false
}

variable "sources_file" {
  description = "The sources file blob (STANCE_SOURCES_URI), or null."
  type = object({
    storage_account_id = string
    container_name     = string
    blob_name          = string
  })
  default = null
}

variable "resolve_missing" {
  type    = bool
  default = false
}

variable "export_container_name" {
  description = "Container of the central account that the timer exports central to, or null."
  type        = string
  default     = null
}
