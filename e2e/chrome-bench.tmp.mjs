import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
const variants = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const res = {};
for (let round = 0; round < 4; round++) for (const v of variants) {
  const page = await browser.newPage();
  await page.route('http://bench.local/**', r => {
    const f = r.request().url().replace('http://bench.local/', '');
    const body = f === 'index.html' ? '<html></html>' : readFileSync(`/tmp/wb/${f}`);
    r.fulfill({ body, contentType: f.endsWith('.wasm') ? 'application/wasm' : f.endsWith('.js') ? 'text/javascript' : 'text/html' });
  });
  await page.goto('http://bench.local/index.html');
  const t = await page.evaluate(async (v) => {
    const m = await import(`/web-${v}/stampede_bench.js`);
    await m.default();
    const ts = [];
    for (let i = 0; i < 6; i++) { const s = performance.now(); const r = m.run_peer_json(1n, 'steady'); ts.push(performance.now() - s); if (i == 0) JSON.parse(r); }
    return ts;
  }, v);
  (res[v] ||= []).push(t);
  await page.close();
}
await browser.close();
for (const [v, runs] of Object.entries(res)) {
  const first = runs.map(t => t[0]).sort((a, b) => a - b);
  const warm = runs.map(t => t.slice(1).reduce((a, b) => a + b) / 5).sort((a, b) => a - b);
  console.log(v, 'first ms', first.map(x => x.toFixed(1)).join(' '), '| warm ms', warm.map(x => x.toFixed(1)).join(' '));
}
