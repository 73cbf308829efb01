// Example parameters. The password comes from the environment so it never lands in the repository:
//   export SHIPSEC_POSTGRES_PASSWORD='<at least 12 characters>'
//   export SHIPSEC_API_KEY="$(openssl rand -hex 32)"
//   export SHIPSEC_ENTRA_CLIENT_ID='<app registration client id>'   # optional: Entra ID tokens as well as the key
//   export SHIPSEC_PG_ENTRA_ADMIN_ID / SHIPSEC_PG_ENTRA_ADMIN_NAME     # who creates the app's PostgreSQL role (README)
using 'main.bicep'

param namePrefix = 'shipsec'
param postgresAdministratorLogin = 'shipsecadmin'
param postgresAdministratorPassword = readEnvironmentVariable('SHIPSEC_POSTGRES_PASSWORD')
param apiKey = readEnvironmentVariable('SHIPSEC_API_KEY')
param entraClientId = readEnvironmentVariable('SHIPSEC_ENTRA_CLIENT_ID', '')
param postgresEntraAdministratorObjectId = readEnvironmentVariable('SHIPSEC_PG_ENTRA_ADMIN_ID', '')
param postgresEntraAdministratorName = readEnvironmentVariable('SHIPSEC_PG_ENTRA_ADMIN_NAME', '')
param eventHubPartitionCount = 4
param signalRSku = 'Standard_S1'
