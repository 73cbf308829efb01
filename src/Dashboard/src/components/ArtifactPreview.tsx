// Preview of a stored artifact: images inline, Markdown rendered, JSON pretty-printed, other text as is.
import { lazy, Suspense, useEffect, useState } from 'react';
import { antiForgeryHeaders, artifactUrl } from '../api/client';
import type { ArtifactReference } from '../api/contracts';
import { formatBytes } from './Console';

// The markdown renderer (react-markdown, remark-gfm: a tenth of the bundle) loads with the first Markdown preview.
const Markdown = lazy(() => import('./Markdown').then((m) => ({ default: m.Markdown })));

const maxPreviewBytes = 2 * 1024 * 1024;

type Kind = 'image' | 'markdown' | 'json' | 'text' | 'binary';

function kindOf(artifact: ArtifactReference): Kind {
  const type = artifact.contentType.toLowerCase();
  const name = artifact.name.toLowerCase();
  if (type.startsWith('image/')) return 'image';
  if (type.includes('markdown') || name.endsWith('.md')) return 'markdown';
  if (type.includes('json') || name.endsWith('.json')) return 'json';
  if (type.startsWith('text/') || type.includes('xml') || type.includes('yaml') || /\.(txt|log|csv|xml|ya?ml)$/.test(name)) return 'text';
  return 'binary';
}

export function ArtifactPreview({ runId, artifact, onClose }: { runId: string; artifact: ArtifactReference; onClose: () => void }) {
  const url = artifactUrl(runId, artifact.artifactId);
  const kind = kindOf(artifact);
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (kind === 'image' || kind === 'binary' || artifact.size > maxPreviewBytes) return;
    let cancelled = false;
    fetch(url, { headers: antiForgeryHeaders })
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`${r.status} ${r.statusText}`))))
      .then((t) => !cancelled && setText(t))
      .catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
    };
  }, [url, kind, artifact.size]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  let body;
  if (error) body = <p className="error">Could not load the artifact: {error}</p>;
  else if (kind === 'image') body = <img src={url} alt={artifact.name} />;
  else if (kind === 'binary' || artifact.size > maxPreviewBytes) body = <p>No preview for {artifact.contentType} ({formatBytes(artifact.size)}); download it instead.</p>;
  else if (text === null) body = <p>Loading…</p>;
  else if (kind === 'markdown')
    body = (
      <div className="markdown">
        <Suspense fallback={<p>Loading…</p>}>
          <Markdown source={text} />
        </Suspense>
      </div>
    );
  else if (kind === 'json') body = <pre>{prettyJson(text)}</pre>;
  else body = <pre>{text}</pre>;

  return (
    <div className="overlay" onClick={onClose}>
      <div className="preview" data-testid="artifact-panel" data-kind={kind} onClick={(e) => e.stopPropagation()}>
        <header>
          <strong>{artifact.name}</strong>
          <span className="muted">
            {artifact.contentType} · {formatBytes(artifact.size)} · sha256 {artifact.sha256.slice(0, 12)}…
          </span>
          <a href={url} download={artifact.name} data-testid="artifact-download">
            download
          </a>
          <button onClick={onClose} aria-label="Close preview">
            ✕
          </button>
        </header>
        <div className="preview-body">{body}</div>
      </div>
    </div>
  );
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
