// Data-plane roles for the function app's identity: the host and Durable task hub on storage
// (blobs, queues, tables), the artifact store (blobs), and trace events on Event Hubs (send from
// activities, receive in the collector).

@description('Object id of the identity the roles are granted to.')
param principalId string

@description('Storage account the identity reads and writes.')
param storageAccountName string

@description('Event Hubs namespace the identity sends to and receives from.')
param eventHubsNamespaceName string

@description('Key Vault whose secrets the identity resolves (Key Vault references in app settings).')
param keyVaultName string

// Built-in role definition ids (the same in every Azure cloud).
var storageRoles = {
  blobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}
var eventHubsRoles = {
  dataSender: '2b629674-e913-4c01-ae53-ef4638d8f975'
  dataReceiver: 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde'
}

// Key Vault Secrets User: read secret values, nothing else.
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource vaultAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource eventHubs 'Microsoft.EventHub/namespaces@2026-01-01' existing = {
  name: eventHubsNamespaceName
}

resource storageAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in items(storageRoles): {
    name: guid(storage.id, principalId, role.value)
    scope: storage
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value)
    }
  }
]

resource eventHubsAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in items(eventHubsRoles): {
    name: guid(eventHubs.id, principalId, role.value)
    scope: eventHubs
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value)
    }
  }
]
