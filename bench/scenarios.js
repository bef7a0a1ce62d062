// Wall time of the whole scenario library (scenarios/), self-contained. See bench/README.md.
//
//   npm run build && node bench/scenarios.js [--runs=3] [--jobs=4] [DIR…]
//
// Each run loads every scenario file and runs them `--jobs` at a time, each in its own Lab with
// port-0 peers, exactly as `mxlab run scenarios/` does (the runner is imported from dist/, no CLI
// start-up). The first run also generates any certificate chain not cached yet, so it is reported
// on its own; the figure to quote is the median of the runs after it. Not a timed test: the target
// (under 10 s on the 2-core machine) is checked by reading, not asserted.
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closingLine, runPaths } from '../dist/scenario/runner.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const flag = (name, fallback) => Number(argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const runs = Math.max(1, flag('runs', 3));
const jobs = Math.max(1, flag('jobs', 4));
const paths = argv.filter((a) => !a.startsWith('--'));
const dirs = paths.length ? paths : [join(HERE, '..', 'scenarios')];

// Weak DH personalities (dhe-1024) make Node warn once per handshake; noise here.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (!(w.name === 'SecurityWarning' && /DH parameter/.test(w.message))) process.stderr.write(`${w.name}: ${w.message}\n`);
});

const times = [];
let failed = 0;
for (let i = 0; i <= runs; i++) {
  const t0 = process.hrtime.bigint();
  const summary = await runPaths(dirs, { jobs });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const tests = summary.passed + summary.failed;
  const slowest = [...summary.scenarios].sort((a, b) => b.durationMs - a.durationMs)[0];
  const label = i === 0 ? 'warm-up' : `run ${i}`;
  console.log(`${label.padEnd(8)} ${(ms / 1000).toFixed(2)} s  ${summary.scenarios.length} scenarios, ${tests} tests (${closingLine(summary)}); slowest ${slowest?.name} ${slowest?.durationMs} ms`);
  if (i > 0) times.push(ms);
  failed += summary.failed;
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(`library wall time: ${(median / 1000).toFixed(2)} s median of ${runs} (jobs ${jobs}, ${os.cpus().length} CPUs, Node ${process.version}); target < 10 s`);
process.exitCode = failed ? 1 : 0;
