// End-to-end tests of the game-day lessons in the built web app (`dist/`), in headless Chromium.
//
// Run by `cargo xtask test` (step e2e) with the other files of e2e/ (`node --test e2e/`), with
//   STAMPEDE_DIST       the built site (default: ../dist)
//   STAMPEDE_ARTIFACTS  where screenshots go (default: ../artifacts)
//
// DOM contract with the lesson pages (web/src/components/lesson_view.rs, lesson_list.rs):
//   <main data-status="running|done" data-run="N">     as in the playground
//   .lesson-controls [data-key="<param key>"]          the step's controls, and only those
//   section.goal[data-goal="pending|met|unmet"]        the goal after the last finished run
//   .goal-list li[data-met="true|false|pending"]       one per condition, its verdict in words
//   .facilitator                                       facilitator mode only
//   .lesson-card[data-lesson="<id>"]                   one per lesson on the list page
//
// Expected controls and solutions are read from the lesson file itself (lessons/<id>.toml), so
// the test follows the file, not the program's output.

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
const RUN_TIMEOUT_MS = 60_000;
const SETTLE_MS = 400;
const TEST_TIMEOUT_MS = 180_000;
const LESSON = 'caches-repopulate';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1400, height: 900 };
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

/** The `[[steps]]` of a lesson file: each step's `controls`, `locked` and `solution` lists. */
async function lessonSteps(id) {
  const text = await fs.readFile(path.join(REPO, 'lessons', `${id}.toml`), 'utf8');
  const list = (block, key) => {
    const match = block.match(new RegExp(`^${key} = \\[([^\\]]*)\\]`, 'm'));
    return match ? [...match[1].matchAll(/"([^"]*)"/g)].map((m) => m[1]) : [];
  };
  return text.split(/^\[\[steps\]\]$/m).slice(1).map((block) => ({
    controls: list(block, 'controls'),
    locked: list(block, 'locked'),
    solution: list(block, 'solution'),
  }));
}

/** A page that records console and page errors. */
async function openPage(view, colorScheme = 'light') {
  const context = await browser.newContext({ viewport: view, colorScheme });
  const errors = [];
  context.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console error: ${message.text()}`);
  });
  context.on('weberror', (webError) => errors.push(`page error: ${webError.error()}`));
  const page = await context.newPage();
  return { context, page, errors };
}

/** Runs `body(page)` on a fresh page at `query`; fails on page errors; screenshots a failure. */
async function withPage(t, query, body, { view = DESKTOP, colorScheme = 'light' } = {}) {
  const { context, page, errors } = await openPage(view, colorScheme);
  try {
    await page.goto(`${origin}/?${query}`);
    await body(page);
    assert.deepEqual(errors, [], 'the page must log no errors');
  } catch (error) {
    const name = t.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 60);
    await page.screenshot({ path: path.join(ARTIFACTS, `failure-lessons-${name}.png`), fullPage: true }).catch(() => {});
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

/** The goal's state and each condition's verdict text. */
async function goal(page) {
  return {
    state: await page.locator('section.goal').getAttribute('data-goal'),
    rows: await page.locator('.goal-list li').evaluateAll((items) =>
      items.map((li) => ({ met: li.dataset.met, text: li.innerText.trim() }))),
  };
}

describe('Game-day lessons', { timeout: TEST_TIMEOUT_MS * 4 }, () => {
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

  test('a lesson opened by link shows only its step\'s controls; the keyboard reaches the goal', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const [step] = await lessonSteps(LESSON);
    // The file's solution for step 1 switches one checkbox on.
    assert.deepEqual(step.solution, ['resolver.serve_stale=true']);
    await withPage(t, `lesson=${LESSON}&step=1&attempts=0`, async (page) => {
      const first = await waitForRun(page, 0);
      // A number's control is a slider and a number box, both with the key: one control per key.
      const keys = await page.locator('[data-key]').evaluateAll((els) => [...new Set(els.map((el) => el.dataset.key))]);
      assert.deepEqual(keys, [...step.controls, ...step.locked], 'exactly the step\'s controls, in order');
      const inPanel = await page.locator('.lesson-controls [data-key]').evaluateAll((els) => new Set(els.map((el) => el.dataset.key)).size);
      assert.equal(inPanel, keys.length, 'every control sits in the lesson panel');
      const before = await goal(page);
      assert.equal(before.state, 'unmet', 'the starting state misses the goal');
      assert.match(before.rows[0].text, /^✗\s*not met:\s*availability \d+(\.\d+)? %, goal ≥ 99 %$/);
      // Tab to the checkbox, switch it on with the space bar.
      const box = page.locator('input[data-key="resolver.serve_stale"]');
      assert.equal(await box.isChecked(), false);
      await box.focus();
      await page.keyboard.press('Space');
      assert.equal(await box.isChecked(), true);
      await waitForRun(page, first);
      const after = await goal(page);
      assert.equal(after.state, 'met', `goal met after the solution: ${JSON.stringify(after.rows)}`);
      assert.ok(after.rows.every((row) => row.met === 'true'));
      await page.locator('.debrief').waitFor();
      const url = new URL(page.url());
      assert.equal(url.searchParams.get('lesson'), LESSON);
      assert.equal(url.searchParams.get('attempts'), '1', 'the attempt is counted in the link');
      assert.equal(url.searchParams.get('resolver.serve_stale'), 'true', 'the learner\'s change is in the link');
      // The playground link carries the design over the lesson's preset.
      const playground = new URL(await page.getByRole('link', { name: 'Open in the playground' }).getAttribute('href'), page.url());
      assert.equal(playground.searchParams.get('preset'), 'serve-stale');
      assert.equal(playground.searchParams.get('resolver.serve_stale'), null, 'serve-stale is the preset\'s own value');
      assert.equal(playground.searchParams.get('lesson'), null);
    });
  });

  test('facilitator mode shows the expected answer, the solution and discussion prompts', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const steps = await lessonSteps(LESSON);
    await withPage(t, `lesson=${LESSON}&step=2&attempts=0&facilitator=1`, async (page) => {
      await waitForRun(page, 0);
      const panel = page.locator('.facilitator');
      await panel.waitFor();
      const solution = await panel.locator('.solution code').allInnerTexts();
      assert.deepEqual(solution, steps[1].solution);
      assert.ok((await panel.locator('.discussion li').count()) > 0, 'discussion prompts');
      assert.ok(await panel.getByRole('timer').isVisible(), 'a timer');
      assert.equal((await goal(page)).state, 'unmet');
      const run = Number(await page.locator('main').getAttribute('data-run'));
      await panel.getByRole('button', { name: 'Apply the solution' }).click();
      await waitForRun(page, run);
      assert.equal((await goal(page)).state, 'met');
    });
  });

  test('a challenge link shows the goal and the controls but no narrative or hints', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, `lesson=${LESSON}&step=1&attempts=0&challenge=1`, async (page) => {
      await waitForRun(page, 0);
      assert.equal(await page.locator('section.goal').count(), 1);
      assert.equal(await page.locator('.narrative').count(), 0);
      assert.equal(await page.locator('.hints').count(), 0);
      assert.ok((await page.locator('.lesson-controls [data-key]').count()) > 0);
    });
  });

  test('hints are revealed one at a time', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, `lesson=${LESSON}&step=2&attempts=0`, async (page) => {
      assert.equal(await page.locator('.hint-list li').count(), 0);
      await page.getByRole('button', { name: /Show a hint \(1 of \d+\)/ }).click();
      assert.equal(await page.locator('.hint-list li').count(), 1);
      await page.getByRole('button', { name: /Show a hint \(2 of \d+\)/ }).click();
      assert.equal(await page.locator('.hint-list li').count(), 2);
      assert.equal(new URL(page.url()).searchParams.get('hints'), '2');
    });
  });

  test('a link to a step that does not exist opens the lesson list with a notice', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, `lesson=${LESSON}&step=9`, async (page) => {
      const notice = page.getByRole('alert');
      await notice.waitFor();
      assert.match(await notice.innerText(), /has no step 9: it has 2/);
      assert.ok((await page.locator('.lesson-card').count()) >= 10, 'the list shows every lesson');
      assert.equal(new URL(page.url()).search, '?lessons');
    });
  });

  test('screenshots of a solved lesson step, light and dark, phone and desktop', { timeout: TEST_TIMEOUT_MS * 2 }, async (t) => {
    for (const [name, view] of [['phone', PHONE], ['desktop', DESKTOP]]) {
      for (const scheme of ['light', 'dark']) {
        await withPage(t, `lesson=${LESSON}&step=1&attempts=1&hints=1&resolver.serve_stale=true`, async (page) => {
          await waitForRun(page, 0);
          assert.equal((await goal(page)).state, 'met');
          await page.screenshot({ path: path.join(ARTIFACTS, `lesson-${name}-${scheme}.png`), fullPage: true });
          // The first screen as the learner sees it (the full page of a phone is long).
          await page.screenshot({ path: path.join(ARTIFACTS, `lesson-${name}-${scheme}-first-screen.png`) });
        }, { view, colorScheme: scheme });
      }
    }
    await withPage(t, 'lessons', async (page) => {
      await page.locator('.lesson-card').first().waitFor();
      await page.screenshot({ path: path.join(ARTIFACTS, 'lesson-list-desktop-light.png'), fullPage: true });
    });
    await withPage(t, `lesson=${LESSON}&step=2&attempts=0&facilitator=1`, async (page) => {
      await waitForRun(page, 0);
      await page.screenshot({ path: path.join(ARTIFACTS, 'lesson-facilitator-desktop-dark.png'), fullPage: true });
      await page.setViewportSize(PHONE);
      await page.locator('.facilitator').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS, 'lesson-facilitator-phone-dark.png') });
    }, { colorScheme: 'dark' });
  });
});
