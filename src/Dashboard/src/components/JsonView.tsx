// A JSON value as a folding tree (objects and arrays open to a depth, deeper ones folded) with a button that
// copies the whole value as indented JSON. A value the server kept in Blob ({"$blob": ArtifactReference}) shows as
// a link that loads it on demand, when the view knows the run it belongs to.
import { createContext, useContext, useState } from 'react';
import { antiForgeryHeaders, artifactUrl } from '../api/client';
import { blobProperty, type ArtifactReference, type JsonValue } from '../api/contracts';
import { formatBytes } from './Console';

const RunOfValue = createContext<string | undefined>(undefined);

export function JsonView({ value, label, openDepth = 2, testId, runId }: { value: JsonValue | undefined; label?: string; openDepth?: number; testId?: string; runId?: string }) {
  const text = value === undefined ? '' : JSON.stringify(value, null, 2);
  return (
    <div className="json-view" data-testid={testId} data-json={text}>
      <div className="json-view-bar">
        {label && <strong>{label}</strong>}
        <CopyButton text={text} />
      </div>
      <RunOfValue.Provider value={runId}>{value === undefined ? <span className="muted">none</span> : <JsonNode value={value} depth={0} openDepth={openDepth} />}</RunOfValue.Provider>
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
  const blob = blobOf(value);
  if (blob) return <BlobValue artifact={blob} depth={depth} openDepth={openDepth} />;
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

function blobOf(value: JsonValue): ArtifactReference | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  const reference = value[blobProperty];
  if (keys.length !== 1 || reference === null || typeof reference !== 'object' || Array.isArray(reference)) return undefined;
  return typeof reference.artifactId === 'string' && typeof reference.name === 'string' ? (reference as unknown as ArtifactReference) : undefined;
}

function BlobValue({ artifact, depth, openDepth }: { artifact: ArtifactReference; depth: number; openDepth: number }) {
  const runId = useContext(RunOfValue);
  const [loaded, setLoaded] = useState<{ value: JsonValue } | { text: string } | { error: string } | null>(null);
  if (!runId) return <span className="muted">[{artifact.name}, {formatBytes(artifact.size)}, kept in Blob]</span>;
  const url = artifactUrl(runId, artifact.artifactId);
  const load = async () => {
    try {
      const response = await fetch(url, { headers: antiForgeryHeaders });
      if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
      const text = await response.text();
      try {
        setLoaded({ value: JSON.parse(text) as JsonValue });
      } catch {
        setLoaded({ text });
      }
    } catch (e) {
      setLoaded({ error: e instanceof Error ? e.message : String(e) });
    }
  };
  if (loaded && 'value' in loaded) return <JsonNode value={loaded.value} depth={depth} openDepth={openDepth} />;
  if (loaded && 'text' in loaded) return <span className="json-string">{JSON.stringify(loaded.text)}</span>;
  return (
    <span className="json-blob" data-testid="json-blob">
      <span className="muted">
        {formatBytes(artifact.size)} kept in Blob{' '}
      </span>
      <button className="link" onClick={() => void load()} data-testid="json-blob-load">
        load
      </button>{' '}
      <a href={url} download={artifact.name}>
        download
      </a>
      {loaded && 'error' in loaded && <span className="error"> {loaded.error}</span>}
    </span>
  );
}
