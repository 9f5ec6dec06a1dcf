locals {
  # Storage account ids look like
  # /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/{name}.
  source_account_ids = toset([for s in values(var.sources) : s.storage_account_id])
  source_accounts = {
    for id in local.source_account_ids : id => {
      resource_group_name = split("/", id)[4]
      name                = split("/", id)[8]
    }
  }

  central_uri = "${azurerm_storage_account.central.primary_blob_endpoint}${azurerm_storage_container.central.name}"

  # STANCE_SOURCES: "uri|account|provider" entries, newline separated (parsed by core).
  stance_sources = join("\n", [
    for key in sort(keys(var.sources)) : format("%s%s%s|%s|azure",
      data.azurerm_storage_account.source[var.sources[key].storage_account_id].primary_blob_endpoint,
      var.sources[key].container_name,
      var.sources[key].prefix == "" ? "" : "/${trim(var.sources[key].prefix, "/")}",
    coalesce(var.sources[key].account_id, split("/", var.sources[key].storage_account_id)[2]))
  ])

  # The blob-trigger alternative watches exactly one container through one connection. Its
  # trigger carries no subscription id, so the account is set explicitly (same default as the
  # Event Grid path: the source's subscription).
  blob_source = var.trigger_mode == "blob" ? try(values(var.sources)[0], null) : null
  blob_account_setting = local.blob_source == null ? {} : {
    STANCE_ACCOUNT_ID = lookup(var.stance_settings, "STANCE_ACCOUNT_ID", split("/", local.blob_source.storage_account_id)[2])
  }
}

resource "azurerm_resource_group" "hub" {
  name     = var.resource_group_name
  location = var.location
  tags     = var.tags
}

data "azurerm_storage_account" "source" {
  provider            = azurerm.source
  for_each            = local.source_accounts
  name                = each.value.name
  resource_group_name = each.value.resource_group_name
}

# ---------------------------------------------------------------------------------------------
# Central (hub) storage: private, TLS 1.2+, HTTPS only, Entra ID only, versioned, soft delete.
# Encryption at rest is always on (Microsoft-managed keys); infrastructure encryption adds a
# second layer.
# ---------------------------------------------------------------------------------------------
resource "azurerm_storage_account" "central" {
  name                              = var.central_storage_account_name
  resource_group_name               = azurerm_resource_group.hub.name
  location                          = azurerm_resource_group.hub.location
  account_kind                      = "StorageV2"
  account_tier                      = "Standard"
  account_replication_type          = var.central_replication_type
  https_traffic_only_enabled        = true
  min_tls_version                   = "TLS1_2"
  allow_nested_items_to_be_public   = false
  shared_access_key_enabled         = false
  default_to_oauth_authentication   = true
  infrastructure_encryption_enabled = true
  cross_tenant_replication_enabled  = false
  allowed_copy_scope                = "AAD"
  # Public network access stays on: the function app (Consumption plan, no VNet integration)
  # reaches it over the public endpoint; shared keys are off, so only Entra ID principals with a
  # data role (the function's identity, ABAC-narrowed) get in.

  blob_properties {
    versioning_enabled = true

    delete_retention_policy {
      days = var.central_soft_delete_days
    }

    container_delete_retention_policy {
      days = var.central_soft_delete_days
    }
  }

  tags = var.tags
}

resource "azurerm_storage_container" "central" {
  name                  = var.central_container_name
  storage_account_id    = azurerm_storage_account.central.id
  container_access_type = "private"
}

# ---------------------------------------------------------------------------------------------
# Function app
# ---------------------------------------------------------------------------------------------
resource "azurerm_storage_account" "host" {
  name                            = var.host_storage_account_name
  resource_group_name             = azurerm_resource_group.hub.name
  location                        = azurerm_resource_group.hub.location
  account_tier                    = "Standard"
  account_replication_type        = "LRS"
  https_traffic_only_enabled      = true
  min_tls_version                 = "TLS1_2"
  allow_nested_items_to_be_public = false
  tags                            = var.tags
}

resource "azurerm_log_analytics_workspace" "hub" {
  name                = "${var.function_app_name}-logs"
  resource_group_name = azurerm_resource_group.hub.name
  location            = azurerm_resource_group.hub.location
  sku                 = "PerGB2018"
  retention_in_days   = var.log_retention_days
  tags                = var.tags
}

resource "azurerm_application_insights" "hub" {
  name                = "${var.function_app_name}-insights"
  resource_group_name = azurerm_resource_group.hub.name
  location            = azurerm_resource_group.hub.location
  workspace_id        = azurerm_log_analytics_workspace.hub.id
  application_type    = "java"
  tags                = var.tags
}

resource "azurerm_service_plan" "hub" {
  name                = "${var.function_app_name}-plan"
  resource_group_name = azurerm_resource_group.hub.name
  location            = azurerm_resource_group.hub.location
  os_type             = "Linux"
  sku_name            = var.service_plan_sku
  tags                = var.tags
}

resource "azurerm_linux_function_app" "hub" {
  name                = var.function_app_name
  resource_group_name = azurerm_resource_group.hub.name
  location            = azurerm_resource_group.hub.location
  service_plan_id     = azurerm_service_plan.hub.id

  storage_account_name       = azurerm_storage_account.host.name
  storage_account_access_key = azurerm_storage_account.host.primary_access_key

  https_only = true
  # Event Grid delivers over the public endpoint; the timer and the blob trigger need no inbound
  # access, so blob mode may turn it off (var.public_network_access_enabled).
  public_network_access_enabled = var.public_network_access_enabled
  builtin_logging_enabled       = false

  # Deployments authenticate with Entra ID (azure-functions:deploy, func publish), never with the
  # site's FTP or WebDeploy basic-auth credentials.
  ftp_publish_basic_authentication_enabled       = false
  webdeploy_publish_basic_authentication_enabled = false

  identity {
    type = "SystemAssigned"
  }

  site_config {
    minimum_tls_version                    = "1.2"
    scm_minimum_tls_version                = "1.2"
    ftps_state                             = "Disabled"
    http2_enabled                          = true
    application_insights_connection_string = azurerm_application_insights.hub.connection_string

    application_stack {
      java_version = var.java_version
    }
  }

  # No AZURE_STORAGE_CONNECTION_STRING here: without it the adapters authenticate with
  # DefaultAzureCredential, i.e. this app's managed identity.
  app_settings = merge(local.lifecycle_settings, var.stance_settings, local.blob_account_setting, local.fan_out_settings, local.pull_settings, local.notify_settings, {
    STANCE_CENTRAL_URI    = local.central_uri
    STANCE_CENTRAL_PREFIX = var.central_prefix
    STANCE_SOURCES        = local.stance_sources
    STANCE_SCHEDULE       = var.schedule

    # Binding settings of the blob-trigger alternative; always present so that its function
    # indexes cleanly even when disabled.
    STANCE_SOURCE_CONTAINER                        = local.blob_source == null ? "unused" : local.blob_source.container_name
    STANCE_SOURCE_STORAGE__blobServiceUri          = local.blob_source == null ? azurerm_storage_account.host.primary_blob_endpoint : data.azurerm_storage_account.source[local.blob_source.storage_account_id].primary_blob_endpoint
    STANCE_SOURCE_STORAGE__queueServiceUri         = local.blob_source == null ? azurerm_storage_account.host.primary_queue_endpoint : data.azurerm_storage_account.source[local.blob_source.storage_account_id].primary_queue_endpoint
    "AzureWebJobs.StanceBlobSync.Disabled"         = var.trigger_mode == "blob" ? "false" : "true"
    "AzureWebJobs.StanceProducerBlobSync.Disabled" = var.trigger_mode == "blob" ? "false" : "true"
    "AzureWebJobs.StanceEventGridSync.Disabled"    = var.trigger_mode == "event_grid" ? "false" : "true"
  })

  tags = var.tags

  lifecycle {
    # The deploy tools (azure-functions:deploy, func publish) point WEBSITE_RUN_FROM_PACKAGE at the
    # package they upload; terraform must not remove it on the next apply.
    ignore_changes = [app_settings["WEBSITE_RUN_FROM_PACKAGE"]]

    precondition {
      condition     = var.trigger_mode != "blob" || length(var.sources) == 1
      error_message = "trigger_mode = \"blob\" watches one container: configure exactly one entry in sources."
    }

    precondition {
      condition     = var.trigger_mode != "event_grid" || var.public_network_access_enabled
      error_message = "trigger_mode = \"event_grid\": Event Grid delivers to the function's public endpoint, so public_network_access_enabled must be true."
    }
  }
}
