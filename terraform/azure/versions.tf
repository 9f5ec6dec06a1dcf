terraform {
  required_version = ">= 1.6.0"

  required_providers {
    azurerm = {
      source = "hashicorp/azurerm"
      # 4.x: storage_account_id on containers (ARM API, so shared keys can stay disabled),
      # https_traffic_only_enabled, source_resource_id on system topics.
      version = "~> 4.20"
    }
  }
}

provider "azurerm" {
  features {}
  subscription_id = var.subscription_id
  # The central account has shared-key access disabled: data-plane calls use Entra ID.
  storage_use_azuread = true
}

# The spoke (source) storage accounts may live in another subscription; their Event Grid system
# topics must be created there. Defaults to the hub subscription.
provider "azurerm" {
  alias = "source"
  features {}
  subscription_id     = coalesce(var.source_subscription_id, var.subscription_id)
  storage_use_azuread = true
}
