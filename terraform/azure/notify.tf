# Notifications: the function app publishes a digest of each push's finding changes at or above
# notify_min_severity to a storage queue in the central account (STANCE_NOTIFY_URI =
# azq://ACCOUNT/QUEUE), Base64-encoded as a queue trigger reads it. Event Grid has no custom-topic
# emulator to test against, so the queue is the tested target; a Logic App, a queue-triggered
# function or an Event Grid subscription's consumer forwards it on (docs/notifications.md).

variable "notify" {
  description = "Create a storage queue for the push digests in the central account and let the function app send to it (Storage Queue Data Message Sender on that queue only)."
  type        = bool
  default     = false
}

variable "notify_queue_name" {
  description = "Name of the digest queue (3-63 lowercase letters, digits and single hyphens)."
  type        = string
  default     = "stance-changes"

  validation {
    condition     = can(regex("^[a-z0-9](-?[a-z0-9])+$", var.notify_queue_name)) && length(var.notify_queue_name) <= 63
    error_message = "notify_queue_name must be a storage queue name: 3-63 lowercase letters, digits and single hyphens."
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

locals {
  notify_settings = var.notify ? {
    STANCE_NOTIFY_URI          = "azq://${azurerm_storage_account.central.name}/${var.notify_queue_name}"
    STANCE_NOTIFY_MIN_SEVERITY = var.notify_min_severity
  } : {}
}

resource "azurerm_storage_queue" "changes" {
  count              = var.notify ? 1 : 0
  name               = var.notify_queue_name
  storage_account_id = azurerm_storage_account.central.id
}

# Sending only: the function never reads or deletes a digest.
resource "azurerm_role_assignment" "hub_notify_sender" {
  count                = var.notify ? 1 : 0
  scope                = "${azurerm_storage_account.central.id}/queueServices/default/queues/${var.notify_queue_name}"
  role_definition_name = "Storage Queue Data Message Sender"
  principal_id         = azurerm_linux_function_app.hub.identity[0].principal_id
  principal_type       = "ServicePrincipal"
  description          = "stance-sync hub: send push digests"
  depends_on           = [azurerm_storage_queue.changes]
}

output "notify_queue" {
  description = "The storage queue of the push digests (STANCE_NOTIFY_URI), when notify is on."
  value       = var.notify ? "azq://${azurerm_storage_account.central.name}/${var.notify_queue_name}" : null
}
