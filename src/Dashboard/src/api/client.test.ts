// The baseline calls are operator actions that change state: they must carry the anti-forgery header the
// API demands of cookie-authenticated writes, and the right method, path and body.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { antiForgeryHeaders, api, ApiError, baselineRunId } from './client';

interface Sent {
  url: string;
  init: RequestInit;
}

function stubFetch(response: () => Response): Sent[] {
  const sent: Sent[] = [];
  vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
    sent.push({ url, init });
    return Promise.resolve(response());
  });
  return sent;
}

afterEach(() => vi.unstubAllGlobals());

describe('baseline API calls', () => {
  it('pins with PUT {"runId"} and the anti-forgery header', async () => {
    const sent = stubFetch(() => Response.json({ workflowId: 'w/1', runId: 'r1', pinned: true }));
    const pinned = await api.pinBaseline('w/1', 'r1');
    expect(pinned.pinned).toBe(true);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('api/workflows/w%2F1/baseline');
    expect(sent[0]!.init.method).toBe('PUT');
    expect(JSON.parse(sent[0]!.init.body as string)).toEqual({ runId: 'r1' });
    expect(sent[0]!.init.headers).toMatchObject({ ...antiForgeryHeaders, 'Content-Type': 'application/json' });
  });

  it('unpins with DELETE and the anti-forgery header, accepting 204', async () => {
    const sent = stubFetch(() => new Response(null, { status: 204 }));
    await expect(api.unpinBaseline('w')).resolves.toBeUndefined();
    expect(sent[0]!.url).toBe('api/workflows/w/baseline');
    expect(sent[0]!.init.method).toBe('DELETE');
    expect(sent[0]!.init.headers).toMatchObject(antiForgeryHeaders);
  });

  it('asks the run against its baseline and reports a missing baseline as a 404 with its detail', async () => {
    const sent = stubFetch(() =>
      Response.json({ type: 'about:blank', title: 'The run has no baseline.', status: 404, detail: "Run 'r' has no baseline." }, { status: 404 }),
    );
    const error = await api.diff('r', baselineRunId).catch((e: unknown) => e);
    expect(sent[0]!.url).toBe('api/workflows/runs/r/diff/baseline');
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(404);
    expect((error as ApiError).message).toContain("Run 'r' has no baseline.");
  });

  it("reads a workflow's open findings", async () => {
    const sent = stubFetch(() => Response.json({ workflowId: 'w', findings: [], counts: { info: 0, low: 0, medium: 0, high: 0, critical: 0, total: 0 } }));
    const open = await api.workflowFindings('w');
    expect(sent[0]!.url).toBe('api/workflows/w/findings');
    expect(open.findings).toEqual([]);
  });
});

describe('node inspector call', () => {
  it('asks for the node at the replayed moment with ?sequence=, and as the trace ends without it', async () => {
    const sent = stubFetch(() => Response.json({}));
    await api.inspectNode('r/1', 'scan', 17);
    await api.inspectNode('r/1', 'scan');
    expect(sent.map((s) => s.url)).toEqual(['api/workflows/runs/r%2F1/nodes/scan?sequence=17', 'api/workflows/runs/r%2F1/nodes/scan']);
  });
});
