// ShipSec Runs, production shape: the Functions app (HTTP API, Durable orchestration, trace
// collector), Event Hubs for trace transport, Azure SignalR Service (serverless) for live updates,
// PostgreSQL for the trace store, Blob Storage for artifacts and the task hub, and monitoring.
targetScope = 'resourceGroup'

@description('Azure region for every resource.')
param location string = resourceGroup().location

@description('Short prefix for resource names (lowercase letters and digits).')
@minLength(2)
@maxLength(10)
param namePrefix string = 'shipsec'

@description('PostgreSQL administrator login.')
param postgresAdministratorLogin string = 'shipsecadmin'

@description('PostgreSQL administrator password.')
@secure()
@minLength(12)
param postgresAdministratorPassword string

@secure()
@description('API key callers send as x-functions-key (the app checks it; triggers are anonymous at the host so that a key or an Entra ID token both work).')
param apiKey string

@description('Client id of an Entra ID app registration whose bearer tokens may call the API instead of the key; empty disables Entra ID sign-in.')
param entraClientId string = ''

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

module signalR 'modules/signalr.bicep' = {
  name: 'signalr'
  params: {
    location: location
    name: '${namePrefix}-${suffix}'
    skuName: signalRSku
  }
}

module postgres 'modules/postgres.bicep' = {
  name: 'postgres'
  params: {
    location: location
    serverName: '${namePrefix}-${suffix}'
    administratorLogin: postgresAdministratorLogin
    administratorPassword: postgresAdministratorPassword
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
    signalRName: signalR.outputs.name
    postgresHost: postgres.outputs.fullyQualifiedDomainName
    postgresDatabase: postgres.outputs.databaseName
    postgresUser: postgresAdministratorLogin
    postgresPassword: postgresAdministratorPassword
    apiKey: apiKey
    entraClientId: entraClientId
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    principalId: functionApp.outputs.principalId
    storageAccountName: storage.outputs.name
    eventHubsNamespaceName: eventHubs.outputs.namespaceName
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
