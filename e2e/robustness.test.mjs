// Robustness of the built web app (`dist/`) in headless Chromium: hostile links, many re-runs in
// one page, a strict Content-Security-Policy, and nothing fetched beyond the page's origin.
//
// Run by `cargo xtask test` (step e2e) with the other files of e2e/ (`node --test e2e/`), with
//   STAMPEDE_DIST       the built site (default: ../dist)
//   STAMPEDE_ARTIFACTS  where screenshots go (default: ../artifacts)
// Every response carries the policy below: scripts only from the origin (plus the hashes of the
// inline loader Trunk writes into index.html), WebAssembly compiled under 'wasm-unsafe-eval' and
// never 'unsafe-eval', workers from the origin or gloo-worker's blob: shim, no connection beyond
// the origin.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
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
  // measureUserAgentSpecificMemory answers at once instead of at the next garbage collection.
  '--enable-blink-features=ForceEagerMeasureMemory',
];
// Far above need: a page that shows nothing within this long is broken, not slow.
const SETTLE_TIMEOUT_MS = 30_000;
const RUN_TIMEOUT_MS = 60_000;
const TEST_TIMEOUT_MS = 600_000;
// Re-runs in one page, and how much the worker's wasm memory may grow over them.
const RERUNS = 200;
const MEMORY_GROWTH_MAX = 0.10;
// A scenario small enough that 200 runs take seconds.
const SMALL = 'preset=naive-retry-storm&fleet.clients=20';

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
let csp;

/** The policy for `dist/index.html`: its inline scripts allowed by hash, nothing else inline. */
async function contentSecurityPolicy() {
  const html = await fs.readFile(path.join(DIST, 'index.html'), 'utf8');
  const hashes = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)]
    .map((m) => m[1])
    .filter((body) => body.trim() !== '')
    .map((body) => `'sha256-${crypto.createHash('sha256').update(body).digest('base64')}'`);
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`,
    // yew sets style attributes (chart sizes); styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    // gloo-worker starts the worker from a same-origin blob: shim (`importScripts` of the
    // worker's script); a blob is not eval.
    "worker-src 'self' blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'self'",
  ].join('; ');
}

async function startServer(root) {
  // Headers up to 1 MiB: the 100 kB links are the point (Node's default limit is 16 kB).
  const httpServer = http.createServer({ maxHeaderSize: 1 << 20 }, async (request, response) => {
    const pathname = decodeURIComponent(new URL(request.url, 'http://127.0.0.1').pathname);
    const relative = pathname.endsWith('/') ? `${pathname}index.html` : pathname;
    const file = path.join(root, path.normalize(relative));
    if (!file.startsWith(root + path.sep)) {
      response.writeHead(403).end();
      return;
    }
    try {
      const body = await fs.readFile(file);
      const type = MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
      // Cached: the hostile links reload the same page a hundred times.
      response.writeHead(200, {
        'content-type': type,
        'cache-control': 'max-age=600',
        'content-security-policy': csp,
        // Cross-origin isolation, for performance.measureUserAgentSpecificMemory (and a check
        // that the app needs nothing from another origin).
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      });
      response.end(body);
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

/** A page that records page errors, policy violations and requests beyond the origin. */
async function openPage() {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const problems = { pageErrors: [], foreign: new Set(), consoleErrors: [] };
  context.on('weberror', (e) => problems.pageErrors.push(String(e.error())));
  context.on('console', (m) => {
    if (m.type() === 'error') problems.consoleErrors.push(m.text());
  });
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.protocol === 'blob:' || url.origin === origin) return route.continue();
    problems.foreign.add(url.href);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push(`${e.violatedDirective}: ${e.blockedURI}`);
    });
    window.__alerts = 0;
    window.alert = () => { window.__alerts += 1; };
  });
  return { context, page, problems };
}

/** Waits until the page has rendered its controls and its run status is settled or running. */
async function settled(page) {
  await page.waitForFunction(() => {
    const main = document.querySelector('main');
    return main && ['running', 'done', 'invalid'].includes(main.dataset.status)
      && document.querySelector('.run-status, .results');
  }, null, { timeout: SETTLE_TIMEOUT_MS, polling: 50 });
}

/** What the page shows that a hostile link must never cause. */
function inspect(page) {
  return page.evaluate(() => {
    const text = document.body.innerText;
    return {
      text,
      banner: document.querySelector('.banner')?.innerText ?? '',
      // Markup a link could try to inject.
      injected: document.querySelectorAll('body script, img[onerror], [onload], iframe, object, embed, svg script, #pwned').length,
      alerts: window.__alerts,
      violations: window.__violations,
      hasControls: document.querySelectorAll('input[type=range][data-key]').length,
    };
  });
}

const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1) id=pwned>';

/** Links that must each give a notice: [label, query]. */
function badLinks() {
  const keys = ['retry.attempts_max', 'fleet.clients', 'dns.record_ttl_s', 'run.duration_s',
    'fleet.request_rate_per_client_per_s', 'client_dns.cache', 'backend.workers', 'resolver:1.max_ttl_s'];
  const values = ['1e308', '-1', '-1e308', 'NaN', 'Infinity', '-0.5', '', '0x10', '12abc',
    SCRIPT, IMG, '%', '%zz', '%E0%A4%A', '%00', '99999999999999999999999'];
  const links = [];
  for (const key of keys) {
    for (const value of values) {
      // Each of these is out of the key's range, not a number or not one of its options.
      links.push([`${key}=${value}`, `preset=october-2025-dns&${key}=${encodeURIComponent(value)}`]);
    }
  }
  links.push(
    ['unknown key', 'preset=october-2025-dns&nope.nothing=1'],
    ['unknown preset', 'preset=no-such-preset'],
    ['script as preset', `preset=${encodeURIComponent(SCRIPT)}`],
    ['markup as key', `${encodeURIComponent(IMG)}=1`],
    ['unknown version', 'preset=october-2025-dns&version=99'],
    ['unknown link version', 'v=99&preset=october-2025-dns&retry.attempts_max=3&zz=1'],
    ['100 kB query', `preset=october-2025-dns&${'retry.attempts_max=2&'.repeat(5000)}`],
    ['100 kB value', `preset=october-2025-dns&dns.name=${'a'.repeat(100_000)}`],
    ['100 kB key', `preset=october-2025-dns&${'k'.repeat(100_000)}=1`],
    ['many unknown keys', `preset=october-2025-dns&${Array.from({ length: 400 }, (_, i) => `x${i}=1`).join('&')}`],
    ['duplicate keys, bad last', 'preset=october-2025-dns&retry.attempts_max=2&retry.attempts_max=-9'],
    ['broken percent in key', 'preset=october-2025-dns&retry%2.attempts_max=2'],
    ['lone percent', 'preset=october-2025-dns&%=%'],
    ['vs with garbage', `preset=october-2025-dns&vs=${encodeURIComponent(`preset=x&${SCRIPT}=1`)}`],
    ['vs with broken encoding', 'preset=october-2025-dns&vs=%E0%A4%A&retry.attempts_max=2'],
    ['over the cost budget', 'preset=october-2025-dns&fleet.request_rate_per_client_per_s=10000'],
    ['trap link of the issue', 'preset=october-2025-dns&fleet.clients=1000000&fleet.request_rate_per_client_per_s=10000'],
  );
  return links;
}

/** Links that must give a working page, notice or not: truncations of a real link. */
function truncatedLinks() {
  const real = 'preset=october-2025-dns&retry.attempts_max=8&dns.record_ttl_s=30&client_dns.cache=fixed&fleet.clients=500';
  const cuts = [];
  for (let end = 3; end < real.length; end += 7) cuts.push([`truncated at ${end}`, real.slice(0, end)]);
  return cuts;
}

before(async () => {
  await fs.mkdir(ARTIFACTS, { recursive: true });
  csp = await contentSecurityPolicy();
  server = await startServer(DIST);
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  server?.close();
});

describe('robustness', { timeout: TEST_TIMEOUT_MS }, () => {
  test('every hostile or malformed link gives a notice and a working page, under a strict CSP', async () => {
    const bad = badLinks();
    const truncated = truncatedLinks();
    assert.ok(bad.length + truncated.length >= 100, `${bad.length + truncated.length} links`);
    const { context, page, problems } = await openPage();
    const failures = [];
    try {
      for (const [label, query, mustWarn] of [...bad.map((l) => [...l, true]), ...truncated.map((l) => [...l, false])]) {
        await page.goto(`${origin}/?${query}`);
        try {
          await settled(page);
        } catch {
          failures.push(`${label}: the page never showed its controls and run status`);
          continue;
        }
        const seen = await inspect(page);
        if (seen.hasControls === 0) failures.push(`${label}: no controls`);
        if (/panicked|RuntimeError|unreachable/.test(seen.text)) failures.push(`${label}: panic text on the page`);
        if (seen.injected > 0 || seen.alerts > 0) failures.push(`${label}: injected markup ran or appeared`);
        if (mustWarn && seen.banner.trim() === '') failures.push(`${label}: no notice`);
      }
      const violations = await page.evaluate(() => window.__violations);
      assert.deepEqual(violations, [], 'no Content-Security-Policy violation');
      assert.deepEqual(failures, [], failures.join('\n'));
      assert.deepEqual([...problems.foreign], [], 'no request beyond the origin');
      assert.deepEqual(problems.pageErrors, [], 'no page error');
      // Still working after all that: the last link's page runs a changed scenario.
      await page.goto(`${origin}/?${SMALL}`);
      await page.waitForSelector('main[data-status="done"]', { timeout: RUN_TIMEOUT_MS });
    } catch (error) {
      await page.screenshot({ path: path.join(ARTIFACTS, 'failure-robustness-links.png'), fullPage: true }).catch(() => {});
      throw error;
    } finally {
      await context.close();
    }
  });

  test('a link over the cost budget is refused with its numbers, not shown as figures', async () => {
    const { context, page } = await openPage();
    try {
      await page.goto(`${origin}/?preset=october-2025-dns&fleet.request_rate_per_client_per_s=10000`);
      await page.waitForSelector('main[data-status="invalid"]', { timeout: SETTLE_TIMEOUT_MS });
      const seen = await inspect(page);
      assert.match(seen.banner, /Not run: .*30,000,000,000 requests/);
      assert.doesNotMatch(seen.text, /Simulating/);
      assert.equal(await page.locator('[data-kpi]').count(), 0, 'no KPI card poses as a result');
      await page.screenshot({ path: path.join(ARTIFACTS, 'robustness-refused.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  test(`${RERUNS} re-runs in one page grow the worker's wasm memory by under ${MEMORY_GROWTH_MAX * 100} %`, async () => {
    const { context, page, problems } = await openPage();
    try {
      await page.goto(`${origin}/?${SMALL}`);
      await page.waitForSelector('main[data-status="done"]', { timeout: RUN_TIMEOUT_MS });
      // The worker's memory as Chromium attributes it (its wasm memory is nearly all of it):
      // measureUserAgentSpecificMemory, available because the server isolates the page
      // (Cross-Origin-Opener-Policy and -Embedder-Policy).
      const memory = () => page.evaluate(async () => {
        const result = await performance.measureUserAgentSpecificMemory();
        return result.breakdown
          .filter((b) => b.attribution.some((a) => a.scope === 'DedicatedWorkerGlobalScope'))
          .reduce((sum, b) => sum + b.bytes, 0);
      });
      const slider = page.locator('input[type=range][data-key="retry.attempts_max"]');
      const runs = async (count) => {
        for (let i = 0; i < count; i += 1) {
          const before = Number(await page.getAttribute('main', 'data-run'));
          await slider.focus();
          await page.keyboard.press(i % 2 === 0 ? 'ArrowRight' : 'ArrowLeft');
          await page.waitForFunction(
            (n) => Number(document.querySelector('main').dataset.run) > n && document.querySelector('main').dataset.status === 'done',
            before,
            { timeout: RUN_TIMEOUT_MS, polling: 20 },
          );
        }
      };
      // Warm up (the first runs size the allocator's pools), then measure over RERUNS runs.
      await runs(10);
      const start = await memory();
      assert.ok(start > 0, `the worker's wasm memory is readable (${start})`);
      await runs(RERUNS);
      const end = await memory();
      const growth = (end - start) / start;
      console.log(`worker wasm memory: ${start} → ${end} bytes over ${RERUNS} runs (${(growth * 100).toFixed(1)} %)`);
      assert.ok(growth < MEMORY_GROWTH_MAX, `grew ${(growth * 100).toFixed(1)} %`);
      assert.deepEqual(problems.pageErrors, []);
    } finally {
      await context.close();
    }
  });
});
