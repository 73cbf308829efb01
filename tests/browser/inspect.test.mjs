// End-to-end, issue 17 (inspecting a run): the node inspector a canvas click opens, the search across runs that
// lands on the matching event's sequence with its node selected, and links that reopen the same picture.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, screenshot, startHost, waitFor } from './lib/harness.mjs';

describe('inspecting a run', () => {
  let host;
  let browser;

  before(async () => {
    host = await startHost('inspect');
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await host?.stop();
  });

  const openPage = async () => {
    const page = await host.newPage(browser);
    page.on('pageerror', (error) => console.error('page error:', error));
    return page;
  };

  /** Registers a workflow, starts it and waits until the run completed; returns its id. */
  const completedRun = async (definition) => {
    await host.api('workflows', { method: 'POST', body: JSON.stringify(definition) });
    const started = await host.api(`workflows/${definition.id}/runs`, { method: 'POST' });
    await waitFor(async () => (await host.api(`workflows/runs/${started.runId}/status`)).status === 'completed', 60_000, `run ${started.runId} to complete`);
    return started.runId;
  };

  it('opens the inspector on a node click with its attempts and outputs, and a link to it reopens it', async () => {
    const runId = await completedRun({
      id: 'inspect-me',
      name: 'Inspect me',
      nodes: [
        { id: 'greet', component: 'core.log', inputs: { message: 'hello from greet', count: 3 } },
        { id: 'after', component: 'core.log', inputs: { message: 'after greet' }, dependsOn: ['greet'] },
      ],
    });
    const page = await openPage();
    await page.goto(`${host.baseUrl}/#/runs/${runId}`);
    await page.locator('[data-testid="node-greet"][data-status="success"]').waitFor({ timeout: 30_000 });

    await page.getByTestId('node-greet').click();
    const inspector = page.getByTestId('inspector');
    await inspector.waitFor();
    assert.equal(await inspector.getAttribute('data-node'), 'greet');
    const attempt = inspector.getByTestId('inspector-attempt');
    await attempt.first().waitFor();
    assert.equal(await attempt.count(), 1);
    assert.equal(await attempt.first().getAttribute('data-status'), 'completed');
    // What the node produced (core.log answers how many lines it wrote) and what it was given.
    const outputs = JSON.parse(await inspector.getByTestId('inspector-attempt-outputs').getAttribute('data-json'));
    assert.equal(outputs.count, 3);
    const inputs = JSON.parse(await inspector.getByTestId('inspector-definition-inputs').getAttribute('data-json'));
    assert.equal(inputs.message, 'hello from greet');
    await inspector.getByTestId('inspector-attempt-outputs').getByText('"count"').waitFor();
    // The canvas narrowed for the inspector and fitted the DAG again: both nodes are still in view.
    const inView = async () => {
      const canvas = await page.getByTestId('canvas').boundingBox();
      const boxes = await Promise.all(['greet', 'after'].map((id) => page.getByTestId(`node-${id}`).boundingBox()));
      return boxes.every((b) => b && b.x >= canvas.x && b.y >= canvas.y && b.x + b.width <= canvas.x + canvas.width && b.y + b.height <= canvas.y + canvas.height);
    };
    await waitFor(inView, 10_000, 'both nodes in view beside the inspector');
    await screenshot(page, '20-node-inspector');

    // The selection is in the address: pasted into another page, it opens the same inspector.
    await page.waitForURL(/[?&]node=greet/);
    const link = page.url();
    const other = await openPage();
    await other.goto(link);
    await other.getByTestId('inspector').and(other.locator('[data-node="greet"]')).waitFor({ timeout: 30_000 });
    await other.locator('.run-node.selected[data-testid="node-greet"]').waitFor();

    // So are the console's filters.
    await page.getByTestId('console-level').selectOption('info');
    await page.getByTestId('console-text').fill('greet [2');
    await page.waitForURL(/[?&]level=info/);
    await page.waitForURL(/[?&]text=greet\+%5B2/);
    await other.goto(page.url());
    await other.reload();
    assert.equal(await other.getByTestId('console-level').inputValue(), 'info');
    assert.equal(await other.getByTestId('console-text').inputValue(), 'greet [2');
    await other.getByTestId('console-count').filter({ hasText: /^1 \// }).waitFor({ timeout: 30_000 });

    // Closing the inspector deselects the node.
    await page.getByTestId('inspector-close').click();
    await waitFor(async () => (await page.getByTestId('inspector').count()) === 0 && !page.url().includes('node='), 10_000, 'the inspector to close');
    await page.close();
    await other.close();
  });

  it('searches for a message across runs and lands on its sequence with its node selected', async () => {
    const word = `zebrafinch${randomBytes(3).toString('hex')}`;
    // Lines before and after the match, so landing on the end or the start of the run would show something else.
    const runId = await completedRun({
      id: 'search-me',
      name: 'Search me',
      nodes: [
        { id: 'before', component: 'core.log', inputs: { message: 'warming up', count: 5 } },
        { id: 'marker', component: 'core.log', inputs: { message: `the ${word} sang` }, dependsOn: ['before'] },
        { id: 'later', component: 'core.log', inputs: { message: 'cooling down', count: 5 }, dependsOn: ['marker'] },
      ],
    });
    // Another run without the word: the search must not land there.
    await completedRun({ id: 'search-other', name: 'Other', nodes: [{ id: 'noise', component: 'core.log', inputs: { message: 'nothing to see' } }] });

    const trace = await host.api(`workflows/runs/${runId}/trace?after=0&limit=1000`);
    const expected = trace.events.find((e) => e.type === 'NODE_LOG' && e.message?.includes(word));
    assert.ok(expected, 'the run logged the word');
    assert.ok(expected.sequence < trace.events.length, 'the match is not the last event');

    const page = await openPage();
    await page.goto(`${host.baseUrl}/#/`);
    await page.getByTestId('search-input').fill(word);
    await page.getByTestId('search-submit').click();
    await page.waitForURL(new RegExp(`#/search\\?q=${word}`));
    const result = page.getByTestId('search-result');
    await result.first().waitFor({ timeout: 30_000 });
    assert.equal(await result.count(), 1);
    assert.equal(await result.getAttribute('data-run-id'), runId);
    assert.equal(await result.getAttribute('data-node'), 'marker');
    // The snippet highlights the matched word.
    assert.equal(await result.locator('mark').first().textContent(), word);
    await screenshot(page, '21-search-results');

    await result.getByTestId('search-result-link').click();
    await page.waitForURL(new RegExp(`#/runs/${runId}\\?mode=replay&seq=${expected.sequence}&node=marker`));
    // The replay stands at that event: it is the last one applied, the node is selected and its inspector open.
    await page.locator(`[data-testid="replay-position"][data-position="${expected.sequence}"]`).waitFor({ timeout: 30_000 });
    await page.locator('.run-node.selected[data-testid="node-marker"]').waitFor();
    assert.equal(await page.getByTestId('inspector').getAttribute('data-node'), 'marker');
    assert.equal(await page.getByTestId('node-later').getAttribute('data-status'), 'idle');
    const lastLine = page.locator('[data-testid="console-line"]').last();
    await waitFor(async () => (await lastLine.textContent())?.includes(word), 10_000, 'the console to end at the matched line');
    await screenshot(page, '22-search-landed');

    // Stepping moves the address with it, so a link names the moment on screen.
    await page.getByTestId('replay-step-forward').click();
    await page.waitForURL(new RegExp(`seq=${expected.sequence + 1}(&|$)`));
    await page.close();
  });
});
