// End-to-end tests of the playground's controls and layout (issue 19) in headless Chromium:
// the headline chart in the first screen of a phone and in view while a control changes,
// sliders on the registry's round stops with a number box beside them, controls that client
// classes override, applied-policy chips, and the difference from a pinned baseline on every
// KPI card. Screenshots (light and dark, phone and desktop) go to STAMPEDE_ARTIFACTS.
//
// Run by `cargo xtask test` (step e2e: `node --test e2e/`) with the same environment as
// app.test.mjs: STAMPEDE_DIST (the built site) and STAMPEDE_ARTIFACTS.
//
// DOM contract with the app (besides app.test.mjs's):
//   input[type=range][data-key]            value = index of a stop; aria-valuetext = the value
//   input[type=number][data-key]           the value in the parameter's unit
//   .control.shadowed .shadow-note         a control client classes override, and why
//   .policy-chips .chip[data-policy]       an applied policy; .chip-remove undoes it
//   [data-kpi] .kpi-diff[data-verdict]     the difference from the pinned baseline
//   a[href="#charts"], a[href="#controls"] skip links

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DIST = path.resolve(process.env.STAMPEDE_DIST ?? path.join(HERE, '..', 'dist'));
const ARTIFACTS = path.resolve(process.env.STAMPEDE_ARTIFACTS ?? path.join(HERE, '..', 'artifacts'));
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const RUN_TIMEOUT_MS = 60_000;
const SETTLE_MS = 400;
const TEST_TIMEOUT_MS = 180_000;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1400, height: 900 };
const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.css': 'text/css; charset=utf-8', '.json': 'application/json',
};
const VERDICTS = ['better', 'worse', 'same', 'mixed'];

let server;
let origin;
let browser;

async function startServer(root) {
  const httpServer = http.createServer(async (request, response) => {
    const pathname = decodeURIComponent(new URL(request.url, 'http://127.0.0.1').pathname);
    const file = path.join(root, path.normalize(pathname.endsWith('/') ? `${pathname}index.html` : pathname));
    if (!file.startsWith(root + path.sep)) return response.writeHead(403).end();
    try {
      const body = await fs.readFile(file);
      response.writeHead(200, {
        'content-type': MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      response.end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(0, '127.0.0.1', resolve);
  });
  return httpServer;
}

/** Opens `query` at `view`, waits for the first finished run, runs `body(page)`; no page errors allowed. */
async function withPage(t, { query = '', view = DESKTOP, colorScheme = 'light' }, body) {
  const context = await browser.newContext({ viewport: view, colorScheme });
  const errors = [];
  context.on('weberror', (e) => errors.push(String(e.error())));
  context.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const page = await context.newPage();
  try {
    await page.goto(`${origin}/${query ? `?${query}` : ''}`);
    await waitForRun(page, 0);
    await body(page);
    assert.deepEqual(errors, [], 'console or page errors');
  } catch (error) {
    const slug = t.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 60);
    await page.screenshot({ path: path.join(ARTIFACTS, `failure-controls-${slug}.png`), fullPage: true }).catch(() => {});
    throw error;
  } finally {
    await context.close();
  }
}

function runState(page) {
  return page.evaluate(() => Number(document.querySelector('main')?.dataset.run ?? NaN));
}

/** Waits for a finished run numbered above `afterRun` that no other run follows within SETTLE_MS. */
async function waitForRun(page, afterRun) {
  for (;;) {
    await page.waitForFunction((n) => {
      const main = document.querySelector('main');
      return main?.dataset.status === 'done' && Number(main.dataset.run) > n;
    }, afterRun, { timeout: RUN_TIMEOUT_MS, polling: 100 });
    const settled = await runState(page);
    await page.waitForTimeout(SETTLE_MS);
    const done = await page.evaluate(() => document.querySelector('main')?.dataset.status === 'done');
    if (done && (await runState(page)) === settled) return settled;
  }
}

/** Whether the element's box lies inside the viewport. */
async function inViewport(page, locator) {
  const box = await locator.boundingBox();
  const view = page.viewportSize();
  return Boolean(box) && box.y >= -1 && box.y + box.height <= view.height + 1 && box.height > 0;
}

const query = (page) => page.evaluate(() => window.location.search);

describe('Stampede controls and layout', { timeout: TEST_TIMEOUT_MS * 6 }, () => {
  before(async () => {
    await fs.access(path.join(DIST, 'index.html')).catch(() => {
      throw new Error(`${DIST}/index.html is missing: build the app first (cargo xtask test runs trunk build)`);
    });
    await fs.mkdir(ARTIFACTS, { recursive: true });
    server = await startServer(DIST);
    origin = `http://127.0.0.1:${server.address().port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  });

  test('on a phone the headline chart is in the first screen and stays in view while a control changes', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, { view: PHONE }, async (page) => {
      const headline = page.locator('canvas[data-chart="load"]');
      assert.ok(await inViewport(page, headline), `the headline chart is not in the first screen: ${JSON.stringify(await headline.boundingBox())}`);
      assert.ok(await inViewport(page, page.locator('[data-kpi="availability"]')), 'the KPI row is not in the first screen');
      await page.screenshot({ path: path.join(ARTIFACTS, 'controls-phone-first-screen.png') });

      // Edit a control in the panel below: the chart stays in view, the control is not under it.
      const slider = page.locator('input[type=range][data-key="retry.attempts_max"]');
      await slider.scrollIntoViewIfNeeded();
      const box = page.locator('input[type=number][data-key="retry.attempts_max"]');
      const before = Number(await box.inputValue());
      const run = await runState(page);
      await slider.focus();
      await page.keyboard.press('ArrowRight');
      await waitForRun(page, run);
      assert.equal(Number(await box.inputValue()), before + 1, 'one arrow press, one more attempt');
      assert.ok(await inViewport(page, headline), `the headline chart left the screen while editing: ${JSON.stringify(await headline.boundingBox())}`);
      assert.ok(await inViewport(page, slider), 'the control being edited is off screen');
      const covered = await slider.evaluate((input) => {
        const r = input.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return !(hit === input || input.contains(hit));
      });
      assert.equal(covered, false, 'the sticky chart covers the control being edited');
      await page.screenshot({ path: path.join(ARTIFACTS, 'controls-phone-editing.png') });
    });
  });

  test('sliders move between round values; a typed value beyond the slider is kept', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, { query: 'preset=naive-retry-storm' }, async (page) => {
      const slider = page.locator('input[type=range][data-key="client_dns.lookup_timeout_ms"]');
      const box = page.locator('input[type=number][data-key="client_dns.lookup_timeout_ms"]');
      assert.equal(await box.inputValue(), '5000');
      let run = await runState(page);
      await slider.focus();
      await page.keyboard.press('ArrowRight');
      run = await waitForRun(page, run);
      // The registry's FINE ladder: … 4000, 5000, 6000, 8000 …
      assert.equal(await box.inputValue(), '6000');
      assert.match(await query(page), /client_dns\.lookup_timeout_ms=6000/);
      await page.keyboard.press('ArrowLeft');
      run = await waitForRun(page, run);
      assert.equal(await box.inputValue(), '5000', 'back to the round value it came from');
      assert.equal(await slider.getAttribute('aria-valuetext'), '5000 ms');

      // Outage start on a logarithmic slider: 200 s is not pinned at the far left.
      const start = page.locator('input[type=range][data-key="outage.start_s"]');
      const at = await start.evaluate((input) => Number(input.value) / Number(input.max));
      assert.ok(at > 0.25, `200 s sits at ${at} of the outage-start slider`);
      const startBox = page.locator('input[type=number][data-key="outage.start_s"]');
      await startBox.fill('40000');
      await startBox.press('Enter');
      await waitForRun(page, run);
      assert.equal(await startBox.inputValue(), '40000', 'a value beyond the slider is kept');
      assert.match(await query(page), /outage\.start_s=40000/);
      assert.equal(await start.evaluate((input) => input.value === input.max), true, 'the slider shows its end');
    });
  });

  test('the seed is a number box with a new-seed button', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, {}, async (page) => {
      await page.locator('details.category > summary', { hasText: /^Run/ }).click();
      assert.equal(await page.locator('input[type=range][data-key="run.seed"]').count(), 0, 'no seed slider');
      const seed = page.locator('input[type=number][data-key="run.seed"]');
      const was = await seed.inputValue();
      const run = await runState(page);
      await page.getByRole('button', { name: 'New seed' }).click();
      await waitForRun(page, run);
      assert.notEqual(await seed.inputValue(), was);
      assert.match(await query(page), new RegExp(`run\\.seed=${await seed.inputValue()}`));
    });
  });

  test('controls every client class overrides are disabled and say why', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, { query: 'preset=mixed-runtimes' }, async (page) => {
      const control = page.locator('.control', { has: page.locator('input[type=range][data-key="retry.attempts_max"]') });
      assert.equal(await control.locator('input[type=range]').isDisabled(), true);
      assert.match(await control.locator('.shadow-note').innerText(), /Every client class sets its own \(jvm, go, nodejs\)/);
      const shared = page.locator('input[type=range][data-key="outage.start_s"]');
      assert.equal(await shared.isDisabled(), false, 'the outage is shared by every class');
      await control.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS, 'controls-shadowed.png') });
    });
  });

  test('an applied policy shows as a chip naming what it set, and removing it undoes it', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, { query: 'preset=naive-retry-storm' }, async (page) => {
      let run = await runState(page);
      await page.selectOption('select#policy', { label: 'dns-jvm' });
      run = await waitForRun(page, run);
      const chip = page.locator('.policy-chips .chip[data-policy="dns-jvm"]');
      assert.match(await chip.innerText(), /client dns cache fixed/);
      assert.match(await query(page), /client_dns\.cache=fixed/);
      await page.screenshot({ path: path.join(ARTIFACTS, 'controls-policy-chip.png') });
      await chip.locator('.chip-remove').click();
      await waitForRun(page, run);
      assert.equal(await page.locator('.policy-chips .chip').count(), 0);
      assert.equal(await query(page), '?preset=naive-retry-storm', 'removing the chip undid the policy');
    });
  });

  test('skip links lead to the charts and the controls', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, {}, async (page) => {
      await page.keyboard.press('Tab');
      const first = await page.evaluate(() => document.activeElement?.getAttribute('href'));
      assert.equal(first, '#charts', 'the first Tab reaches the skip link to the charts');
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'charts');
      assert.equal(await page.locator('a[href="#controls"]').count(), 1);
      assert.equal(await page.locator('#controls').count(), 1);
    });
  });

  // A design with fewer retries against the naive baseline, both pinned in the link.
  const compared = `preset=naive-retry-storm&retry.attempts_max=2&vs=${encodeURIComponent('preset=naive-retry-storm')}`;
  const shots = [
    { name: 'controls-compare-phone-light.png', view: PHONE, colorScheme: 'light' },
    { name: 'controls-compare-phone-dark.png', view: PHONE, colorScheme: 'dark' },
    { name: 'controls-compare-desktop-light.png', view: DESKTOP, colorScheme: 'light' },
    { name: 'controls-compare-desktop-dark.png', view: DESKTOP, colorScheme: 'dark' },
  ];
  for (const { name, view, colorScheme } of shots) {
    test(`a pinned comparison shows a difference on every card (${name})`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      await withPage(t, { query: compared, view, colorScheme }, async (page) => {
        const cards = page.locator('[data-kpi]');
        await page.locator('[data-kpi="availability"] .kpi-diff').waitFor({ timeout: RUN_TIMEOUT_MS });
        const diffs = await cards.evaluateAll((all) => all.map((card) => ({
          id: card.dataset.kpi,
          verdict: card.querySelector('.kpi-diff')?.dataset.verdict ?? null,
          text: card.querySelector('.kpi-diff')?.textContent?.trim() ?? '',
        })));
        assert.ok(diffs.length >= 6, `${diffs.length} cards`);
        for (const d of diffs) {
          assert.ok(VERDICTS.includes(d.verdict), `card ${d.id} has no difference: ${JSON.stringify(d)}`);
          assert.ok(d.text.includes(d.verdict), `card ${d.id} says its verdict in words: ${d.text}`);
        }
        // Two attempts instead of naive retries: fewer retries amplify less.
        const amplification = diffs.find((d) => d.id === 'peak_amplification');
        assert.equal(amplification.verdict, 'better', JSON.stringify(amplification));
        await page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: view === DESKTOP });
      });
    });
  }
});
