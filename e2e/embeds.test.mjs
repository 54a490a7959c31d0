// End-to-end tests of embeds (docs/embedding.md) and of the documentation site, in headless Chromium.
//
// Run by `cargo xtask test` (step e2e) as `node --test e2e/` with
//   STAMPEDE_DIST       the built playground (default: ../dist)
//   STAMPEDE_ARTIFACTS  where screenshots go (default: ../artifacts)
//   STAMPEDE_BOOK       the built documentation site (`cargo xtask docs`); its test is skipped without it
// Each site is served in-process on 127.0.0.1 (any free port). A host page, served beside the
// playground, holds two iframes with different embed options and the ten-line resize snippet of
// docs/embedding.md.
//
// DOM contract with the embed (beyond app.test.mjs's):
//   .embed-notice li                  what the embed link asked for that was ignored
//   .embed-caption[data-caption=auto] the generated caption, aria-live
//   a.embed-link                      "Open in Stampede", the whole state
//   .embed-version                    model and link format versions

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DIST = path.resolve(process.env.STAMPEDE_DIST ?? path.join(HERE, '..', 'dist'));
const ARTIFACTS = path.resolve(process.env.STAMPEDE_ARTIFACTS ?? path.join(HERE, '..', 'artifacts'));
const BOOK = process.env.STAMPEDE_BOOK ? path.resolve(process.env.STAMPEDE_BOOK) : null;
const CHROMIUM = '/usr/bin/chromium';
// Flags from docs/sources.md F; never add --user-data-dir (Playwright refuses it).
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const RUN_TIMEOUT_MS = 90_000;
const TEST_TIMEOUT_MS = 240_000;
const SETTLE_MS = 400;
// One CSS pixel of rounding between the reported height and the iframe's.
const HEIGHT_SLACK_PX = 2;

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.css': 'text/css; charset=utf-8', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.woff': 'font/woff',
  '.ttf': 'font/ttf', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8',
};

// The two embeds of the host page: each names what it shows; B also names things that do not exist.
const EMBED_A = {
  query: 'preset=naive-retry-storm&embed=1&charts=load&kpis=availability,time_to_recover&controls=retry.attempts_max&caption=auto&v=1',
  charts: ['load'], kpis: ['availability', 'time_to_recover'], controls: ['retry.attempts_max'], ignored: [],
};
const EMBED_B = {
  query: 'preset=october-2025-dns&embed=1&charts=outcomes,dns,pie&kpis=availability,bogus_card&controls=no.such_key'
    + '&title=Two%20charts%2C%20dark&theme=dark&height=compact&v=1',
  charts: ['outcomes', 'dns'], kpis: ['availability'], controls: [], ignored: ['pie', 'bogus_card', 'no.such_key'],
};

function hostPage(embeds) {
  const frames = embeds
    .map((e, i) => `<iframe id="embed-${i}" src="/?${e.query.replace(/&/g, '&amp;')}" title="embed ${i}" width="100%" height="300" style="border:0;display:block"></iframe>`)
    .join('\n<p>Text between the embeds.</p>\n');
  // The snippet of docs/embedding.md, plus a record of the messages for the test.
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title></head>
<body style="margin:0 auto;max-width:820px;font:15px system-ui">
<h1>A docs page with two embeds</h1>
${frames}
<script>
  window.__resizes = [];
  addEventListener("message", (event) => {
    const data = event.data;
    if (!data || data.type !== "stampede:resize" || typeof data.height !== "number") return;
    window.__resizes.push(data.height);
    for (const frame of document.querySelectorAll("iframe")) {
      if (frame.contentWindow === event.source) {
        frame.style.height = \`\${Math.ceil(data.height)}px\`;
      }
    }
  });
</script>
</body></html>`;
}

const notFound = [];

/** What the native core computes for a URL query (the example `kpis` in web/): cards, summary, caption. */
async function nativeFor(query) {
  const { stdout } = await promisify(execFile)(
    process.env.CARGO ?? 'cargo', ['run', '--quiet', '-p', 'stampede-web', '--example', 'kpis', '--', query],
    { cwd: path.resolve(HERE, '..'), maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout);
}

/** Serves `root` on 127.0.0.1; `extra` maps a path to generated HTML. Records 404s. */
async function startServer(root, extra = {}) {
  const server = http.createServer(async (request, response) => {
    const pathname = decodeURIComponent(new URL(request.url, 'http://127.0.0.1').pathname);
    if (extra[pathname]) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(extra[pathname]);
      return;
    }
    const relative = pathname.endsWith('/') ? `${pathname}index.html` : pathname;
    const file = path.join(root, path.normalize(relative));
    if (!file.startsWith(root + path.sep)) {
      response.writeHead(403).end();
      return;
    }
    try {
      const body = await fs.readFile(file);
      const type = MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    } catch {
      notFound.push(pathname);
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

/** A page that records console errors, page errors, dialogs and requests off `origin`. */
async function openPage(browser, origin, viewport = { width: 900, height: 900 }) {
  const context = await browser.newContext({ viewport, colorScheme: 'light' });
  const problems = [];
  const foreign = (url) => {
    const parsed = new URL(url);
    return !['data:', 'blob:', 'about:'].includes(parsed.protocol) && parsed.origin !== origin;
  };
  context.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()} (${m.location().url})`));
  context.on('weberror', (e) => problems.push(`page error: ${e.error()}`));
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (!foreign(url)) return route.continue();
    problems.push(`request outside ${origin}: ${url}`);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
  return { context, page, problems };
}

function assertClean(problems) {
  const all = [...problems, ...notFound.map((p) => `404: ${p}`)];
  assert.deepEqual(all, [], `the pages must load cleanly:\n${all.join('\n')}`);
}

/** Waits in `frame` for a finished run numbered above `afterRun`, settled for SETTLE_MS. */
async function waitForRun(frame, afterRun) {
  for (;;) {
    await frame.waitForFunction(
      (after) => {
        const main = document.querySelector('main');
        return main?.dataset.status === 'done' && Number(main.dataset.run) > after;
      },
      afterRun,
      { timeout: RUN_TIMEOUT_MS, polling: 100 },
    );
    const run = await frame.evaluate(() => Number(document.querySelector('main').dataset.run));
    await frame.waitForTimeout(SETTLE_MS);
    const later = await frame.evaluate(() => {
      const main = document.querySelector('main');
      return main.dataset.status === 'done' ? Number(main.dataset.run) : -1;
    });
    if (later === run) return run;
  }
}

/** What an embed shows: charts, cards, controls, ignored notices, caption, footer. */
function shown(frame) {
  return frame.evaluate(() => ({
    charts: [...document.querySelectorAll('canvas[data-chart]')].map((c) => c.dataset.chart),
    kpis: [...document.querySelectorAll('[data-kpi]')].map((c) => c.dataset.kpi),
    // A number's control is a slider and a number box, both with the key: one control per key.
    controls: [...new Set([...document.querySelectorAll('[data-key]')].map((c) => c.dataset.key))],
    ignored: [...document.querySelectorAll('.embed-notice li')].map((li) => li.textContent),
    caption: document.querySelector('.embed-caption')?.textContent ?? null,
    captionLive: document.querySelector('.embed-caption')?.getAttribute('aria-live') ?? null,
    open: document.querySelector('a.embed-link')?.getAttribute('href') ?? null,
    openText: document.querySelector('a.embed-link')?.textContent ?? null,
    version: document.querySelector('.embed-version')?.textContent ?? null,
    dark: document.querySelector('.app')?.classList.contains('dark') ?? null,
    title: document.querySelector('.embed-title')?.textContent ?? null,
    scroll: { height: document.documentElement.scrollHeight, inner: window.innerHeight },
  }));
}

/** Waits until the iframe's height matches its content (the resize messages arrived). */
async function assertFits(page, index) {
  const frameHandle = await page.$(`#embed-${index}`);
  const frame = await frameHandle.contentFrame();
  await page.waitForFunction(
    ([i, slack]) => {
      const element = document.getElementById(`embed-${i}`);
      const doc = element.contentDocument;
      const content = doc?.querySelector('.app')?.getBoundingClientRect().height ?? 0;
      const height = element.getBoundingClientRect().height;
      return content > 0 && Math.abs(height - content) <= slack
        && doc.documentElement.scrollHeight <= element.clientHeight + slack;
    },
    [index, HEIGHT_SLACK_PX],
    { timeout: 10_000, polling: 100 },
  ).catch(async () => {
    const s = await shown(frame);
    const height = await frameHandle.evaluate((e) => e.getBoundingClientRect().height);
    assert.fail(`iframe ${index} is ${height}px for content of ${s.scroll.height}px (inner ${s.scroll.inner}px)`);
  });
  return frame;
}

describe('Stampede embeds', { timeout: TEST_TIMEOUT_MS * 3 }, () => {
  let browser;
  let site;

  before(async () => {
    await fs.access(path.join(DIST, 'index.html')).catch(() => {
      throw new Error(`${DIST}/index.html is missing: build the app first (cargo xtask test runs trunk build)`);
    });
    await fs.mkdir(ARTIFACTS, { recursive: true });
    site = await startServer(DIST, { '/host.html': hostPage([EMBED_A, EMBED_B]) });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => (site ? site.server.close(resolve) : resolve()));
  });

  test('a host page with two embeds: each shows what it asked for and fits its iframe', { timeout: TEST_TIMEOUT_MS }, async () => {
    notFound.length = 0;
    const { context, page, problems } = await openPage(browser, site.origin);
    try {
      await page.goto(`${site.origin}/host.html`);
      const frames = [];
      for (const [i, spec] of [EMBED_A, EMBED_B].entries()) {
        const frame = await (await page.$(`#embed-${i}`)).contentFrame();
        await waitForRun(frame, 0);
        await assertFits(page, i);
        const s = await shown(frame);
        assert.deepEqual(s.charts, spec.charts, `embed ${i}: charts`);
        assert.deepEqual(s.kpis, spec.kpis, `embed ${i}: KPI cards`);
        assert.deepEqual(s.controls, spec.controls, `embed ${i}: controls`);
        assert.equal(s.ignored.length, spec.ignored.length, `embed ${i}: notices ${JSON.stringify(s.ignored)}`);
        for (const name of spec.ignored) {
          assert.ok(s.ignored.some((line) => line.includes(`\`${name}\``)), `embed ${i}: no notice for ${name}: ${s.ignored}`);
        }
        assert.equal(s.openText, 'Open in Stampede');
        assert.match(s.version, /model v\d+ · link format v1 · seed \d+/);
        assert.ok(!s.open.includes('embed=1') && s.open.includes(spec.query.split('&')[0]), s.open);
        frames.push(frame);
      }
      const [a, b] = await Promise.all(frames.map(shown));
      assert.equal(b.dark, true, 'theme=dark');
      assert.equal(b.title, 'Two charts, dark');
      assert.equal(a.captionLive, 'polite', 'the caption is read out');
      assert.match(a.caption, /Goodput had not come back .* metastable/, `caption: ${a.caption}`);
      // Word for word what the native core writes for the same link.
      assert.equal(a.caption, (await nativeFor(EMBED_A.query)).caption);
      const resizes = await page.evaluate(() => window.__resizes.length);
      assert.ok(resizes >= 2, `resize messages: ${resizes}`);
      await page.screenshot({ path: path.join(ARTIFACTS, 'embeds-host.png'), fullPage: true });

      // Messages from the parent are never read: markup or settings sent in don't change a thing.
      const before = await shown(frames[0]);
      await page.evaluate(() => {
        for (const frame of document.querySelectorAll('iframe')) {
          frame.contentWindow.postMessage({ type: 'stampede:resize', height: 5, html: '<img src=x onerror=alert(1)>' }, '*');
          frame.contentWindow.postMessage('<script>alert(2)</script>', '*');
          frame.contentWindow.postMessage({ type: 'stampede:set', key: 'retry.attempts_max', value: 1 }, '*');
        }
      });
      await page.waitForTimeout(SETTLE_MS);
      const afterMessages = await shown(frames[0]);
      assert.deepEqual({ ...afterMessages, scroll: null }, { ...before, scroll: null }, 'a message from the parent changed the embed');
      assert.equal(await frames[0].locator('img[src=x]').count(), 0);

      // The one live control reruns the embed, and "Open in Stampede" carries the change.
      const run = await frames[0].evaluate(() => Number(document.querySelector('main').dataset.run));
      await frames[0].evaluate(() => {
        // The exact value goes in the number box (the slider's value is the index of a stop).
        const box = document.querySelector('input[type=number][data-key="retry.attempts_max"]');
        box.value = '1';
        box.dispatchEvent(new Event('change', { bubbles: true }));
      });
      await waitForRun(frames[0], run);
      const moved = await shown(frames[0]);
      assert.ok(moved.open.includes('retry.attempts_max=1'), moved.open);
      assert.notEqual(moved.caption, a.caption, 'the caption follows the new run');
      await assertFits(page, 0);
      await page.screenshot({ path: path.join(ARTIFACTS, 'embeds-host-after-slider.png'), fullPage: true });
      assertClean(problems);
    } finally {
      await context.close();
    }
  });

  test('links of every released format decode (pinned embeds)', { timeout: TEST_TIMEOUT_MS }, async () => {
    notFound.length = 0;
    const { context, page, problems } = await openPage(browser, site.origin, { width: 700, height: 800 });
    try {
      // Written before links carried a version, and in format 1 (web/src/pinned_links.rs has the
      // same links and the scenarios they stand for).
      for (const query of [
        'preset=october-2025-dns&client_dns.fixed_ttl_s=5&dns.record_ttl_s=60&embed=1',
        'preset=naive-retry-storm&retry.attempts_max=6&retry.backoff=exponential&retry.backoff_base_ms=100&retry.backoff_max_ms=2000&run.seed=7'
          + '&embed=1&charts=load,outcomes&kpis=availability,time_to_recover&controls=retry.attempts_max'
          + '&title=Retry%20storms&caption=auto&theme=dark&height=compact&v=1',
      ]) {
        await page.goto(`${site.origin}/?${query}`);
        await waitForRun(page, 0);
        const s = await shown(page);
        assert.deepEqual(s.ignored, [], `${query}: ${s.ignored}`);
        const banner = (await page.locator('.banner').allInnerTexts()).join(' ');
        assert.ok(!banner.includes('Ignored from the link'), `${query}: ${banner}`);
        assert.match(s.version, /link format v1/);
        assert.match(await page.evaluate(() => window.location.search), /[?&]v=1(&|$)/, 'the address keeps the format version');
      }
      await page.screenshot({ path: path.join(ARTIFACTS, 'embed-pinned-v1.png'), fullPage: true });
      // A link from a newer format is read with a notice, never refused.
      await page.goto(`${site.origin}/?preset=naive-retry-storm&embed=1&v=99`);
      await waitForRun(page, 0);
      assert.match((await shown(page)).ignored.join(' '), /v=99, newer/);
      assertClean(problems);
    } finally {
      await context.close();
    }
  });

  test('the documentation site builds and its pages with embeds load cleanly', { timeout: TEST_TIMEOUT_MS, skip: BOOK ? false : 'STAMPEDE_BOOK is not set (mdbook missing: `cargo xtask docs` installs it)' }, async () => {
    const docs = await startServer(BOOK);
    notFound.length = 0;
    const { context, page, problems } = await openPage(browser, docs.origin, { width: 1100, height: 900 });
    try {
      for (const name of ['index.html', 'embedding.html', 'cookbook.html', 'scenario-reference.html']) {
        await page.goto(`${docs.origin}/${name}`);
        const frames = await page.$$('iframe.stampede-embed');
        assert.ok(frames.length > 0, `${name} embeds no playground`);
        for (const handle of frames) {
          await handle.scrollIntoViewIfNeeded();
          const frame = await handle.contentFrame();
          await waitForRun(frame, 0);
          const s = await shown(frame);
          assert.deepEqual(s.ignored, [], `${name}: ${s.ignored}`);
          assert.ok(s.charts.length > 0, `${name}: no chart`);
          await page.waitForFunction(
            ([element, slack]) => Math.abs(element.getBoundingClientRect().height
              - element.contentDocument.querySelector('.app').getBoundingClientRect().height) <= slack,
            [handle, HEIGHT_SLACK_PX],
            { timeout: 10_000 },
          );
        }
        if (name === 'embedding.html' || name === 'index.html') {
          await page.screenshot({ path: path.join(ARTIFACTS, `docs-${name.replace('.html', '')}.png`), fullPage: name === 'index.html' });
        }
      }
      assertClean(problems);
    } finally {
      await context.close();
      await new Promise((resolve) => docs.server.close(resolve));
    }
  });
});
