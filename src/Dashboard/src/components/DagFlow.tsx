// The one React Flow canvas for a DAG (the run canvas and the diff view): read-only nodes, fitted to the
// view, click to select, and each node's measured size kept across renders.
import { Background, Controls, ReactFlow, type Edge, type Node, type NodeChange, type NodeTypes } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useRef } from 'react';

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
        fitViewOptions={{ padding: 0.2, maxZoom: 1.2, minZoom: 0.05 }}
        nodesConnectable={false}
        nodesDraggable={false}
        onNodeClick={(_, node) => onSelect(node.id === selected ? null : node.id)}
        onPaneClick={() => onSelect(null)}
        proOptions={{ hideAttribution: true }}
        colorMode="dark"
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
