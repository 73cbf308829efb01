// End-to-end: the real local host serving the built dashboard, driven in headless Chromium.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, recordStatuses, repoRoot, screenshot, startHost, waitFor } from './lib/harness.mjs';

const nodeStatus = (page, nodeId) => page.locator(`[data-testid="node-${nodeId}"]`).getAttribute('data-status');

describe('dashboard', () => {
  let host;
  let browser;
  let page;

  before(async () => {
    host = await startHost('dashboard');
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await host?.stop();
  });

  const openPage = async () => {
    page = await host.newPage(browser, { initScript: recordStatuses });
    page.on('pageerror', (error) => console.error('page error:', error));
    return page;
  };

  it('takes the key from the dashboard link into an HttpOnly, same-site cookie, and without it the API refuses the page', async () => {
    await openPage();
    assert.equal(page.url(), `${host.baseUrl}/`);
    const cookies = await page.context().cookies(host.baseUrl);
    const key = cookies.find((c) => c.value === host.apiKey);
    assert.ok(key, `no cookie holds the key: ${JSON.stringify(cookies.map((c) => c.name))}`);
    assert.equal(key.httpOnly, true);
    assert.equal(key.sameSite, 'Strict');
    assert.equal(key.path, '/');
    // Script in the page cannot read it, and the page's own API calls carry it.
    assert.equal(await page.evaluate(() => document.cookie.includes('shipsec-key')), false);
    assert.equal(await page.evaluate(async () => (await fetch('api/workflows/runs')).status), 200);

    // A browser without the cookie gets 401 problem details from the same call.
    const stranger = await browser.newContext();
    const bare = await stranger.newPage();
    await bare.goto(`${host.baseUrl}/api/health`);
    const refused = await bare.evaluate(async () => {
      const response = await fetch('/api/workflows/runs');
      return { status: response.status, type: response.headers.get('content-type')?.split(';')[0] };
    });
    assert.deepEqual(refused, { status: 401, type: 'application/problem+json' });
    await stranger.close();
    await page.close();
  });

  it('starts the sample run from the page and follows it to success, with logs, node filter and the report preview', async () => {
    const sample = JSON.parse(readFileSync(join(repoRoot, 'samples/workflows/local-recon.json'), 'utf8'));
    await host.api('workflows', { method: 'POST', body: JSON.stringify(sample) });

    await openPage();
    await page.goto(`${host.baseUrl}/`);
    await page.getByTestId('workflow-id').fill('local-recon');
    await screenshot(page, '01-runs-page');
    await page.getByTestId('start-typed').click();
    // The sample declares inputs (target, ports): the start form opens with their defaults.
    await page.getByTestId('start-form').waitFor();
    await screenshot(page, '01b-start-form');
    await page.getByTestId('start-submit').click();
    await page.waitForURL(/#\/runs\//);
    const runId = decodeURIComponent(page.url().split('#/runs/')[1]);

    // The canvas has the four nodes of the sample.
    for (const id of ['scan', 'probe', 'tls', 'report']) await page.getByTestId(`node-${id}`).waitFor();

    await waitFor(async () => (await nodeStatus(page, 'tls')) === 'running' || (await nodeStatus(page, 'tls')) === 'success', 60_000, 'the tls node to run');
    await screenshot(page, '02-run-in-progress');

    await page.waitForFunction(() => document.querySelectorAll('[data-status="success"]').length === 4, null, { timeout: 90_000 });
    await page.getByTestId('run-status').filter({ hasText: 'completed' }).waitFor({ timeout: 30_000 });
    await screenshot(page, '03-run-completed');

    const statuses = await page.evaluate(() => window.__statuses);
    const sawRunningThenSuccess = Object.entries(statuses).filter(([, seen]) => {
      const running = seen.indexOf('running');
      return running >= 0 && seen.indexOf('success') > running;
    });
    assert.ok(sawRunningThenSuccess.length > 0, `no node was seen running before success: ${JSON.stringify(statuses)}`);
    for (const id of ['scan', 'probe', 'tls', 'report']) assert.equal(statuses[`node-${id}`].at(-1), 'success');

    // The console has the scanner's own output lines.
    const scanLine = page.locator('[data-testid="console-line"][data-node="scan"]', { hasText: 'nmap found' });
    await page.getByTestId('console-text').fill('nmap found');
    await scanLine.first().waitFor();
    await page.getByTestId('console-text').fill('');

    // Clicking a node filters the console to it.
    await page.getByTestId('node-scan').click();
    assert.equal(await page.getByTestId('console-node').inputValue(), 'scan');
    await waitFor(async () => {
      const nodes = await page.locator('[data-testid="console-line"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-node')));
      return nodes.length > 0 && nodes.every((n) => n === 'scan');
    }, 10_000, 'the console to show only the scan node');
    await screenshot(page, '04-console-filtered-by-node');

    // The report's Markdown artifact opens as a rendered preview.
    await page.getByTestId('console-node').selectOption('report');
    const artifactLine = page.locator('[data-testid="console-line"][data-type="NODE_ARTIFACT"]', { hasText: 'report.md' });
    await artifactLine.getByTestId('artifact-preview').click();
    const panel = page.getByTestId('artifact-panel');
    await panel.waitFor();
    assert.equal(await panel.getAttribute('data-kind'), 'markdown');
    await panel.locator('h1', { hasText: 'Local recon' }).waitFor();
    assert.match(await panel.getByTestId('artifact-download').getAttribute('href'), new RegExp(`api/workflows/runs/${runId}/artifacts/`));
    await screenshot(page, '05-report-preview');
    await page.keyboard.press('Escape');

    // The runs list shows the run completed.
    await page.goto(`${host.baseUrl}/#/`);
    await page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`).getByTestId('run-status').filter({ hasText: 'completed' }).waitFor();
    await page.getByTestId('start-local-recon').waitFor();
    await page.close();
  });

  it('shows progress on a running node and animates the edge into it', async () => {
    await host.api('workflows', {
      method: 'POST',
      body: JSON.stringify({
        id: 'slow-progress',
        name: 'Slow progress',
        nodes: [
          { id: 'first', component: 'core.log', inputs: { message: 'warming up' } },
          { id: 'wait', component: 'core.sleep', inputs: { milliseconds: 6000 }, dependsOn: ['first'] },
        ],
      }),
    });
    await openPage();
    await page.goto(`${host.baseUrl}/#/`);
    await page.getByTestId('workflow-id').fill('slow-progress');
    await page.getByTestId('start-typed').click();
    await page.waitForURL(/#\/runs\//);

    const badge = page.getByTestId('node-wait').getByTestId('node-progress');
    await badge.waitFor({ timeout: 60_000 });
    assert.match(await badge.textContent(), /^\d+\/6000$/);
    assert.equal(await nodeStatus(page, 'wait'), 'running');
    assert.equal(await page.locator('.react-flow__edge.animated').count(), 1);
    await screenshot(page, '06-node-progress');

    await waitFor(async () => (await nodeStatus(page, 'wait')) === 'success', 60_000, 'the wait node to succeed');
    assert.equal(await page.locator('.react-flow__edge.animated').count(), 0);
    await page.close();
  });

  it('shows a failing node in the failure state with its error', async () => {
    await host.api('workflows', {
      method: 'POST',
      body: JSON.stringify({
        id: 'always-fails',
        name: 'Always fails',
        nodes: [
          { id: 'boom', component: 'core.fail', inputs: { message: 'Disk on fire' } },
          { id: 'after', component: 'core.log', inputs: { message: 'never' }, dependsOn: ['boom'] },
        ],
      }),
    });
    const started = await host.api('workflows/always-fails/runs', { method: 'POST' });

    await openPage();
    await page.goto(`${host.baseUrl}/#/runs/${started.runId}`);
    await waitFor(async () => (await nodeStatus(page, 'boom')) === 'failure', 60_000, 'the boom node to fail');
    await page.getByTestId('node-boom').getByTestId('node-message').filter({ hasText: 'Disk on fire' }).waitFor();
    await page.locator('[data-testid="console-line"][data-type="NODE_FAILED"]', { hasText: 'Disk on fire' }).first().waitFor();
    await waitFor(async () => (await nodeStatus(page, 'after')) === 'skipped', 30_000, 'the after node to be skipped');
    await page.getByTestId('run-status').filter({ hasText: 'failed' }).waitFor({ timeout: 30_000 });
    await screenshot(page, '07-failed-run');

    await page.goto(`${host.baseUrl}/#/?workflow=always-fails`);
    const row = page.locator(`[data-testid="run-row"][data-run-id="${started.runId}"]`);
    await row.getByTestId('run-status').filter({ hasText: 'failed' }).waitFor();
    assert.match(await row.textContent(), /Disk on fire/);
    await screenshot(page, '08-runs-list');
    await page.close();
  });
});
