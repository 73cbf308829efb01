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
  'NODE_FINDING',
  'RUN_ALERT',
  'NODE_AWAITING_INPUT',
] as const;
export type TraceEventType = (typeof traceEventTypes)[number];

/** TraceEventLevel. */
export const traceEventLevels = ['debug', 'info', 'warn', 'error'] as const;
export type TraceEventLevel = (typeof traceEventLevels)[number];

/** RunStatus (src/Shared/Runs/RunContracts.cs). */
export const runStatuses = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof runStatuses)[number];

/** NodeStatus (src/Shared/Runs/RunContracts.cs). */
export const nodeStatuses = ['idle', 'running', 'retrying', 'completed', 'failed', 'skipped', 'cancelled', 'waiting'] as const;
export type NodeStatus = (typeof nodeStatuses)[number];

/** FindingSeverity (src/Shared/Trace/Finding.cs), least severe first. */
export const findingSeverities = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type FindingSeverity = (typeof findingSeverities)[number];

/** RunTriggerKind (src/Shared/Runs/RunContracts.cs): what started a run. */
export const runTriggerKinds = ['api', 'rerun', 'schedule'] as const;
export type RunTriggerKind = (typeof runTriggerKinds)[number];

/** RunTrigger: {kind: "api"}, {kind: "rerun", parentRunId} or {kind: "schedule", scheduleId}. */
export interface RunTrigger {
  kind: RunTriggerKind;
  parentRunId?: string;
  scheduleId?: string;
}

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

/** FindingAsset: where a finding is. */
export interface FindingAsset {
  host: string;
  port?: number;
  protocol?: string;
  url?: string;
}

/** Finding: the payload of NODE_FINDING (fingerprint computed by the platform from rule id and asset). */
export interface Finding {
  fingerprint: string;
  ruleId: string;
  title: string;
  severity: FindingSeverity;
  asset: FindingAsset;
  evidence?: string;
  details?: JsonValue;
}

/** RunFinding: a finding as a run recorded it (GET …/findings, RunState.findings). */
export interface RunFinding extends Finding {
  nodeId: string;
  attempt: number;
  sequence: number;
  timestamp: string;
}

/** FindingCounts: distinct findings by severity. */
export interface FindingCounts {
  info: number;
  low: number;
  medium: number;
  high: number;
  critical: number;
  total: number;
}

/** GET /api/workflows/runs/{runId}/findings. */
export interface RunFindingsResponse {
  runId: string;
  findings: RunFinding[];
  counts: FindingCounts;
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
  finding?: Finding;
  /** NODE_STARTED: the inputs the attempt received (references resolved, secrets masked; large values `{"$blob": ArtifactReference}`). */
  inputs?: JsonValue;
  /** NODE_LOG of process output: its stream, and the raw line (ANSI sequences included) when it differs from `message`. */
  output?: TraceOutput;
  /** W3C trace id of the span that emitted the event (the run's trace). */
  traceId?: string;
  /** W3C span id of the span that emitted the event (a node attempt's, or the run's). */
  spanId?: string;
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
  /** Nodes waiting for a decision (approval steps). */
  nodesWaiting: number;
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
  /** The workflow version the run executes (replay contract; optional until every server sends it). */
  workflowVersion: number;
  /** The workflow input values it started with, secret ones masked as "***". */
  inputs?: { [name: string]: JsonValue };
  /** Distinct findings so far, by severity. */
  findings: FindingCounts;
  /** What started the run. */
  trigger: RunTrigger;
  /** The run this one re-runs (same as trigger.parentRunId). */
  parentRunId?: string;
  /** Once the run completed with a baseline: that run and how the findings moved against it. */
  baseline?: RunBaseline;
}

/** RunBaseline: the run a completed run was compared with, and how its findings moved. */
export interface RunBaseline {
  runId: string;
  /** Fingerprints this run reported that the baseline did not ("new"). */
  findingsAdded: number;
  /** Fingerprints the baseline reported that this run did not. */
  findingsResolved: number;
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

/** WorkflowInputType (src/Shared/Dsl/WorkflowInputs.cs). */
export const workflowInputTypes = ['string', 'integer', 'boolean', 'string[]', 'host', 'ports'] as const;
export type WorkflowInputType = (typeof workflowInputTypes)[number];

/** WorkflowInputDefinition: a declared input, given when a run starts. */
export interface WorkflowInputDefinition {
  type: WorkflowInputType;
  required: boolean;
  default?: JsonValue;
  description?: string;
  secret: boolean;
}

/** WorkflowDefinition. */
export interface WorkflowDefinition {
  id: string;
  name: string;
  description?: string;
  inputs: { [name: string]: WorkflowInputDefinition };
  nodes: NodeDefinition[];
  alerts: AlertRule[];
}

/** AlertRule: a webhook told when a run ends with new findings (against its baseline) or failed. */
export interface AlertRule {
  on: 'new-findings' | 'run-failed';
  minSeverity?: FindingSeverity;
  webhook: { url: string; secret?: JsonValue };
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
  /** Set on a re-run: the run it re-runs. */
  parentRunId?: string;
  /** Set on a re-run: how many nodes it takes from its parent instead of executing them. */
  reusedNodes?: number;
}

/** Body of POST /api/workflows/runs/{runId}/rerun: nothing (run it all again), a node to resume from, or from: failed. */
export type RerunRequest = Record<string, never> | { fromNode: string } | { from: 'failed' };

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

// Replay, state and diff (REPLAY-CONTRACT.md), checked against fixtures/replay.json.


/** One node of GET /api/workflows/runs/{runId}/state. */
export interface RunStateNode {
  nodeId: string;
  status: NodeStatus;
  attempt: number;
  progress?: TraceProgress;
  lastMessage?: string;
  outputSummary?: JsonValue;
  error?: TraceError;
  artifacts: ArtifactReference[];
  startedAt?: string;
  completedAt?: string;
  durationMs?: number;
  logCount: number;
  findingCount: number;
  highestSeverity?: FindingSeverity;
  /** How many times the latest attempt started, when more than once (its activity was redelivered). */
  deliveries?: number;
}

/** GET /api/workflows/runs/{runId}/state?at= | ?sequence=: the folded run at one moment. */
export interface RunState {
  runId: string;
  workflowId: string;
  /** The last event folded in (0 = nothing yet). */
  sequence: number;
  at: string;
  status: RunStatus;
  failure?: RunFailure;
  nodes: RunStateNode[];
  progress: RunProgress;
  /** Findings known at that moment (latest report per fingerprint). */
  findings: RunFinding[];
  findingCounts: FindingCounts;
}

/** How a node differs between run A (before) and run B (after). */
export const nodeChanges = ['unchanged', 'changed', 'added', 'removed'] as const;
export type NodeChange = (typeof nodeChanges)[number];

/** A value in run A and in run B; a side is absent when the node or value does not exist there. */
export interface BeforeAfter<T> {
  before?: T;
  after?: T;
}

/** An artifact whose SHA-256 differs (a side is absent when the artifact exists in one run only). */
export interface ArtifactChange {
  name: string;
  before?: string;
  after?: string;
}

/** The first event of a node whose (type, message with volatile tokens masked) differs. */
export interface FirstDivergence {
  index: number;
  before?: string;
  after?: string;
}

/** A node's log lines in both runs: detail only, never what makes a node changed. */
export interface LogsDiff {
  /** NODE_LOG events of the node in run A (before). */
  a: number;
  /** …and in run B (after). */
  b: number;
  firstDivergence?: FirstDivergence;
}

/** How many of a node's findings were added, resolved and changed (RunDiff.findings lists them). */
export interface NodeFindingsChange {
  added: number;
  resolved: number;
  changed: number;
}

export interface NodeDiff {
  nodeId: string;
  change: NodeChange;
  status?: BeforeAfter<NodeStatus>;
  outputSummary?: BeforeAfter<JsonValue>;
  attempts?: BeforeAfter<number>;
  /** Only when the difference exceeds max(250 ms, 50%). */
  durationMs?: BeforeAfter<number>;
  /** Only the differing artifacts. */
  artifacts?: ArtifactChange[];
  /** Only when the node's findings differ. */
  findings?: NodeFindingsChange;
  logs: LogsDiff;
}

/** A finding both runs reported, with a different severity or evidence. */
export interface FindingChange {
  fingerprint: string;
  before: RunFinding;
  after: RunFinding;
}

/** Findings of run A (before) and run B (after) matched by fingerprint. */
export interface FindingsDiff {
  /** Only in B ("new"), most severe first. */
  added: RunFinding[];
  /** Only in A (fixed or gone), most severe first. */
  resolved: RunFinding[];
  changed: FindingChange[];
  unchangedCount: number;
}

/** The baseline a diff was asked against (…/diff/baseline): run A. */
export interface BaselineChoice {
  runId: string;
  /** True when it is the workflow's pinned baseline rather than the latest run with the same inputs. */
  pinned: boolean;
}

/**
 * GET /api/workflows/runs/{runId}/diff/{otherRunId}: "added" = in B (other) not A; "removed" = in A not B.
 * GET /api/workflows/runs/{runId}/diff/baseline answers the same with A = the baseline, B = the run.
 */
export interface RunDiff {
  runId: string;
  otherRunId: string;
  workflowId: string;
  otherWorkflowId: string;
  /** Same final status, no node changed, no finding added, resolved or changed. */
  identical: boolean;
  /** The runs' final statuses, when they differ. */
  status?: BeforeAfter<RunStatus>;
  findings: FindingsDiff;
  nodes: NodeDiff[];
  baseline?: BaselineChoice;
}

/** One run on a workflow's timeline. */
export interface TimelineRun {
  runId: string;
  status: RunStatus;
  createdAt: string;
  startedAt?: string;
  completedAt?: string;
  durationMs?: number;
  workflowVersion: number;
}

/** GET /api/workflows/{workflowId}/runs/timeline?from=&to=: runs oldest first. */
export interface RunTimeline {
  workflowId: string;
  runs: TimelineRun[];
}

/** An open finding of a workflow (as its latest completed run reported it, without details) with its history across runs. */
export interface OpenFinding extends Omit<Finding, 'details'> {
  nodeId: string;
  /** The earliest run of the workflow that reported it. */
  firstSeenRunId: string;
  firstSeenAt: string;
  /** The latest completed run (which reported it). */
  lastSeenRunId: string;
}

/** GET /api/workflows/{workflowId}/findings: the findings of its latest completed run, most severe first. */
export interface WorkflowFindings {
  workflowId: string;
  latestRunId?: string;
  pinnedBaselineRunId?: string;
  findings: OpenFinding[];
  counts: FindingCounts;
}

/** WorkflowSchedule (src/Shared/Contracts/Runs/WorkflowSchedules.cs): one schedule of a workflow. */
export interface WorkflowSchedule {
  scheduleId: string;
  workflowId: string;
  /** Five fields, or six with seconds first. */
  cron: string;
  timeZone: string;
  /** Input values each run starts with, secret ones masked. */
  inputs?: { [name: string]: JsonValue };
  createdAt: string;
  createdBy?: string;
  /** The next fire the scheduler starts (in the past while it is due); absent when the expression has none left. */
  nextFireAt?: string;
  /** A few fires after nextFireAt. */
  upcomingFireTimes: string[];
  lastFireAt?: string;
  lastRunId?: string;
}

/** GET /api/workflows/{workflowId}/schedules. */
export interface WorkflowScheduleList {
  workflowId: string;
  schedules: WorkflowSchedule[];
}

/** POST /api/workflows/{workflowId}/schedules. */
export interface ScheduleRequest {
  cron: string;
  timeZone?: string;
  inputs?: { [name: string]: JsonValue };
}

/** PUT /api/workflows/{workflowId}/baseline. */
export interface PinnedBaseline {
  workflowId: string;
  runId: string;
  pinned: boolean;
}

/** GET /api/workflows/{workflowId}/versions/{version}: a WorkflowDescription, or a bare definition. */
export type WorkflowVersionResponse = WorkflowDescription | WorkflowDefinition;

// Inspecting a run (issue 17): src/Shared/Contracts/Replay/NodeInspection.cs and src/Shared/Contracts/Trace/IRunSearch.cs.

/** NodeAttempt: one attempt of a node, from its NODE_STARTED to the event that ended it. */
export interface NodeAttempt {
  attempt: number;
  /** How many times this attempt's activity was delivered (more than 1 after a worker stopped mid-attempt). */
  delivery: number;
  status: NodeStatus;
  startedAt: string;
  /** When it began waiting for a person's decision (an approval step). */
  waitingFrom?: string;
  endedAt?: string;
  durationMs?: number;
  /**
   * The values the attempt received after references were resolved (secrets masked), when the server records them;
   * a large value is {"$blob": ArtifactReference}, fetched on demand from the run's artifact route.
   */
  inputs?: JsonValue;
  /** The summary of its outputs NODE_COMPLETED carried. */
  outputs?: JsonValue;
  error?: TraceError;
}

/** GET /api/workflows/runs/{runId}/nodes/{nodeId}: one node as a person debugging it needs it. */
export interface NodeInspection {
  runId: string;
  nodeId: string;
  /** The node as the run's workflow version defines it (secret literals masked); absent when that version is gone. */
  definition?: NodeDefinition;
  state: RunStateNode;
  attempts: NodeAttempt[];
  artifacts: ArtifactReference[];
  findings: RunFinding[];
}

/** The property of an object that stands for a value kept in Blob: {"$blob": ArtifactReference}. */
export const blobProperty = '$blob';

/** RunSearchResult.MatchStart / MatchEnd: plain-text markers around each matched word of a snippet. */
export const searchMatchStart = '«';
export const searchMatchEnd = '»';

/** One event matching a search. */
export interface RunSearchResult {
  runId: string;
  workflowId: string;
  nodeId?: string;
  /** Its place in the run's trace: open the run scrubbed there. */
  sequence: number;
  timestamp: string;
  /** The text around the match, each matched word between searchMatchStart and searchMatchEnd. */
  snippet: string;
}

/** GET /api/search?q=&workflowId=&level=&nodeId=&from=&to=&limit=&cursor=: newest first. */
export interface RunSearchPage {
  results: RunSearchResult[];
  nextCursor?: string;
}

// Inspecting a run: terminal output and the attempt timeline (issue 17), checked against fixtures/trace-events.json,
// fixtures/run-attempts.json and fixtures/enums.json.

/** OutputPipe (src/Shared/Contracts/Trace/TraceEvent.cs): the stream a line of process output came from. */
export const outputStreams = ['stdout', 'stderr'] as const;
export type OutputStream = (typeof outputStreams)[number];

/** TraceOutput: a line of process output as a terminal shows it. */
export interface TraceOutput {
  stream: OutputStream;
  /** The line as written, escape sequences included; absent when it equals the event's message. */
  raw?: string;
}

/** AttemptPhaseKind (src/Shared/Contracts/Replay/RunAttempts.cs). */
export const attemptPhaseKinds = ['queued', 'running', 'waiting', 'backoff'] as const;
export type AttemptPhaseKind = (typeof attemptPhaseKinds)[number];

/** AttemptPhase: a stretch of an attempt; open (no end) while it lasts. */
export interface AttemptPhase {
  kind: AttemptPhaseKind;
  start: string;
  end?: string;
  durationMs?: number;
}

/** AttemptSpan: one attempt of one node on the timeline. */
export interface AttemptSpan {
  nodeId: string;
  attempt: number;
  status: NodeStatus;
  start: string;
  end?: string;
  phases: AttemptPhase[];
  critical: boolean;
}

/** GET /api/workflows/runs/{runId}/attempts: every attempt's phases and the critical path. */
export interface RunAttempts {
  runId: string;
  status: RunStatus;
  startedAt?: string;
  endedAt?: string;
  at?: string;
  sequence: number;
  attempts: AttemptSpan[];
  criticalPath: string[];
  criticalPathMs?: number;
}
