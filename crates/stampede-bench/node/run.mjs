// Times one run of the wasm build in Node, printing one JSON line like the native binary.
//
//   node run.mjs <dir with stampede_bench.js> peer [--seed N] [--config NAME] [--repeat N]
//   node run.mjs <dir with stampede_bench.js> preset NAME [--repeat N]
//
// The module is the output of `wasm-bindgen --target nodejs`; `cargo xtask bench` builds it into
// target/bench-wasm/. Only the exported call is timed (performance.now()), not module loading.
// `wall_s` is the first call (cold: V8 compiles the module lazily with Liftoff and tiers up while
// it runs); `wall_s_warm` is the mean of the later calls and `wall_s_mean` the mean of all calls, as
// in the native binary.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const [dir, mode, ...rest] = process.argv.slice(2);
if (!dir || !['peer', 'preset'].includes(mode)) {
  console.error('usage: node run.mjs <bench-wasm dir> peer [--seed N] [--config NAME] | preset NAME');
  process.exit(2);
}
const bench = createRequire(import.meta.url)(resolve(dir, 'stampede_bench.js'));

let seed = 1n;
let config = 'steady';
let preset = null;
let repeat = 1;
let args = rest;
if (mode === 'preset') {
  preset = rest[0];
  args = rest.slice(1);
}
for (let i = 0; i < args.length; i += 2) {
  if (args[i] === '--seed' && !preset) seed = BigInt(args[i + 1]);
  else if (args[i] === '--config' && !preset) config = args[i + 1];
  else if (args[i] === '--repeat') repeat = Number(args[i + 1]);
  else { console.error(`unexpected argument ${args[i]}`); process.exit(2); }
}
const call = preset ? () => bench.run_preset_json(preset) : () => bench.run_peer_json(seed, config);

let figures = null;
let wallS = 0;
let laterS = [];
for (let i = 0; i < Math.max(1, repeat); i++) {
  const started = performance.now();
  const result = JSON.parse(call());
  const elapsed = (performance.now() - started) / 1000;
  if (result.error) {
    console.error(result.error);
    process.exit(1);
  }
  if (figures === null) {
    figures = result;
    wallS = elapsed;
  } else {
    laterS.push(elapsed);
  }
}
const laterTotalS = laterS.reduce((a, b) => a + b, 0);
const warmS = laterS.length ? laterTotalS / laterS.length : wallS;
const meanS = (wallS + laterTotalS) / (laterS.length + 1);
const out = {
  impl: 'stampede-wasm-node' + process.versions.node,
  ...figures,
  wall_s: Number(wallS.toFixed(4)),
  wall_s_warm: Number(warmS.toFixed(4)),
  wall_s_mean: Number(meanS.toFixed(4)),
  requests_per_s: Math.round(figures.requests / meanS),
  events_per_s: Math.round(figures.events / meanS),
  peak_rss_kb: process.resourceUsage().maxRSS,
};
console.log(JSON.stringify(out));
