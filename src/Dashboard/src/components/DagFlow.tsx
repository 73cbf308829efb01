// The one React Flow canvas for a DAG (the run canvas and the diff view): read-only nodes, fitted to the
// view, click to select, and each node's measured size kept across renders.
import { Background, Controls, ReactFlow, useReactFlow, useStore, type Edge, type Node, type NodeChange, type NodeTypes } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useRef } from 'react';

const fitOptions = { padding: 0.2, maxZoom: 1.2, minZoom: 0.05 };

/**
 * Fits the DAG again when the canvas changes size (the inspector opening beside it, a window resize), so no node ends
 * up outside the narrower view. The first size is React Flow's own `fitView`.
 */
function RefitOnResize() {
  const { fitView } = useReactFlow();
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  const seen = useRef<string | null>(null);
  useEffect(() => {
    const size = `${width}x${height}`;
    if (seen.current !== null && seen.current !== size) void fitView(fitOptions);
    if (width > 0 && height > 0) seen.current = size;
  }, [width, height, fitView]);
  return null;
}

interface DagFlowProps<N extends Node> {
  nodes: N[];
  edges: Edge[];
  nodeTypes: NodeTypes;
  selected: string | null;
  onSelect: (nodeId: string | null) => void;
  testId: string;
}

export function DagFlow<N extends Node>({ nodes, edges, nodeTypes, selected, onSelect, testId }: DagFlowProps<N>) {
  // Every render builds new node objects, and @xyflow/react hides a node (visibility: hidden) whose object
  // carries no `measured` size until its ResizeObserver reports again, which a fast series of renders
  // (live batches, replay playback) can postpone indefinitely.
  const measured = useRef(new Map<string, { width: number; height: number }>());
  const onNodesChange = useCallback((changes: NodeChange<N>[]) => {
    for (const change of changes) {
      if (change.type === 'dimensions' && change.dimensions) measured.current.set(change.id, change.dimensions);
    }
  }, []);
  const sized = nodes.map((node) => {
    const size = measured.current.get(node.id);
    return { ...node, draggable: false, connectable: false, ...(size ? { measured: size } : {}) };
  });

  return (
    <div className="canvas" data-testid={testId}>
      <ReactFlow
        nodes={sized}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        fitView
        // A 1,000-node DAG fits the view only far below React Flow's default minimum zoom (0.5).
        minZoom={0.05}
        fitViewOptions={fitOptions}
        nodesConnectable={false}
        nodesDraggable={false}
        onNodeClick={(_, node) => onSelect(node.id === selected ? null : node.id)}
        onPaneClick={() => onSelect(null)}
        proOptions={{ hideAttribution: true }}
        colorMode="dark"
      >
        <Background />
        <Controls showInteractive={false} />
        <RefitOnResize />
      </ReactFlow>
    </div>
  );
}
