// End-to-end test of the change note (web/src/components/change_note.rs) in the built web app
// (`dist/`), in headless Chromium: a change that moves no KPI gets a note saying so with the
// registry's reason, a change that moves one gets none, and a link with an old spelling gets a
// notice naming the current one.
//
// Run by `cargo xtask test` (step e2e) with the other files of e2e/ (`node --test e2e/`), with
//   STAMPEDE_DIST       the built site (default: ../dist)
//   STAMPEDE_ARTIFACTS  where screenshots go (default: ../artifacts)
//
// Why the expectations hold (theory, not output): `naive-retry-storm` slows the backend and
// never empties a DNS answer, and a client keeps only empty answers in its negative cache
// (`client_dns.negative_ttl_s`), so changing that TTL changes nothing; one more retry attempt
// changes the attempts per request of a storm in which every retry is sent at once.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..');
const DIST = path.resolve(process.env.STAMPEDE_DIST ?? path.join(REPO, 'dist'));
const ARTIFACTS = path.resolve(process.env.STAMPEDE_ARTIFACTS ?? path.join(REPO, 'artifacts'));
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const RUN_TIMEOUT_MS = 120_000;
const SETTLE_MS = 400;
const TEST_TIMEOUT_MS = 300_000;
const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};

let server;
let origin;
let browser;

/** Serves `root` on 127.0.0.1 with a free port. */
async function startServer(root) {
  const httpServer = http.createServer(async (request, response) => {
    const pathname = decodeURIComponent(new URL(request.url, 'http://127.0.0.1').pathname);
    const relative = pathname.endsWith('/') ? `${pathname}index.html` : pathname;
    const file = path.join(root, path.normalize(relative));
    if (!file.startsWith(root + path.sep)) return response.writeHead(403).end();
    try {
      const body = await fs.readFile(file);
      const type = MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(0, '127.0.0.1', resolve);
  });
  return httpServer;
}

/** Runs `body(page)` on a fresh page at `query`; fails on page errors; screenshots a failure. */
async function withPage(t, query, body) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  context.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console error: ${message.text()}`);
  });
  context.on('weberror', (webError) => errors.push(`page error: ${webError.error()}`));
  const page = await context.newPage();
  try {
    await page.goto(`${origin}/?${query}`);
    await body(page);
    assert.deepEqual(errors, [], 'the page must log no errors');
  } catch (error) {
    const name = t.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 60);
    await page.screenshot({ path: path.join(ARTIFACTS, `failure-change-note-${name}.png`), fullPage: true }).catch(() => {});
    throw error;
  } finally {
    await context.close();
  }
}

/** Waits until a run numbered above `afterRun` has finished and stays the last one for SETTLE_MS. */
async function waitForRun(page, afterRun) {
  for (;;) {
    await page.waitForFunction(
      (after) => {
        const main = document.querySelector('main');
        return main?.dataset.status === 'done' && Number(main.dataset.run) > after;
      },
      afterRun,
      { timeout: RUN_TIMEOUT_MS, polling: 100 },
    );
    const run = await page.evaluate(() => Number(document.querySelector('main').dataset.run));
    await page.waitForTimeout(SETTLE_MS);
    const later = await page.evaluate(() => ({
      run: Number(document.querySelector('main').dataset.run),
      status: document.querySelector('main').dataset.status,
    }));
    if (later.status === 'done' && later.run === run) return run;
  }
}

describe('The change note', { timeout: TEST_TIMEOUT_MS * 2 }, () => {
  before(async () => {
    await fs.access(path.join(DIST, 'index.html'));
    await fs.mkdir(ARTIFACTS, { recursive: true });
    server = await startServer(DIST);
    origin = `http://127.0.0.1:${server.address().port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  });

  test('a change that moves no KPI says so with its reason; one that moves a KPI does not', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, 'preset=naive-retry-storm', async (page) => {
      const first = await waitForRun(page, 0);
      assert.equal(await page.locator('.change-note').count(), 0, 'no note before any change');
      const ttl = page.locator('input[type=range][data-key="client_dns.negative_ttl_s"]');
      const value = Number(await ttl.inputValue());
      await ttl.fill(String(value + 5));
      const second = await waitForRun(page, first);
      const note = page.locator('.change-note');
      await note.waitFor();
      const text = await note.innerText();
      assert.match(text, /moved no KPI/, text);
      assert.match(text, /No effect while no lookup gets an empty answer/, text);
      await note.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS, 'change-note.png') });
      // One more attempt per request changes the storm: the note goes.
      const attempts = page.locator('input[type=range][data-key="retry.attempts_max"]');
      await attempts.fill(String(Number(await attempts.inputValue()) + 1));
      await waitForRun(page, second);
      assert.equal(await page.locator('.change-note').count(), 0, 'no note after a change that moved a KPI');
    });
  });

  test('a link with an old spelling names the current one', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, 'preset=cold-start-herd&client_dns.cold_start=true', async (page) => {
      await waitForRun(page, 0);
      const notice = page.locator('.old-spelling');
      await notice.waitFor();
      assert.match(await notice.innerText(), /client_dns\.cold_start.*fleet\.cold_start/s);
    });
  });
});
