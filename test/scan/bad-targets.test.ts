import net from 'node:net';
import t from 'tap';
import { scanTls } from '../../src/scan/scan.js';

/**
 * Targets that cannot be scanned give a clear finding within the timeout: refused, no STARTTLS, 421
 * after the banner, silence, garbage, and a reset on every hello (which is "no TLS", with the reason).
 */

const TIMEOUT = 800;

/** A loopback server running `onConnection` for each client; closed when the test ends. */
async function fake(onConnection: (socket: net.Socket) => void): Promise<number> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  t.teardown(() => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.unref();
  }));
  return (server.address() as net.AddressInfo).port;
}

/** An SMTP server that goes as far as `upTo` and then does what the case wants. */
function smtp(socket: net.Socket, ehloReply: string, afterStarttls?: (socket: net.Socket) => void): void {
  socket.write('220 fake.test ESMTP\r\n');
  let buf = '';
  let tls = false;
  socket.on('data', (d: Buffer) => {
    if (tls) return afterStarttls?.(socket);
    buf += d.toString('latin1');
    let i: number;
    while ((i = buf.indexOf('\r\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 2);
      if (/^EHLO/i.test(line)) socket.write(ehloReply);
      else if (/^STARTTLS/i.test(line)) {
        socket.write('220 2.0.0 Ready to start TLS\r\n');
        tls = true;
      } else socket.write('500 5.5.1 what\r\n');
    }
  });
}

const scan = (port: number) => scanTls({ target: { protocol: 'smtp', host: '127.0.0.1', port }, timeoutMs: TIMEOUT });

t.test('refused', async (t) => {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  const r = await scan(port);
  t.equal(r.unreachable?.failure, 'refused');
  t.match(r.unreachable?.detail, /connection refused/);
  t.equal(r.connections, 1);
});

t.test('no STARTTLS in the EHLO reply', async (t) => {
  const port = await fake((s) => smtp(s, '250-fake.test\r\n250 SIZE 1000\r\n'));
  const r = await scan(port);
  t.equal(r.unreachable?.failure, 'no-starttls');
});

t.test('421 after the banner: back off and say so', async (t) => {
  const port = await fake((s) => {
    s.end('421 4.7.0 fake.test too many connections, try later\r\n');
  });
  const r = await scan(port);
  t.equal(r.unreachable?.failure, 'busy');
  t.match(r.unreachable?.detail, /421 4\.7\.0.*backing off/);
});

t.test('silent server', async (t) => {
  const port = await fake(() => undefined);
  const started = Date.now();
  const r = await scan(port);
  t.equal(r.unreachable?.failure, 'silent');
  t.ok(Date.now() - started < TIMEOUT * 3, 'within the timeout');
});

t.test('garbage instead of a greeting', async (t) => {
  const port = await fake((s) => s.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00])));
  const r = await scan(port);
  t.equal(r.unreachable?.failure, 'garbage');
});

t.test('reset mid-hello on every connection: no TLS, and why', async (t) => {
  const port = await fake((s) => smtp(s, '250-fake.test\r\n250 STARTTLS\r\n', (sock) => sock.resetAndDestroy()));
  const r = await scan(port);
  t.notOk(r.unreachable);
  t.equal(r.noTls, true);
  t.ok(r.versions.every((v) => !v.supported && v.refusal === 'reset'), 'each version refused with a reset');
});
