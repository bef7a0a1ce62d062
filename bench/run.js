// mxlab throughput benchmark. See bench/README.md.
//
//   npm run bench                      (build, then run)
//   node bench/run.js [--baseline] [--keep] [--concurrency=8] [--slice=2.5] [--settle=0.5]
//                     [--warmup=1] [--starttls=5] [--starttls-concurrency=8] [--rows=…] [--close=end]
//                     [--strict]
//
// Server side (this process): the mxlab `modern` receiver (SMTPS + STARTTLS listeners), and, with
// --baseline, a bare node tls.Server with the same options. `openssl s_server` runs as a child process.
// Client side: bench/client.js in a forked process, so the load generator never shares an event loop
// with the receiver under test.
import { execFileSync, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import tls from 'node:tls';
import { getChain } from '../dist/certs/factory.js';
import { Lab } from '../dist/lab/lab.js';
import { compileProfile } from '../dist/profiles/compile.js';
import { chainName, findProfile } from '../dist/profiles/resolve.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const PROJECT = join(HERE, '..');
const CERTS_DIR = join(PROJECT, 'certs');
const HOST = '127.0.0.1';
const HARD_LIMIT_MS = 120_000; // watchdog: never hang, whatever happens

// ---------------------------------------------------------------------------------------------
// Options

function parseArgs(argv) {
  const flags = Object.fromEntries(
    argv.filter((a) => a.startsWith('--')).map((a) => {
      const [k, v] = a.slice(2).split('=');
      return [k, v ?? true];
    }),
  );
  const num = (name, dflt) => (flags[name] === undefined ? dflt : Number(flags[name]));
  const baseline = !!flags.baseline;
  return {
    baseline,
    keep: !!flags.keep,
    concurrency: num('concurrency', 8),
    // Each target is measured in two slices per row (A/B/A/B), so 2 × slice s per target and row.
    sliceMs: num('slice', baseline ? 2 : 2.5) * 1000,
    settleMs: num('settle', 0.5) * 1000,
    warmupMs: num('warmup', 1) * 1000,
    starttlsMs: num('starttls', 5) * 1000,
    // smtp-server holds its 220 greeting back 100 ms (early-talker check), so at concurrency 8 the
    // STARTTLS rate is capped near 8 / 0.11 s by latency, not CPU; raise this to see the CPU limit.
    starttlsConcurrency: num('starttls-concurrency', num('concurrency', 8)),
    // How the handshake client lets go: 'destroy' (default, as specified) or 'end' (a FIN, so a
    // TLS 1.3 server gets to read the client's Finished before the connection goes).
    close: flags.close === 'end' ? 'end' : 'destroy',
    // Subset / order of rows, e.g. --rows=tls1.3,tls1.2-1.3 (the STARTTLS ratio uses the first row).
    rows: typeof flags.rows === 'string' ? flags.rows.split(',').map((k) => {
      const row = ROWS.find((r) => r.key === k);
      if (!row) throw new Error(`unknown row ${k}; rows: ${ROWS.map((r) => r.key).join(', ')}`);
      return row;
    }) : ROWS,
  };
}

const ROWS = [
  { key: 'tls1.2-1.3', label: 'TLS 1.2–1.3 (negotiates 1.3)', minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' },
  { key: 'tls1.2', label: 'TLS 1.2 only', minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' },
  { key: 'tls1.3', label: 'TLS 1.3 only', minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' },
];

// ---------------------------------------------------------------------------------------------
// Resources, torn down in reverse order on any exit path

const teardown = [];
let tearingDown;
/** Runs every teardown step once; a second caller waits for the same run to finish. */
function tearDownAll() {
  tearingDown ??= (async () => {
    for (const step of teardown.reverse()) {
      try {
        await step.fn();
      } catch (err) {
        process.stderr.write(`bench: teardown of ${step.what} failed: ${err?.message ?? err}\n`);
      }
    }
  })();
  return tearingDown;
}
/** Last-resort synchronous kills (process 'exit' cannot await). */
const syncKills = new Set();
process.on('exit', () => {
  for (const kill of syncKills) kill();
});
// An exception thrown by mxlab's own code (a stack through dist/) in the server process is counted,
// reported loudly and makes the run exit 1, but the measurement goes on, so that a known crash bug does
// not void every run; --strict aborts at the first one instead. Any other uncaught exception aborts:
// teardown, exit 1.
const STRICT = process.argv.includes('--strict');
const mxlabThrows = { count: 0, first: null };
let aborting = 0;
process.on('uncaughtException', (err) => {
  const stack = String(err?.stack ?? err);
  if (!STRICT && !aborting && /\/dist\//.test(stack)) {
    if (mxlabThrows.count++ === 0) {
      mxlabThrows.first = stack.split('\n').slice(0, 6).join('\n');
      process.stderr.write(`bench: WARNING mxlab threw an uncaught exception in the server process (a real server would have died); counting and going on:\n${mxlabThrows.first}\n`);
    }
    return;
  }
  if (aborting++ === 0) process.stderr.write(`bench: uncaught exception, the run is void: ${stack}\n`);
  void tearDownAll().finally(() => process.exit(1));
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    process.stderr.write(`bench: ${sig}, tearing down\n`);
    void tearDownAll().finally(() => process.exit(130));
  });
}

const withTimeout = (promise, ms, what) =>
  Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms).unref())]);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Helpers

async function freePort() {
  const server = net.createServer();
  server.listen(0, HOST);
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/** One handshake from this process, to know a server is up. */
function probe(port) {
  return new Promise((resolve) => {
    const s = tls.connect({ host: HOST, port, rejectUnauthorized: false });
    s.once('secureConnect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => {
      s.destroy();
      resolve(false);
    });
  });
}

/** CPU time (ms) used so far by another process, from /proc. */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();
function procCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / CLK_TCK) * 1000; // utime + stime
  } catch {
    return NaN;
  }
}
const selfCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Splits a node `ciphers` string into OpenSSL's TLS ≤ 1.2 list and TLS 1.3 suites. */
function splitCiphers(ciphers) {
  const parts = ciphers.split(':');
  return { tls12: parts.filter((c) => !c.startsWith('TLS_')).join(':'), tls13: parts.filter((c) => c.startsWith('TLS_')).join(':') };
}

async function startSServer(material, options) {
  const port = await freePort();
  const { tls12, tls13 } = splitCiphers(options.ciphers);
  const args = [
    's_server', '-accept', `${HOST}:${port}`,
    '-cert', join(material.dir, 'chain.pem'), '-key', join(material.dir, 'key.pem'),
    '-quiet',
    '-min_protocol', options.minVersion, '-max_protocol', options.maxVersion,
    '-cipher', tls12, '-ciphersuites', tls13,
    ...(options.ecdhCurve ? ['-groups', options.ecdhCurve] : []),
    ...(options.honorCipherOrder ? ['-serverpref'] : []),
  ];
  // stdin stays an open, silent pipe: at EOF s_server would stop (or spin on a readable /dev/null).
  const child = spawn('openssl', args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    if (stderr.length < 4000) stderr += d;
  });
  let exited = false;
  const exit = once(child, 'exit').then(() => {
    exited = true;
  });
  child.on('error', (err) => {
    stderr += String(err);
    exited = true;
  });
  const kill = () => {
    if (!exited) child.kill('SIGKILL');
  };
  syncKills.add(kill);
  teardown.push({
    what: 'openssl s_server',
    fn: async () => {
      if (!exited) {
        child.kill('SIGTERM');
        await Promise.race([exit, sleep(2000)]);
        if (!exited) child.kill('SIGKILL');
        await Promise.race([exit, sleep(2000)]);
      }
      syncKills.delete(kill);
    },
  });
  const deadline = Date.now() + 5000;
  while (!(await probe(port))) {
    if (exited || Date.now() > deadline) throw new Error(`openssl s_server did not come up on ${HOST}:${port}: ${stderr.trim() || 'no output'}`);
    await sleep(50);
  }
  return { port, pid: child.pid, args, version: execFileSync('openssl', ['version']).toString().trim() };
}

/** A bare node TLS server with the receiver's own options: what node alone costs per handshake. */
async function startNodeBaseline(material, options) {
  const server = tls.createServer({ ...options, key: material.key, cert: material.cert }, (socket) => {
    socket.on('error', () => undefined);
    socket.end();
  });
  server.on('tlsClientError', () => undefined);
  server.listen(0, HOST);
  await once(server, 'listening');
  teardown.push({ what: 'node tls baseline', fn: () => new Promise((r) => server.close(() => r())) });
  return { port: server.address().port };
}

function startClient() {
  // execArgv: [] so that `node --cpu-prof bench/run.js` profiles the servers' process only.
  const child = fork(join(HERE, 'client.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
  let exited = false;
  const exit = once(child, 'exit').then(() => {
    exited = true;
  });
  const kill = () => {
    if (!exited) child.kill('SIGKILL');
  };
  syncKills.add(kill);
  teardown.push({
    what: 'client process',
    fn: async () => {
      if (!exited && child.connected) child.send({ type: 'exit' });
      await Promise.race([exit, sleep(2000)]);
      if (!exited) child.kill('SIGKILL');
      syncKills.delete(kill);
    },
  });
  let nextId = 0;
  /**
   * Runs one load slice. `serverCpu` (a function returning ms of CPU used so far) is sampled when
   * the client opens and closes its measuring window.
   */
  const runSlice = (job, serverCpu) =>
    new Promise((resolve, reject) => {
      const id = ++nextId;
      let cpuAtStart;
      let serverCpuMs;
      const onMessage = (msg) => {
        if (msg?.id !== id) return;
        if (msg.type === 'window' && msg.edge === 'start') cpuAtStart = serverCpu();
        else if (msg.type === 'window' && msg.edge === 'end') serverCpuMs = serverCpu() - cpuAtStart;
        else if (msg.type === 'result') {
          child.off('message', onMessage);
          child.off('exit', onExit);
          if (msg.fatal) return reject(new Error(`client failed: ${msg.fatal}`));
          resolve({ ...msg, serverCpuPct: serverCpuMs === undefined ? null : (serverCpuMs / msg.windowMs) * 100, serverCpuMsPerOp: serverCpuMs === undefined || !msg.inWindow ? null : serverCpuMs / msg.inWindow });
        }
      };
      const onExit = (code) => reject(new Error(`client process exited (${code}) during a run`));
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ type: 'run', id, host: HOST, ...job });
    });
  return { runSlice, pid: child.pid };
}

const r1 = (x) => (x === null || x === undefined || Number.isNaN(x) ? null : Math.round(x * 10) / 10);
const r3 = (x) => (x === null || x === undefined || Number.isNaN(x) ? null : Math.round(x * 1000) / 1000);

function mergeErrors(into, from) {
  for (const [k, v] of Object.entries(from ?? {})) into[k] = (into[k] ?? 0) + v;
  return into;
}

/** Sums the slices of one target into one figure. */
function summarize(slices) {
  const inWindow = slices.reduce((s, x) => s + x.inWindow, 0);
  const windowMs = slices.reduce((s, x) => s + x.windowMs, 0);
  const weighted = (key) => {
    const vals = slices.filter((s) => s[key] !== null && s[key] !== undefined);
    return vals.length ? vals.reduce((s, x) => s + x[key] * x.windowMs, 0) / vals.reduce((s, x) => s + x.windowMs, 0) : null;
  };
  return {
    perSecond: r1(inWindow / (windowMs / 1000)),
    slices: slices.map((s) => r1(s.perSecond)),
    completed: inWindow,
    errors: slices.reduce((acc, s) => mergeErrors(acc, s.errors), {}),
    negotiated: slices.find((s) => s.info)?.info ?? null,
    latencyP50Ms: r1(avg(slices.map((s) => s.latencyMs.p50))),
    latencyP99Ms: r1(avg(slices.map((s) => s.latencyMs.p99))),
    serverCpuPct: r1(weighted('serverCpuPct')),
    serverCpuMsPerOp: r3(weighted('serverCpuMsPerOp')),
    clientCpuPct: r1(weighted('clientCpuPct')),
  };
}
function avg(xs) {
  const v = xs.filter((x) => x !== null && x !== undefined);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const opt = parseArgs(process.argv.slice(2));
  const began = Date.now();
  const loadAtStart = os.loadavg().map((l) => r1(l));
  const targetsPerRow = opt.baseline ? 3 : 2;
  const planned =
    targetsPerRow * opt.warmupMs + opt.rows.length * targetsPerRow * 2 * (opt.settleMs + opt.sliceMs) + opt.warmupMs + opt.starttlsMs;
  console.log(`mxlab bench: node ${process.version} (OpenSSL ${process.versions.openssl}), ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`concurrency ${opt.concurrency}, handshake client closes with ${opt.close}(); ${opt.rows.length} rows × ${targetsPerRow} targets × 2 slices of ${opt.sliceMs / 1000} s (+${opt.settleMs / 1000} s settle); STARTTLS ${opt.starttlsMs / 1000} s; planned ≈ ${Math.round(planned / 1000)} s of load`);

  const watchdog = setTimeout(() => {
    process.stderr.write(`bench: still running after ${HARD_LIMIT_MS / 1000} s, aborting\n`);
    void tearDownAll().finally(() => process.exit(2));
  }, HARD_LIMIT_MS);
  watchdog.unref();

  // --- servers ---
  const profile = findProfile('modern');
  if (!profile) throw new Error('profile "modern" not found');
  const material = await getChain(profile.chain, { dir: CERTS_DIR, name: chainName(profile) });
  const options = compileProfile(profile);

  const runDir = mkdtempSync(join(os.tmpdir(), 'mxlab-bench-'));
  const removeRunDir = () => rmSync(runDir, { recursive: true, force: true });
  if (!opt.keep) syncKills.add(removeRunDir);
  teardown.push({
    what: 'run folder',
    fn: () => {
      if (opt.keep) console.log(`run folder kept: ${runDir}`);
      else removeRunDir();
      syncKills.delete(removeRunDir);
    },
  });
  const lab = new Lab({ runDir, certsDir: CERTS_DIR });
  teardown.push({ what: 'lab', fn: () => withTimeout(lab.stop(), 10_000, 'lab.stop()') });
  // The lab keeps only its recent records (a bounded backlog; sessions.jsonl has them all): the bench
  // keeps the few fields it checks of every record itself.
  const seen = [];
  lab.on('record', ({ record: r }) => seen.push({ tlsMode: r.tlsMode, local: { port: r.local.port }, remote: { port: r.remote.port }, result: r.result, timings: { start: r.timings.start } }));
  // The bench is one client address with many connections: lift the per-client limit (Postfix-like 50 by default).
  const rx = await lab.addReceiver({ profile: 'modern', smtp: [0], smtps: [0], address: HOST, limits: { maxConnections: 100000, maxPerClient: 100000 } });
  const smtps = rx.endpoints.find((l) => l.tlsMode === 'implicit');
  const smtp = rx.endpoints.find((l) => l.tlsMode === 'explicit');
  if (!smtps || !smtp) throw new Error('receiver did not bind both listeners');

  const sserver = await startSServer(material, options);
  const baseline = opt.baseline ? await startNodeBaseline(material, options) : undefined;
  const client = startClient();
  console.log(`mxlab modern: smtps ${HOST}:${smtps.port}, smtp ${HOST}:${smtp.port} (this process, pid ${process.pid})`);
  console.log(`openssl s_server: ${HOST}:${sserver.port} (pid ${sserver.pid}, ${sserver.version})`);
  if (baseline) console.log(`node tls baseline: ${HOST}:${baseline.port} (this process)`);
  console.log(`client: bench/client.js (forked, pid ${client.pid})\n`);

  const targets = [
    { key: 'mxlab', short: 'mx', label: 'mxlab modern SMTPS', port: smtps.port, cpu: selfCpuMs },
    { key: 's_server', short: 'ss', label: 'openssl s_server', port: sserver.port, cpu: () => procCpuMs(sserver.pid) },
    ...(baseline ? [{ key: 'node_tls', short: 'node', label: 'node tls.Server', port: baseline.port, cpu: selfCpuMs }] : []),
  ];
  const job = (port, row, durationMs, settleMs) => ({
    mode: 'handshake', port, minVersion: row.minVersion, maxVersion: row.maxVersion,
    concurrency: opt.concurrency, warmupMs: settleMs, durationMs, close: opt.close,
  });
  /** mxlab's records of SMTPS sessions that started in [from, to). */
  const implicitRecordsBetween = (from, to) => {
    const by = {};
    for (const r of seen) {
      if (r.tlsMode !== 'implicit' || r.local.port !== smtps.port) continue;
      const t = Date.parse(r.timings.start);
      if (t >= from && t < to) by[r.result] = (by[r.result] ?? 0) + 1;
    }
    return by;
  };

  // --- warm-up: JIT, certificate caches, TCP state ---
  for (const t of targets) await client.runSlice(job(t.port, opt.rows[0], opt.warmupMs, 0), t.cpu);

  // --- 1. implicit handshakes, A/B/A/B per row, order flipped on alternate rows ---
  const implicitRows = [];
  for (const [i, row] of opt.rows.entries()) {
    const order = i % 2 === 0 ? targets : [...targets].reverse();
    const slices = Object.fromEntries(targets.map((t) => [t.key, []]));
    const rowStart = Date.now();
    const throwsBefore = mxlabThrows.count;
    for (let rep = 0; rep < 2; rep++) {
      for (const t of order) slices[t.key].push(await client.runSlice(job(t.port, row, opt.sliceMs, opt.settleMs), t.cpu));
    }
    const entry = { row: row.key, label: row.label };
    for (const t of targets) entry[t.key] = summarize(slices[t.key]);
    await sleep(200); // let the last sessions end and be recorded
    entry.mxlabRecordsByResult = implicitRecordsBetween(rowStart, Date.now());
    entry.mxlabUncaughtExceptions = mxlabThrows.count - throwsBefore;
    entry.ratio = entry.s_server.perSecond ? r3(entry.mxlab.perSecond / entry.s_server.perSecond) : null;
    // CPU efficiency: s_server's CPU per handshake over mxlab's (1 = mxlab costs as much CPU per handshake).
    entry.cpuRatio = entry.mxlab.serverCpuMsPerOp && entry.s_server.serverCpuMsPerOp ? r3(entry.s_server.serverCpuMsPerOp / entry.mxlab.serverCpuMsPerOp) : null;
    if (baseline) {
      entry.ratioNodeVsSServer = entry.s_server.perSecond ? r3(entry.node_tls.perSecond / entry.s_server.perSecond) : null;
      entry.ratioMxlabVsNode = entry.node_tls.perSecond ? r3(entry.mxlab.perSecond / entry.node_tls.perSecond) : null;
    }
    implicitRows.push(entry);
    console.log(
      `${pad(row.label, 30)} ` +
        targets.map((t) => `${t.key} ${lpad(entry[t.key].perSecond, 7)}/s [${entry[t.key].slices.join(', ')}]`).join('  ') +
        `  ratio ${entry.ratio}  mxlab records ${JSON.stringify(entry.mxlabRecordsByResult)}` +
        (entry.mxlabUncaughtExceptions ? `  mxlab THREW ${entry.mxlabUncaughtExceptions}×` : ''),
    );
  }
  const implicitRecordsBefore = seen.length;

  // --- 2. STARTTLS sessions against the explicit listener ---
  const recordsBefore = seen.length;
  const st = await client.runSlice(
    { mode: 'starttls', port: smtp.port, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', concurrency: opt.starttlsConcurrency, warmupMs: opt.warmupMs, durationMs: opt.starttlsMs, collectPorts: true },
    selfCpuMs,
  );
  const attempted = st.started;
  const explicitRecords = () => seen.slice(recordsBefore).filter((r) => r.tlsMode === 'explicit' && r.local.port === smtp.port);
  // Every connection the client opened must end as one record; wait for the last ones.
  const waitUntil = Date.now() + 5000;
  while (explicitRecords().length < attempted && Date.now() < waitUntil) await sleep(20);
  const recs = explicitRecords();
  const byResult = {};
  for (const r of recs) byResult[r.result] = (byResult[r.result] ?? 0) + 1;
  // One record per completed session: match the client's local ports against the records' remote ports.
  const remaining = new Map();
  for (const p of st.localPorts) remaining.set(p, (remaining.get(p) ?? 0) + 1);
  let matchedTls = 0;
  for (const r of recs) {
    const n = remaining.get(r.remote.port);
    if (n && r.result === 'tls') {
      matchedTls++;
      if (n === 1) remaining.delete(r.remote.port);
      else remaining.set(r.remote.port, n - 1);
    }
  }
  const sessionsCompleted = st.completed;
  const starttls = {
    concurrency: opt.starttlsConcurrency,
    perSecond: r1(st.perSecond),
    inWindow: st.inWindow,
    windowMs: st.windowMs,
    negotiated: st.info ?? null,
    latencyP50Ms: r1(st.latencyMs.p50),
    latencyP99Ms: r1(st.latencyMs.p99),
    serverCpuPct: r1(st.serverCpuPct),
    serverCpuMsPerOp: r3(st.serverCpuMsPerOp),
    clientCpuPct: r1(st.clientCpuPct),
    errors: st.errors,
    sessionsAttempted: attempted,
    sessionsCompleted,
    records: recs.length,
    recordsByResult: byResult,
    recordsTlsMatchingSessions: matchedTls,
    oneTlsRecordPerSession: matchedTls === sessionsCompleted && recs.length === attempted && (byResult.tls ?? 0) === sessionsCompleted,
    ratioToMxlabHandshake: implicitRows[0].mxlab.perSecond ? r3(st.perSecond / implicitRows[0].mxlab.perSecond) : null,
    ratioToSServerHandshake: implicitRows[0].s_server.perSecond ? r3(st.perSecond / implicitRows[0].s_server.perSecond) : null,
  };

  // Records of the implicit runs (informational: the client resets right after its handshake).
  const implicitByResult = {};
  for (const r of seen.slice(0, implicitRecordsBefore)) {
    if (r.tlsMode === 'implicit') implicitByResult[r.result] = (implicitByResult[r.result] ?? 0) + 1;
  }

  clearTimeout(watchdog);
  const results = {
    date: new Date().toISOString(),
    host: { node: process.version, nodeOpenssl: process.versions.openssl, sServer: sserver.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, loadavgAtStart: loadAtStart, loadavgAtEnd: os.loadavg().map((l) => r1(l)) },
    config: { close: opt.close, concurrency: opt.concurrency, starttlsConcurrency: opt.starttlsConcurrency, sliceMs: opt.sliceMs, settleMs: opt.settleMs, warmupMs: opt.warmupMs, starttlsMs: opt.starttlsMs, slicesPerTarget: 2, profile: 'modern', sServerArgs: sserver.args.slice(1).join(' ') },
    implicit: implicitRows,
    implicitRecordsByResult: implicitByResult,
    mxlabUncaughtExceptions: { count: mxlabThrows.count, first: mxlabThrows.first },
    starttls,
    elapsedMs: Date.now() - began,
  };

  // --- 3. table + JSON ---
  console.log('\nImplicit TLS handshakes per second (client: forked node process, concurrency ' + opt.concurrency + ')');
  const head = ['row', 'negotiated', ...targets.map((t) => t.key + ' hs/s'), 'mxlab/s_server', ...(baseline ? ['node/s_server', 'mxlab/node'] : []), `srv CPU% ${targets.map((t) => t.short).join('|')}`, `cli CPU% ${targets.map((t) => t.short).join('|')}`, `CPU ms/hs ${targets.map((t) => t.short).join('|')}`, 'CPU ratio'];
  const widths = [30, 32, ...targets.map(() => 14), 15, ...(baseline ? [14, 11] : []), ...(baseline ? [20, 20, 22] : [15, 15, 16]), 10];
  const line = (cells) => cells.map((c, i) => (i < 2 ? pad(c, widths[i]) : lpad(c, widths[i]))).join(' ');
  console.log(line(head));
  for (const e of implicitRows) {
    const neg = e.mxlab.negotiated ? `${e.mxlab.negotiated.protocol} ${e.mxlab.negotiated.cipher}` : '?';
    console.log(
      line([
        e.label, neg,
        ...targets.map((t) => e[t.key].perSecond),
        e.ratio,
        ...(baseline ? [e.ratioNodeVsSServer, e.ratioMxlabVsNode] : []),
        targets.map((t) => e[t.key].serverCpuPct).join('|'),
        targets.map((t) => e[t.key].clientCpuPct).join('|'),
        targets.map((t) => e[t.key].serverCpuMsPerOp).join('|'),
        e.cpuRatio,
      ]),
    );
  }
  for (const e of implicitRows) {
    for (const t of targets) {
      const n = e[t.key].negotiated;
      if (t.key !== 'mxlab' && n && e.mxlab.negotiated && (n.protocol !== e.mxlab.negotiated.protocol || n.cipher !== e.mxlab.negotiated.cipher)) {
        console.log(`  note: ${e.label}: ${t.key} negotiated ${n.protocol} ${n.cipher}, mxlab ${e.mxlab.negotiated.protocol} ${e.mxlab.negotiated.cipher}`);
      }
      if (Object.keys(e[t.key].errors).length) console.log(`  errors ${e.label} ${t.key}: ${JSON.stringify(e[t.key].errors)}`);
    }
  }
  console.log('  CPU ratio = s_server CPU ms per handshake / mxlab CPU ms per handshake (1 = same CPU cost).');
  if (opt.close === 'destroy') console.log('  With destroy(), a TLS 1.3 server never reads the client Finished: mxlab records those as handshake-failed (ECONNRESET).');
  console.log(`  mxlab SMTPS records by result, per row: ${implicitRows.map((e) => `${e.row} ${JSON.stringify(e.mxlabRecordsByResult)}`).join('; ')}`);
  console.log(`\nSTARTTLS SMTP sessions, concurrency ${opt.starttlsConcurrency} (connect, 220, EHLO, STARTTLS, handshake, EHLO, QUIT, 221, close)`);
  console.log(`  sessions/s ${starttls.perSecond} (${starttls.negotiated ? `${starttls.negotiated.protocol} ${starttls.negotiated.cipher}` : '?'}), p50 ${starttls.latencyP50Ms} ms, p99 ${starttls.latencyP99Ms} ms, server CPU ${starttls.serverCpuPct}% (${starttls.serverCpuMsPerOp} ms/session), client CPU ${starttls.clientCpuPct}%`);
  console.log(`  ratio STARTTLS session / bare handshake: ${starttls.ratioToMxlabHandshake} of mxlab SMTPS, ${starttls.ratioToSServerHandshake} of s_server (row ${implicitRows[0].label})`);
  console.log(`  sessions attempted ${attempted}, completed ${sessionsCompleted}; records ${recs.length} ${JSON.stringify(byResult)}; tls records matching completed sessions ${matchedTls} → ${starttls.oneTlsRecordPerSession ? 'OK: one tls record per session' : 'MISMATCH'}`);
  if (Object.keys(starttls.errors).length) console.log(`  client errors: ${JSON.stringify(starttls.errors)}`);

  const outDir = join(HERE, 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  if (mxlabThrows.count) console.log(`\nWARNING: mxlab threw ${mxlabThrows.count} uncaught exception(s) in the server process during the run (first: ${mxlabThrows.first.split('\n')[0]}); exit status 1.`);
  console.log(`\nwritten bench/results/latest.json (${Math.round((Date.now() - began) / 100) / 10} s)`);
  return starttls.oneTlsRecordPerSession && !mxlabThrows.count ? 0 : 1;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  process.stderr.write(`bench: ${err?.stack ?? err}\n`);
  code = 1;
} finally {
  await tearDownAll();
}
process.exit(code);
