// Tabs of the node inspector beyond its own Details tab. A view of one node of one run registers here (one entry)
// and the inspector shows it as a tab, addressable as ?tab=<id>. The Terminal view (issue 17 item 2) mounts here, e.g.
// { id: 'terminal', label: 'Terminal', render: ({ nodeId, events }) => <TerminalView nodeId={nodeId} events={events} /> }.
import type { ReactNode } from 'react';
import type { TraceEvent } from '../api/contracts';

export interface InspectorTabProps {
  runId: string;
  nodeId: string;
  /** True while the run is followed live; false in replay. */
  live: boolean;
  /** The run's events as the page shows them: all so far when live, those up to the scrub position in replay. */
  events: readonly TraceEvent[];
}

export interface InspectorTab {
  /** The ?tab= value. */
  id: string;
  label: string;
  render: (props: InspectorTabProps) => ReactNode;
}

export const inspectorTabs: InspectorTab[] = [];
