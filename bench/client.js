// Load generator for bench/run.js. Runs in its own process (child_process.fork) so that the client's
// TLS work never shares an event loop with the mxlab receiver under test.
//
// Protocol over the IPC channel:
//   parent → { type: 'run', id, mode: 'handshake'|'starttls', host, port, minVersion, maxVersion,
//              concurrency, warmupMs, durationMs }
//   child  → { type: 'window', id, edge: 'start'|'end' }   (so the parent can sample server CPU)
//   child  → { type: 'result', id, ... }
//   parent → { type: 'exit' }
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';

const CONNECTION_TIMEOUT_MS = 10_000;
const EHLO_NAME = 'bench.mxlab.test';

/** One TLS handshake: connect, wait for 'secureConnect', destroy (or end) at once. */
function handshakeOnce(job) {
  return new Promise((resolve) => {
    let done = false;
    const socket = tls.connect({
      host: job.host,
      port: job.port,
      rejectUnauthorized: false,
      minVersion: job.minVersion,
      maxVersion: job.maxVersion,
    });
    const finish = (outcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (outcome.ok && job.close === 'end') {
        socket.on('error', () => undefined);
        socket.end();
      } else {
        socket.destroy();
      }
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ ok: false, code: 'CLIENT_TIMEOUT' }), CONNECTION_TIMEOUT_MS);
    socket.once('secureConnect', () => {
      const outcome = { ok: true, localPort: socket.localPort };
      if (job.wantInfo) outcome.info = { protocol: socket.getProtocol(), cipher: socket.getCipher()?.name };
      finish(outcome);
    });
    socket.on('error', (err) => finish({ ok: false, code: err.code ?? err.message }));
  });
}

/** Collects complete SMTP replies (multi-line aware) from a stream. */
function replyReader(stream) {
  let buffer = '';
  let lines = [];
  const replies = [];
  let waiter = null;
  let failure = null;
  const onData = (chunk) => {
    buffer += chunk.toString('latin1');
    let i;
    while ((i = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      lines.push(line);
      if (/^\d{3}(?: |$)/.test(line)) {
        replies.push(lines);
        lines = [];
      }
    }
    flush();
  };
  const onGone = (err) => {
    failure = err ?? Object.assign(new Error('connection closed before the reply'), { code: 'EARLY_CLOSE' });
    flush();
  };
  const onClose = () => onGone();
  const flush = () => {
    if (!waiter) return;
    if (replies.length) {
      const w = waiter;
      waiter = null;
      w.resolve(replies.shift());
    } else if (failure) {
      const w = waiter;
      waiter = null;
      w.reject(failure);
    }
  };
  stream.on('data', onData);
  stream.on('error', onGone);
  stream.on('close', onClose);
  return {
    next() {
      return new Promise((resolve, reject) => {
        waiter = { resolve, reject };
        flush();
      });
    },
    detach() {
      stream.off('data', onData);
      stream.off('error', onGone);
      stream.off('close', onClose);
      return buffer.length + lines.length + replies.length; // leftovers (should be 0)
    },
  };
}

function expect(reply, code, step) {
  const last = reply[reply.length - 1] ?? '';
  if (!last.startsWith(String(code))) {
    throw Object.assign(new Error(`${step}: expected ${code}, got ${JSON.stringify(last)}`), { code: `BAD_REPLY_${step}` });
  }
  return reply;
}

/** connect → 220 → EHLO → 250 → STARTTLS → 220 → TLS → EHLO → 250 → QUIT → 221 → close. */
async function starttlsSession(job) {
  const raw = net.connect({ host: job.host, port: job.port });
  raw.setNoDelay(true);
  let secure;
  const timer = setTimeout(() => {
    const err = Object.assign(new Error('session timeout'), { code: 'CLIENT_TIMEOUT' });
    raw.destroy(err);
    secure?.destroy(err);
  }, CONNECTION_TIMEOUT_MS);
  try {
    const plain = replyReader(raw);
    expect(await plain.next(), 220, 'GREETING');
    raw.write(`EHLO ${EHLO_NAME}\r\n`);
    const ehlo = expect(await plain.next(), 250, 'EHLO');
    if (!ehlo.some((l) => /^250[ -]STARTTLS\b/i.test(l))) throw Object.assign(new Error('no STARTTLS in EHLO'), { code: 'NO_STARTTLS' });
    raw.write('STARTTLS\r\n');
    expect(await plain.next(), 220, 'STARTTLS');
    if (plain.detach()) throw Object.assign(new Error('bytes after the STARTTLS reply'), { code: 'LEFTOVER' });
    raw.on('error', () => undefined);
    secure = tls.connect({ socket: raw, rejectUnauthorized: false, minVersion: job.minVersion, maxVersion: job.maxVersion });
    const reader = replyReader(secure);
    await new Promise((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
      secure.once('close', () => reject(Object.assign(new Error('closed during the handshake'), { code: 'EARLY_CLOSE' })));
    });
    const info = job.wantInfo ? { protocol: secure.getProtocol(), cipher: secure.getCipher()?.name } : undefined;
    secure.write(`EHLO ${EHLO_NAME}\r\n`);
    expect(await reader.next(), 250, 'EHLO_TLS');
    secure.write('QUIT\r\n');
    expect(await reader.next(), 221, 'QUIT');
    const localPort = raw.localPort;
    reader.detach();
    await new Promise((resolve) => {
      if (secure.destroyed) return resolve();
      secure.once('close', resolve);
      secure.on('error', () => undefined);
      secure.end();
    });
    return { ok: true, localPort, info };
  } catch (err) {
    raw.destroy();
    secure?.destroy();
    return { ok: false, code: err.code ?? err.message };
  } finally {
    clearTimeout(timer);
  }
}

function percentile(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function run(job) {
  const once = job.mode === 'starttls' ? starttlsSession : handshakeOnce;
  const t0 = performance.now();
  const windowStart = t0 + job.warmupMs;
  const windowEnd = windowStart + job.durationMs;
  let inWindow = 0;
  let started = 0;
  let completed = 0; // every success, warm-up and tail included
  const errors = {};
  const latencies = [];
  const localPorts = job.collectPorts ? [] : undefined;
  let info;
  let cpuStart;
  let cpuEnd;

  // Window edges are marked by timers so the parent samples server CPU at the right moments.
  const startTimer = setTimeout(() => {
    cpuStart = process.cpuUsage();
    process.send({ type: 'window', id: job.id, edge: 'start' });
  }, job.warmupMs);
  const endTimer = setTimeout(() => {
    cpuEnd = process.cpuUsage(cpuStart);
    process.send({ type: 'window', id: job.id, edge: 'end' });
  }, job.warmupMs + job.durationMs);

  const worker = async () => {
    while (performance.now() < windowEnd) {
      started++;
      const begin = performance.now();
      const outcome = await once({ ...job, wantInfo: !info });
      const end = performance.now();
      if (outcome.ok) {
        completed++;
        if (!info && outcome.info) info = outcome.info;
        if (localPorts) localPorts.push(outcome.localPort);
        if (end >= windowStart && end < windowEnd) {
          inWindow++;
          latencies.push(end - begin);
        }
      } else {
        errors[outcome.code] = (errors[outcome.code] ?? 0) + 1;
        // Do not spin on a dead target.
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  clearTimeout(startTimer);
  clearTimeout(endTimer);
  latencies.sort((a, b) => a - b);
  const cpu = cpuEnd ?? process.cpuUsage(cpuStart);
  return {
    type: 'result',
    id: job.id,
    inWindow,
    windowMs: job.durationMs,
    perSecond: inWindow / (job.durationMs / 1000),
    started,
    completed,
    errors,
    info,
    latencyMs: { p50: percentile(latencies, 50), p90: percentile(latencies, 90), p99: percentile(latencies, 99) },
    clientCpuPct: ((cpu.user + cpu.system) / 1000 / job.durationMs) * 100,
    localPorts,
  };
}

process.on('message', (msg) => {
  if (msg?.type === 'exit') {
    process.disconnect();
    process.exit(0);
  }
  if (msg?.type === 'run') {
    run(msg).then(
      (result) => process.send(result),
      (err) => process.send({ type: 'result', id: msg.id, fatal: String(err?.stack ?? err) }),
    );
  }
});
// Never outlive the parent.
process.on('disconnect', () => process.exit(0));
