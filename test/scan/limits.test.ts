import net from 'node:net';
import t, { type Test } from 'tap';
import { scanTls } from '../../src/scan/scan.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * How a scan treats the server: at most --max-conns connections open at once, at most --rate new
 * ones a second, and a 421 in the middle of a scan stops it opening more (said as an anomaly).
 * A TCP front in front of a real mxlab receiver counts what the server would see.
 */

interface Front {
  readonly port: number;
  /** Most connections open at once. */
  peak: number;
  /** When each connection arrived (ms). */
  readonly arrivals: number[];
}

/** Relays to `upstream`; from connection `busyAfter` on, answers 421 after the banner instead. */
async function front(t: Test, upstream: number, busyAfter = Infinity): Promise<Front> {
  let open = 0;
  const f: { port: number; peak: number; arrivals: number[] } = { port: 0, peak: 0, arrivals: [] };
  const server = net.createServer((client) => {
    f.arrivals.push(performance.now());
    if (f.arrivals.length > busyAfter) {
      client.end('421 4.7.0 fake.test Error: too many connections from 127.0.0.1\r\n');
      return;
    }
    // Counted a turn later: a FIN that reached us with this SYN (one poll of the event loop) is
    // an earlier connection's end the scanner waited for, not an overlap.
    setImmediate(() => {
      open += 1;
      f.peak = Math.max(f.peak, open);
    });
    const up = net.connect(upstream, '127.0.0.1');
    up.on('error', () => client.destroy());
    client.pipe(up).pipe(client);
    // The scanner's FIN (or RST) is where its connection ends; the relay's own close comes a turn later.
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      open -= 1;
    };
    client.on('end', end);
    client.on('error', end);
    client.on('close', () => {
      end();
      up.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  f.port = (server.address() as net.AddressInfo).port;
  return f;
}

const scan = (port: number, o: { maxConns?: number; rate?: number } = {}) => scanTls({ target: { protocol: 'smtp', host: '127.0.0.1', port }, timeoutMs: 5000, ...o });

t.test('scan limits against a real receiver', async (t) => {
  const lab = await startTestLab(t, [{ name: 'mx', profile: 'tls10-only', smtp: [0] }]);
  const mx = portOf(lab, 'mx');

  await t.test('--max-conns: never more open at once', async (t) => {
    const wide = await front(t, mx);
    const full = await scan(wide.port, { maxConns: 8 });
    t.ok(wide.peak > 2, `unlimited enough, a scan does run connections side by side (peak ${wide.peak})`);
    t.ok(wide.peak <= 8, `peak ${wide.peak} ≤ 8`);
    const narrow = await front(t, mx);
    const two = await scan(narrow.port, { maxConns: 2 });
    t.ok(narrow.peak <= 2, `peak ${narrow.peak} ≤ 2`);
    t.same(two.versions.map((v) => [v.version, v.supported, v.suites.length]), full.versions.map((v) => [v.version, v.supported, v.suites.length]), 'the same findings, only slower');
  });

  await t.test('--rate: connections are spaced out', async (t) => {
    const f = await front(t, mx);
    const r = await scan(f.port, { rate: 20 });
    t.notOk(r.unreachable);
    // 20 a second is one start every 50 ms. A connection can reach the server late (a busy event
    // loop) and the next one on time, so single gaps vary; the span of them all cannot shrink.
    const span = f.arrivals[f.arrivals.length - 1]! - f.arrivals[0]!;
    const n = f.arrivals.length - 1;
    t.ok(span >= n * 50 - 20, `${n + 1} connections over ${Math.round(span)} ms: at most 20 a second (want ≥ ${n * 50 - 20} ms)`);
    t.equal(f.arrivals.length, r.connections, 'every connection the scan counts reached the server');
  });

  await t.test('421 in the middle of a scan: back off, say so, keep what was found', async (t) => {
    const f = await front(t, mx, 6);
    const r = await scan(f.port, { maxConns: 2 });
    t.notOk(r.unreachable, 'the first connections scanned');
    t.match(r.anomalies, [{ what: 'backed off', detail: /421 4\.7\.0 .*too many connections.*results are partial/ }]);
    t.ok(f.arrivals.length <= 6 + 2, `stopped opening connections after the 421 (${f.arrivals.length} connections reached the server)`);
  });
});
