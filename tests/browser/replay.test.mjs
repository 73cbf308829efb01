// End-to-end replay: a finished run is replayed client-side from its stored trace (no state/diff endpoint
// needed). The scrubber moves canvas and console to a moment in the middle of the run and back to the end;
// the player re-applies the events in recorded time. The diff page draws what the server's diff route answers.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, recordStatuses, screenshot, startHost, waitFor } from './lib/harness.mjs';

const workflow = {
  id: 'replay-sleep',
  name: 'Replay: log, sleep 3 s, log',
  nodes: [
    { id: 'first', component: 'core.log', inputs: { message: 'before the nap' } },
    { id: 'wait', component: 'core.sleep', inputs: { milliseconds: 3000 }, dependsOn: ['first'] },
    { id: 'last', component: 'core.log', inputs: { message: 'after the nap' }, dependsOn: ['wait'] },
  ],
};

const nodeStatus = (page, nodeId) => page.locator(`[data-testid="node-${nodeId}"]`).getAttribute('data-status');

// React listens for `input` and tracks the value through the prototype setter, so set it the same way.
const scrubTo = (page, t) =>
  page.getByTestId('replay-scrubber').evaluate((input, value) => {
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    setter.call(input, String(value));
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, t);

describe('replay', () => {
  let host;
  let browser;
  const runs = [];

  before(async () => {
    host = await startHost('replay');
    browser = await launchBrowser();
    await host.api('workflows', { method: 'POST', body: JSON.stringify(workflow) });
  });

  after(async () => {
    await browser?.close();
    await host?.stop();
  });

  const runToCompletion = async (workflowId = workflow.id) => {
    const started = await host.api(`workflows/${workflowId}/runs`, { method: 'POST' });
    await waitFor(async () => {
      const status = await host.api(`workflows/runs/${started.runId}/status`);
      if (status.status === 'failed' || status.status === 'cancelled') throw new Error(`run ${status.status}`);
      return status.status === 'completed';
    }, 90_000, `run ${started.runId} to complete`);
    if (workflowId === workflow.id) runs.push(started.runId);
    return started.runId;
  };

  const readTrace = async (runId) => {
    const events = [];
    let after = 0;
    for (;;) {
      const page = await host.api(`workflows/runs/${runId}/trace?after=${after}&limit=5000`);
      events.push(...page.events);
      if (!page.hasMore || page.events.length === 0) return events;
      after = page.nextCursor;
    }
  };

  const openPage = async (url) => {
    const page = await host.newPage(browser, { initScript: recordStatuses });
    page.on('pageerror', (error) => console.error('page error:', error));
    await page.goto(url);
    return page;
  };

  it('scrubs a finished run to the middle of its sleep and to the end, and plays it back', async () => {
    const runId = await runToCompletion();
    const trace = await readTrace(runId);
    const at = (type, nodeId) => {
      const event = trace.find((e) => e.type === type && e.nodeId === nodeId);
      assert.ok(event, `no ${type} for ${nodeId} in the trace`);
      return Date.parse(event.timestamp);
    };
    const sleepStarted = at('NODE_STARTED', 'wait');
    const sleepCompleted = at('NODE_COMPLETED', 'wait');
    assert.ok(sleepCompleted - sleepStarted >= 2500, `the sleep took ${sleepCompleted - sleepStarted} ms`);
    const middle = Math.round((sleepStarted + sleepCompleted) / 2);
    const eventsUpTo = (t) => trace.filter((e) => Date.parse(e.timestamp) <= t).length;

    const page = await openPage(`${host.baseUrl}/#/runs/${runId}?mode=replay`);
    const scrubber = page.getByTestId('replay-scrubber');
    await scrubber.waitFor({ timeout: 30_000 });
    for (const id of ['first', 'wait', 'last']) await page.getByTestId(`node-${id}`).waitFor();
    // The scrubber spans the run's events.
    assert.equal(Number(await scrubber.getAttribute('data-start')), Math.floor(Date.parse(trace[0].timestamp)));
    assert.equal(Number(await scrubber.getAttribute('data-end')), Math.ceil(Math.max(...trace.map((e) => Date.parse(e.timestamp)))));

    // The middle of the sleep: first done, wait running, last not started; the console stops at that moment.
    await scrubTo(page, middle);
    await waitFor(async () => (await nodeStatus(page, 'wait')) === 'running', 10_000, 'the wait node to show running at the middle');
    assert.equal(await nodeStatus(page, 'first'), 'success');
    assert.equal(await nodeStatus(page, 'last'), 'idle');
    const expectedMiddle = eventsUpTo(middle);
    assert.ok(expectedMiddle < trace.length);
    assert.equal(await page.getByTestId('replay-position').getAttribute('data-position'), String(expectedMiddle));
    assert.match(await page.getByTestId('console-count').textContent(), new RegExp(`^${expectedMiddle} / ${expectedMiddle} events$`));
    assert.equal(await page.locator('[data-testid="console-line"][data-node="last"]').count(), 0);
    await screenshot(page, 'replay-01-middle-of-sleep');

    // The end: every node succeeded and the console has the whole trace.
    await scrubTo(page, Number(await scrubber.getAttribute('data-end')));
    await waitFor(async () => (await nodeStatus(page, 'last')) === 'success', 10_000, 'the last node to show success at the end');
    for (const id of ['first', 'wait', 'last']) assert.equal(await nodeStatus(page, id), 'success');
    assert.match(await page.getByTestId('console-count').textContent(), new RegExp(`^${trace.length} / ${trace.length} events$`));
    await screenshot(page, 'replay-02-end');

    // One step back un-applies exactly one event.
    await page.getByTestId('replay-step-back').click();
    assert.equal(await page.getByTestId('replay-position').getAttribute('data-position'), String(trace.length - 1));
    await page.getByTestId('replay-step-forward').click();
    assert.equal(await page.getByTestId('replay-position').getAttribute('data-position'), String(trace.length));

    // Play from the start at 5×: the sleep node is seen running before it succeeds, and playback ends at the end.
    await page.evaluate(() => (window.__statuses = {}));
    await scrubTo(page, Number(await scrubber.getAttribute('data-start')));
    await page.getByTestId('replay-speed').selectOption('5');
    await page.getByTestId('replay-play').click();
    await page.getByTestId('replay-pause').waitFor();
    await waitFor(async () => (await nodeStatus(page, 'wait')) === 'running', 10_000, 'the wait node to run during playback');
    await screenshot(page, 'replay-03-playing');
    await page.getByTestId('replay-play').waitFor({ timeout: 15_000 }); // playback stopped at the end
    assert.equal(await page.getByTestId('replay-position').getAttribute('data-position'), String(trace.length));
    const seen = await page.evaluate(() => window.__statuses['node-wait']);
    assert.deepEqual(seen.slice(-2), ['running', 'success'], `wait node statuses during playback: ${JSON.stringify(seen)}`);
    await page.close();
  });

  it('lists the runs on the timeline and opens a replay and a diff from it', async () => {
    while (runs.length < 2) await runToCompletion();
    const page = await openPage(`${host.baseUrl}/#/timeline?workflow=${workflow.id}`);
    await waitFor(async () => (await page.getByTestId('timeline-bar').count()) >= 2, 30_000, 'two bars on the timeline');
    for (const runId of runs) {
      const row = page.locator(`[data-testid="timeline-row"][data-run-id="${runId}"]`);
      assert.equal(await row.getByTestId('timeline-bar').getAttribute('data-status'), 'completed');
    }
    await page.locator(`[data-testid="timeline-row"][data-run-id="${runs[0]}"]`).getByTestId('timeline-bar').click();
    await page.locator(`[data-testid="timeline-row"][data-run-id="${runs[0]}"]`).getByTestId('timeline-tick').check();
    await page.locator(`[data-testid="timeline-row"][data-run-id="${runs[1]}"]`).getByTestId('timeline-tick').check();
    await screenshot(page, 'replay-04-timeline');
    assert.match(await page.getByTestId('timeline-replay').getAttribute('href'), new RegExp(`#/runs/${runs[0]}\\?mode=replay`));

    await page.getByTestId('timeline-diff').click();
    await page.waitForURL(new RegExp(`#/diff/${runs[0]}/${runs[1]}$`));
    await page.getByTestId('diff-page').waitFor();
    await page.close();
  });

  it('draws a contract-shaped diff: union of nodes outlined by change, before/after listed (diff response mocked in the browser)', async () => {
    while (runs.length < 2) await runToCompletion();
    const [a, b] = runs;
    // The shape of RunDiff; "extra" exists in neither definition (a node of another version).
    const finding = (fingerprint, severity, title) => ({
      fingerprint,
      ruleId: 'fixture',
      title,
      severity,
      asset: { host: '127.0.0.1', port: 8080, protocol: 'tcp' },
      nodeId: 'wait',
      attempt: 1,
      sequence: 1,
      timestamp: new Date().toISOString(),
    });
    const diff = {
      runId: a,
      otherRunId: b,
      workflowId: workflow.id,
      otherWorkflowId: workflow.id,
      identical: false,
      status: { before: 'completed', after: 'failed' },
      findings: {
        added: [finding('new-info', 'info', 'Open port 8080/tcp'), finding('new-high', 'high', 'Weak TLS')],
        resolved: [finding('gone', 'medium', 'Self-signed certificate')],
        changed: [{ fingerprint: 'moved', before: finding('moved', 'low', 'Banner'), after: finding('moved', 'critical', 'Banner') }],
        unchangedCount: 2,
      },
      nodes: [
        { nodeId: 'first', change: 'unchanged', logs: { a: 1, b: 1, firstDivergence: { index: 0, before: 'took 3 ms', after: 'took 9 ms' } } },
        {
          nodeId: 'wait',
          change: 'changed',
          status: { before: 'completed', after: 'failed' },
          attempts: { before: 1, after: 2 },
          durationMs: { before: 3000, after: 900 },
          outputSummary: { before: { slept: 3000 }, after: { slept: 900 } },
          artifacts: [{ name: 'report.md', before: 'a'.repeat(64), after: 'b'.repeat(64) }],
          findings: { added: 2, resolved: 1, changed: 1 },
          logs: { a: 10, b: 12, firstDivergence: { index: 3, before: 'progress 900/3000', after: 'failed: timeout' } },
        },
        { nodeId: 'last', change: 'removed', status: { before: 'completed' }, logs: { a: 1, b: 0 } },
        { nodeId: 'extra', change: 'added', status: { after: 'completed' }, logs: { a: 0, b: 2 } },
      ],
    };
    const page = await host.newPage(browser);
    page.on('pageerror', (error) => console.error('page error:', error));
    await page.route(`**/api/workflows/runs/${a}/diff/${b}`, (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(diff) }));
    await page.goto(`${host.baseUrl}/#/diff/${a}/${b}`);
    await page.getByTestId('diff-list').waitFor({ timeout: 30_000 });
    for (const node of diff.nodes) {
      const canvasNode = page.getByTestId(`diff-node-${node.nodeId}`);
      await canvasNode.waitFor();
      assert.equal(await canvasNode.getAttribute('data-change'), node.change);
      assert.equal(await page.locator(`[data-testid="diff-entry"][data-node="${node.nodeId}"]`).getAttribute('data-change'), node.change);
    }
    // Outline styles: added green solid, removed red dashed, changed amber.
    const outline = (id) => page.getByTestId(`diff-node-${id}`).evaluate((e) => ({ style: getComputedStyle(e).borderTopStyle, color: getComputedStyle(e).borderTopColor }));
    assert.deepEqual(await outline('extra'), { style: 'solid', color: 'rgb(63, 185, 80)' });
    assert.deepEqual(await outline('last'), { style: 'dashed', color: 'rgb(248, 81, 73)' });
    assert.deepEqual(await outline('wait'), { style: 'solid', color: 'rgb(210, 153, 34)' });
    const wait = page.locator('[data-testid="diff-entry"][data-node="wait"]');
    assert.match(await wait.getByTestId('diff-status').textContent(), /completed.*failed/);
    assert.match(await wait.getByTestId('diff-artifact').textContent(), /report\.md.*aaaaaaaaaaaa.*bbbbbbbbbbbb/);
    assert.match(await wait.getByTestId('diff-divergence').textContent(), /progress 900\/3000.*failed: timeout/);
    assert.match(await wait.textContent(), /"slept": 3000[\s\S]*"slept": 900/);
    assert.equal(await page.getByTestId('diff-identical').getAttribute('data-identical'), 'false');
    assert.equal(await page.getByTestId('diff-identical').textContent(), '2 new findings · 1 resolved · 1 changed · 3 nodes changed · status completed → failed');
    // Findings lead, above the nodes: new (most severe first), resolved, changed.
    const findingsBox = await page.getByTestId('diff-findings').boundingBox();
    const listBox = await page.getByTestId('diff-list').boundingBox();
    assert.ok(findingsBox.y < listBox.y, 'the findings come before the node changes');
    const rows = await page.getByTestId('diff-finding').evaluateAll((elements) => elements.map((e) => `${e.dataset.kind}:${e.dataset.fingerprint}`));
    assert.deepEqual(rows, ['added:new-high', 'added:new-info', 'resolved:gone', 'changed:moved']);
    // Log wording is detail: the node whose only difference is its log text is listed as unchanged.
    assert.equal(await page.locator('[data-testid="diff-entry"][data-node="first"]').getAttribute('data-change'), 'unchanged');
    await screenshot(page, 'replay-06-diff-mocked');
    await page.close();
  });

  it('shows the diff of two runs on the canvas and beside it', async () => {
    while (runs.length < 2) await runToCompletion();
    const [a, b] = runs;
    const response = await host.fetch(`workflows/runs/${a}/diff/${b}`);
    assert.equal(response.status, 200);
    const diff = await response.json();

    const page = await openPage(`${host.baseUrl}/#/diff/${a}/${b}`);
    await page.getByTestId('diff-list').waitFor({ timeout: 30_000 });
    for (const node of diff.nodes) {
      await page.getByTestId(`diff-node-${node.nodeId}`).waitFor();
      assert.equal(await page.getByTestId(`diff-node-${node.nodeId}`).getAttribute('data-change'), node.change);
      assert.equal(await page.locator(`[data-testid="diff-entry"][data-node="${node.nodeId}"]`).getAttribute('data-change'), node.change);
    }
    assert.equal(await page.getByTestId('diff-identical').getAttribute('data-identical'), String(diff.identical));
    await screenshot(page, 'replay-05-diff');
    await page.close();
  });

  it('compares a second scan of an unchanged loopback target with its baseline: badge, identical diff, open findings, pin', async () => {
    // The target: one listening port on loopback that both scans find open.
    const target = createServer((socket) => socket.destroy());
    await new Promise((ok) => target.listen(0, '127.0.0.1', ok));
    const { port } = target.address();
    try {
      const scan = {
        id: 'baseline-scan',
        name: 'Scan one loopback port',
        nodes: [{ id: 'scan', component: 'security.port-scan', inputs: { host: '127.0.0.1', ports: String(port) } }],
      };
      await host.api('workflows', { method: 'POST', body: JSON.stringify(scan) });
      const first = await runToCompletion(scan.id);
      const second = await runToCompletion(scan.id);
      const summary = await host.api(`workflows/runs/${second}/status`);
      assert.deepEqual(summary.baseline, { runId: first, findingsAdded: 0, findingsResolved: 0 });

      // The first run has nothing to compare with: no badge once that is known.
      const page = await openPage(`${host.baseUrl}/#/runs/${first}`);
      await waitFor(async () => (await page.getByTestId('run-header').getAttribute('data-baseline')) === 'none', 30_000, 'the first run to show it has no baseline');
      assert.equal(await page.getByTestId('baseline-badge').count(), 0);

      // The second run's page: the badge names the first run and how the findings moved, and opens the diff.
      await page.goto(`${host.baseUrl}/#/runs/${second}`);
      const badge = page.getByTestId('baseline-badge');
      await badge.waitFor({ timeout: 30_000 });
      assert.equal(await badge.getAttribute('data-baseline-run-id'), first);
      assert.equal(await badge.textContent(), 'vs baseline · +0 new · 0 resolved');
      await waitFor(async () => (await nodeStatus(page, 'scan')) === 'success', 30_000, 'the scan node to show success');
      await screenshot(page, 'replay-07-baseline-badge');
      await badge.click();
      await page.waitForURL(new RegExp(`#/runs/${second}/diff/baseline$`));
      const headline = page.getByTestId('diff-identical');
      await headline.waitFor({ timeout: 30_000 });
      assert.equal(await headline.getAttribute('data-identical'), 'true');
      assert.equal(await headline.textContent(), 'These runs behaved the same');
      assert.equal(await page.getByTestId('diff-run-A').getAttribute('data-run-id'), first);
      assert.equal(await page.getByTestId('diff-run-B').getAttribute('data-run-id'), second);
      assert.match(await page.getByTestId('diff-findings-unchanged').textContent(), /No finding changed \(1 the same in both runs\)/);
      await screenshot(page, 'replay-08-baseline-identical');

      // The workflow view: the open port first seen in the first run, last seen in the second; pin and unpin.
      await page.goto(`${host.baseUrl}/#/workflows/${scan.id}`);
      const open = page.getByTestId('open-finding');
      await open.first().waitFor({ timeout: 30_000 });
      assert.equal(await open.count(), 1);
      assert.equal(await open.getByTestId('first-seen').textContent(), first);
      assert.equal(await open.getByTestId('last-seen').textContent(), second);
      const secondRow = page.locator(`[data-testid="run-row"][data-run-id="${second}"]`);
      assert.equal(await secondRow.getByTestId('run-baseline').textContent(), '+0 new · 0 resolved');
      await page.locator(`[data-testid="run-row"][data-run-id="${first}"]`).getByTestId('pin-baseline').click();
      await waitFor(async () => (await page.getByTestId('workflow-baseline').getAttribute('data-pinned-run-id')) === first, 10_000, 'the first run to be pinned');
      await page.locator(`[data-testid="run-row"][data-run-id="${first}"]`).getByTestId('pinned-baseline').waitFor();
      assert.equal((await host.api(`workflows/${scan.id}/findings`)).pinnedBaselineRunId, first);
      await screenshot(page, 'replay-09-workflow-pinned');
      await page.getByTestId('unpin-baseline').click();
      await waitFor(async () => (await page.getByTestId('workflow-baseline').getAttribute('data-pinned-run-id')) === '', 10_000, 'the baseline to be unpinned');
      assert.equal((await host.api(`workflows/${scan.id}/findings`)).pinnedBaselineRunId, undefined);
      await page.close();
    } finally {
      await new Promise((ok) => target.close(ok));
    }
  });
});
