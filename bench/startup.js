// Start-up time of the basics, as ratios to a bare `node -e ''` measured in the same run. See bench/README.md.
//
//   npm run bench:startup            (npm run build && node bench/startup.js)
//   node bench/startup.js --runs=7   (default 5 counted runs of each, after one warm-up)
//
// Rows: `mxlab --help`, `mxlab --version`, the default lab (`mxlab lab --no-tui`, output piped) ready
// with certificates cached (warm) and with an empty certs/ (cold), and for the cold start the time to
// its first line of output. "Ready" is the `mxlab lab: <run folder>` line, printed once every port
// listens. The commands run from a scratch copy of the built project (dist/, bin/, package.json, the
// scenarios and node_modules linked), so the cold rows can empty its certs/ without touching yours.
// Runs alternate between the commands (node, help, version, …) so a machine whose speed drifts
// slows all of them alike. Goals (issue 14): help and version ≤ 2×; warm lab ≤ 0.5 s; cold ≤ 3 s with
// a first line within 1 s.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const flags = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));
const RUNS = Number(flags.runs ?? 5);

const scratch = mkdtempSync(join(os.tmpdir(), 'mxlab-startup-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
for (const entry of ['dist', 'bin', 'package.json']) cpSync(join(ROOT, entry), join(scratch, entry), { recursive: true });
symlinkSync(join(ROOT, 'node_modules'), join(scratch, 'node_modules'));
symlinkSync(join(ROOT, 'scenarios'), join(scratch, 'scenarios'));
const CERTS = join(scratch, 'certs');
mkdirSync(CERTS);
const MXLAB = join(scratch, 'bin', 'mxlab.js');
const RUNS_DIR = join(scratch, 'runs');

/** A process to completion: wall milliseconds. */
function runToEnd(args) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: scratch });
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve({ ms: performance.now() - started }) : reject(new Error(`node ${args.join(' ')}: exit ${code}`))));
  });
}

/** Whether 600 consecutive ports from `base` (the lab's six blocks of 100) are free on loopback. */
async function blockFree(base) {
  for (let p = base; p < base + 600; p += 1) {
    const free = await new Promise((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(p, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}

let basePort;
async function labBase() {
  if (basePort !== undefined && (await blockFree(basePort))) return basePort;
  for (let tries = 0; tries < 20; tries += 1) {
    const base = 20000 + Math.floor(Math.random() * 400) * 100;
    if (await blockFree(base)) return (basePort = base);
  }
  throw new Error('no free block of 600 loopback ports for the lab');
}

/** `mxlab lab` until ready, then SIGINT: time to the first output line and to the ready line. */
async function labUntilReady() {
  const base = await labBase();
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [MXLAB, 'lab', '--no-tui', '--base-port', String(base), '--run-dir', join(RUNS_DIR, String(Date.now()))], { stdio: ['ignore', 'pipe', 'pipe'], cwd: scratch });
    let err = '';
    let first;
    let ready;
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdout.resume();
    child.stderr.on('data', (d) => {
      first ??= performance.now() - started;
      err += d;
      if (ready === undefined && /^mxlab lab: /m.test(err)) {
        ready = performance.now() - started;
        // The signal handlers are set just after that line; give them a moment.
        setTimeout(() => child.kill('SIGINT'), 200);
      }
    });
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(watchdog);
      if (ready === undefined) reject(new Error(`mxlab lab never became ready:\n${err}`));
      else resolve({ ms: ready, firstMs: first });
    });
  });
}

const emptyCerts = () => {
  for (const e of readdirSync(CERTS)) rmSync(join(CERTS, e), { recursive: true, force: true });
};

const ROWS = [
  { name: "node -e ''", run: () => runToEnd(['-e', '']) },
  { name: 'mxlab --help', run: () => runToEnd([MXLAB, '--help']) },
  { name: 'mxlab --version', run: () => runToEnd([MXLAB, '--version']) },
  { name: 'mxlab lab, ready, warm', run: () => labUntilReady() },
  { name: 'mxlab lab, ready, cold', before: emptyCerts, run: () => labUntilReady() },
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const times = new Map(ROWS.map((r) => [r.name, []]));
const firsts = [];

try {
  // Warm-up: fills the page cache and certs/ (the warm row then finds them).
  for (const row of ROWS) {
    row.before?.();
    await row.run();
  }
  for (let i = 0; i < RUNS; i += 1) {
    for (const row of ROWS) {
      row.before?.();
      const r = await row.run();
      times.get(row.name).push(r.ms);
      if (row.name.endsWith('cold')) firsts.push(r.firstMs);
    }
  }
} catch (err) {
  console.error(`bench/startup.js: ${err.message}`);
  process.exit(1);
}

const node = median(times.get("node -e ''"));
const results = ROWS.map((r) => ({ name: r.name, medianMs: Math.round(median(times.get(r.name))), ratio: median(times.get(r.name)) / node, runs: times.get(r.name).map(Math.round) }));
results.push({ name: 'mxlab lab, cold: first line', medianMs: Math.round(median(firsts)), ratio: median(firsts) / node, runs: firsts.map(Math.round) });
console.log(`${RUNS} runs each, alternating; node ${process.version}, ${os.cpus().length} CPU(s), load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`${'command'.padEnd(30)}${'median'.padStart(10)}${"× node -e ''".padStart(16)}`);
for (const r of results) console.log(`${r.name.padEnd(30)}${`${(r.medianMs / 1000).toFixed(3)} s`.padStart(10)}${r.ratio.toFixed(2).padStart(16)}`);
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'results', 'startup.json'), JSON.stringify({ when: new Date().toISOString(), node: process.version, runs: RUNS, loadavg: os.loadavg(), results }, null, 2) + '\n');
