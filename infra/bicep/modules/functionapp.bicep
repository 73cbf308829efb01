// The Functions app on Flex Consumption (FC1), .NET isolated worker, with a system-assigned identity
// that reaches storage and Event Hubs (see roles.bicep). Only PostgreSQL and SignalR take secrets:
// the app's Npgsql connection has no Entra token source, and the SignalR REST API signs with the
// connection string's AccessKey.

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

@description('SignalR Service name (serverless mode).')
param signalRName string

@description('PostgreSQL server host name.')
param postgresHost string

@description('PostgreSQL database name.')
param postgresDatabase string

@description('PostgreSQL login.')
param postgresUser string

@description('PostgreSQL password.')
@secure()
param postgresPassword string

@description('Schema holding the app\'s tables (Postgres:Schema).')
param postgresSchema string = 'shipsec'

@description('.NET version of the isolated worker.')
param dotnetVersion string = '10.0'

@description('Most instances Flex Consumption may scale out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory of each instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@secure()
@description('API key the app checks (x-functions-key or ?code=).')
param apiKey string

@description('Client id of the Entra ID app registration whose tokens App Service Authentication validates; empty: no Entra ID sign-in.')
param entraClientId string = ''

resource insights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource signalR 'Microsoft.SignalRService/signalR@2024-03-01' existing = {
  name: signalRName
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
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: insights.properties.ConnectionString
        }
        {
          name: 'ConnectionStrings__Postgres'
          value: 'Host=${postgresHost};Database=${postgresDatabase};Username=${postgresUser};Password=${postgresPassword};SSL Mode=Require'
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
          value: apiKey
        }
        {
          // Only behind App Service Authentication may the app trust the principal headers it sets.
          name: 'Access__TrustPlatformAuthentication'
          value: string(!empty(entraClientId))
        }
        {
          name: 'Realtime__AzureSignalR__ConnectionString'
          value: signalR.listKeys().primaryConnectionString
        }
      ]
    }
  }
}

// App Service Authentication validates Entra ID bearer tokens and sets the caller's principal headers;
// unauthenticated requests still reach the app, which then requires the API key (ApiAccessPolicy).
resource authentication 'Microsoft.Web/sites/config@2025-03-01' = if (!empty(entraClientId)) {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: entraClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            'api://${entraClientId}'
            entraClientId
          ]
        }
      }
    }
  }
}

@description('Function app name (for func azure functionapp publish).')
output name string = app.name

@description('HTTPS base address of the app.')
output url string = 'https://${app.properties.defaultHostName}'

@description('Object id of the app\'s system-assigned identity.')
output principalId string = app.identity.principalId
