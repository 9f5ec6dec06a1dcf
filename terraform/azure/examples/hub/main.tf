# Hub deployment of terraform/azure: the provider configuration lives here, in the root, so that
# the module can be used as a child module. Variables: see variables.tf next to this file.
terraform {
  required_version = ">= 1.6.0"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.20"
    }
  }
}

# The central account has shared-key access disabled, so azurerm must use Entra ID for storage
# (storage_use_azuread). Reading a storage account back after creating it would also call the
# blob/queue/file data planes (queue properties, static website), which needs Storage data roles
# that a deployer usually lacks: the first apply would fail with 403. The module uses none of
# those data-plane arguments, so the provider is told not to call the data plane at all.
# https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/guides/features-block#storage
provider "azurerm" {
  subscription_id     = var.subscription_id
  storage_use_azuread = true
  features {
    storage {
      data_plane_available = false
    }
  }
}

# The spoke (source) storage accounts may live in another subscription; their Event Grid system
# topics are created there. Defaults to the hub subscription.
provider "azurerm" {
  alias               = "source"
  subscription_id     = coalesce(var.source_subscription_id, var.subscription_id)
  storage_use_azuread = true
  features {
    storage {
      data_plane_available = false
    }
  }
}

module "stance_sync" {
  source = "../.."
  providers = {
    azurerm        = azurerm
    azurerm.source = azurerm.source
  }

  location                      = var.location
  resource_group_name           = var.resource_group_name
  function_app_name             = var.function_app_name
  central_storage_account_name  = var.central_storage_account_name
  host_storage_account_name     = var.host_storage_account_name
  sources                       = var.sources
  spoke_writers                 = var.spoke_writers
  stance_settings               = var.stance_settings
  trigger_mode                  = var.trigger_mode
  event_subscription_enabled    = var.event_subscription_enabled
  public_network_access_enabled = var.public_network_access_enabled
  fan_out                       = var.fan_out
  sources_file                  = var.sources_file
  resolve_missing               = var.resolve_missing
  export_container_name         = var.export_container_name
  tags                          = var.tags
}

output "work_queue" {
  value = module.stance_sync.work_queue
}

output "poison_queue" {
  value = module.stance_sync.poison_queue
}

output "function_app_name" {
  value = module.stance_sync.function_app_name
}

output "function_app_principal_id" {
  value = module.stance_sync.function_app_principal_id
}

output "central_uri" {
  value = module.stance_sync.central_uri
}
