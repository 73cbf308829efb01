// Canvas above, console below: shared by the run page and the perf page.
import { useMemo, useState } from 'react';
import type { ArtifactReference, NodeDefinition, RunStatus } from '../api/contracts';
import type { RunTraceState } from '../state/fold';
import { ArtifactPreview } from './ArtifactPreview';
import { Console } from './Console';
import { FindingsPanel } from './FindingsPanel';
import { InspectTabs } from './InspectTabs';
import { RunCanvas } from './RunCanvas';

interface RunViewProps {
  runId: string;
  nodes: readonly NodeDefinition[] | null;
  trace: RunTraceState;
  runStatus: RunStatus | undefined;
}

export function RunView({ runId, nodes, trace, runStatus }: RunViewProps) {
  const [nodeFilter, setNodeFilter] = useState<string | null>(null);
  const [preview, setPreview] = useState<ArtifactReference | null>(null);
  const nodeIds = useMemo(() => {
    const ids = new Set(nodes?.map((n) => n.id) ?? []);
    for (const id of Object.keys(trace.nodes)) ids.add(id);
    return [...ids];
  }, [nodes, trace.nodes]);

  return (
    <div className="run-view">
      {nodes ? (
        <RunCanvas nodes={nodes} trace={trace} runStatus={runStatus} selected={nodeFilter} onSelect={setNodeFilter} />
      ) : (
        <div className="canvas placeholder">Loading the workflow…</div>
      )}
      <FindingsPanel findings={trace.findings} onSelectNode={setNodeFilter} />
      <Console runId={runId} events={trace.events} nodeIds={nodeIds} nodeFilter={nodeFilter} onNodeFilter={setNodeFilter} onPreview={setPreview} />
      <InspectTabs runId={runId} events={trace.events} cursor={trace.cursor} selected={nodeFilter} onSelect={setNodeFilter} />
      {preview && <ArtifactPreview runId={runId} artifact={preview} onClose={() => setPreview(null)} />}
    </div>
  );
}
