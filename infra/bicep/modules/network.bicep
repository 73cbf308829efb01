// A virtual network so that PostgreSQL needs no public endpoint: the function app integrates with one
// subnet (Flex Consumption delegates it to Microsoft.App/environments) and the server is injected into
// another; the private DNS zone resolves the server's name inside the network. Replaces the firewall
// rule that admitted every Azure address.

@description('Azure region.')
param location string

@description('Prefix for resource names.')
param namePrefix string

@description('Address space of the network.')
param addressPrefix string = '10.40.0.0/16'

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: '${namePrefix}-vnet'
  location: location
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: 'app'
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 0)
          delegations: [
            {
              name: 'flex'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
      {
        name: 'postgres'
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 1)
          delegations: [
            {
              name: 'postgres'
              properties: {
                serviceName: 'Microsoft.DBforPostgreSQL/flexibleServers'
              }
            }
          ]
        }
      }
    ]
  }
}

resource postgresZone 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: '${namePrefix}.private.postgres.database.azure.com'
  location: 'global'
}

resource postgresZoneLink 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = {
  parent: postgresZone
  name: '${namePrefix}-vnet'
  location: 'global'
  properties: {
    registrationEnabled: false
    virtualNetwork: {
      id: vnet.id
    }
  }
}

@description('Subnet the function app integrates with.')
output appSubnetId string = vnet.properties.subnets[0].id

@description('Subnet PostgreSQL is injected into.')
output postgresSubnetId string = vnet.properties.subnets[1].id

@description('Private DNS zone resolving the server inside the network.')
output postgresDnsZoneId string = postgresZone.id
