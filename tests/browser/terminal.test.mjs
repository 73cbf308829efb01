// End-to-end inspection of a run: the node's terminal shows a tool's colours, and the attempt timeline's bars
// select their node; in replay the timeline carries a cursor at the scrub position.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, screenshot, startHost, waitFor } from './lib/harness.mjs';

const workflow = {
  id: 'inspect-colours',
  name: 'Inspect: a coloured line, a retried node',
  nodes: [
    { id: 'paint', component: 'core.exec', inputs: { command: 'bash', args: ['-c', "printf '\\e[31mred\\e[0m\\n'; echo plain"] } },
    {
      id: 'flaky',
      component: 'core.fail',
      inputs: { message: 'first try breaks', failUntilAttempt: 1 },
      retry: { maxAttempts: 2, backoffSeconds: 1 },
      dependsOn: ['paint'],
    },
  ],
};

describe('terminal and attempt timeline', () => {
  let host;
  let browser;
  let runId;

  before(async () => {
    host = await startHost('inspect');
    browser = await launchBrowser();
    await host.api('workflows', { method: 'POST', body: JSON.stringify(workflow) });
    ({ runId } = await host.api(`workflows/${workflow.id}/runs`, { method: 'POST' }));
    await waitFor(async () => (await host.api(`workflows/runs/${runId}/status`)).status === 'completed', 60_000, 'the run to complete');
  });

  after(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('clicking a Gantt bar selects its node, and its terminal shows the red the tool printed', async () => {
    const page = await host.newPage(browser);
    page.on('pageerror', (error) => console.error('page error:', error));
    await page.goto(`${host.baseUrl}/#/runs/${encodeURIComponent(runId)}`);
    await page.getByTestId('tab-timeline').click();
    // The retried node has two bars, the second starting with its backoff.
    await page.getByTestId('gantt-bar-flaky-2').waitFor();
    assert.equal(await page.locator('[data-testid="gantt-bar-flaky-2"] .phase-backoff').count(), 1);

    await page.getByTestId('gantt-bar-paint-1').click();
    await waitFor(async () => (await page.getByTestId('console-node').inputValue()) === 'paint', 10_000, 'the console to filter on paint');
    assert.match((await page.getByTestId('node-paint').getAttribute('class')) ?? '', /\bselected\b/);
    assert.match((await page.getByTestId('gantt-row-paint').getAttribute('class')) ?? '', /\bselected\b/);
    await screenshot(page, 'inspect-01-timeline');

    await page.getByTestId('tab-terminal').click();
    const red = page.locator('[data-testid="terminal"] .xterm-rows span', { hasText: 'red' }).first();
    await red.waitFor({ timeout: 10_000 });
    const colour = await red.evaluate((span) => getComputedStyle(span).color);
    const [r, g, b] = colour.match(/\d+/g).map(Number);
    assert.ok(r > 150 && g < 100 && b < 100, `"red" is drawn in ${colour}`);
    // The line printed without colour stays in the default colour.
    const plain = page.locator('[data-testid="terminal"] .xterm-rows > div', { hasText: 'plain' }).first();
    await plain.waitFor();
    assert.equal(await plain.locator('span[class*="xterm-fg-"]').count(), 0);
    await screenshot(page, 'inspect-02-terminal');
    await page.close();
  });

  it('in replay the timeline draws a cursor at the scrub position', async () => {
    const page = await host.newPage(browser);
    await page.goto(`${host.baseUrl}/#/runs/${encodeURIComponent(runId)}?mode=replay`);
    await page.getByTestId('replay-controls').waitFor();
    await page.getByTestId('tab-timeline').click();
    await page.getByTestId('gantt-cursor').waitFor();
    const left = async () => (await page.getByTestId('gantt-cursor').boundingBox()).x;
    const atEnd = await left();
    // Events close together in time move the cursor little: step back until it has moved (the backoff is a second).
    for (let steps = 0; steps < 12 && (await left()) >= atEnd; steps++) await page.getByTestId('replay-step-back').click();
    assert.ok((await left()) < atEnd, 'the cursor moved back with the scrub position');
    await page.close();
  });
});
