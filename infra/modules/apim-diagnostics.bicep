// Sends API Management GatewayLogs to a Log Analytics workspace in resource-specific mode
// (table ApiManagementGatewayLogs), deployed into the API Management instance's resource group.

@description('Name of the existing API Management instance in this resource group.')
param apimName string

@description('Full resource id of the destination Log Analytics workspace.')
param workspaceResourceId string

@description('Name of the diagnostic setting.')
param settingName string

resource apim 'Microsoft.ApiManagement/service@2022-08-01' existing = {
  name: apimName
}

resource gatewayLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: settingName
  scope: apim
  properties: {
    workspaceId: workspaceResourceId
    // 'Dedicated' = resource-specific tables; without it the logs land in the shared AzureDiagnostics table.
    logAnalyticsDestinationType: 'Dedicated'
    logs: [
      {
        category: 'GatewayLogs'
        enabled: true
      }
    ]
  }
}
