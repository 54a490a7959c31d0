// End-to-end tests of the risk map (issue 14, `?view=map`) in headless Chromium: a small map's
// figures equal `stampede sweep`'s CSV for the same grid and seeds (the CLI run from the test),
// a cell click opens its design in the playground, and cancelling a map stops every worker of
// the pool. Screenshots (desktop and phone, light and dark) go to STAMPEDE_ARTIFACTS.
//
// Run by `cargo xtask test` (step e2e) with STAMPEDE_DIST and STAMPEDE_ARTIFACTS, as app.test.mjs.
//
// DOM contract with the app (web/src/components/risk_map.rs):
//   main.map-main[data-done][data-runs]   runs finished / runs of the map
//   .map-cell[data-ix][data-iy]           a cell (a link to its design)
//   #map-csv                              the sweep CSV of the points finished
//   .map-cancel                           cancels the map

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..');
const DIST = path.resolve(process.env.STAMPEDE_DIST ?? path.join(REPO, 'dist'));
const ARTIFACTS = path.resolve(process.env.STAMPEDE_ARTIFACTS ?? path.join(REPO, 'artifacts'));
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
// Bounds far above need (catch a hang, never time the page).
const MAP_TIMEOUT_MS = 240_000;
const CANCEL_BOUND_MS = 15_000;
const TEST_TIMEOUT_MS = 400_000;
const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.css': 'text/css; charset=utf-8',
};

// A short design: 100 clients of the naive retry storm, 3 × 3 cells × 2 seeds.
const DESIGN = 'preset=naive-retry-storm&fleet.clients=100';
const X = { key: 'outage.duration_s', low: 30, high: 120, steps: 3 };
const Y = { key: 'retry.attempts_max', low: 1, high: 3, steps: 3 };
const SEEDS = 2;
const MAP = `view=map&mx=${X.key}:${X.low}..${X.high}:${X.steps}&my=${Y.key}:${Y.low}..${Y.high}:${Y.steps}`
  + `&mk=availability&ms=${SEEDS}&${DESIGN}`;

let server;
let origin;
let browser;

before(async () => {
  server = http.createServer(async (request, response) => {
    const pathname = decodeURIComponent(new URL(request.url, 'http://127.0.0.1').pathname);
    const file = path.join(DIST, path.normalize(pathname.endsWith('/') ? `${pathname}index.html` : pathname));
    if (!file.startsWith(DIST + path.sep)) return response.writeHead(403).end();
    try {
      const body = await fs.readFile(file);
      response.writeHead(200, { 'content-type': MIME_TYPES[path.extname(file)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  await fs.mkdir(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function openMap(query, viewport = { width: 1400, height: 900 }, colorScheme = 'light') {
  const context = await browser.newContext({ viewport, colorScheme });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${origin}/?${query}`);
  await page.locator('main.map-main').waitFor();
  return { context, page, errors };
}

async function waitDone(page) {
  await page.waitForFunction(() => {
    const main = document.querySelector('main.map-main');
    return main && main.dataset.runs !== '0' && main.dataset.done === main.dataset.runs;
  }, null, { timeout: MAP_TIMEOUT_MS });
}

/** The CLI's sweep CSV of the same grid and seeds. */
async function cliSweep() {
  const out = path.join(os.tmpdir(), `stampede-map-${process.pid}.csv`);
  const cargo = process.env.CARGO ?? 'cargo';
  await promisify(execFile)(cargo, [
    'run', '--quiet', '-p', 'stampede-cli', '--', 'sweep', '--preset', 'naive-retry-storm',
    '--set', 'fleet.clients=100',
    '--vary', `${X.key}=${X.low}..${X.high}:${X.steps}`, '--vary', `${Y.key}=${Y.low}..${Y.high}:${Y.steps}`,
    '--seeds', String(SEEDS), '--out', out, '--quiet',
  ], { cwd: REPO, maxBuffer: 1 << 22 });
  const text = await fs.readFile(out, 'utf8');
  await fs.rm(out, { force: true });
  return text;
}

describe('risk map', { timeout: TEST_TIMEOUT_MS }, () => {
  test('a small map equals the CLI sweep of the same grid and seeds', async () => {
    const [{ context, page, errors }, native] = await Promise.all([openMap(MAP), cliSweep()]);
    await waitDone(page);
    const shown = (await page.locator('#map-csv').textContent()).trim().split('\n');
    const expected = native.trim().split('\n');
    // The map writes the sweep's point, varied values, seed and KPI columns (the CLI may add
    // per-entry columns after them for scenarios with several classes or resolvers).
    const columns = shown[0].split(',').length;
    assert.equal(shown.length, X.steps * Y.steps * SEEDS + 1);
    assert.equal(shown.length, expected.length);
    for (let i = 0; i < shown.length; i += 1) {
      assert.equal(shown[i], expected[i].split(',').slice(0, columns).join(','), `row ${i}`);
    }
    assert.equal(await page.locator('.map-cell').count(), X.steps * Y.steps);
    assert.deepEqual(errors, []);
    for (const [name, viewport] of [['desktop', { width: 1400, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
      await page.setViewportSize(viewport);
      await page.locator('.map-cell').first().hover();
      await page.screenshot({ path: path.join(ARTIFACTS, `risk-map-${name}-light.png`), fullPage: true });
    }
    await context.close();
    const dark = await openMap(MAP, { width: 1400, height: 900 }, 'dark');
    await waitDone(dark.page);
    await dark.page.screenshot({ path: path.join(ARTIFACTS, 'risk-map-desktop-dark.png'), fullPage: true });
    await dark.page.setViewportSize({ width: 390, height: 844 });
    await dark.page.screenshot({ path: path.join(ARTIFACTS, 'risk-map-phone-dark.png'), fullPage: true });
    await dark.context.close();
  });

  test('a cell click opens its design in the playground', async () => {
    const { context, page } = await openMap(MAP);
    await waitDone(page);
    await page.locator('.map-cell[data-ix="2"][data-iy="0"]').click();
    await page.waitForURL(/outage\.duration_s=120/);
    const query = new URL(page.url()).searchParams;
    assert.equal(query.get('retry.attempts_max'), '1');
    assert.equal(query.get('view'), null, 'the playground, not the map');
    await page.locator('main[data-status="done"]').waitFor({ timeout: MAP_TIMEOUT_MS });
    assert.equal(await page.locator('input[type=number][data-key="outage.duration_s"]').inputValue(), '120');
    await context.close();
  });

  test('cancelling a map stops every worker of the pool', async () => {
    // A map far too long to finish here: 10 × 10 cells × 10 seeds of the full storm.
    const big = 'view=map&mx=outage.duration_s:30..600:10&my=retry.attempts_max:1..8:10&ms=10&preset=naive-retry-storm';
    const { context, page } = await openMap(big);
    await page.waitForFunction(() => Number(document.querySelector('main.map-main').dataset.busy) > 0,
      null, { timeout: MAP_TIMEOUT_MS });
    assert.ok(page.workers().length > 0);
    await page.locator('.map-cancel').click();
    await page.waitForFunction(() => document.querySelector('main.map-main').dataset.busy === '0',
      null, { timeout: CANCEL_BOUND_MS });
    const deadline = Date.now() + CANCEL_BOUND_MS;
    while (page.workers().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(page.workers().length, 0, 'every pool worker was terminated');
    const done = await page.locator('main.map-main').getAttribute('data-done');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await page.locator('main.map-main').getAttribute('data-done'), done, 'no run finished after the cancel');
    await context.close();
  });

  test('a map over the limit is refused up front with its size and the limit', async () => {
    const huge = 'view=map&mx=outage.duration_s:30..600:20&my=retry.attempts_max:1..8:20&ms=20&preset=naive-retry-storm';
    const { context, page } = await openMap(huge);
    const status = page.locator('.map-status');
    await page.waitForFunction(() => document.querySelector('.map-status').textContent.startsWith('Not run'));
    const text = await status.textContent();
    assert.match(text, /400 cells × 20 seeds/);
    assert.match(text, /limit of 5,000,000,000 events/);
    assert.equal(page.workers().length, 0, 'nothing ran');
    await context.close();
  });
});
