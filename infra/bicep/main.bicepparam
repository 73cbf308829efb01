// Example parameters. The password comes from the environment so it never lands in the repository:
//   export SHIPSEC_POSTGRES_PASSWORD='<at least 12 characters>'
using 'main.bicep'

param namePrefix = 'shipsec'
param postgresAdministratorLogin = 'shipsecadmin'
param postgresAdministratorPassword = readEnvironmentVariable('SHIPSEC_POSTGRES_PASSWORD')
param eventHubPartitionCount = 4
param signalRSku = 'Standard_S1'
