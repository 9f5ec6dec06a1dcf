output "function_app_name" {
  description = "Function app to deploy to (mvn azure-functions:deploy -DfunctionAppName=...)."
  value       = azurerm_linux_function_app.hub.name
}

output "function_app_principal_id" {
  description = "Object id of the function app's system-assigned identity."
  value       = azurerm_linux_function_app.hub.identity[0].principal_id
}

output "central_uri" {
  description = "STANCE_CENTRAL_URI of the deployment (https://{account}.blob.core.windows.net/{container})."
  value       = local.central_uri
}

output "central_storage_account_id" {
  description = "Resource id of the central storage account."
  value       = azurerm_storage_account.central.id
}

output "central_container_id" {
  description = "Resource id of the central container (scope of the writers' role assignments)."
  value       = azurerm_storage_container.central.id
}

output "stance_sources" {
  description = "STANCE_SOURCES as configured on the function app."
  value       = local.stance_sources
}

output "event_grid_system_topic_ids" {
  description = "Event Grid system topics the module created, by source storage account id (existing_system_topics are not repeated)."
  value       = { for k, t in azurerm_eventgrid_system_topic.source : k => t.id }
}

output "application_insights_name" {
  description = "Application Insights component that receives the functions' structured log lines."
  value       = azurerm_application_insights.hub.name
}
