// Event Hubs carries trace events from activities to the collector; partition key = runId keeps one
// run's events in order on one partition. Local (SAS) auth is off: the app uses its identity.

@description('Azure region.')
param location string

@description('Event Hubs namespace name (globally unique).')
param namespaceName string

@description('Event hub carrying trace events (Trace:EventHubs:EventHubName).')
param eventHubName string = 'trace'

@description('Partitions of the trace hub: the collector runs at most one reader per partition.')
@minValue(1)
@maxValue(32)
param partitionCount int = 4

@description('Consumer group the trace collector reads with (Trace:EventHubs:ConsumerGroup).')
param consumerGroupName string = 'collector'

@description('Throughput units of the Standard namespace.')
@minValue(1)
@maxValue(40)
param capacity int = 1

resource namespace 'Microsoft.EventHub/namespaces@2026-01-01' = {
  name: namespaceName
  location: location
  sku: {
    name: 'Standard'
    tier: 'Standard'
    capacity: capacity
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

resource hub 'Microsoft.EventHub/namespaces/eventhubs@2026-01-01' = {
  parent: namespace
  name: eventHubName
  properties: {
    partitionCount: partitionCount
    // A week of backlog: the collector may be down (a failed start, a bad deployment) for days without
    // losing an acknowledged event (Standard allows at most 7).
    messageRetentionInDays: 7
  }
}

resource consumerGroup 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2026-01-01' = {
  parent: hub
  name: consumerGroupName
}

@description('Namespace name.')
output namespaceName string = namespace.name

@description('Fully qualified namespace, such as <name>.servicebus.windows.net.')
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '//')[1], ':')[0]

@description('Trace event hub name.')
output eventHubName string = hub.name

@description('Collector consumer group name.')
output consumerGroupName string = consumerGroup.name
