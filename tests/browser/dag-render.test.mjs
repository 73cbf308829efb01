// First render of a 1,000-node DAG on the run canvas (the dev-only #/perf/dag page: ELK layout in its web worker,
// then React Flow), beside its ceiling: the same number of node cards as plain divs. Repetitions interleaved
// (canvas, plain, canvas, …), each in a freshly loaded document, medians reported; the figures go to
// .artifacts/perf/dag-render.json and the test's diagnostic. The assertions only separate "renders" from "hangs".
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { launchBrowser, repoRoot, screenshot, startHost } from './lib/harness.mjs';

const nodes = 1000;
const repetitions = 3;

let host;
let browser;

before(async () => {
  host = await startHost('dag-render');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await host?.stop();
});

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

it(`renders a ${nodes}-node DAG on the canvas`, async (t) => {
  const page = await host.newPage(browser);
  page.on('pageerror', (error) => console.error('page error:', error));
  const measure = async (plain) => {
    await page.goto(`${host.baseUrl}/#/perf/dag?nodes=${nodes}${plain ? '&plain=1' : ''}`);
    await page.reload();
    await page.waitForFunction(() => window.__dag, null, { timeout: 120_000 });
    return page.evaluate(() => window.__dag);
  };
  await measure(false); // warm-up: the browser's code caches, not measured
  const canvas = [];
  const plain = [];
  for (let i = 0; i < repetitions; i++) {
    canvas.push(await measure(false));
    plain.push(await measure(true));
  }
  await measure(false);
  await screenshot(page, '23-dag-1000');
  const cards = await page.locator('.react-flow__node').count();

  const report = {
    nodes: canvas[0].nodes,
    canvasFirstRenderMs: median(canvas.map((f) => f.firstRenderMs)),
    canvasLayoutMs: median(canvas.map((f) => f.layoutMs)),
    plainDivsFirstRenderMs: median(plain.map((f) => f.firstRenderMs)),
    repetitions,
    runs: { canvas, plain },
    measuredAt: new Date().toISOString(),
  };
  report.ratio = report.canvasFirstRenderMs / report.plainDivsFirstRenderMs;
  mkdirSync(join(repoRoot, '.artifacts', 'perf'), { recursive: true });
  writeFileSync(join(repoRoot, '.artifacts', 'perf', 'dag-render.json'), JSON.stringify(report, null, 2));
  t.diagnostic(
    `${report.nodes}-node DAG first render: ${report.canvasFirstRenderMs.toFixed(0)} ms (ELK layout ${report.canvasLayoutMs.toFixed(0)} ms of it) ` +
      `beside ${report.plainDivsFirstRenderMs.toFixed(0)} ms for ${report.nodes} plain divs (${report.ratio.toFixed(1)}x); medians of ${repetitions}`,
  );

  assert.equal(cards, report.nodes, 'every node of the DAG is on the canvas');
  assert.ok(report.canvasFirstRenderMs < 60_000, `the canvas took ${report.canvasFirstRenderMs.toFixed(0)} ms`);
  await page.close();
});
