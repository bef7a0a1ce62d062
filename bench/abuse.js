// mxlab under abuse, at full size (issue 12). See bench/README.md.
//
//   npm run bench:abuse                 (build, then run; several minutes)
//   node bench/abuse.js [--only=size,slow,held,emfile,flood,fuzz,crash] [--size-mb=1024] [--slow=500]
//                       [--flood=10000] [--fuzz=20000] [--emfile=2000]
//
// Each attack starts a fresh lab in its own process (bench/abuse-server.js; the `crash` attack runs
// `mxlab serve`) and measures that process from the outside: RSS from /proc (and, through the server's
// "stats" line, RSS after a full GC, records, counters, warnings). Prints figures; no pass/fail.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const MB = 1024 * 1024;
const flags = Object.fromEntries(process.argv.slice(2).filter((a) => a.startsWith('--')).map((a) => {
  const [k, v] = a.slice(2).split('=');
  return [k, v ?? true];
}));
const num = (k, d) => (flags[k] === undefined ? d : Number(flags[k]));
const only = typeof flags.only === 'string' ? new Set(flags.only.split(',')) : undefined;
const WORK = mkdtempSync(join(os.tmpdir(), 'mxlab-abuse-'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mb = (b) => `${(b / MB).toFixed(0)} MB`;
const rssOf = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
const out = (line) => process.stdout.write(`${line}\n`);

/** A lab in its own process; `ulimit`: its descriptor limit. */
async function startServer(name, options = {}, ulimit) {
  const runDir = join(WORK, name);
  const args = ['--expose-gc', join(HERE, 'abuse-server.js'), JSON.stringify({ runDir, ...options })];
  const child = ulimit
    ? spawn('sh', ['-c', `ulimit -n ${ulimit} && exec "$0" "$@"`, process.execPath, ...args], { stdio: ['pipe', 'pipe', 'inherit'] })
    : spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  lines.on('line', (l) => waiting.shift()?.(JSON.parse(l)));
  const next = () => new Promise((r) => waiting.push(r));
  const { port } = await next();
  return {
    port, runDir, pid: child.pid,
    // Figures after a full GC in the lab; RSS read from /proc here (the lab may be out of descriptors).
    stats: async () => {
      const p = next();
      child.stdin.write('stats\n');
      const st = await p;
      return { ...st, rss: rssOf(child.pid) };
    },
    stop: async () => {
      child.kill('SIGKILL');
      await new Promise((r) => (child.exitCode !== null || child.signalCode ? r() : child.once('exit', r)));
    },
  };
}

/** A connection that collects lines; `line(re)` waits for one matching. */
function dial(port, localAddress) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) });
    const lines = [];
    const waiters = [];
    let buf = '';
    let closed = false;
    const onClose = [];
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      for (let nl = buf.indexOf('\r\n'); nl >= 0; nl = buf.indexOf('\r\n')) {
        const l = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        lines.push(l);
        for (const w of waiters.filter((w) => w.re.test(l))) waiters.splice(waiters.indexOf(w), 1) && w.resolve(l);
      }
      if (buf.length > MB) buf = '';
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      for (const w of waiters.splice(0)) w.resolve(undefined);
      for (const f of onClose) f();
    });
    const c = {
      socket, lines,
      get closed() { return closed; },
      whenClosed: () => new Promise((r) => (closed ? r() : onClose.push(r))),
      line: (re) => {
        const hit = lines.find((l) => re.test(l));
        if (hit || closed) return Promise.resolve(hit);
        return new Promise((r) => waiters.push({ re, resolve: r }));
      },
      command: async (text, re = /^\d{3} /) => {
        const seen = lines.length;
        socket.write(`${text}\r\n`);
        for (;;) {
          const hit = lines.slice(seen).find((l) => re.test(l));
          if (hit || closed) return hit;
          await new Promise((r) => waiters.push({ re, resolve: r }));
        }
      },
    };
    // A listener out of descriptors leaves SYNs unanswered: give up after 5 s rather than the kernel's 2 min.
    const giveUp = setTimeout(() => socket.destroy(), 5000);
    socket.once('connect', () => {
      clearTimeout(giveUp);
      resolve(c);
    });
    socket.once('close', () => {
      clearTimeout(giveUp);
      resolve(c);
    });
  });
}

async function pool(n, concurrency, job) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, concurrency) }, async () => {
    while (next < n) await job(next++);
  }));
}

function swaks(port, localInterface) {
  return new Promise((resolve) => {
    execFile('swaks', ['--to', 'b@example.net', '--from', 'a@example.org', '--server', `127.0.0.1:${port}`, '--tls', '--local-interface', localInterface, '--timeout', '20'], { timeout: 60000 }, (err, stdout) => {
      const last = stdout.trim().split('\n').filter((l) => /^\s*(<~?|\*\*\*)/.test(l)).slice(-3).map((l) => l.trim()).join(' | ');
      resolve({ ok: !err, detail: last });
    });
  });
}

const figures = [];
const figure = (attack, text) => {
  figures.push(`${attack.padEnd(8)} ${text}`);
  out(`  ${text}`);
};

// -------------------------------------------------------------------------------------------------

async function size() {
  const total = num('size-mb', 1024) * MB;
  out(`\n[size] a ${mb(total)} DATA against SIZE 25 MiB`);
  const s = await startServer('size');
  const before = (await s.stats()).rss;
  const c = await dial(s.port);
  await c.line(/^220 /);
  await c.command('EHLO abuse.example');
  await c.command('MAIL FROM:<a@example.org>');
  await c.command('RCPT TO:<b@example.net>');
  await c.command('DATA');
  const line = Buffer.from(`${'x'.repeat(1022)}\r\n`);
  const piece = Buffer.concat(Array.from({ length: 1024 }, () => line));
  let peak = rssOf(s.pid);
  const t0 = Date.now();
  for (let sent = 0; sent < total && !c.closed; sent += piece.length) {
    if (!c.socket.write(piece)) await new Promise((r) => c.socket.once('drain', r));
    if ((sent / MB) % 16 === 0) peak = Math.max(peak, rssOf(s.pid));
  }
  const reply = await c.command('.');
  const secs = (Date.now() - t0) / 1000;
  peak = Math.max(peak, rssOf(s.pid));
  c.socket.destroy();
  await sleep(300);
  const after = await s.stats();
  figure('size', `RSS ${mb(before)} before → ${mb(peak)} peak → ${mb(after.rss)} after (GC); reply "${reply}"; ${mb(total)} in ${secs.toFixed(1)} s`);
  await s.stop();
}

async function slow() {
  const n = num('slow', 500);
  const deadlineMs = 20000;
  out(`\n[slow] ${n} clients trickling one byte every 2 s, session deadline ${deadlineMs / 1000} s`);
  const s = await startServer('slow', { limits: { maxConnections: n * 2, maxPerClient: n * 2, sessionDeadlineMs: deadlineMs } });
  const t0 = Date.now();
  const clients = [];
  for (let i = 0; i < n; i += 1) clients.push(await dial(s.port));
  const timer = setInterval(() => {
    for (const c of clients) if (!c.closed) c.socket.write('N');
  }, 2000);
  const peak = rssOf(s.pid);
  const closedAt = await Promise.all(clients.map(async (c) => {
    await c.whenClosed();
    return Date.now() - t0;
  }));
  clearInterval(timer);
  const told = clients.filter((c) => c.lines.some((l) => /^421 4\.4\.2 /.test(l))).length;
  await sleep(500);
  const st = await s.stats();
  figure('slow', `${closedAt.length}/${n} closed, ${told} told 421 4.4.2; all within ${(Math.max(...closedAt) / 1000).toFixed(1)} s (first ${(Math.min(...closedAt) / 1000).toFixed(1)} s); records ${st.records} ${JSON.stringify(st.results)}; RSS ${mb(peak)} with all open`);
  await s.stop();
}

async function held() {
  const n = num('emfile', 2000);
  out(`\n[held] ${n} connections held from 127.0.0.1 (default limits 100 per peer / 50 per client) while swaks --tls comes from 127.0.0.2`);
  const s = await startServer('held');
  const before = rssOf(s.pid);
  const clients = [];
  await pool(n, 200, async () => clients.push(await dial(s.port)));
  await sleep(1000);
  const open = clients.filter((c) => !c.closed).length;
  const sw = await swaks(s.port, '127.0.0.2');
  const during = rssOf(s.pid);
  for (const c of clients) c.socket.destroy();
  await sleep(1500);
  const st = await s.stats();
  figure('held', `${open}/${n} held open by the lab, the rest refused (overLimit ${st.overLimit}); swaks --tls: ${sw.ok ? 'delivered' : 'FAILED'} (${sw.detail}); records ${st.records} ${JSON.stringify(st.results)}; RSS ${mb(before)} → ${mb(during)} → ${mb(st.rss)} (GC)`);
  await s.stop();
}

async function emfile() {
  const n = num('emfile', 2000);
  out(`\n[emfile] ${n} connections held under ulimit -n 1024 (connection limits raised to 5000), swaks --tls in the middle`);
  const s = await startServer('emfile', { limits: { maxConnections: 5000, maxPerClient: 5000 } }, 1024);
  const before = rssOf(s.pid);
  const clients = [];
  await pool(n / 2, 200, async () => clients.push(await dial(s.port)));
  const sw = await swaks(s.port, '127.0.0.2');
  await pool(n / 2, 200, async () => clients.push(await dial(s.port)));
  await sleep(1500);
  const open = clients.filter((c) => !c.closed).length;
  const during = rssOf(s.pid);
  const mid = await s.stats();
  for (const c of clients) c.socket.destroy();
  await sleep(2000);
  const st = await s.stats();
  const sw2 = await swaks(s.port, '127.0.0.2');
  figure('emfile', `${open}/${n} still open client-side; lab: acceptErrors ${mid.acceptErrors}, lab-warnings ${mid.warnings} ${JSON.stringify(mid.warningCodes)}, open sessions ${mid.open}; swaks --tls mid-flood: ${sw.ok ? 'delivered' : 'failed'} (${sw.detail}); after the flood: ${sw2.ok ? 'delivered' : 'FAILED'}; records ${st.records} ${JSON.stringify(st.results)}; RSS ${mb(before)} → ${mb(during)} → ${mb(st.rss)} (GC)`);
  await s.stop();
}

async function flood() {
  const n = num('flood', 10000);
  out(`\n[flood] ${n} connections (connect, read 220, close), 200 at a time, default limits`);
  const s = await startServer('flood');
  const before = (await s.stats()).rss;
  let peak = before;
  let done = 0;
  await pool(n, 200, async () => {
    const c = await dial(s.port);
    await c.line(/^\d{3} /);
    c.socket.destroy();
    if (++done % 500 === 0) peak = Math.max(peak, rssOf(s.pid));
  });
  await sleep(2000);
  const st = await s.stats();
  figure('flood', `records ${st.records} = connections ${n}: ${st.records === n ? 'yes' : 'NO'} ${JSON.stringify(st.results)}; RSS ${mb(before)} before → ${mb(peak)} during → ${mb(st.rss)} after (GC)`);
  await s.stop();
}

const FUZZ_LINES = ['EHLO fuzz.example', 'HELO x', 'MAIL FROM:<a@example.org>', 'RCPT TO:<b@example.net>', 'RSET', 'NOOP', 'VRFY root', 'AUTH PLAIN AGJvYgBzZWNyZXQ=', 'STARTTLS now', 'DATA', 'BDAT 10', 'X'.repeat(3000), '\u00ff\u00fe\u0001\u0002garbage', 'MAIL FROM:<<<>>>'];

async function fuzz() {
  const n = num('fuzz', 20000);
  out(`\n[fuzz] ${n} fuzzed sessions, 40 at a time; RSS after GC every ${n / 4}`);
  const s = await startServer('fuzz', { limits: { maxConnections: 200, maxPerClient: 200 } });
  const first = await s.stats();
  const rss = [first.rss];
  const heap = [first.heapUsed];
  let seed = 12345;
  const rand = (k) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % k;
  };
  let done = 0;
  for (let quarter = 0; quarter < 4; quarter += 1) {
    await pool(n / 4, 40, async () => {
      const c = await dial(s.port);
      await c.line(/^220 /);
      const k = 1 + rand(6);
      for (let i = 0; i < k && !c.closed; i += 1) {
        const l = FUZZ_LINES[rand(FUZZ_LINES.length)];
        if (l === 'DATA') {
          await c.command(l, /^\d{3} /);
          await c.command('junk\r\n.', /^\d{3} /);
        } else await c.command(l, /^\d{3} /);
      }
      if (rand(3)) await c.command('QUIT', /^221 /);
      c.socket.destroy();
      done += 1;
    });
    await sleep(1000);
    const st = await s.stats();
    rss.push(st.rss);
    heap.push(st.heapUsed);
  }
  const st = await s.stats();
  figure('fuzz', `records ${st.records} = connections ${done}: ${st.records === done ? 'yes' : 'NO'} ${JSON.stringify(st.results)}; RSS after GC at 0/${n / 4}/${n / 2}/${(3 * n) / 4}/${n}: ${rss.map(mb).join(' / ')} (growth over the last half ${mb(rss[4] - rss[2])}); JS heap after GC: ${heap.map(mb).join(' / ')}`);
  await s.stop();
}

async function crash() {
  out('\n[crash] kill -9 `mxlab serve` while 16 clients send 2 MB messages (killed after 8 s of load)');
  const runDir = join(WORK, 'crash');
  const child = spawn(process.execPath, [join(HERE, '..', 'bin', 'mxlab.js'), 'serve', '--smtp', '0', '--run-dir', runDir, '--format', 'jsonl', '--no-tui'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const port = await new Promise((resolve) => {
    const check = () => {
      const m = /127\.0\.0\.1:(\d+)\s+smtp\s/.exec(err);
      if (m) resolve(Number(m[1]));
      else setTimeout(check, 50);
    };
    check();
  });
  const body = Buffer.from(`Subject: crash\r\n\r\n${`${'y'.repeat(1022)}\r\n`.repeat(2048)}`);
  const saw250 = [];
  const saw221 = [];
  let killed = false;
  const client = async () => {
    while (!killed) {
      const c = await dial(port);
      try {
        const local = c.socket.localPort;
        if (!(await c.line(/^220 /))) continue;
        await c.command('EHLO crash.example');
        await c.command('MAIL FROM:<a@example.org>');
        await c.command('RCPT TO:<b@example.net>');
        await c.command('DATA');
        c.socket.write(body);
        const r = await c.command('.');
        const id = /^250 .*queued as ([0-9A-F]+)/.exec(r ?? '')?.[1];
        if (!id) continue;
        saw250.push(id);
        if ((await c.command('QUIT'))?.startsWith('221')) saw221.push(local);
      } finally {
        c.socket.destroy();
      }
    }
  };
  const load = Promise.all(Array.from({ length: 16 }, client));
  await sleep(8000);
  killed = true;
  child.kill('SIGKILL');
  await load;
  const read = (f) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
  const records = read(join(runDir, 'sessions.jsonl'));
  const accepted = read(join(runDir, 'messages.jsonl'));
  const ports = new Set(records.map((r) => r.remote.port));
  const ids = new Map(accepted.map((a) => [a.id, a]));
  const lost221 = saw221.filter((p) => !ports.has(p)).length;
  const lost250 = saw250.filter((id) => !ids.has(id)).length;
  const emls = readdirSync(join(runDir, 'messages')).filter((f) => f.endsWith('.eml'));
  const named = new Set([...accepted.map((a) => a.file.split('/').pop()), ...records.flatMap((r) => r.messages.map((m) => (m.file ?? '').split('/').pop()))]);
  const unnamed = emls.filter((f) => !named.has(f)).length;
  const truncated = accepted.filter((a) => !existsSync(a.file) || statSync(a.file).size !== a.size).length;
  const parts = readdirSync(join(runDir, 'messages')).filter((f) => f.endsWith('.part')).length;
  figure('crash', `${saw221.length} clients saw 221, records ${records.length}, of those 221s without a record: ${lost221}; ${saw250.length} saw 250, without a messages.jsonl line: ${lost250}; .eml ${emls.length}, unnamed ${unnamed}, truncated ${truncated}; .part left ${parts}`);
}

const attacks = { size, slow, held, emfile, flood, fuzz, crash };
const watchdog = setTimeout(() => {
  out('abuse bench: watchdog (30 min) fired');
  process.exit(3);
}, 30 * 60 * 1000);
watchdog.unref();
out(`mxlab abuse bench: node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
for (const [name, run] of Object.entries(attacks)) {
  if (only && !only.has(name)) continue;
  await run();
}
out('\nsummary');
for (const f of figures) out(`  ${f}`);
if (!flags.keep) rmSync(WORK, { recursive: true, force: true });
else out(`kept ${WORK}`);
process.exit(0);
