// The browser benchmark: what a user waits for in the playground, against the native run of the
// same scenario, measured in the same minutes. Run by `cargo xtask bench` (browser section):
//
//   node e2e/bench-browser.mjs --dist DIR --native PATH [--presets a,b] [--changes N]
//                              [--trace-presets a,b|default] [--json FILE]
//
// For every preset, in headless Chromium on the built `dist/` and alternated with
// `stampede-bench query <the page's link>` (the native run of the same scenario):
//   - the first load: from navigation to the final KPIs and to the last chart drawn;
//   - N control changes (retry.attempts_max up and back): from the change to the first KPIs of the
//     new run, to its final KPIs and to the last chart drawn;
//   - the worker's own account of each run (the `stampede:worker-finished` mark): time in the wasm
//     engine, building reports, posting messages, and when it received and finished the run, so
//     the time outside the engine is split into "to the worker", "in the worker beside the
//     engine" and "from the worker to the screen".
// For the presets in --trace-presets, one more change runs under a Chromium trace: the longest
// and 95th-percentile main-thread task while the run streams, and where the main thread's and
// the worker's time went (self time by trace event).
// This is a benchmark: it prints figures and never fails on a slow one; it fails only when the
// page does not finish a run or the tools are missing.

import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const VIEWPORT = { width: 1400, height: 1000 };
/** A run that has not finished after this long is a broken page, not a slow one. */
const RUN_TIMEOUT_MS = 300_000;
/** The charts are drawn when no chart mark came for this long after the final KPIs. */
const QUIET_MS = 600;
const SLIDER_KEY = 'retry.attempts_max';
const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
};

function parseArgs(argv) {
  const options = { presets: [], changes: 2, tracePresets: [], json: null, dist: null, native: null };
  for (let i = 0; i < argv.length; i += 1) {
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value`);
      i += 1;
      return argv[i];
    };
    const list = (text) => text.split(',').map((s) => s.trim()).filter(Boolean);
    switch (argv[i]) {
      case '--dist': options.dist = path.resolve(value()); break;
      case '--native': options.native = path.resolve(value()); break;
      case '--presets': options.presets = list(value()); break;
      case '--trace-presets': options.tracePresets = list(value()); break;
      case '--changes': options.changes = Number(value()); break;
      case '--json': options.json = path.resolve(value()); break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (!options.dist || !options.native) throw new Error('--dist and --native are required');
  if (!Number.isInteger(options.changes) || options.changes < 0) throw new Error('--changes must be a whole number');
  return options;
}

async function serve(root) {
  const server = http.createServer(async (request, response) => {
    const pathname = decodeURIComponent(new URL(request.url, 'http://127.0.0.1').pathname);
    const relative = pathname.endsWith('/') ? `${pathname}index.html` : pathname;
    const file = path.join(root, path.normalize(relative));
    if (!file.startsWith(root + path.sep)) return response.writeHead(403).end();
    try {
      const body = await fs.readFile(file);
      const type = MIME_TYPES[path.extname(file)] ?? 'application/octet-stream';
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** The native run of a link's scenario: wall seconds (building the scenario included). */
async function native(binary, query) {
  const { stdout } = await promisify(execFile)(binary, ['query', query], { maxBuffer: 1 << 20 });
  const line = stdout.trim().split('\n').pop();
  const figures = JSON.parse(line);
  return { wall_ms: figures.wall_s * 1000, events: figures.events };
}

async function presetNames(binary) {
  const { stdout } = await promisify(execFile)(binary, ['presets']);
  return stdout.split('\n').map((s) => s.trim()).filter(Boolean);
}

/** Every `stampede:*` mark of the page: `{ name, at, detail }`. */
function marks(page) {
  return page.evaluate(() => performance.getEntriesByType('mark')
    .filter((m) => m.name.startsWith('stampede:'))
    .map((m) => ({ name: m.name, at: m.startTime, detail: m.detail ?? {} })));
}

/** Waits for the final KPIs of the first run that starts after `t0` (page clock); returns its id. */
async function waitForFinal(page, t0) {
  const handle = await page.waitForFunction((since) => {
    const final = performance.getEntriesByName('stampede:kpis')
      .find((m) => m.startTime >= since && m.detail?.final === 1);
    return final ? final.detail.run : null;
  }, t0, { timeout: RUN_TIMEOUT_MS, polling: 50 });
  return handle.jsonValue();
}

/** Waits until no chart has been drawn for QUIET_MS. */
async function waitForQuiet(page) {
  for (;;) {
    await page.waitForTimeout(QUIET_MS);
    const idle = await page.evaluate((quiet) => {
      const charts = performance.getEntriesByName('stampede:charts');
      const last = charts.length ? charts[charts.length - 1].startTime : 0;
      return performance.now() - last >= quiet;
    }, QUIET_MS);
    if (idle) return;
  }
}

/** The figures of run `run` started at `t0` (page clock), from the page's marks. */
function measure(all, run, t0) {
  const ofRun = all.filter((m) => m.at >= t0 && m.detail.run === run);
  const kpis = ofRun.filter((m) => m.name === 'stampede:kpis');
  const charts = ofRun.filter((m) => m.name === 'stampede:charts');
  const worker = ofRun.find((m) => m.name === 'stampede:worker-finished')?.detail ?? {};
  const final = kpis.find((m) => m.detail.final === 1);
  const chartMs = charts.reduce((sum, m) => sum + (m.detail.ms ?? 0), 0);
  return {
    first_kpis_ms: kpis.length ? kpis[0].at - t0 : NaN,
    final_kpis_ms: final ? final.at - t0 : NaN,
    last_chart_ms: charts.length ? charts[charts.length - 1].at - t0 : NaN,
    kpi_updates: kpis.length,
    chart_draws: charts.length,
    chart_draw_ms: chartMs,
    to_worker_ms: worker.received_ms - t0,
    worker_wall_ms: worker.finished_ms - worker.received_ms,
    engine_ms: worker.engine_ms,
    report_ms: worker.report_ms,
    send_ms: worker.send_ms,
    messages: worker.messages,
    to_screen_ms: final ? final.at - worker.finished_ms : NaN,
  };
}

/** Moves the retry slider one step (up, or back down on odd changes) and returns the page time. */
async function changeControl(page, index) {
  return page.evaluate(({ key, index }) => {
    const slider = document.querySelector(`input[type=range][data-key="${key}"]`);
    if (!slider) throw new Error(`no slider ${key}`);
    const value = Number(slider.value);
    const step = Number(slider.step) || 1;
    const up = index % 2 === 0 ? value + step <= Number(slider.max) : value - step < Number(slider.min);
    slider.value = String(up ? value + step : value - step);
    performance.mark('stampede:bench-change');
    const t0 = performance.now();
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    return t0;
  }, { key: SLIDER_KEY, index });
}

const query = (page) => page.evaluate(() => window.location.search.replace(/^\?/, ''));

/** One preset: the first load and `changes` changes, each followed by its native run. */
async function benchPreset(browser, origin, options, preset) {
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: 'light' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  const rows = [];
  try {
    await page.goto(`${origin}/?preset=${preset}`);
    const run = await waitForFinal(page, 0);
    await waitForQuiet(page);
    const load = { kind: 'load', ...measure(await marks(page), run, 0) };
    load.native_ms = (await native(options.native, await query(page))).wall_ms;
    rows.push(load);
    for (let i = 0; i < options.changes; i += 1) {
      const t0 = await changeControl(page, i);
      const changed = await waitForFinal(page, t0);
      await waitForQuiet(page);
      const row = { kind: 'change', ...measure(await marks(page), changed, t0) };
      row.native_ms = (await native(options.native, await query(page))).wall_ms;
      rows.push(row);
    }
    if (options.tracePresets.includes(preset)) {
      rows.push(await tracedChange(browser, page, options, options.changes));
    }
  } finally {
    await context.close();
  }
  if (errors.length) throw new Error(`${preset}: page errors:\n${errors.join('\n')}`);
  return rows;
}

/** One more change under a Chromium trace: main-thread tasks while the run streams, and a profile. */
async function tracedChange(browser, page, options, index) {
  await browser.startTracing(page, {
    categories: [
      'toplevel', 'blink.user_timing', 'devtools.timeline', 'disabled-by-default-devtools.timeline',
      'v8', 'v8.execute', 'blink', 'cc', 'gpu',
    ],
  });
  const t0 = await changeControl(page, index);
  const run = await waitForFinal(page, t0);
  await waitForQuiet(page);
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8'));
  const row = { kind: 'traced', ...measure(await marks(page), run, t0) };
  row.native_ms = (await native(options.native, await query(page))).wall_ms;
  row.trace = analyseTrace(trace.traceEvents ?? trace);
  return row;
}

/**
 * Main-thread tasks between the change and the final KPIs (longest, 95th percentile, count over
 * 50 ms), and self time by event name on the page's main thread and in the worker.
 */
function analyseTrace(events) {
  const change = events.find((e) => e.name === 'stampede:bench-change');
  if (!change) return { error: 'no stampede:bench-change mark in the trace' };
  const { pid } = change;
  const threads = new Map();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name' && e.pid === pid) threads.set(e.tid, e.args?.name ?? '');
  }
  const mainTid = change.tid;
  const finals = events.filter((e) => e.name === 'stampede:kpis' && e.pid === pid && e.ts >= change.ts);
  const end = finals.length ? Math.max(...finals.map((e) => e.ts)) : Infinity;
  const inWindow = (e) => e.ph === 'X' && e.ts >= change.ts && e.ts <= end;
  const tasks = events
    .filter((e) => inWindow(e) && e.pid === pid && e.tid === mainTid && e.name === 'RunTask')
    .map((e) => e.dur / 1000)
    .sort((a, b) => a - b);
  const workerTids = [...threads].filter(([, name]) => name.startsWith('DedicatedWorker')).map(([tid]) => tid);
  const selfTimes = (tids) => {
    const totals = new Map();
    for (const tid of tids) {
      const list = events
        .filter((e) => inWindow(e) && e.pid === pid && e.tid === tid && typeof e.dur === 'number')
        .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
      const stack = [];
      for (const e of list) {
        while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur <= e.ts) stack.pop();
        const parent = stack[stack.length - 1];
        if (parent) totals.set(parent.name, (totals.get(parent.name) ?? 0) - e.dur);
        totals.set(e.name, (totals.get(e.name) ?? 0) + e.dur);
        stack.push(e);
      }
    }
    return [...totals].map(([name, us]) => [name, us / 1000]).filter(([, ms]) => ms > 0.5)
      .sort((a, b) => b[1] - a[1]).slice(0, 8);
  };
  const busy = (tids) => events
    .filter((e) => inWindow(e) && e.pid === pid && tids.includes(e.tid) && (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask'))
    .reduce((sum, e) => sum + e.dur / 1000, 0);
  const quantile = (q) => (tasks.length ? tasks[Math.min(tasks.length - 1, Math.floor(q * tasks.length))] : NaN);
  return {
    window_ms: (end - change.ts) / 1000,
    main_tasks: tasks.length,
    main_longest_ms: tasks.length ? tasks[tasks.length - 1] : NaN,
    main_p95_ms: quantile(0.95),
    main_over_50ms: tasks.filter((ms) => ms > 50).length,
    main_busy_ms: tasks.reduce((a, b) => a + b, 0),
    worker_busy_ms: busy(workerTids),
    main_profile: selfTimes([mainTid]),
    worker_profile: selfTimes(workerTids),
  };
}

const fmt = (ms) => (Number.isFinite(ms) ? ms.toFixed(0) : '–');
const ratio = (a, b) => (Number.isFinite(a) && b > 0 ? `${(a / b).toFixed(2)}×` : '–');
const median = (values) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function printPreset(preset, rows) {
  const load = rows.find((r) => r.kind === 'load');
  const changes = rows.filter((r) => r.kind === 'change');
  const m = (field) => median(changes.map((r) => r[field]));
  const nativeMs = m('native_ms');
  console.log(
    `${preset.padEnd(28)} ${fmt(load.native_ms).padStart(7)} ${ratio(load.final_kpis_ms, load.native_ms).padStart(7)}`
    + ` ${fmt(nativeMs).padStart(7)} ${fmt(m('first_kpis_ms')).padStart(7)} ${ratio(m('final_kpis_ms'), nativeMs).padStart(7)}`
    + ` ${ratio(m('last_chart_ms'), nativeMs).padStart(7)} ${ratio(m('engine_ms'), nativeMs).padStart(7)}`
    + ` ${fmt(m('final_kpis_ms') - m('engine_ms')).padStart(8)}`,
  );
}

function printBreakdown(preset, rows) {
  for (const r of rows) {
    const other = r.worker_wall_ms - r.engine_ms - r.report_ms - r.send_ms;
    console.log(
      `  ${preset} ${r.kind}: final ${fmt(r.final_kpis_ms)} ms = to worker ${fmt(r.to_worker_ms)} + worker ${fmt(r.worker_wall_ms)}`
      + ` (engine ${fmt(r.engine_ms)}, reports ${fmt(r.report_ms)}, posting ${fmt(r.send_ms)}, between slices ${fmt(other)}; ${r.messages} messages)`
      + ` + to screen ${fmt(r.to_screen_ms)}; ${r.kpi_updates} KPI updates, ${r.chart_draws} chart passes (${fmt(r.chart_draw_ms)} ms); native ${fmt(r.native_ms)} ms`,
    );
    if (r.trace && !r.trace.error) {
      const t = r.trace;
      console.log(
        `  ${preset} responsiveness while streaming (${fmt(t.window_ms)} ms traced): ${t.main_tasks} main-thread tasks,`
        + ` longest ${t.main_longest_ms.toFixed(1)} ms, 95th percentile ${t.main_p95_ms.toFixed(1)} ms, ${t.main_over_50ms} over 50 ms;`
        + ` main thread busy ${fmt(t.main_busy_ms)} ms, worker busy ${fmt(t.worker_busy_ms)} ms`,
      );
      const list = (profile) => profile.map(([name, ms]) => `${name} ${ms.toFixed(0)}`).join(', ');
      console.log(`    main thread self time (ms): ${list(t.main_profile)}`);
      console.log(`    worker self time (ms): ${list(t.worker_profile)}`);
    } else if (r.trace) {
      console.log(`  ${preset} trace: ${r.trace.error}`);
    }
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const all = await presetNames(options.native);
  const presets = options.presets.length ? options.presets : all;
  // `default` is the preset the page opens with.
  options.tracePresets = options.tracePresets.map((name) => (name === 'default' ? all[0] : name));
  for (const name of presets) {
    if (!all.includes(name)) throw new Error(`no preset named ${name}; known: ${all.join(', ')}`);
  }
  const server = await serve(options.dist);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const results = {};
  try {
    for (const preset of presets) {
      process.stderr.write(`browser bench: ${preset}\n`);
      results[preset] = await benchPreset(browser, origin, options, preset);
    }
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`\n== browser: the playground in headless Chromium (${browser.version()}) vs native, same scenario, alternated ==`);
  console.log('times in ms; × = ratio to the native run of the same scenario; changes: median of', options.changes);
  console.log(
    `${'preset'.padEnd(28)} ${'native'.padStart(7)} ${'load'.padStart(7)} ${'native'.padStart(7)} ${'first'.padStart(7)}`
    + ` ${'final'.padStart(7)} ${'charts'.padStart(7)} ${'engine'.padStart(7)} ${'overhead'.padStart(8)}`,
  );
  console.log(
    `${''.padEnd(28)} ${'(load)'.padStart(7)} ${'→final'.padStart(7)} ${'(chg)'.padStart(7)} ${'KPIs'.padStart(7)}`
    + ` ${'KPIs'.padStart(7)} ${'drawn'.padStart(7)} ${'(wasm)'.padStart(7)} ${'ms'.padStart(8)}`,
  );
  for (const preset of presets) printPreset(preset, results[preset]);
  console.log('\nwhere the time goes (page and worker marks; "to worker" includes the debounce):');
  for (const preset of presets) printBreakdown(preset, results[preset]);
  const worst = Math.max(...presets.map((p) => {
    const changes = results[p].filter((r) => r.kind === 'change');
    return median(changes.map((r) => r.final_kpis_ms)) / median(changes.map((r) => r.native_ms));
  }).filter(Number.isFinite));
  console.log(`\nworst change→final KPIs ratio over the presets: ${Number.isFinite(worst) ? worst.toFixed(2) : '–'}× (goal ≤ 1.5×)`);
  if (options.json) await fs.writeFile(options.json, JSON.stringify(results, null, 1));
}

main().catch((error) => {
  console.error(`browser bench: ${error.stack ?? error}`);
  process.exit(1);
});
