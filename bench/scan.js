// Wall time of `mxlab scan smtp` against sslscan and testssl.sh on the same targets. See bench/README.md.
//
//   npm run build && node bench/scan.js [--runs=3] [--no-testssl] [--postfix=HOST:PORT]
//
// Targets: a `modern` and a `tls10-only` mxlab receiver served by this process (the scanners run as
// child processes, so they never share an event loop with the receivers), and a Postfix when given
// with --postfix (e.g. one started by test/fixtures/postfix-instance.ts, or a local one on :25).
// Goal (issue #11): mxlab ≤ 0.3× sslscan and ≤ 0.02× testssl.sh, testing more suites.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lab } from '../dist/lab/lab.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const MXLAB = join(HERE, '..', 'bin', 'mxlab.js');
const flags = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));
const RUNS = Number(flags.runs ?? 3);

function run(cmd, args) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', () => undefined);
    child.on('error', () => resolve({ ms: NaN, out: '', missing: true }));
    child.on('close', () => resolve({ ms: performance.now() - started, out }));
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(name, fn) {
  const times = [];
  let last;
  for (let i = 0; i < RUNS; i += 1) {
    last = await fn();
    if (last.missing) return { name, missing: true };
    times.push(last.ms);
  }
  return { name, ms: median(times), last };
}

const work = mkdtempSync(join(os.tmpdir(), 'mxlab-bench-scan-'));
const lab = new Lab({ runDir: join(work, 'run') });
await lab.addReceiver({ name: 'modern', profile: 'modern', smtp: [0] });
await lab.addReceiver({ name: 'tls10', profile: 'tls10-only', smtp: [0] });
const portOf = (name) => lab.receivers.find((r) => r.name === name).endpoints.find((e) => e.tlsMode === 'explicit').port;
const targets = [
  { name: 'mxlab modern', target: `127.0.0.1:${portOf('modern')}` },
  { name: 'mxlab tls10-only', target: `127.0.0.1:${portOf('tls10')}` },
  ...(flags.postfix ? [{ name: 'postfix', target: flags.postfix }] : []),
];

console.log(`mxlab scan vs sslscan vs testssl.sh, median of ${RUNS} run(s) each (wall time, one target at a time)\n`);
console.log('target             tool        wall ms  suites tested  connections  ratio');
for (const t of targets) {
  const mx = await measure('mxlab', () => run(process.execPath, [MXLAB, 'scan', 'smtp', t.target, '--json', '--fail-on', 'sslv3', '--run-dir', join(work, `r${Math.random()}`)]));
  const json = JSON.parse(mx.last.out);
  const ss = await measure('sslscan', () => run('sslscan', ['--starttls-smtp', '--no-colour', '--xml=-', t.target]));
  const ts = flags['no-testssl'] ? { name: 'testssl.sh', missing: true } : await measure('testssl.sh', () => run('testssl', ['--quiet', '--warnings', 'off', '--color', '0', '-t', 'smtp', '-p', '-e', '--csvfile', join(work, `ts${Math.random()}.csv`), t.target]));
  const row = (name, r, suites, conns, ratio) => console.log(`${t.name.padEnd(18)} ${name.padEnd(11)} ${r.missing ? '   n/a' : String(Math.round(r.ms)).padStart(6)}  ${String(suites).padStart(13)}  ${String(conns).padStart(11)}  ${ratio}`);
  row('mxlab', mx, json.suitesTested, json.connections, '');
  row('sslscan', ss, '?', '?', ss.missing ? '' : `mxlab = ${(mx.ms / ss.ms).toFixed(2)}× (goal ≤ 0.3×)`);
  row('testssl.sh', ts, '?', '?', ts.missing ? '' : `mxlab = ${(mx.ms / ts.ms).toFixed(3)}× (goal ≤ 0.02×)`);
}
await lab.stop();
rmSync(work, { recursive: true, force: true });
