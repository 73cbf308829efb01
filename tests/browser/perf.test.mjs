// Frame time of the console with 100k events loaded (the dev-only #/perf page synthesizes them):
// scrolls the console a screenful per frame, then by random jumps, and records requestAnimationFrame intervals.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { launchBrowser, repoRoot, screenshot, startHost } from './lib/harness.mjs';

let host;
let browser;

before(async () => {
  host = await startHost('perf');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await host?.stop();
});

it('scrolls a 100k-event console within a frame budget', async (t) => {
  const page = await host.newPage(browser);
  await page.goto(`${host.baseUrl}/#/perf?events=100000`);
  await page.getByTestId('console-count').filter({ hasText: '100,000 / 100,000' }).waitFor({ timeout: 60_000 });
  const fold = await page.evaluate(() => window.__perf);

  const result = await page.evaluate(async () => {
    const list = document.querySelector('.console .vlist');
    const stats = (xs) => {
      const sorted = [...xs].sort((a, b) => a - b);
      const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
      return { mean: xs.reduce((a, b) => a + b, 0) / xs.length, p50: at(0.5), p95: at(0.95), max: sorted.at(-1) };
    };
    // Frame intervals while scrolling `count` times, one scroll per frame.
    const run = async (count, next) => {
      const frames = [];
      let last = await new Promise(requestAnimationFrame);
      for (let i = 0; i < count; i++) {
        list.scrollTop = next(i);
        const now = await new Promise(requestAnimationFrame);
        frames.push(now - last);
        last = now;
      }
      return frames;
    };
    await run(30, (i) => list.scrollTop + (i % 2 ? 600 : -400)); // warm-up, not measured
    // Reading: a screenful down or up per frame. Dragging the scrollbar: a random jump per frame.
    const steps = await run(200, (i) => list.scrollTop + (i % 2 ? 600 : -400));
    const jumps = await run(100, () => Math.random() * list.scrollHeight);
    return { steps: stats(steps), jumps: stats(jumps), rowsInDom: list.querySelectorAll('[data-testid="console-line"]').length };
  });

  await screenshot(page, '09-perf-100k');
  const report = { events: 100000, foldMs: fold.foldMs, ...result, measuredAt: new Date().toISOString() };
  mkdirSync(join(repoRoot, '.artifacts', 'perf'), { recursive: true });
  writeFileSync(join(repoRoot, '.artifacts', 'perf', 'console-frame-time.json'), JSON.stringify(report, null, 2));
  const line = (s) => `mean ${s.mean.toFixed(1)} ms, p50 ${s.p50.toFixed(1)}, p95 ${s.p95.toFixed(1)}, max ${s.max.toFixed(1)}`;
  t.diagnostic(`console with 100k events; scrolling a screenful per frame: ${line(result.steps)}; random jumps: ${line(result.jumps)}; ${result.rowsInDom} rows in the DOM; folding 100k events took ${fold.foldMs.toFixed(0)} ms`);

  assert.ok(result.rowsInDom < 200, `the console rendered ${result.rowsInDom} rows; it should render only the visible window`);
  // What a user notices is a console that freezes: a non-virtualised list takes seconds per frame. The frame-time
  // figures above are reported, not asserted tightly; under a loaded 2-core machine p95 reached 67-83 ms while the
  // same build measured 33 ms alone, so the bound only separates "scrolls" from "freezes".
  assert.ok(result.steps.p95 < 250, `p95 frame time while scrolling ${result.steps.p95.toFixed(1)} ms`);
  assert.ok(result.jumps.p95 < 500, `p95 frame time of random jumps ${result.jumps.p95.toFixed(1)} ms`);
  await page.close();
});
