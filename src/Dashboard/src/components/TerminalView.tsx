// A node's process output as a terminal shows it (colours and all), with @xterm/xterm. Fed from the trace events the
// page already holds, so it follows the run live and the scrub position in replay: new events are appended, and a
// trace that went back (replay rewound) or changed node is written again from the start.
import { useEffect, useRef } from 'react';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import type { TraceEvent } from '../api/contracts';
import { terminalChunks } from './terminalOutput';

interface TerminalViewProps {
  nodeId: string;
  events: readonly TraceEvent[];
}

export function TerminalView({ nodeId, events }: TerminalViewProps) {
  const host = useRef<HTMLDivElement | null>(null);
  const terminal = useRef<Terminal | null>(null);
  // How far the terminal has written: events[0..written) of node `nodeId`, the last of them `sequence`.
  const written = useRef({ nodeId: '', count: 0, sequence: 0, attempt: 0 });

  useEffect(() => {
    const term = new Terminal({ rows: 18, cols: 120, convertEol: false, disableStdin: true, scrollback: 10_000, fontSize: 12 });
    term.open(host.current!);
    terminal.current = term;
    written.current = { nodeId: '', count: 0, sequence: 0, attempt: 0 };
    return () => {
      term.dispose();
      terminal.current = null;
    };
  }, []);

  useEffect(() => {
    const term = terminal.current;
    if (!term) return;
    const at = written.current;
    const rewound = at.nodeId !== nodeId || events.length < at.count || (at.count > 0 && events[at.count - 1]?.sequence !== at.sequence);
    if (rewound) {
      term.reset();
      written.current = { nodeId, count: 0, sequence: 0, attempt: 0 };
    }
    const { text, lastAttempt } = terminalChunks(events, nodeId, written.current.count, written.current.attempt);
    if (text) term.write(text);
    written.current = { nodeId, count: events.length, sequence: events.at(-1)?.sequence ?? 0, attempt: lastAttempt };
  }, [nodeId, events]);

  return <div className="terminal-view" data-testid="terminal" data-node={nodeId} ref={host} />;
}
