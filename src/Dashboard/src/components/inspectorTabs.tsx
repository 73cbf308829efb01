// Tabs of the node inspector beyond its own Details tab. A view of one node of one run registers here (one entry)
// and the inspector shows it as a tab, addressable as ?tab=<id>. The Terminal view (issue 17 item 2) mounts here.
import type { ReactNode } from 'react';

export interface InspectorTabProps {
  runId: string;
  nodeId: string;
  /** True while the run is followed live; false in replay, where the view shows the stored trace. */
  live: boolean;
}

export interface InspectorTab {
  /** The ?tab= value. */
  id: string;
  label: string;
  render: (props: InspectorTabProps) => ReactNode;
}

export const inspectorTabs: InspectorTab[] = [];
