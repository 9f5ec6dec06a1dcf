# The pull: the timer function keeps a verified copy of central in a blob container
# (STANCE_PULL_TARGET). It reads and conditionally writes under the target's prefix, and
# deletes nothing; the role assignment below grants exactly that. A target on S3 or GCS goes into
# stance_settings with that cloud's credentials; a blob container must come through pull_target,
# which grants the function's identity its write (stance_settings refuses one).

variable "pull_target" {
  description = "The container (and prefix) the timer function pulls central into (STANCE_PULL_TARGET); null for no pull."
  type = object({
    storage_account_id = string
    container_name     = string
    prefix             = optional(string, "aggregated")
  })
  default = null

  validation {
    condition     = var.pull_target == null || can(regex("(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft.Storage/storageAccounts/[a-z0-9]{3,24}$", try(var.pull_target.storage_account_id, "")))
    error_message = "pull_target.storage_account_id must be a storage account resource id."
  }

  validation {
    condition     = var.pull_target == null || can(regex("^[^/*?']+(/[^/*?']+)*$", try(var.pull_target.prefix, "")))
    error_message = "pull_target.prefix must be a relative prefix without leading or trailing '/', wildcards or quotes."
  }
}

locals {
  pull_target_account = var.pull_target == null ? null : split("/", var.pull_target.storage_account_id)[8]
  pull_target_uri     = var.pull_target == null ? null : "https://${local.pull_target_account}.blob.core.windows.net/${var.pull_target.container_name}/${var.pull_target.prefix}"
  pull_settings       = local.pull_target_uri == null ? {} : { STANCE_PULL_TARGET = local.pull_target_uri }
}

resource "azurerm_role_assignment" "hub_pull_target_writer" {
  count                = var.pull_target == null ? 0 : 1
  scope                = "${var.pull_target.storage_account_id}/blobServices/default/containers/${var.pull_target.container_name}"
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
      !(ActionMatches{'${local.blob_actions}/read'} AND NOT SubOperationMatches{'Blob.List'})
     )
     OR
     (
      @Resource[${local.blob_actions}:path] StringLike '${try(var.pull_target.prefix, "")}/*'
     )
    )
    AND
    (
     !(ActionMatches{'${local.blob_actions}/delete'})
    )
  EOT
  description          = "stance-sync hub: the pull's copy of central under ${try(var.pull_target.prefix, "")}/ only"
}

output "pull_target" {
  description = "STANCE_PULL_TARGET: where the timer function keeps a verified copy of central (null without pull_target)."
  value       = local.pull_target_uri
}
