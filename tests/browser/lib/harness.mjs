// Starts the real local host (in-memory orchestration, its own PostgreSQL schema and task hub) and Debian's
// Chromium through playwright-core. Nothing is downloaded: the browser is /usr/bin/chromium.
// The host requires an API key, set the way ./scripts/run sets it (Access__ApiKey); pages reach the
// dashboard through the link it prints (/?key=…), so the key/cookie flow runs in every browser test.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const screenshotDir = join(repoRoot, '.artifacts', 'screenshots');
const logDir = join(repoRoot, '.artifacts', 'browser');

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

/** Waits until `check` returns a truthy value, polling, or throws after `timeoutMs`. */
export async function waitFor(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError.message})` : ''}`);
}

export async function startHost(name) {
  const release = join(repoRoot, 'src/LocalHost/bin/Release/net10.0/ShipSec.LocalHost.dll');
  const debug = join(repoRoot, 'src/LocalHost/bin/Debug/net10.0/ShipSec.LocalHost.dll');
  const dll = existsSync(release) ? release : debug;
  if (!existsSync(dll)) throw new Error(`build the local host first: neither ${release} nor ${debug} exists`);
  if (!existsSync(join(dirname(dll), 'wwwroot', 'index.html'))) {
    throw new Error(`${dirname(dll)}/wwwroot/index.html is missing: run npm ci && npm run build in src/Dashboard, then dotnet build`);
  }
  const port = await freePort();
  const suffix = randomBytes(4).toString('hex');
  const apiKey = randomBytes(32).toString('hex');
  mkdirSync(logDir, { recursive: true });
  const logPath = join(logDir, `host-${name}.log`);
  const log = createWriteStream(logPath);
  const child = spawn('dotnet', [dll, '--urls', `http://127.0.0.1:${port}`], {
    cwd: repoRoot,
    env: {
      ...process.env,
      DurableTask__Backend: 'InMemory',
      DurableTask__TaskHubName: `Browser${suffix}`,
      Postgres__Schema: `browser_${suffix}`,
      Access__ApiKey: apiKey,
      DOTNET_NOLOGO: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = false;
  child.on('exit', () => (exited = true));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(async () => {
    if (exited) throw new Error(`the local host exited during startup; see ${logPath}`);
    const response = await fetch(`${baseUrl}/api/health`);
    return response.ok;
  }, 90_000, `${baseUrl}/api/health (host log ${logPath})`);

  const keyed = (init) => ({
    ...init,
    headers: { 'content-type': 'application/json', 'x-functions-key': apiKey, ...(init?.headers ?? {}) },
  });

  return {
    baseUrl,
    apiKey,
    /** The API with the key, as the CLI calls it: the raw response. */
    fetch(path, init) {
      return fetch(`${baseUrl}/api/${path}`, keyed(init));
    },
    async api(path, init) {
      const response = await fetch(`${baseUrl}/api/${path}`, keyed(init));
      const text = await response.text();
      if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${response.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
    /**
     * A page in a fresh browser context signed in the way a user is: it opens the dashboard link
     * ./scripts/run prints (/?key=…), which stores the key in a cookie and redirects to the same page
     * without it. Fails when the key stays in the address bar. `initScript` runs in every document of
     * the page, the sign-in page included (a later hash-only navigation loads no new document).
     */
    async newPage(browser, { initScript, viewport = { width: 1400, height: 900 } } = {}) {
      const context = await browser.newContext({ viewport });
      if (initScript) await context.addInitScript(initScript);
      const page = await context.newPage();
      page.on('close', () => context.close().catch(() => {}));
      await page.goto(`${baseUrl}/?key=${apiKey}`);
      if (page.url().includes(apiKey)) throw new Error(`the dashboard link kept the key in the address bar: ${page.url()}`);
      return page;
    },
    async stop() {
      if (exited) return;
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await done;
      clearTimeout(timer);
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function screenshot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
}

// Run in the page (page.addInitScript): records every data-status a canvas node shows, in order, so a
// test can tell a node was seen running before it succeeded even if both happen between two of its looks.
export const recordStatuses = () => {
  window.__statuses = {};
  const record = (element) => {
    const id = element.getAttribute('data-testid');
    const status = element.getAttribute('data-status');
    if (!id || !status) return;
    const seen = (window.__statuses[id] ??= []);
    if (seen[seen.length - 1] !== status) seen.push(status);
  };
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === 'attributes') record(m.target);
      for (const n of m.addedNodes ?? []) {
        if (n.nodeType !== 1) continue;
        if (n.hasAttribute('data-status')) record(n);
        n.querySelectorAll?.('[data-status]').forEach(record);
      }
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
};
