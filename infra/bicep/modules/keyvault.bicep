// Key Vault holding the secrets the app cannot do without: the API key it checks, and the SignalR
// connection string whose AccessKey signs client tokens (written by signalr.bicep, which is deployed
// after the dashboard whose origin it allows). App settings hold Key Vault references, resolved by the platform with the app's identity, so no
// secret value appears in the site's configuration.

@description('Azure region.')
param location string

@description('Key Vault name (3-24 characters, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@secure()
@description('API key the app checks.')
param apiKey string

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    enablePurgeProtection: true
  }
}

resource apiKeySecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: 'api-key'
  properties: {
    value: apiKey
  }
}

@description('Key Vault name.')
output name string = vault.name

@description('Name of the API key secret.')
output apiKeySecretName string = apiKeySecret.name
