// Which trace events a node's terminal shows, and what it writes for them: pure, so it is tested without a DOM.
import type { TraceEvent } from '../api/contracts';

/** What the terminal writes for events[from..] of one node: its process output, raw (colours kept), CRLF-ended. */
export function terminalChunks(events: readonly TraceEvent[], nodeId: string, from: number, lastAttempt: number): { text: string; lastAttempt: number } {
  let text = '';
  let attempt = lastAttempt;
  for (let i = from; i < events.length; i++) {
    const e = events[i]!;
    if (e.nodeId !== nodeId || e.type !== 'NODE_LOG' || !e.output) continue;
    // A retry starts afresh; the earlier attempt's output stays above a dim rule, as a terminal session would.
    if (attempt !== 0 && e.attempt !== attempt) text += `\x1b[2m── attempt ${e.attempt} ──\x1b[0m\r\n`;
    attempt = e.attempt;
    text += `${e.output.raw ?? e.message ?? ''}\r\n`;
  }
  return { text, lastAttempt: attempt };
}
