// Issue 17's dashboard pieces rendered to markup (no DOM needed): what a reader of the page would see.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { NodeInspection } from '../api/contracts';
import inspectFixture from '../api/fixtures/inspect.json';
import { replayHref, runHref, searchHref } from '../links';
import { highlight } from '../pages/SearchPage';
import { JsonView } from './JsonView';
import { Markdown } from './Markdown';
import { inspectorTabs } from './inspectorTabs';
import { NodeInspector } from './NodeInspector';

describe('Markdown', () => {
  it('renders headings, GFM tables and code', () => {
    const html = renderToStaticMarkup(<Markdown source={'# Local recon\n\n| host | port |\n|---|---|\n| a | 80 |\n\n```\ncode\n```'} />);
    expect(html).toContain('<h1>Local recon</h1>');
    expect(html).toContain('<table class="md-table">');
    expect(html).toContain('<td>80</td>');
    expect(html).toContain('<pre class="md-code"><code>code\n</code></pre>');
  });

  it('never renders raw HTML from an artifact, nor scripted links or remote images', () => {
    const html = renderToStaticMarkup(
      <Markdown source={'<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)> [click](javascript:alert(1)) [ok](https://example.test/a) ![pixel](https://tracker.test/p.png)'} />,
    );
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('<a href="https://example.test/a" target="_blank" rel="noopener noreferrer">ok</a>');
    expect(html).toContain('[image: pixel]');
  });
});

describe('search snippets', () => {
  it('marks each «match» and keeps everything else as text', () => {
    const html = renderToStaticMarkup(<>{highlight('a «zebra» and <b>«finch»</b> end')}</>);
    expect(html).toBe('a <mark>zebra</mark> and &lt;b&gt;<mark>finch</mark>&lt;/b&gt; end');
  });
});

describe('links', () => {
  it('put the run, sequence, node and filters of a view in its address', () => {
    const href = replayHref('run 1', undefined, { seq: 42, node: 'scan', level: 'warn', text: 'open port' });
    const [path, query] = href.split('?');
    expect(path).toBe('#/runs/run%201');
    expect(Object.fromEntries(new URLSearchParams(query))).toEqual({ mode: 'replay', seq: '42', node: 'scan', level: 'warn', text: 'open port' });
    expect(runHref('r', { node: 'a/b' })).toBe('#/runs/r?node=a%2Fb');
    expect(searchHref({ q: 'nmap & "tls"', level: 'error' })).toBe('#/search?q=nmap+%26+%22tls%22&level=error');
  });
});

describe('JsonView', () => {
  it('offers a value kept in Blob as a link of its run instead of its reference', () => {
    const reference = { artifactId: 'scan.1.in.0', name: 'inputs.hosts.json', contentType: 'application/json', size: 9000, sha256: 'x', container: 'c', blobName: 'b' };
    const html = renderToStaticMarkup(<JsonView runId="r1" value={{ hosts: { $blob: reference }, ports: '80' }} />);
    expect(html).toContain('data-testid="json-blob"');
    expect(html).toContain('8.8 KB kept in Blob');
    expect(html).toContain('href="api/workflows/runs/r1/artifacts/scan.1.in.0"');
    expect(html).not.toContain('<span class="json-key">&quot;blobName&quot;</span>');
  });

  it('shows nested values and carries the whole value for copying', () => {
    const html = renderToStaticMarkup(<JsonView label="outputs" value={{ hosts: [{ address: '127.0.0.1', openPorts: [22, 80] }], ok: true }} />);
    expect(html).toContain('<strong>outputs</strong>');
    expect(html).toContain('&quot;127.0.0.1&quot;');
    expect(html).toContain('data-testid="json-copy"');
    expect(html).toContain('data-json="{\n  &quot;hosts&quot;');
  });
});

const inspection: NodeInspection = {
  runId: 'r1',
  nodeId: 'scan',
  definition: { id: 'scan', component: 'security.nmap', inputs: { target: { $input: 'target' } }, dependsOn: [], retry: { maxAttempts: 2, backoffSeconds: 1, backoffCoefficient: 2, maxBackoffSeconds: 10 } },
  state: { nodeId: 'scan', status: 'completed', attempt: 2, artifacts: [], logCount: 3, findingCount: 1 },
  attempts: [
    { attempt: 1, delivery: 1, status: 'retrying', startedAt: '2026-12-07T10:00:00Z', endedAt: '2026-12-07T10:00:01Z', durationMs: 1000, error: { message: 'connection refused', kind: 'exception', willRetry: true } },
    { attempt: 2, delivery: 1, status: 'completed', startedAt: '2026-12-07T10:00:03Z', endedAt: '2026-12-07T10:00:04Z', durationMs: 1000, inputs: { target: '127.0.0.1' }, outputs: { openPorts: [22] } },
  ],
  artifacts: [{ artifactId: 'a1', name: 'nmap.xml', contentType: 'application/xml', size: 2048, sha256: 'x', container: 'c', blobName: 'b' }],
  findings: [
    { fingerprint: 'f1', ruleId: 'network.open-port', title: 'Open port 22/tcp', severity: 'info', asset: { host: '127.0.0.1', port: 22 }, nodeId: 'scan', attempt: 2, sequence: 9, timestamp: '2026-12-07T10:00:04Z' },
  ],
};

describe('NodeInspector', () => {
  it('shows the definition, every attempt with its error, inputs and outputs, the artifacts and the findings', () => {
    const client = new QueryClient();
    client.setQueryData(['node', 'r1', 'scan', 'v'], inspection);
    const html = renderToStaticMarkup(
      <QueryClientProvider client={client}>
        <NodeInspector runId="r1" nodeId="scan" version="v" live events={[]} tab={undefined} onTab={() => {}} onPreview={() => {}} onClose={() => {}} />
      </QueryClientProvider>,
    );
    expect(html).toContain('security.nmap');
    expect(html).toContain('2 attempts, backoff 1 s × 2');
    expect(html.match(/data-testid="inspector-attempt"/g)).toHaveLength(2);
    expect(html).toContain('[exception] connection refused — will retry');
    expect(html).toContain('data-testid="inspector-attempt-inputs"');
    expect(html).toContain('&quot;openPorts&quot;');
    expect(html).toContain('nmap.xml');
    expect(html).toContain('Open port 22/tcp');
    expect(html).not.toContain('inspector-replayed');
  });

  it('reads what the C# records serialise to (the fixture of tests/LocalHost.Tests/Contracts)', () => {
    const fixture = inspectFixture.inspection as NodeInspection;
    const client = new QueryClient();
    client.setQueryData(['node', fixture.runId, fixture.nodeId, 'v'], fixture);
    const html = renderToStaticMarkup(
      <QueryClientProvider client={client}>
        <NodeInspector runId={fixture.runId} nodeId={fixture.nodeId} version="v" live={false} sequence={42} events={[]} tab={undefined} onTab={() => {}} onPreview={() => {}} onClose={() => {}} />
      </QueryClientProvider>,
    );
    expect(html.match(/data-testid="inspector-attempt"/g)).toHaveLength(2);
    expect(html).toContain('[exception] connection refused — will retry');
    expect(html).toContain('delivery 2');
    expect(html).toContain('nmap.xml');
    expect(html).toContain('Open port 5433/tcp');
    expect(html).toContain('As at event 42, the replayed moment.');
  });

  it('shows a registered tab (the Terminal slot) when the address names it, with the node and the events on screen', () => {
    inspectorTabs.push({ id: 'lines', label: 'Lines', render: ({ nodeId, events, live }) => <p>{`${nodeId}: ${events.length} events${live ? ' live' : ''}`}</p> });
    try {
      const html = renderToStaticMarkup(
        <QueryClientProvider client={new QueryClient()}>
          <NodeInspector runId="r1" nodeId="scan" version="v" live events={[]} tab="lines" onTab={() => {}} onPreview={() => {}} onClose={() => {}} />
        </QueryClientProvider>,
      );
      expect(html).toContain('data-testid="inspector-tab-lines"');
      expect(html).toContain('<p>scan: 0 events live</p>');
    } finally {
      inspectorTabs.pop();
    }
  });
});
