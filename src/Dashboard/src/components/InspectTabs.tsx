// Below the console: the selected node's Terminal, and the run's Timeline (attempts as a Gantt chart).
import { useState } from 'react';
import type { TraceEvent } from '../api/contracts';
import { AttemptGantt } from './AttemptGantt';
import { TerminalView } from './TerminalView';

type Tab = 'terminal' | 'timeline';

interface InspectTabsProps {
  runId: string;
  events: readonly TraceEvent[];
  cursor: number;
  selected: string | null;
  onSelect: (nodeId: string) => void;
}

export function InspectTabs({ runId, events, cursor, selected, onSelect }: InspectTabsProps) {
  const [tab, setTab] = useState<Tab>('timeline');
  const last = events.at(-1);
  return (
    <section className="inspect-tabs" data-testid="inspect-tabs">
      <div className="tab-bar">
        <button className={tab === 'timeline' ? 'active' : ''} data-testid="tab-timeline" onClick={() => setTab('timeline')}>
          Timeline
        </button>
        <button className={tab === 'terminal' ? 'active' : ''} data-testid="tab-terminal" onClick={() => setTab('terminal')}>
          Terminal{selected ? ` · ${selected}` : ''}
        </button>
      </div>
      {tab === 'timeline' && (
        <AttemptGantt runId={runId} sequence={cursor} cursorTime={last ? Date.parse(last.timestamp) : undefined} selected={selected} onSelect={onSelect} />
      )}
      {tab === 'terminal' &&
        (selected ? <TerminalView nodeId={selected} events={events} /> : <div className="muted">Select a node to see what its processes printed.</div>)}
    </section>
  );
}
