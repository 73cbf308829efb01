// Folds a run's trace events into what the page shows: node states, progress, last message, artifacts.
// Pure: every function returns new objects and never mutates its arguments, so the same path serves the
// stored trace, live SignalR batches, the polling fallback and tests.
import { findingSeverities } from '../api/contracts';
import type { ArtifactReference, FindingSeverity, RunFinding, RunStatus, TraceError, TraceEvent, TraceProgress } from '../api/contracts';

/** What a node looks like on the canvas. */
export type NodeUiStatus = 'idle' | 'queued' | 'running' | 'retrying' | 'success' | 'failure' | 'skipped' | 'cancelled' | 'waiting';

export interface NodeState {
  readonly status: NodeUiStatus;
  /** Attempt of the latest event (0 before the first). */
  readonly attempt: number;
  readonly progress?: TraceProgress;
  readonly lastMessage?: string;
  readonly error?: TraceError;
  readonly artifacts: readonly ArtifactReference[];
  /** Distinct findings (fingerprints) this node reported. */
  readonly findingCount: number;
  /** The most severe of them. */
  readonly highestSeverity?: FindingSeverity;
}

export interface RunTraceState {
  /** Sequence of the last applied event: the cursor for `?after=`. */
  readonly cursor: number;
  /** Every applied event, in sequence order. */
  readonly events: readonly TraceEvent[];
  /** States of nodes that have emitted events; others are idle (or queued, see nodeStatus). */
  readonly nodes: Readonly<Record<string, NodeState>>;
  /** Last WORKFLOW_STATUS status seen. */
  readonly runStatus?: RunStatus;
  /** Findings known so far: the latest report of each fingerprint, in the order first reported (RunStateFolder's rule). */
  readonly findings: readonly RunFinding[];
}

export interface ApplyResult {
  readonly state: RunTraceState;
  /** True when events after a missing sequence arrived: re-fetch from state.cursor. */
  readonly gap: boolean;
  /** How many events were applied (0 when all were duplicates or beyond a gap). */
  readonly applied: number;
}

export const emptyTrace: RunTraceState = { cursor: 0, events: [], nodes: {}, findings: [] };

const idleNode: NodeState = { status: 'idle', attempt: 0, artifacts: [], findingCount: 0 };

/** The run finding a NODE_FINDING event carries. */
function runFinding(event: TraceEvent): RunFinding | undefined {
  if (event.type !== 'NODE_FINDING' || !event.finding || event.nodeId === undefined) {
    return undefined;
  }
  return { ...event.finding, nodeId: event.nodeId, attempt: event.attempt, sequence: event.sequence, timestamp: event.timestamp };
}

/** The more severe of two severities. */
export function moreSevere(a: FindingSeverity | undefined, b: FindingSeverity): FindingSeverity {
  return a !== undefined && findingSeverities.indexOf(a) >= findingSeverities.indexOf(b) ? a : b;
}

/** A node's finding count and highest severity, counted from the run's findings. */
function counted(node: NodeState, nodeId: string, findings: readonly RunFinding[]): NodeState {
  let findingCount = 0;
  let highest: FindingSeverity | undefined;
  for (const finding of findings) {
    if (finding.nodeId === nodeId) {
      findingCount++;
      highest = moreSevere(highest, finding.severity);
    }
  }
  const { highestSeverity: _previous, ...rest } = node;
  return highest === undefined ? { ...rest, findingCount } : { ...rest, findingCount, highestSeverity: highest };
}

/**
 * Applies events in sequence order. Events at or below the cursor are duplicates and dropped; events
 * are applied while they continue the cursor without a hole, and the first hole stops the batch with
 * gap = true (the caller re-fetches from the cursor; the events after the hole come again then).
 */
export function applyEvents(state: RunTraceState, incoming: readonly TraceEvent[]): ApplyResult {
  const sorted = [...incoming].sort((a, b) => a.sequence - b.sequence);
  let cursor = state.cursor;
  let nodes: Record<string, NodeState> | undefined;
  let runStatus = state.runStatus;
  let findings: RunFinding[] | undefined;
  const accepted: TraceEvent[] = [];
  let gap = false;

  for (const event of sorted) {
    if (event.sequence <= cursor) {
      continue;
    }
    if (event.sequence !== cursor + 1) {
      gap = true;
      break;
    }
    cursor = event.sequence;
    accepted.push(event);
    if (event.type === 'WORKFLOW_STATUS') {
      if (event.status !== undefined) {
        runStatus = event.status;
      }
      continue;
    }
    if (event.nodeId === undefined) {
      continue;
    }
    nodes ??= { ...state.nodes };
    nodes[event.nodeId] = foldNode(nodes[event.nodeId] ?? idleNode, event);
    const finding = runFinding(event);
    if (finding) {
      findings ??= [...state.findings];
      const index = findings.findIndex((f) => f.fingerprint === finding.fingerprint);
      const previous = index >= 0 ? findings[index] : undefined;
      if (index >= 0) {
        findings[index] = finding;
      } else {
        findings.push(finding);
      }
      nodes[finding.nodeId] = counted(nodes[finding.nodeId] ?? idleNode, finding.nodeId, findings);
      if (previous && previous.nodeId !== finding.nodeId) {
        nodes[previous.nodeId] = counted(nodes[previous.nodeId] ?? idleNode, previous.nodeId, findings);
      }
    }
  }

  if (accepted.length === 0) {
    return { state, gap, applied: 0 };
  }

  const next: RunTraceState = {
    cursor,
    events: state.events.concat(accepted),
    nodes: nodes ?? state.nodes,
    findings: findings ?? state.findings,
    ...(runStatus !== undefined ? { runStatus } : {}),
  };
  return { state: next, gap, applied: accepted.length };
}

/** The next state of one node after one of its events. */
export function foldNode(node: NodeState, event: TraceEvent): NodeState {
  const attempt = Math.max(node.attempt, event.attempt);
  switch (event.type) {
    case 'NODE_STARTED': {
      // A new attempt: its progress and error start afresh.
      const { progress: _progress, error: _error, ...rest } = node;
      return { ...rest, status: 'running', attempt, ...message(event, rest.lastMessage) };
    }
    case 'NODE_LOG':
      return { ...node, attempt, ...message(event, node.lastMessage) };
    case 'NODE_PROGRESS':
      return event.progress ? { ...node, attempt, progress: event.progress } : { ...node, attempt };
    case 'NODE_ARTIFACT':
      return event.artifact
        ? { ...node, attempt, artifacts: node.artifacts.some((a) => a.artifactId === event.artifact!.artifactId) ? node.artifacts : [...node.artifacts, event.artifact] }
        : { ...node, attempt };
    case 'NODE_COMPLETED': {
      const { error: _error, ...rest } = node;
      return { ...rest, status: 'success', attempt, ...message(event, rest.lastMessage) };
    }
    case 'NODE_FAILED': {
      const status: NodeUiStatus = event.error?.willRetry ? 'retrying' : event.error?.kind === 'cancelled' ? 'cancelled' : 'failure';
      return { ...node, status, attempt, ...withError(event), ...message(event, node.lastMessage) };
    }
    case 'NODE_SKIPPED': {
      const status: NodeUiStatus = event.error?.kind === 'cancelled' ? 'cancelled' : 'skipped';
      return { ...node, status, attempt, ...withError(event), ...message(event, node.lastMessage) };
    }
    case 'NODE_AWAITING_INPUT':
      // An approval step waits for a decision (TraceFold: NODE_AWAITING_INPUT → waiting).
      return { ...node, status: 'waiting', attempt, ...message(event, node.lastMessage) };
    case 'NODE_FINDING':
      // Counts come from the run's findings (applyEvents), which a later report of a fingerprint may move.
      return { ...node, attempt };
    case 'WORKFLOW_STATUS':
    case 'RUN_ALERT':
      return node;
  }
}

function message(event: TraceEvent, previous: string | undefined): { lastMessage?: string } {
  const text = event.message ?? event.error?.message ?? previous;
  return text === undefined ? {} : { lastMessage: text };
}

function withError(event: TraceEvent): { error?: TraceError } {
  return event.error ? { error: event.error } : {};
}

/**
 * The status to draw: a node without events is idle, or queued once the run is running and all its
 * dependencies succeeded (it waits for a worker).
 */
export function nodeStatus(state: RunTraceState, nodeId: string, dependencies: readonly string[], runStatus: RunStatus | undefined): NodeUiStatus {
  const node = state.nodes[nodeId];
  if (node) {
    return node.status;
  }
  const status = runStatus ?? state.runStatus;
  if (status === 'running' && dependencies.every((d) => state.nodes[d]?.status === 'success')) {
    return 'queued';
  }
  if (status === 'cancelled') {
    return 'cancelled';
  }
  return 'idle';
}

/** True once the run reached a final status. */
export function isFinal(status: RunStatus | undefined): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}
