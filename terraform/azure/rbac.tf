locals {
  blob_actions = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs"

  # ABAC: reads of blob content, writes and creates are allowed only on write_patterns, deletes
  # only on delete_patterns; listing stays allowed (the path attribute does not apply to List
  # Blobs). The patterns follow the functions' operations (docs/permissions.json, held to them by
  # .ci/check-permissions-iac.py).
  # A record path is {prefix}/findings/{4 hex chars of md5(id)}/{account}/{id}.json. StringLike's
  # "*" also matches "/", so "findings/*/{account}/*" would let an id containing
  # "/{account}/" put blobs below another account's folder. "?" matches exactly one character
  # (https://learn.microsoft.com/en-us/azure/role-based-access-control/conditions-format#stringlike),
  # so "????" pins the account segment to the position after the four-character hash folder:
  # a blob in a four-character hash folder matches only when the next segment is the account.
  write_patterns = merge(
    # The hub's functions push any configured account: records and the accounts' state.
    { hub = ["${var.central_prefix}/findings/????/*", "${var.central_prefix}/assets/????/*", "${var.central_prefix}/_state/*", "${var.central_prefix}/_changes/*"] },
    {
      for k, w in var.spoke_writers : "spoke-${k}" => [
        "${var.central_prefix}/findings/????/${w.account_id}/*",
        "${var.central_prefix}/assets/????/${w.account_id}/*",
        "${var.central_prefix}/_state/${w.account_id}/*",
        "${var.central_prefix}/_changes/${w.account_id}/*",
      ]
    }
  )
  # Deletes: the resolve pass removes assets a snapshot no longer has, and a worker's push that
  # needed continuations removes its finished checkpoint.
  delete_patterns = merge(
    {
      hub = concat(
        var.resolve_missing ? ["${var.central_prefix}/assets/????/*"] : [],
        var.fan_out ? ["${var.central_prefix}/_state/*/resume/*"] : [],
      )
    },
    {
      for k, w in var.spoke_writers : "spoke-${k}" => w.resolve_missing ? ["${var.central_prefix}/assets/????/${w.account_id}/*"] : []
    }
  )

  central_condition = {
    for label, patterns in local.write_patterns : label => <<-EOT
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
        ${join("\n  OR\n  ", [for p in patterns : "@Resource[${local.blob_actions}:path] StringLike '${p}'"])}
       )
      )
      AND
      (
       (
        !(ActionMatches{'${local.blob_actions}/delete'})
       )
      %{if length(local.delete_patterns[label]) > 0}
       OR
       (
        ${join("\n  OR\n  ", [for p in local.delete_patterns[label] : "@Resource[${local.blob_actions}:path] StringLike '${p}'"])}
       )
      %{endif}
      )
    EOT
  }
}

# Hub function: read/write the records below the central prefix of the central container only.
resource "azurerm_role_assignment" "hub_central_writer" {
  scope                = azurerm_storage_container.central.id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = azurerm_linux_function_app.hub.identity[0].principal_id
  principal_type       = "ServicePrincipal"
  condition_version    = "2.0"
  condition            = local.central_condition["hub"]
  description          = "stance-sync hub: records under ${var.central_prefix}/ only"
}

# Hub function: read the scan files of each source container, nothing else.
resource "azurerm_role_assignment" "hub_source_reader" {
  for_each             = var.sources
  scope                = "${each.value.storage_account_id}/blobServices/default/containers/${each.value.container_name}"
  role_definition_name = "Storage Blob Data Reader"
  principal_id         = azurerm_linux_function_app.hub.identity[0].principal_id
  principal_type       = "ServicePrincipal"
  description          = "stance-sync hub: read scans of source ${each.key}"
}

# The blob-trigger alternative writes receipts and poison messages to the source account itself,
# which is why Microsoft documents these two roles for it (and why event_grid is the default).
resource "azurerm_role_assignment" "hub_blob_trigger_owner" {
  count                = var.trigger_mode == "blob" ? 1 : 0
  scope                = local.blob_source.storage_account_id
  role_definition_name = "Storage Blob Data Owner"
  principal_id         = azurerm_linux_function_app.hub.identity[0].principal_id
  principal_type       = "ServicePrincipal"
  description          = "stance-sync hub: blob trigger on the source account"
}

resource "azurerm_role_assignment" "hub_blob_trigger_queue" {
  count                = var.trigger_mode == "blob" ? 1 : 0
  scope                = local.blob_source.storage_account_id
  role_definition_name = "Storage Queue Data Contributor"
  principal_id         = azurerm_linux_function_app.hub.identity[0].principal_id
  principal_type       = "ServicePrincipal"
  description          = "stance-sync hub: blob trigger poison queue"
}

# Spoke deployments that push directly: their own account's record paths only.
resource "azurerm_role_assignment" "spoke_central_writer" {
  for_each             = var.spoke_writers
  scope                = azurerm_storage_container.central.id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = each.value.principal_id
  principal_type       = each.value.principal_type
  condition_version    = "2.0"
  condition            = local.central_condition["spoke-${each.key}"]
  description          = "stance-sync spoke ${each.key}: records of account ${each.value.account_id} only"
}
