locals {
  # The system topic of each source account: the existing one, or the one created below.
  system_topics = merge(
    { for id, t in azurerm_eventgrid_system_topic.source : id => { name = t.name, resource_group_name = t.resource_group_name } },
    var.existing_system_topics,
  )
}

# One system topic per source storage account (Azure allows a single one per account), created in
# the account's own resource group and region, unless the account has one already
# (existing_system_topics), which the subscriptions then use.
resource "azurerm_eventgrid_system_topic" "source" {
  provider            = azurerm.source
  for_each            = var.trigger_mode == "event_grid" ? { for id, a in local.source_accounts : id => a if !contains(keys(var.existing_system_topics), id) } : {}
  name                = "stance-sync-${each.value.name}"
  resource_group_name = each.value.resource_group_name
  location            = data.azurerm_storage_account.source[each.key].location
  source_resource_id  = each.key
  topic_type          = "Microsoft.Storage.StorageAccounts"
  tags                = var.tags
}

# BlobCreated of findings.jsonl / assets.jsonl (and Prowler's *.ocsf.json / *.asff.json) below each
# source's container and prefix, delivered to the Event Grid function. A failed invocation is
# redelivered with Event Grid's backoff.
resource "azurerm_eventgrid_system_topic_event_subscription" "source" {
  provider            = azurerm.source
  for_each            = var.trigger_mode == "event_grid" && var.event_subscription_enabled ? var.sources : {}
  name                = "stance-sync-${each.key}"
  system_topic        = local.system_topics[each.value.storage_account_id].name
  resource_group_name = local.system_topics[each.value.storage_account_id].resource_group_name

  event_delivery_schema = "EventGridSchema"
  included_event_types  = ["Microsoft.Storage.BlobCreated"]

  azure_function_endpoint {
    function_id          = "${azurerm_linux_function_app.hub.id}/functions/StanceEventGridSync"
    max_events_per_batch = 1
  }

  subject_filter {
    subject_begins_with = "/blobServices/default/containers/${each.value.container_name}/blobs/${each.value.prefix == "" ? "" : "${trim(each.value.prefix, "/")}/"}"
    case_sensitive      = true
  }

  advanced_filter {
    string_ends_with {
      key    = "subject"
      values = ["/findings.jsonl", "/assets.jsonl", ".ocsf.json", ".asff.json"]
    }

    # Data Lake (CreateFile) and SFTP (SftpCreate) uploads first raise BlobCreated for a still
    # empty file; the FlushWithClose / SftpCommit that commits the content raises it again.
    string_not_in {
      key    = "data.api"
      values = ["CreateFile", "SftpCreate"]
    }
  }

  retry_policy {
    max_delivery_attempts = var.event_max_delivery_attempts
    event_time_to_live    = var.event_time_to_live_minutes
  }
}
