// Grants a principal "Log Analytics Reader" on one workspace (deployed into the workspace's resource group).

@description('Name of the existing Log Analytics workspace in this resource group.')
param workspaceName string

@description('Object (principal) id of the managed identity that runs the queries.')
param principalId string

// Built-in role "Log Analytics Reader": read all monitoring data and run queries.
var logAnalyticsReaderRoleId = '73c42c96-874c-492b-b04d-ab87d138a893'

resource workspace 'Microsoft.OperationalInsights/workspaces@2022-10-01' existing = {
  name: workspaceName
}

resource readerAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  // Deterministic name: re-deploying updates the same assignment instead of failing with a conflict.
  name: guid(workspace.id, principalId, logAnalyticsReaderRoleId)
  scope: workspace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', logAnalyticsReaderRoleId)
    principalId: principalId
    // Set explicitly so a just-created identity does not fail on directory replication delay.
    principalType: 'ServicePrincipal'
  }
}

output roleAssignmentId string = readerAssignment.id
