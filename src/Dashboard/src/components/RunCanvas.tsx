// The run's DAG on @xyflow/react: laid out by state/layout.ts (ELK), coloured by the folded node states.
import { Handle, Position, type Edge as FlowEdge, type Node as FlowNode, type NodeProps } from '@xyflow/react';
import { memo, useMemo } from 'react';
import type { FindingSeverity, NodeDefinition, RunStatus } from '../api/contracts';
import { nodeStatus, type NodeUiStatus, type RunTraceState } from '../state/fold';
import { dependenciesOf, edgesOf } from '../state/layout';
import { DagFlow } from './DagFlow';
import { useLayout } from './useLayout';

type RunNodeData = {
  id: string;
  component: string;
  status: NodeUiStatus;
  attempt: number;
  progress?: { current: number; total: number };
  lastMessage?: string;
  findingCount: number;
  highestSeverity?: FindingSeverity;
  selected: boolean;
};

const labels: Record<NodeUiStatus, string> = {
  idle: 'idle',
  queued: 'queued',
  running: 'running',
  retrying: 'retrying',
  success: 'success',
  failure: 'failed',
  skipped: 'skipped',
  cancelled: 'cancelled',
  waiting: 'awaiting approval',
};

const RunNode = memo(function RunNode({ data }: NodeProps<FlowNode<RunNodeData>>) {
  const showProgress = data.progress && (data.status === 'running' || data.status === 'retrying');
  const percent = data.progress && data.progress.total > 0 ? Math.min(100, (100 * data.progress.current) / data.progress.total) : 0;
  return (
    <div className={`run-node status-${data.status}${data.selected ? ' selected' : ''}`} data-testid={`node-${data.id}`} data-status={data.status}>
      <Handle type="target" position={Position.Left} />
      <div className="run-node-title">{data.id}</div>
      <div className="run-node-component">{data.component}</div>
      <div className="run-node-status">
        <span className="status-dot" />
        <span data-testid="node-status">{labels[data.status]}</span>
        {data.attempt > 1 && <span className="muted">attempt {data.attempt}</span>}
        {showProgress && (
          <span className="badge" data-testid="node-progress">
            {data.progress!.current}/{data.progress!.total}
          </span>
        )}
        {data.highestSeverity && (
          <span className={`badge severity severity-${data.highestSeverity}`} data-testid="node-findings" title={`${data.findingCount} finding(s), highest ${data.highestSeverity}`}>
            {data.findingCount} {data.highestSeverity}
          </span>
        )}
      </div>
      {showProgress && (
        <div className="bar">
          <div style={{ width: `${percent}%` }} />
        </div>
      )}
      {data.lastMessage && (
        <div className="run-node-message" title={data.lastMessage} data-testid="node-message">
          {data.lastMessage}
        </div>
      )}
      <Handle type="source" position={Position.Right} />
    </div>
  );
});

const nodeTypes = { run: RunNode };

interface RunCanvasProps {
  nodes: readonly NodeDefinition[];
  trace: RunTraceState;
  runStatus: RunStatus | undefined;
  selected: string | null;
  onSelect: (nodeId: string | null) => void;
}

export function RunCanvas({ nodes, trace, runStatus, selected, onSelect }: RunCanvasProps) {
  const { positions, error } = useLayout(nodes);
  const edges = useMemo(() => edgesOf(nodes), [nodes]);
  const definitions = useMemo(() => new Map(nodes.map((n) => [n.id, n])), [nodes]);
  const dependencies = useMemo(() => {
    const known = new Set(nodes.map((n) => n.id));
    return new Map(nodes.map((n) => [n.id, dependenciesOf(n, known)]));
  }, [nodes]);
  if (!positions) {
    return (
      <div className="canvas placeholder" data-testid="canvas-layout">
        {error ? `Could not lay out the workflow: ${error}` : `Laying out ${nodes.length.toLocaleString()} nodes…`}
      </div>
    );
  }

  const statusOf = (id: string) => nodeStatus(trace, id, dependencies.get(id) ?? [], runStatus);

  const flowNodes: FlowNode<RunNodeData>[] = positions.map((p) => {
    const definition = definitions.get(p.id)!;
    const state = trace.nodes[p.id];
    return {
      id: p.id,
      type: 'run',
      position: { x: p.x, y: p.y },
      data: {
        id: p.id,
        component: definition.component,
        status: statusOf(p.id),
        attempt: state?.attempt ?? 0,
        ...(state?.progress ? { progress: state.progress } : {}),
        ...(state?.lastMessage ? { lastMessage: state.lastMessage } : {}),
        findingCount: state?.findingCount ?? 0,
        ...(state?.highestSeverity ? { highestSeverity: state.highestSeverity } : {}),
        selected: selected === p.id,
      },
    };
  });

  const flowEdges: FlowEdge[] = edges.map((e) => {
    const source = statusOf(e.source);
    const target = statusOf(e.target);
    // Data flows along an edge while its source is done and its target works on the result.
    const flowing = source === 'success' && (target === 'running' || target === 'retrying');
    return {
      id: `${e.source}->${e.target}`,
      source: e.source,
      target: e.target,
      animated: flowing,
      className: `edge-${flowing ? 'flowing' : source === 'success' && target === 'success' ? 'done' : 'idle'}`,
    };
  });

  return <DagFlow nodes={flowNodes} edges={flowEdges} nodeTypes={nodeTypes} selected={selected} onSelect={onSelect} testId="canvas" />;
}
