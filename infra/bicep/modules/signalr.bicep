// Azure SignalR Service in Serverless mode: the app sends through the service's REST API and
// negotiate hands clients a URL and token; clients only receive.

@description('Azure region.')
param location string

@description('SignalR Service name (globally unique).')
param name string

@description('Pricing tier: Free_F1 for trials, Standard_S1 for production.')
@allowed([
  'Free_F1'
  'Standard_S1'
  'Premium_P1'
])
param skuName string = 'Standard_S1'

@description('Units of the tier (Free_F1 allows 1).')
param capacity int = 1

@description('Origins allowed to connect from a browser: the dashboard\'s.')
param allowedOrigins string[]

@description('Key Vault receiving the connection string as secret signalr-connection-string.')
param keyVaultName string

resource signalR 'Microsoft.SignalRService/signalR@2024-03-01' = {
  name: name
  location: location
  kind: 'SignalR'
  sku: {
    name: skuName
    capacity: capacity
  }
  properties: {
    features: [
      {
        flag: 'ServiceMode'
        value: 'Serverless'
      }
      {
        flag: 'EnableConnectivityLogs'
        value: 'True'
      }
    ]
    cors: {
      allowedOrigins: allowedOrigins
    }
    tls: {
      clientCertEnabled: false
    }
  }
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

// The app reads it through a Key Vault reference; its AccessKey signs REST calls and client tokens.
resource connectionString 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: 'signalr-connection-string'
  properties: {
    value: signalR.listKeys().primaryConnectionString
  }
}

@description('SignalR Service name.')
output name string = signalR.name

@description('Host name, such as <name>.service.signalr.net.')
output hostName string = signalR.properties.hostName
