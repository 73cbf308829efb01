// The Functions app on Flex Consumption (FC1), .NET isolated worker, with a system-assigned identity
// that reaches storage and Event Hubs by RBAC (roles.bicep) and PostgreSQL with Entra ID tokens
// (Postgres:EntraAuthentication). The two secrets it still needs, the API key and the SignalR connection
// string (its AccessKey signs client tokens), are Key Vault references: no secret value sits in app
// settings. One instance is always ready, so the trace collector it hosts runs while events wait
// (README: "Deploy to Azure").

@description('Azure region.')
param location string

@description('Prefix for resource names.')
param namePrefix string

@description('Function app name (globally unique: it becomes <name>.azurewebsites.net).')
param name string

@description('Storage account behind AzureWebJobsStorage and the artifacts container.')
param storageAccountName string

@description('Blob endpoint of that account.')
param blobEndpoint string

@description('Container holding run artifacts.')
param artifactsContainerName string

@description('Container Flex Consumption deploys the app package from.')
param deploymentContainerName string

@description('Application Insights component the app reports to.')
param applicationInsightsName string

@description('Event Hubs fully qualified namespace.')
param eventHubsFullyQualifiedNamespace string

@description('Trace event hub name.')
param eventHubName string

@description('Trace collector consumer group.')
param eventHubsConsumerGroup string

@description('PostgreSQL server host name.')
param postgresHost string

@description('PostgreSQL database name.')
param postgresDatabase string

@description('PostgreSQL role of the app\'s managed identity (created once by the Entra administrator; README).')
param postgresUser string

@description('Connections each instance may pool: maximumInstanceCount x this stays under the server\'s limit (README).')
@minValue(2)
param postgresMaxPoolSize int = 8

@description('Subnet the app integrates with (reaches PostgreSQL privately).')
param subnetId string

@description('Key Vault holding the secrets api-key and signalr-connection-string (referenced by name, latest version).')
param keyVaultName string

@description('Schema holding the app\'s tables (Postgres:Schema).')
param postgresSchema string = 'shipsec'

@description('.NET version of the isolated worker.')
param dotnetVersion string = '10.0'

@description('Most instances Flex Consumption may scale out to (with postgresMaxPoolSize, bounded by the PostgreSQL SKU).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of each instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Client id of the Entra ID app registration whose bearer tokens the app validates itself; empty: no Entra ID sign-in.')
param entraClientId string = ''

@description('OTLP endpoint of a collector the app exports its spans and metrics to as well as Application Insights (OTEL_EXPORTER_OTLP_ENDPOINT); empty: Application Insights only.')
param otlpEndpoint string = ''

resource insights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: '${namePrefix}-plan'
  location: location
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    virtualNetworkSubnetId: subnetId
    keyVaultReferenceIdentity: 'SystemAssigned'
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        // The trace collector is a hosted EventProcessor, which the scale controller cannot see: one
        // HTTP-group instance always ready keeps it reading while events wait (scale-to-zero would stop it).
        alwaysReady: [
          {
            name: 'http'
            instanceCount: 1
          }
        ]
      }
      runtime: {
        name: 'dotnet-isolated'
        version: dotnetVersion
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      // Flex Consumption takes the worker runtime from functionAppConfig.runtime and rejects
      // FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION as app settings.
      appSettings: [
        {
          name: 'AzureWebJobsStorage__accountName'
          value: storageAccountName
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          // The app's OpenTelemetry spans and metrics (runs, node attempts, trace ingest) go here, and with host.json's
          // telemetryMode OpenTelemetry the Functions host's own request spans too, in one trace (README, Observability).
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: insights.properties.ConnectionString
        }
        {
          name: 'OTEL_SERVICE_NAME'
          value: 'shipsec-functions'
        }
        {
          // An empty value exports nothing over OTLP.
          name: 'OTEL_EXPORTER_OTLP_ENDPOINT'
          value: otlpEndpoint
        }
        {
          name: 'ConnectionStrings__Postgres'
          // No password: Postgres:EntraAuthentication supplies the identity's access token.
          value: 'Host=${postgresHost};Database=${postgresDatabase};Username=${postgresUser};SSL Mode=Require;Maximum Pool Size=${postgresMaxPoolSize}'
        }
        {
          name: 'Postgres__EntraAuthentication'
          value: 'true'
        }
        {
          name: 'Postgres__Schema'
          value: postgresSchema
        }
        {
          name: 'Artifacts__ServiceUri'
          value: blobEndpoint
        }
        {
          name: 'Artifacts__Container'
          value: artifactsContainerName
        }
        {
          name: 'Trace__Transport'
          value: 'EventHubs'
        }
        {
          name: 'Trace__EventHubs__FullyQualifiedNamespace'
          value: eventHubsFullyQualifiedNamespace
        }
        {
          name: 'Trace__EventHubs__EventHubName'
          value: eventHubName
        }
        {
          name: 'Trace__EventHubs__ConsumerGroup'
          value: eventHubsConsumerGroup
        }
        {
          name: 'Realtime__Provider'
          value: 'AzureSignalR'
        }
        {
          name: 'Access__ApiKey'
          value: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=api-key)'
        }
        {
          // The app validates Entra ID bearer tokens itself (issuer, audience, signature, lifetime).
          name: 'Access__Entra__TenantId'
          value: empty(entraClientId) ? '' : tenant().tenantId
        }
        {
          name: 'Access__Entra__Audience'
          value: empty(entraClientId) ? '' : 'api://${entraClientId}'
        }
        {
          name: 'Realtime__AzureSignalR__ConnectionString'
          value: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=signalr-connection-string)'
        }
      ]
    }
  }
}

@description('Function app name (for func azure functionapp publish).')
output name string = app.name

@description('HTTPS base address of the app.')
output url string = 'https://${app.properties.defaultHostName}'

@description('Object id of the app\'s system-assigned identity.')
output principalId string = app.identity.principalId

@description('Resource id of the app.')
output id string = app.id
