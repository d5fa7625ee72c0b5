// APIM Triage bot on Azure: App Service (Linux, Node) + user-assigned managed identity + Azure Bot with the
// Microsoft Teams channel. By default the identity is both the bot's app id (msaAppType UserAssignedMSI, no
// secret) and the principal that reads the Log Analytics workspace (Log Analytics Reader). botAuth=SingleTenant
// uses an existing single-tenant app registration + secret for the bot instead; the identity still reads logs.
//
//   az deployment group create -g <rg> -f infra/main.bicep -p infra/main.parameters.json
//
// Deploy into the resource group that will hold the bot; the workspace and APIM may live in other groups.

targetScope = 'resourceGroup'

@description('Region for the App Service and the identity (the Azure Bot resource itself is global).')
param location string = resourceGroup().location

@description('Prefix for resource names.')
@minLength(3)
@maxLength(20)
param baseName string = 'apim-triage'

@description('Web app name; becomes <name>.azurewebsites.net, so it must be globally unique.')
param webAppName string = '${baseName}-${uniqueString(resourceGroup().id)}'

@description('Azure Bot handle; must be globally unique.')
param botName string = '${baseName}-bot-${uniqueString(resourceGroup().id)}'

@description('Name shown for the bot in the Azure portal (Teams shows the name from the app manifest).')
param botDisplayName string = 'APIM Triage'

@description('App Service plan SKU. Always On (needed so pinned cards keep refreshing) is not available on F1/D1.')
@allowed(['B1', 'B2', 'B3', 'S1', 'S2', 'P0v3', 'P1v3', 'P2v3'])
param appServicePlanSku string = 'B1'

@description('Linux runtime stack. Node 20 is the project baseline; NODE|22-lts also runs it.')
param linuxFxVersion string = 'NODE|20-lts'

@description('How the bot authenticates to the Bot Framework: the managed identity (no secret), or a single-tenant Entra app registration with a client secret.')
@allowed(['UserAssignedMSI', 'SingleTenant'])
param botAuth string = 'UserAssignedMSI'

@description('SingleTenant only: the app registration\'s Application (client) ID.')
param singleTenantAppId string = ''

@description('SingleTenant only: a client secret of that app registration.')
@secure()
param singleTenantAppPassword string = ''

@description('Azure Bot pricing tier. Teams is a standard channel, so F0 has no message limit for it.')
@allowed(['F0', 'S1'])
param botSku string = 'F0'

@description('Name of the EXISTING Log Analytics workspace that receives the APIM gateway logs.')
param workspaceName string

@description('Resource group of that workspace.')
param workspaceResourceGroup string = resourceGroup().name

@description('Subscription of that workspace.')
param workspaceSubscriptionId string = subscription().subscriptionId

@description('Entra tenant ids allowed to talk to the bot (comma-separated); the deployment tenant by default.')
param allowedTenants string = tenant().tenantId

@description('Also create the APIM diagnostic setting that sends GatewayLogs to the workspace (resource-specific tables).')
param configureApimDiagnostics bool = false

@description('Name of the EXISTING API Management instance (only used when configureApimDiagnostics is true).')
param apimName string = ''

@description('Resource group of the API Management instance.')
param apimResourceGroup string = resourceGroup().name

@description('Name of the diagnostic setting created on the API Management instance.')
param apimDiagnosticSettingName string = 'apim-triage-gateway-logs'

@description('Extra app settings (e.g. SCHEMA_OVERRIDE, QUERY_TIMEOUT_SECONDS); they win over the defaults below.')
param additionalAppSettings object = {}

param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${baseName}-identity'
  location: location
  tags: tags
}

// The managed identity always runs the Log Analytics queries; with botAuth=UserAssignedMSI it is also the bot's id.
var useMsi = botAuth == 'UserAssignedMSI'
var botAppId = useMsi ? identity.properties.clientId : singleTenantAppId
var msiAuthSettings = {
  MicrosoftAppType: 'UserAssignedMSI'
  MicrosoftAppId: identity.properties.clientId
  MicrosoftAppTenantId: identity.properties.tenantId
}
// Without MicrosoftAppTenantId a single-tenant bot asks the Bot Framework tenant for tokens: AADSTS700016.
var singleTenantAuthSettings = {
  MicrosoftAppType: 'SingleTenant'
  MicrosoftAppId: singleTenantAppId
  MicrosoftAppPassword: singleTenantAppPassword
  MicrosoftAppTenantId: tenant().tenantId
}
var botAuthSettings = useMsi ? msiAuthSettings : singleTenantAuthSettings

resource workspace 'Microsoft.OperationalInsights/workspaces@2022-10-01' existing = {
  name: workspaceName
  scope: resourceGroup(workspaceSubscriptionId, workspaceResourceGroup)
}

resource plan 'Microsoft.Web/serverfarms@2022-09-01' = {
  name: '${baseName}-plan'
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: appServicePlanSku
  }
  properties: {
    reserved: true // Linux
  }
}

resource site 'Microsoft.Web/sites@2022-09-01' = {
  name: webAppName
  location: location
  tags: tags
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    siteConfig: {
      linuxFxVersion: linuxFxVersion
      appCommandLine: 'node dist/src/server.js'
      alwaysOn: true
      healthCheckPath: '/healthz'
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
  }
}

var baseAppSettings = {
  NODE_ENV: 'production'
  ALLOWED_TENANTS: allowedTenants
  LOG_SOURCE: 'log-analytics'
  LOG_ANALYTICS_WORKSPACE_ID: workspace.properties.customerId
  // DefaultAzureCredential picks this user-assigned identity for the Log Analytics queries.
  AZURE_CLIENT_ID: identity.properties.clientId
  // /home survives restarts and redeployments (wwwroot is replaced on every deploy).
  STATE_DIR: '/home/data/apim-triage'
  // The zip deployed already holds dist/ and production node_modules: no build on the server.
  SCM_DO_BUILD_DURING_DEPLOYMENT: 'false'
}

// Separate config resource so the settings can be one object (the identity's ids are only known at deploy time).
resource appSettings 'Microsoft.Web/sites/config@2022-09-01' = {
  parent: site
  name: 'appsettings'
  properties: union(botAuthSettings, baseAppSettings, additionalAppSettings)
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: botName
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: {
    name: botSku
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${site.properties.defaultHostName}/api/messages'
    msaAppType: botAuth
    msaAppId: botAppId
    msaAppTenantId: tenant().tenantId
    msaAppMSIResourceId: useMsi ? identity.id : null
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

// Role assignments on a resource in another group need a module deployed to that group.
module workspaceReader 'modules/workspace-reader.bicep' = {
  name: '${baseName}-workspace-reader'
  scope: resourceGroup(workspaceSubscriptionId, workspaceResourceGroup)
  params: {
    workspaceName: workspaceName
    principalId: identity.properties.principalId
  }
}

module apimDiagnostics 'modules/apim-diagnostics.bicep' = if (configureApimDiagnostics) {
  name: '${baseName}-apim-diagnostics'
  scope: resourceGroup(apimResourceGroup)
  params: {
    apimName: apimName
    workspaceResourceId: workspace.id
    settingName: apimDiagnosticSettingName
  }
}

@description('Host for BOT_DOMAIN when building the Teams app package (npm run package).')
output botDomain string = site.properties.defaultHostName
@description('The bot app id (MicrosoftAppId for npm run package): the identity\'s client id, or the app registration\'s.')
output microsoftAppId string = botAppId
output microsoftAppTenantId string = tenant().tenantId
output identityClientId string = identity.properties.clientId
output messagingEndpoint string = 'https://${site.properties.defaultHostName}/api/messages'
output webAppName string = site.name
output botName string = bot.name
output identityPrincipalId string = identity.properties.principalId
output workspaceCustomerId string = workspace.properties.customerId
