// The dashboard as an Azure Static Web App whose /api is the function app (a linked backend): the
// dashboard calls the API on its own origin, so the API needs no CORS; only the SignalR Service, which
// the browser reaches directly with the URL and token negotiate returns, allows the dashboard's origin.
// The built files (src/Dashboard/dist) are uploaded with the site's deployment token (README).

@description('Azure region (Static Web Apps run in a few: westus2, centralus, eastus2, westeurope, eastasia).')
param location string

@description('Static Web App name.')
param name string

@description('Resource id of the function app serving /api.')
param functionAppId string

@description('Region of the function app.')
param functionAppLocation string

resource site 'Microsoft.Web/staticSites@2024-11-01' = {
  name: name
  location: location
  sku: {
    // Linked backends need the Standard plan.
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    allowConfigFileUpdates: true
    stagingEnvironmentPolicy: 'Disabled'
  }
}

resource backend 'Microsoft.Web/staticSites/linkedBackends@2024-11-01' = {
  parent: site
  name: 'api'
  properties: {
    backendResourceId: functionAppId
    region: functionAppLocation
  }
}

@description('HTTPS origin of the dashboard.')
output origin string = 'https://${site.properties.defaultHostname}'

@description('Static Web App name (for the deployment token).')
output name string = site.name
