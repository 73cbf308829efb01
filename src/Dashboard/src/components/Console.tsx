// The run console: one structured line per trace event, filtered by node, level and text.
import { useDeferredValue, useEffect, useMemo, useState } from 'react';
import { artifactUrl } from '../api/client';
import type { ArtifactReference, TraceEvent, TraceEventLevel } from '../api/contracts';
import { VirtualList } from './VirtualList';

export const consoleRowHeight = 22;

const levelRank: Record<TraceEventLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

interface ConsoleProps {
  runId: string;
  events: readonly TraceEvent[];
  nodeIds: readonly string[];
  nodeFilter: string | null;
  onNodeFilter: (nodeId: string | null) => void;
  onPreview: (artifact: ArtifactReference) => void;
  /** The lowest level shown and the text filter: the page keeps them (in its URL), the console shows and edits them. */
  minLevel: TraceEventLevel;
  onMinLevel: (level: TraceEventLevel) => void;
  filterText: string;
  onFilterText: (text: string) => void;
}

export function Console({ runId, events, nodeIds, nodeFilter, onNodeFilter, onPreview, minLevel, onMinLevel, filterText, onFilterText }: ConsoleProps) {
  // Typing stays local and immediate; the page's copy (the URL) follows, and a new address (back, a pasted link) wins.
  const [text, setText] = useState(filterText);
  useEffect(() => setText(filterText), [filterText]);
  const [follow, setFollow] = useState(true);
  const query = useDeferredValue(text.trim().toLowerCase());

  const rows = useMemo(() => {
    const rank = levelRank[minLevel];
    if (!nodeFilter && rank === 0 && !query) return events;
    return events.filter(
      (e) => (!nodeFilter || e.nodeId === nodeFilter) && levelRank[e.level] >= rank && (!query || describe(e).toLowerCase().includes(query) || (e.nodeId ?? '').toLowerCase().includes(query)),
    );
  }, [events, nodeFilter, minLevel, query]);

  return (
    <section className="console" data-testid="console">
      <div className="console-toolbar">
        <strong>Console</strong>
        <label>
          Node{' '}
          <select data-testid="console-node" value={nodeFilter ?? ''} onChange={(e) => onNodeFilter(e.target.value || null)}>
            <option value="">all nodes</option>
            {nodeIds.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
        <label>
          Level{' '}
          <select data-testid="console-level" value={minLevel} onChange={(e) => onMinLevel(e.target.value as TraceEventLevel)}>
            <option value="debug">debug and up</option>
            <option value="info">info and up</option>
            <option value="warn">warn and up</option>
            <option value="error">error only</option>
          </select>
        </label>
        <input
          data-testid="console-text"
          type="search"
          placeholder="Filter text…"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            onFilterText(e.target.value);
          }}
        />
        <label className="follow">
          <input data-testid="console-follow" type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow
        </label>
        <span className="console-count" data-testid="console-count">
          {rows.length.toLocaleString()} / {events.length.toLocaleString()} events
        </span>
      </div>
      <VirtualList
        className="console-lines"
        items={rows}
        rowHeight={consoleRowHeight}
        follow={follow}
        onFollowChange={setFollow}
        renderRow={(e) => <ConsoleLine event={e} runId={runId} onPreview={onPreview} onNode={onNodeFilter} />}
      />
    </section>
  );
}

function ConsoleLine({ event, runId, onPreview, onNode }: { event: TraceEvent; runId: string; onPreview: (a: ArtifactReference) => void; onNode: (id: string) => void }) {
  const message = describe(event);
  return (
    <div className={`line level-${event.level} type-${event.type}`} data-testid="console-line" data-node={event.nodeId ?? ''} data-type={event.type} title={message}>
      <span className="time">{time(event.timestamp)}</span>
      <span className="node">{event.nodeId ? <button className="link" onClick={() => onNode(event.nodeId!)}>{event.nodeId}</button> : 'run'}</span>
      <span className={`level level-${event.level}`}>{event.level}</span>
      <span className="message">
        {message}
        {event.artifact && (
          <>
            {' '}
            <button className="link" data-testid="artifact-preview" onClick={() => onPreview(event.artifact!)}>
              preview
            </button>{' '}
            <a href={artifactUrl(runId, event.artifact.artifactId)} download={event.artifact.name}>
              download
            </a>
          </>
        )}
      </span>
    </div>
  );
}

/** The text of a console line. */
export function describe(e: TraceEvent): string {
  const attempt = e.attempt > 1 ? ` (attempt ${e.attempt})` : '';
  switch (e.type) {
    case 'NODE_STARTED':
      return e.message ?? `started${attempt}`;
    case 'NODE_LOG':
      return e.message ?? '';
    case 'NODE_PROGRESS':
      return e.progress ? `progress ${e.progress.current}/${e.progress.total}${e.message ? ` — ${e.message}` : ''}` : (e.message ?? 'progress');
    case 'NODE_ARTIFACT':
      return e.artifact ? `artifact ${e.artifact.name} (${e.artifact.contentType}, ${formatBytes(e.artifact.size)})` : (e.message ?? 'artifact');
    case 'NODE_COMPLETED':
      return `${e.message ?? 'completed'}${attempt}${e.outputSummary !== undefined ? ` → ${JSON.stringify(e.outputSummary).slice(0, 300)}` : ''}`;
    case 'NODE_FAILED':
      return `failed${attempt}: ${e.error ? `[${e.error.kind}] ${e.error.message}` : (e.message ?? '')}${e.error?.willRetry ? ' — will retry' : ''}`;
    case 'NODE_SKIPPED':
      return `skipped: ${e.error?.message ?? e.message ?? ''}`;
    case 'NODE_AWAITING_INPUT':
      return e.message ?? 'awaiting a decision';
    case 'NODE_FINDING':
      return e.finding
        ? `finding [${e.finding.severity}] ${e.finding.title} — ${e.finding.asset.url ?? `${e.finding.asset.host}${e.finding.asset.port !== undefined ? `:${e.finding.asset.port}` : ''}`}${e.finding.evidence ? ` (${e.finding.evidence})` : ''}`
        : (e.message ?? 'finding');
    case 'RUN_ALERT':
      return e.message ?? 'alert';
    case 'WORKFLOW_STATUS':
      return `run ${e.status ?? ''}${e.message ? ` — ${e.message}` : ''}${e.error && e.error.message !== e.message ? `: ${e.error.message}` : ''}`;
  }
}

// One formatter: toLocaleTimeString builds a new one per call, which is most of a row's render cost.
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, hour12: false });

function time(timestamp: string): string {
  const date = new Date(timestamp);
  return Number.isNaN(date.getTime()) ? timestamp : timeFormat.format(date);
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}
