// Wire contracts of the ShipSec Runs API, mirroring the C# records serialised with ShipSecJson.Options
// (camelCase, enums as their wire names, nulls omitted). Kept honest by fixtures generated from the C#
// records (tests/LocalHost.Tests/Contracts) and checked in contracts.check.ts (tsc) and contracts.test.ts.

/** TraceEventType (src/Shared/Trace/TraceEvent.cs). */
export const traceEventTypes = [
  'NODE_STARTED',
  'NODE_LOG',
  'NODE_PROGRESS',
  'NODE_ARTIFACT',
  'NODE_COMPLETED',
  'NODE_FAILED',
  'NODE_SKIPPED',
  'WORKFLOW_STATUS',
] as const;
export type TraceEventType = (typeof traceEventTypes)[number];

/** TraceEventLevel. */
export const traceEventLevels = ['debug', 'info', 'warn', 'error'] as const;
export type TraceEventLevel = (typeof traceEventLevels)[number];

/** RunStatus (src/Shared/Runs/RunContracts.cs). */
export const runStatuses = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof runStatuses)[number];

/** NodeStatus (src/Shared/Runs/RunContracts.cs). */
export const nodeStatuses = ['idle', 'running', 'retrying', 'completed', 'failed', 'skipped'] as const;
export type NodeStatus = (typeof nodeStatuses)[number];

/** Any JSON value (System.Text.Json.JsonElement). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** TraceError: why a node attempt or a run failed. */
export interface TraceError {
  message: string;
  /** exception, timeout, exit-code, upstream-failed, cancelled. */
  kind: string;
  willRetry: boolean;
}

/** TraceProgress: current of total. */
export interface TraceProgress {
  current: number;
  total: number;
}

/** ArtifactReference (src/Shared/Artifacts/ArtifactContracts.cs). */
export interface ArtifactReference {
  artifactId: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  container: string;
  blobName: string;
}

/** TraceEvent: one entry of a run's append-only trace. */
export interface TraceEvent {
  id: string;
  runId: string;
  nodeId?: string;
  attempt: number;
  type: TraceEventType;
  level: TraceEventLevel;
  /** ISO 8601 with offset. */
  timestamp: string;
  sequence: number;
  message?: string;
  error?: TraceError;
  progress?: TraceProgress;
  artifact?: ArtifactReference;
  outputSummary?: JsonValue;
  status?: RunStatus;
}

/** RunFailure. */
export interface RunFailure {
  nodeId: string;
  message: string;
}

/** RunProgress: node counters. */
export interface RunProgress {
  nodesTotal: number;
  nodesCompleted: number;
  nodesFailed: number;
  nodesRunning: number;
}

/** RunSummary: GET /api/workflows/runs/{runId}/status. */
export interface RunSummary {
  runId: string;
  workflowId: string;
  status: RunStatus;
  createdAt: string;
  startedAt?: string;
  updatedAt: string;
  completedAt?: string;
  failure?: RunFailure;
  progress: RunProgress;
}

/** RetryPolicy (src/Shared/Dsl/WorkflowDefinition.cs). */
export interface RetryPolicy {
  maxAttempts: number;
  backoffSeconds: number;
  backoffCoefficient: number;
  maxBackoffSeconds: number;
}

/** NodeDefinition. */
export interface NodeDefinition {
  id: string;
  component: string;
  inputs: { [name: string]: JsonValue };
  dependsOn: string[];
  retry?: RetryPolicy;
  timeoutSeconds?: number;
}

/** WorkflowDefinition. */
export interface WorkflowDefinition {
  id: string;
  name: string;
  description?: string;
  nodes: NodeDefinition[];
}

// Responses built from anonymous objects in src/Functions/Http (no C# record to generate fixtures from).

/** GET /api/workflows/{workflowId}. */
export interface WorkflowDescription {
  id: string;
  name: string;
  version: number;
  createdAt: string;
  nodeCount: number;
  definition: WorkflowDefinition;
  runsUrl: string;
}

/** POST /api/workflows/{workflowId}/runs (202). */
export interface StartedRun {
  runId: string;
  workflowId: string;
  workflowVersion: number;
  status: RunStatus;
  statusUrl: string;
  traceUrl: string;
  cancelUrl: string;
}

/** GET /api/workflows/runs/{runId}/trace. */
export interface TracePage {
  runId: string;
  events: TraceEvent[];
  nextCursor: number;
  hasMore: boolean;
  next: string;
}

/** GET /api/workflows/runs. */
export interface RunList {
  runs: RunSummary[];
}

/** POST /api/negotiate (realtime contract). */
export interface NegotiateResponse {
  url: string;
  accessToken: string;
  /** The runs the token may follow; ["*"] for every run. */
  runIds: string[];
}

/** SignalR target `traceEvents`. */
export interface TraceEventsMessage {
  runId: string;
  events: TraceEvent[];
}

/** RFC 7807 problem details the API answers errors with. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
}
