import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../api/contracts';
import { terminalChunks } from './terminalOutput';

const line = (sequence: number, attempt: number, message: string, raw?: string, nodeId = 'paint'): TraceEvent => ({
  id: `e${sequence}`,
  runId: 'r',
  nodeId,
  attempt,
  type: 'NODE_LOG',
  level: 'info',
  timestamp: '2026-01-01T00:00:00Z',
  sequence,
  message,
  output: { stream: 'stdout', ...(raw ? { raw } : {}) },
});

describe('terminal output', () => {
  it('writes the raw line with its colours, only process output of the node, and marks a new attempt', () => {
    const events: TraceEvent[] = [
      line(1, 1, 'red', '\x1b[31mred\x1b[0m'),
      { ...line(2, 1, 'a component log'), output: undefined } as unknown as TraceEvent,
      line(3, 1, 'other node', undefined, 'other'),
      line(4, 2, 'plain'),
    ];
    const { text, lastAttempt } = terminalChunks(events, 'paint', 0, 0);
    expect(text).toBe('\x1b[31mred\x1b[0m\r\n\x1b[2m── attempt 2 ──\x1b[0m\r\nplain\r\n');
    expect(lastAttempt).toBe(2);
    expect(terminalChunks(events, 'paint', 4, 2).text).toBe('');
  });
});
