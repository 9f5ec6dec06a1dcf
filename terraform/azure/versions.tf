terraform {
  required_version = ">= 1.6.0"

  required_providers {
    azurerm = {
      source = "hashicorp/azurerm"
      # 4.x: storage_account_id on containers (ARM API, so shared keys can stay disabled),
      # https_traffic_only_enabled, source_resource_id on system topics, and the provider
      # feature storage.data_plane_available that the example root sets.
      version = "~> 4.20"
      # The calling root configures both (see examples/hub): the default one for the hub
      # subscription, azurerm.source for the subscription of the source storage accounts.
      configuration_aliases = [azurerm.source]
    }
  }
}
