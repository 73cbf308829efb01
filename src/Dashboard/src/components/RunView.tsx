// Canvas above, console below, the selected node's inspector beside them: shared by the run page (live and replay)
// and the perf page. What is selected and filtered is the page's URL (useRunViewState), so a link shows the same.
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import type { ArtifactReference, NodeDefinition, RunStatus } from '../api/contracts';
import type { RunTraceState } from '../state/fold';
import { elk } from '../state/layout';
import { ArtifactPreview } from './ArtifactPreview';
import { Console } from './Console';
import { FindingsPanel } from './FindingsPanel';
import { NodeInspector } from './NodeInspector';
import { RunCanvas } from './RunCanvas';
import { useRunViewState } from './useRunViewState';

// The Terminal and Timeline tabs (@xterm/xterm is a third of the bundle) load after the page's first render.
const InspectTabs = lazy(() => import('./InspectTabs').then((m) => ({ default: m.InspectTabs })));

interface RunViewProps {
  runId: string;
  nodes: readonly NodeDefinition[] | null;
  trace: RunTraceState;
  runStatus: RunStatus | undefined;
  /** Where the inspector's data comes from: a live run (refetched as the node moves), a replay, or none (synthetic runs). */
  inspect: 'live' | 'replay' | 'none';
}

export function RunView({ runId, nodes, trace, runStatus, inspect }: RunViewProps) {
  const [view, setView] = useRunViewState();
  // The layout worker boots (1.6 MB of script) while the run's definition is still on its way.
  useEffect(() => void elk(), []);
  const [preview, setPreview] = useState<ArtifactReference | null>(null);
  const nodeFilter = view.node ?? null;
  const setNodeFilter = (node: string | null) => setView({ node: node ?? undefined });
  const nodeIds = useMemo(() => {
    const ids = new Set(nodes?.map((n) => n.id) ?? []);
    for (const id of Object.keys(trace.nodes)) ids.add(id);
    return [...ids];
  }, [nodes, trace.nodes]);
  const selectedState = nodeFilter ? trace.nodes[nodeFilter] : undefined;
  // Live: what the fold knows of the node; a new attempt, status, artifact or finding refetches the inspector.
  const version =
    inspect === 'live' ? `${selectedState?.status ?? 'idle'}/${selectedState?.attempt ?? 0}/${selectedState?.artifacts.length ?? 0}/${selectedState?.findingCount ?? 0}` : `at/${trace.cursor}`;

  return (
    <div className="run-view-frame">
      <div className="run-view">
        {nodes ? (
          <RunCanvas nodes={nodes} trace={trace} runStatus={runStatus} selected={nodeFilter} onSelect={setNodeFilter} />
        ) : (
          <div className="canvas placeholder">Loading the workflow…</div>
        )}
        <FindingsPanel findings={trace.findings} onSelectNode={setNodeFilter} />
        <Console
          runId={runId}
          events={trace.events}
          nodeIds={nodeIds}
          nodeFilter={nodeFilter}
          onNodeFilter={setNodeFilter}
          onPreview={setPreview}
          minLevel={view.level ?? 'debug'}
          onMinLevel={(level) => setView({ level })}
          filterText={view.text ?? ''}
          onFilterText={(text) => setView({ text })}
        />
        <Suspense fallback={null}>
          <InspectTabs runId={runId} events={trace.events} cursor={trace.cursor} selected={nodeFilter} onSelect={setNodeFilter} />
        </Suspense>
      </div>
      {nodeFilter && inspect !== 'none' && (
        <NodeInspector
          key={nodeFilter}
          runId={runId}
          nodeId={nodeFilter}
          version={version}
          live={inspect === 'live'}
          sequence={inspect === 'replay' ? trace.cursor : undefined}
          events={trace.events}
          tab={view.tab}
          onTab={(tab) => setView({ tab })}
          onPreview={setPreview}
          onClose={() => setView({ node: undefined, tab: undefined })}
        />
      )}
      {preview && <ArtifactPreview runId={runId} artifact={preview} onClose={() => setPreview(null)} />}
    </div>
  );
}
