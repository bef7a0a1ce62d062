// The console's cost. See bench/README.md ("Console").
//
//   npm run build && node bench/console.js [--duration=5] [--concurrency=8] [--rows=100000]
//
// 1. STARTTLS sessions/s of `mxlab serve --profile modern` on a pseudo-terminal (util-linux `script`),
//    once with --no-tui (headless: one line per session) and once with --tui (the console attached),
//    driven by bench/client.js in its own process. The console must keep ≥ 0.9× the headless rate.
// 2. Memory: a console store fed 100,000 finished sessions (realistic records), RSS before and after.
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConsoleStore } from '../dist/tui/store.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const PROJECT = join(HERE, '..');
const flags = Object.fromEntries(process.argv.slice(2).filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')));
const DURATION_MS = Number(flags.duration ?? 5) * 1000;
const CONCURRENCY = Number(flags.concurrency ?? 8);
const ROWS = Number(flags.rows ?? 100000);

const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});

async function waitListening(port, ms = 30000) {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => { c.destroy(); resolve(true); });
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`port ${port} never listened`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One measurement: the lab on a pty (120x40), the load generator in its own process. */
async function measure(tui) {
  const port = await freePort();
  const dir = mkdtempSync(join(os.tmpdir(), 'mxlab-bench-console-'));
  const cmd = `stty cols 120 rows 40; exec node ${join(PROJECT, 'bin/mxlab.js')} serve --profile modern --smtp ${port} --run-dir ${dir} ${tui ? '--tui' : '--no-tui'}`;
  const env = { ...process.env };
  delete env.CI;
  const lab = spawn('script', ['-qfec', cmd, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  // The pty's output must be read, as a terminal would, or the lab blocks on a full buffer.
  let bytes = 0;
  lab.stdout.on('data', (d) => (bytes += d.length));
  lab.stderr.on('data', () => undefined);
  try {
    await waitListening(port);
    const client = fork(join(HERE, 'client.js'), [], { stdio: 'ignore' });
    const result = await new Promise((resolve) => {
      client.on('message', (m) => m.type === 'result' && resolve(m));
      client.send({ type: 'run', id: 1, mode: 'starttls', host: '127.0.0.1', port, concurrency: CONCURRENCY, warmupMs: 1000, durationMs: DURATION_MS });
    });
    client.send({ type: 'exit' });
    return { perSecond: result.perSecond, errors: result.errors, terminalBytes: bytes };
  } finally {
    // q leaves the console (and the alternate screen); SIGTERM stops either mode.
    if (tui) lab.stdin.write('q');
    setTimeout(() => lab.kill('SIGTERM'), 2000).unref();
    await new Promise((r) => lab.on('close', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A store fed ROWS finished sessions; RSS growth is what the console costs per session held. */
function memory() {
  const listeners = new Set();
  const source = { subscribe: (l) => (listeners.add(l), () => listeners.delete(l)), listPeers: () => [], runDir: { sessionsFile: join(os.tmpdir(), 'mxlab-bench-none.jsonl') } };
  global.gc?.();
  const before = process.memoryUsage().rss;
  const heapBefore = process.memoryUsage().heapUsed;
  const store = new ConsoleStore(source, { throttleMs: 1000 });
  const hello = { recordVersion: 'TLSv1', legacyVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', offeredVersions: ['TLSv1.3', 'TLSv1.2'], ciphers: [], extensions: [], grease: false, length: 300, format: 'tls', ja4: 't13i311000_e8f1e7e78f70_d41ae481755e', client: 'swaks 20201014.0' };
  const t0 = performance.now();
  for (let i = 0; i < ROWS; i++) {
    const id = `S${i.toString(36).padStart(8, '0')}`;
    const at = Date.now();
    const emit = (e) => { for (const l of listeners) l(e); };
    emit({ type: 'session-start', session: id, peer: 'modern', at, role: 'server', protocol: 'smtp', tlsMode: 'explicit', profile: 'modern', policy: 'optional', local: { address: '127.0.0.1', port: 2525 }, remote: { address: '127.0.0.1', port: 40000 + (i % 20000) } });
    emit({ type: 'client-hello', session: id, peer: 'modern', at, hello });
    const record = {
      id, peer: 'modern', role: 'server', protocol: 'smtp', profile: 'modern', policy: 'optional', tlsMode: 'explicit',
      local: { address: '127.0.0.1', port: 2525 }, remote: { address: '127.0.0.1', port: 40000 }, helo: 'bench.mxlab.test', startTlsOffered: true, startTlsAttempted: true,
      clientHello: hello, version: 'TLSv1.3', cipher: { openssl: 'TLS_AES_256_GCM_SHA384', iana: 'TLS_AES_256_GCM_SHA384', bits: 256 }, keyExchange: { type: 'ECDHE', group: 'X25519', source: 'peer' },
      result: 'tls', messages: [], timings: { start: new Date(at).toISOString(), end: new Date(at).toISOString(), totalMs: 3 },
      transcript: Array.from({ length: 8 }, (_, k) => ({ t: k, dir: k % 2 ? 'S' : 'C', line: `line ${k} of session ${id}` })),
    };
    emit({ type: 'record', session: id, peer: 'modern', at, record });
  }
  const feedMs = performance.now() - t0;
  const t1 = performance.now();
  store.setFilter('result:tls & !peer:other');
  store.viewRows(store.cursor - 40, 40);
  const filterMs = performance.now() - t1;
  global.gc?.();
  const after = process.memoryUsage().rss;
  const heapMB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  store.close();
  return { rows: store.totalCount, rssBeforeMB: before / 2 ** 20, rssAfterMB: after / 2 ** 20, heapMB, feedMs, filterMs };
}

const mem = memory();
console.log(`memory: ${mem.rows} sessions in the store: RSS ${mem.rssBeforeMB.toFixed(0)} MB → ${mem.rssAfterMB.toFixed(0)} MB (+${(mem.rssAfterMB - mem.rssBeforeMB).toFixed(0)} MB), live heap +${mem.heapMB.toFixed(0)} MB${global.gc ? '' : ' (run with --expose-gc for a settled figure)'}; fed in ${mem.feedMs.toFixed(0)} ms, filter over all + one screen in ${mem.filterMs.toFixed(0)} ms`);
const headless = await measure(false);
const tui = await measure(true);
const ratio = tui.perSecond / headless.perSecond;
console.log(`STARTTLS sessions/s on a pty, ${CONCURRENCY} in flight, ${DURATION_MS / 1000} s: headless ${headless.perSecond.toFixed(0)} (errors ${JSON.stringify(headless.errors)}), console ${tui.perSecond.toFixed(0)} (errors ${JSON.stringify(tui.errors)}): ${ratio.toFixed(2)}× ${ratio >= 0.9 ? '(≥ 0.9 ok)' : '(BELOW 0.9)'}`);
