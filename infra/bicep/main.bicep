// ShipSec Runs, production shape: the Functions app (HTTP API, Durable orchestration, trace
// collector), Event Hubs for trace transport, Azure SignalR Service (serverless) for live updates,
// PostgreSQL for the trace store (private, Entra ID sign-in), Blob Storage for artifacts and the task
// hub, Key Vault for the two secrets, the dashboard as a Static Web App, and monitoring.
targetScope = 'resourceGroup'

@description('Azure region for every resource.')
param location string = resourceGroup().location

@description('Short prefix for resource names (lowercase letters and digits).')
@minLength(2)
@maxLength(10)
param namePrefix string = 'shipsec'

@description('PostgreSQL administrator login.')
param postgresAdministratorLogin string = 'shipsecadmin'

@description('PostgreSQL administrator password (break-glass only: the app signs in with its managed identity).')
@secure()
@minLength(12)
param postgresAdministratorPassword string

@description('Object id of the Entra ID user or group that administers PostgreSQL and creates the app\'s role; empty: add one later.')
param postgresEntraAdministratorObjectId string = ''

@description('Name (user principal name or group name) of that administrator.')
param postgresEntraAdministratorName string = ''

@description('PostgreSQL role of the app\'s managed identity (README: created once with pgaadauth_create_principal).')
param postgresAppRole string = 'shipsec_app'

@description('Region of the dashboard Static Web App (a region that offers Static Web Apps).')
param dashboardLocation string = 'westeurope'

@secure()
@description('API key callers send as x-functions-key (the app checks it; triggers are anonymous at the host so that a key or an Entra ID token both work).')
param apiKey string

@description('Client id of an Entra ID app registration whose bearer tokens may call the API instead of the key; empty disables Entra ID sign-in.')
param entraClientId string = ''

@description('OTLP endpoint of an OpenTelemetry collector the app exports to besides Application Insights; empty: Application Insights only.')
param otlpEndpoint string = ''

@description('Partitions of the trace event hub.')
@minValue(1)
@maxValue(32)
param eventHubPartitionCount int = 4

@description('SignalR Service tier.')
@allowed([
  'Free_F1'
  'Standard_S1'
  'Premium_P1'
])
param signalRSku string = 'Standard_S1'

// Globally unique names stay stable across redeployments of the same resource group.
var suffix = uniqueString(resourceGroup().id)

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    namePrefix: namePrefix
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    name: take('${namePrefix}${suffix}', 24)
  }
}

module eventHubs 'modules/eventhubs.bicep' = {
  name: 'eventhubs'
  params: {
    location: location
    namespaceName: '${namePrefix}-${suffix}'
    partitionCount: eventHubPartitionCount
  }
}

module network 'modules/network.bicep' = {
  name: 'network'
  params: {
    location: location
    namePrefix: namePrefix
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    name: take('${namePrefix}-${suffix}', 24)
    apiKey: apiKey
  }
}

module postgres 'modules/postgres.bicep' = {
  name: 'postgres'
  params: {
    location: location
    serverName: '${namePrefix}-${suffix}'
    administratorLogin: postgresAdministratorLogin
    administratorPassword: postgresAdministratorPassword
    subnetId: network.outputs.postgresSubnetId
    privateDnsZoneId: network.outputs.postgresDnsZoneId
    entraAdministratorObjectId: postgresEntraAdministratorObjectId
    entraAdministratorName: postgresEntraAdministratorName
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    location: location
    namePrefix: namePrefix
    name: '${namePrefix}-${suffix}'
    storageAccountName: storage.outputs.name
    blobEndpoint: storage.outputs.blobEndpoint
    artifactsContainerName: storage.outputs.artifactsContainerName
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    eventHubsFullyQualifiedNamespace: eventHubs.outputs.fullyQualifiedNamespace
    eventHubName: eventHubs.outputs.eventHubName
    eventHubsConsumerGroup: eventHubs.outputs.consumerGroupName
    postgresHost: postgres.outputs.fullyQualifiedDomainName
    postgresDatabase: postgres.outputs.databaseName
    postgresUser: postgresAppRole
    subnetId: network.outputs.appSubnetId
    keyVaultName: keyVault.outputs.name
    entraClientId: entraClientId
    otlpEndpoint: otlpEndpoint
  }
}

module dashboard 'modules/dashboard.bicep' = {
  name: 'dashboard'
  params: {
    location: dashboardLocation
    name: '${namePrefix}-${suffix}'
    functionAppId: functionApp.outputs.id
    functionAppLocation: location
  }
}

// After the dashboard: the service admits the browser's origin, and writes its connection string to Key Vault.
module signalR 'modules/signalr.bicep' = {
  name: 'signalr'
  params: {
    location: location
    name: '${namePrefix}-${suffix}'
    skuName: signalRSku
    allowedOrigins: [
      dashboard.outputs.origin
    ]
    keyVaultName: keyVault.outputs.name
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    principalId: functionApp.outputs.principalId
    storageAccountName: storage.outputs.name
    eventHubsNamespaceName: eventHubs.outputs.namespaceName
    keyVaultName: keyVault.outputs.name
  }
}

@description('Function app name, for `func azure functionapp publish`.')
output functionAppName string = functionApp.outputs.name

@description('HTTPS base address of the API (routes under /api).')
output functionAppUrl string = functionApp.outputs.url

@description('Event Hubs namespace, as Trace:EventHubs:FullyQualifiedNamespace.')
output eventHubsNamespaceFqdn string = eventHubs.outputs.fullyQualifiedNamespace

@description('SignalR Service host name.')
output signalRHostName string = signalR.outputs.hostName

@description('PostgreSQL server FQDN.')
output postgresFqdn string = postgres.outputs.fullyQualifiedDomainName

@description('Storage account holding the task hub and artifacts.')
output storageAccountName string = storage.outputs.name

@description('HTTPS origin of the dashboard (its /api is the function app).')
output dashboardUrl string = dashboard.outputs.origin

@description('Static Web App name, for its deployment token.')
output dashboardName string = dashboard.outputs.name

@description('Key Vault holding the API key and the SignalR connection string.')
output keyVaultName string = keyVault.outputs.name
