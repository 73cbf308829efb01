// PostgreSQL Flexible Server holding the trace, runs and workflows (schema Postgres:Schema), injected
// into a delegated subnet (no public endpoint) and accepting Entra ID tokens: the function app signs in
// with its managed identity as a role of its own (README: "Deploy to Azure"), never as the administrator.

@description('Azure region.')
param location string

@description('Server name (globally unique).')
param serverName string

@description('Database the app uses.')
param databaseName string = 'shipsec'

@description('Administrator login.')
param administratorLogin string

@description('Administrator password.')
@secure()
@minLength(12)
param administratorPassword string

@description('PostgreSQL major version.')
param version string = '16'

@description('Compute size. Standard_B2s allows 429 connections (15 reserved): room for 40 instances x 8 pooled connections (README).')
param skuName string = 'Standard_B2s'

@description('Compute tier matching skuName.')
@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param skuTier string = 'Burstable'

@description('Storage size in GiB.')
param storageSizeGB int = 32

@description('Delegated subnet the server is injected into.')
param subnetId string

@description('Private DNS zone resolving the server inside the network.')
param privateDnsZoneId string

@description('Object id of the Entra ID user or group administering the server (creates the app\'s role); empty: none yet.')
param entraAdministratorObjectId string = ''

@description('Display name (user principal name or group name) of that administrator.')
param entraAdministratorName string = ''

@description('Kind of that administrator.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param entraAdministratorType string = 'User'

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2025-08-01' = {
  name: serverName
  location: location
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: version
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorPassword
    storage: {
      storageSizeGB: storageSizeGB
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    network: {
      publicNetworkAccess: 'Disabled'
      delegatedSubnetResourceId: subnetId
      privateDnsZoneArmResourceId: privateDnsZoneId
    }
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      // The password administrator remains for break-glass and the first migration; the app never uses it.
      passwordAuth: 'Enabled'
      tenantId: tenant().tenantId
    }
  }
}

resource entraAdministrator 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2025-08-01' = if (!empty(entraAdministratorObjectId)) {
  parent: server
  name: empty(entraAdministratorObjectId) ? 'none' : entraAdministratorObjectId
  properties: {
    principalName: entraAdministratorName
    principalType: entraAdministratorType
    tenantId: tenant().tenantId
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2025-08-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

@description('Server name.')
output serverName string = server.name

@description('Fully qualified domain name of the server.')
output fullyQualifiedDomainName string = server.properties.fullyQualifiedDomainName

@description('Database name.')
output databaseName string = database.name
