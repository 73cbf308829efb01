// A JSON value as a folding tree (objects and arrays open to a depth, deeper ones folded) with a button that
// copies the whole value as indented JSON.
import { useState } from 'react';
import type { JsonValue } from '../api/contracts';

export function JsonView({ value, label, openDepth = 2, testId }: { value: JsonValue | undefined; label?: string; openDepth?: number; testId?: string }) {
  const text = value === undefined ? '' : JSON.stringify(value, null, 2);
  return (
    <div className="json-view" data-testid={testId} data-json={text}>
      <div className="json-view-bar">
        {label && <strong>{label}</strong>}
        <CopyButton text={text} />
      </div>
      {value === undefined ? <span className="muted">none</span> : <JsonNode value={value} depth={0} openDepth={openDepth} />}
    </div>
  );
}

export function CopyButton({ text }: { text: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      // No clipboard permission (an insecure origin, a locked-down browser): say so rather than pretend.
      setState('failed');
    }
    setTimeout(() => setState('idle'), 1500);
  };
  return (
    <button className="small copy" data-testid="json-copy" onClick={() => void copy()} title="Copy as JSON">
      {state === 'copied' ? 'copied' : state === 'failed' ? 'copy failed' : 'copy'}
    </button>
  );
}

function JsonNode({ value, depth, openDepth }: { value: JsonValue; depth: number; openDepth: number }) {
  if (value === null) return <span className="json-null">null</span>;
  if (typeof value === 'string') return <span className="json-string">{JSON.stringify(value)}</span>;
  if (typeof value === 'number') return <span className="json-number">{value}</span>;
  if (typeof value === 'boolean') return <span className="json-boolean">{String(value)}</span>;
  const entries: [string, JsonValue][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return <span>{open + close}</span>;
  return (
    <details open={depth < openDepth} className="json-node">
      <summary>
        {open}
        <span className="muted small"> {entries.length} {Array.isArray(value) ? 'items' : 'keys'} </span>
      </summary>
      <ul>
        {entries.map(([key, child]) => (
          <li key={key}>
            <span className="json-key">{Array.isArray(value) ? key : JSON.stringify(key)}</span>: <JsonNode value={child} depth={depth + 1} openDepth={openDepth} />
          </li>
        ))}
      </ul>
      <span>{close}</span>
    </details>
  );
}
