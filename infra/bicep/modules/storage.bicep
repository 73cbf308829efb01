// The storage account behind AzureWebJobsStorage (the Durable task hub's queues, tables and leases,
// created by the extension under host.json's hubName), the artifacts container, and the container
// Flex Consumption deploys the app package from. Shared keys are off: everything uses the identity.

@description('Azure region.')
param location string

@description('Storage account name (3-24 lowercase letters and digits, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Blob container for run artifacts (Artifacts:Container).')
param artifactsContainerName string = 'artifacts'

@description('Blob container the function app package is deployed to.')
param deploymentContainerName string = 'app-package'

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: account
  name: 'default'
}

resource artifacts 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: artifactsContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource deployment 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

@description('Storage account name.')
output name string = account.name

@description('Blob service endpoint, such as https://<account>.blob.core.windows.net/.')
output blobEndpoint string = account.properties.primaryEndpoints.blob

@description('Artifacts container name.')
output artifactsContainerName string = artifacts.name

@description('Container the app package is deployed to.')
output deploymentContainerName string = deployment.name
