// End-to-end: deciding an approval step and re-running a run from the dashboard, as a user does.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, screenshot, startHost, waitFor } from './lib/harness.mjs';

const nodeStatus = (page, nodeId) => page.locator(`[data-testid="node-${nodeId}"]`).getAttribute('data-status');

describe('run control', () => {
  let host;
  let browser;

  before(async () => {
    host = await startHost('run-control');
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('approves a waiting step from the run page, then re-runs the run and links the new run to its parent', async () => {
    await host.api('workflows', {
      method: 'POST',
      body: JSON.stringify({
        id: 'browser-approval',
        name: 'Approval',
        nodes: [
          { id: 'gate', component: 'core.approval', inputs: { message: 'Ship it?', timeoutSeconds: 600 } },
          { id: 'after', component: 'core.log', inputs: { message: 'shipped' }, dependsOn: ['gate'] },
        ],
      }),
    });
    const started = await host.api('workflows/browser-approval/runs', { method: 'POST' });

    const page = await host.newPage(browser);
    page.on('pageerror', (error) => console.error('page error:', error));
    await page.goto(`${host.baseUrl}/#/runs/${started.runId}`);
    await waitFor(async () => (await nodeStatus(page, 'gate')) === 'waiting', 60_000, 'the gate node to wait');
    await page.getByTestId('approval-gate').filter({ hasText: 'Ship it?' }).waitFor();
    await screenshot(page, 'run-control-01-waiting');

    await page.getByTestId('approve-gate').click();
    await waitFor(async () => (await nodeStatus(page, 'after')) === 'success', 60_000, 'the after node to succeed');
    await page.getByTestId('run-status').filter({ hasText: 'completed' }).waitFor({ timeout: 30_000 });
    const status = await host.api(`workflows/runs/${started.runId}/status`);
    assert.equal(status.status, 'completed');
    assert.equal(await page.getByTestId('approvals').count(), 0);

    await page.getByTestId('rerun-run').click();
    await waitFor(async () => !page.url().endsWith(started.runId), 30_000, 'the page to open the re-run');
    await page.getByTestId('parent-run').filter({ hasText: started.runId }).waitFor();
    const childId = decodeURIComponent(page.url().split('#/runs/')[1]);
    const child = await host.api(`workflows/runs/${childId}/status`);
    assert.equal(child.parentRunId, started.runId);
    assert.deepEqual(child.trigger, { kind: 'rerun', parentRunId: started.runId });
    await screenshot(page, 'run-control-02-rerun');
    await page.close();
  });
});
