import t from 'tap';
import net from 'node:net';
import tls from 'node:tls';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { readClientHello, type HelloRead } from '../../src/tls/hello-reader.js';
import { alertRecord, parseAlert } from '../../src/tls/alert.js';

// --- Fixtures: a throwaway certificate and loopback connections ---

let secureContext: tls.SecureContext;
let legacyContext: tls.SecureContext;
const sockets: net.Socket[] = [];

t.before(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mxlab-hello-reader-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '2', '-keyout', key, '-out', cert], {
      stdio: 'ignore',
    });
    const pems = { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
    secureContext = tls.createSecureContext(pems);
    legacyContext = tls.createSecureContext({ ...pems, minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

t.teardown(() => {
  for (const s of sockets) s.destroy();
});

/** A one-connection listener on 127.0.0.1 port 0; `accepted` is the server side of that connection. */
function listenOnce(): Promise<{ port: number; accepted: Promise<net.Socket> }> {
  return new Promise((resolve) => {
    let accept: (s: net.Socket) => void = () => {};
    const accepted = new Promise<net.Socket>((r) => (accept = r));
    const server = net.createServer((socket) => {
      server.close();
      sockets.push(socket);
      accept(socket);
    });
    server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as net.AddressInfo).port, accepted }));
  });
}

/** A raw TCP client plus the server side of its connection. */
async function rawPair(): Promise<{ client: net.Socket; server: net.Socket }> {
  const { port, accepted } = await listenOnce();
  const client = net.connect({ port, host: '127.0.0.1', noDelay: true });
  client.on('error', () => {});
  sockets.push(client);
  return { client, server: await accepted };
}

/** A node TLS client plus the server side of its (still raw) connection. */
async function tlsPair(opts: tls.ConnectionOptions = {}): Promise<{ client: tls.TLSSocket; server: net.Socket }> {
  const { port, accepted } = await listenOnce();
  const client = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false, ...opts });
  client.on('error', () => {});
  sockets.push(client);
  return { client, server: await accepted };
}

const EVENTS = ['readable', 'data', 'end', 'close', 'error'] as const;
const listenerCounts = (s: net.Socket): number[] => EVENTS.map((e) => s.listenerCount(e));

/** The `t` a subtest callback receives. */
type TestT = Parameters<Parameters<typeof t.test>[0]>[0];

/** readClientHello, checking that it leaves no listener behind and the socket paused. */
async function read(t: TestT, socket: net.Socket, opts: Parameters<typeof readClientHello>[1] = { timeoutMs: 3000 }): Promise<HelloRead> {
  const before = listenerCounts(socket);
  const result = await readClientHello(socket, opts);
  t.same(listenerCounts(socket), before, 'every listener it added is removed');
  t.equal(socket.isPaused(), true, 'socket left paused');
  return result;
}

let nodeHello: Buffer;
let tls10Hello: Buffer;

t.before(async () => {
  const capture = async (opts: tls.ConnectionOptions): Promise<Buffer> => {
    const { client, server } = await tlsPair(opts);
    const r = await readClientHello(server, { timeoutMs: 3000 });
    client.destroy();
    server.destroy();
    if (r.outcome !== 'hello') throw new Error(`capture failed: ${r.outcome} ${r.reason}`);
    return r.bytes;
  };
  nodeHello = await capture({ servername: 'split.example' });
  tls10Hello = await capture({ minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' });
});

// --- Reading and handing over to OpenSSL ---

async function handshakeAfterRead(t: TestT, clientOpts: tls.ConnectionOptions, context: () => tls.SecureContext): Promise<void> {
  const { client, server } = await tlsPair({ servername: 'mx.example.test', ...clientOpts });
  // The client cannot finish before the server answers, which happens only after the wrap below.
  const connected = new Promise((resolve) => client.once('secureConnect', resolve));
  const r = await read(t, server);
  t.equal(r.outcome, 'hello');
  t.equal(r.hello?.sni, 'mx.example.test');
  t.equal(r.bytes.length, (r.handshake?.length ?? 0) + 5, 'one record, nothing else');

  server.unshift(r.bytes);
  const secure = new tls.TLSSocket(server, { isServer: true, secureContext: context() });
  secure.on('error', (err) => t.fail(`server TLS error: ${err.message}`));
  const serverGot = new Promise<string>((resolve) => secure.once('data', (d: Buffer) => resolve(d.toString())));
  secure.once('secure', () => secure.write('220 from server\r\n'));
  const clientGot = new Promise<string>((resolve) => client.once('data', (d: Buffer) => resolve(d.toString())));
  await connected;
  client.write('EHLO client\r\n');
  t.equal(await clientGot, '220 from server\r\n');
  t.equal(await serverGot, 'EHLO client\r\n');
  t.equal(client.getProtocol(), secure.getProtocol());
  t.equal(secure.servername, 'mx.example.test', 'OpenSSL saw the same SNI');
  client.end();
  secure.destroy();
}

t.test('node client: read the hello, unshift, and a TLSSocket completes the handshake', async (t) => {
  await handshakeAfterRead(t, {}, () => secureContext);
});

t.test('TLS 1.0 client: the same on a legacy context', async (t) => {
  await handshakeAfterRead(t, { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }, () => legacyContext);
});

t.test('data split across 1-byte writes', async (t) => {
  const { client, server } = await rawPair();
  const reading = read(t, server);
  for (const byte of nodeHello) {
    client.write(Buffer.from([byte]));
    await new Promise((r) => setImmediate(r));
  }
  const r = await reading;
  t.equal(r.outcome, 'hello');
  t.equal(r.hello?.sni, 'split.example');
  t.same(r.bytes, nodeHello);
});

t.test('bytes already buffered on a paused socket, with more after the hello', async (t) => {
  const { client, server } = await rawPair();
  server.pause();
  client.write(Buffer.concat([nodeHello, Buffer.from('XYZ')]));
  for (let i = 0; i < 200 && server.readableLength < nodeHello.length + 3; i += 1) await delay(5);
  t.equal(server.readableLength, nodeHello.length + 3, 'all bytes are waiting in the socket buffer');
  const r = await read(t, server);
  t.equal(r.outcome, 'hello');
  t.same(r.bytes, Buffer.concat([nodeHello, Buffer.from('XYZ')]), 'bytes past the hello are returned too');
});

t.test('a socket that was piped elsewhere (plaintext SMTP before STARTTLS) and then unpiped', async (t) => {
  const { client, server } = await rawPair();
  const plaintext = new PassThrough();
  server.pipe(plaintext);
  client.write('STARTTLS\r\n');
  const [line] = (await once(plaintext, 'data')) as [Buffer];
  t.equal(line.toString(), 'STARTTLS\r\n', 'the SMTP layer got its command');
  server.unpipe(plaintext);
  const reading = read(t, server);
  client.write(nodeHello);
  const r = await reading;
  t.equal(r.outcome, 'hello');
  t.same(r.bytes, nodeHello, 'exactly the hello, none of the plaintext');
});

t.test('client closes in the middle of the hello', async (t) => {
  const { client, server } = await rawPair();
  const reading = read(t, server);
  client.end(nodeHello.subarray(0, 50));
  const r = await reading;
  t.equal(r.outcome, 'closed');
  t.equal(r.bytes.length, 50);
  t.same(r.bytes, nodeHello.subarray(0, 50));
  t.equal(r.reason, 'client ended the connection in the middle of its ClientHello (50 bytes received)');
});

t.test('client closes before sending anything', async (t) => {
  const { client, server } = await rawPair();
  const reading = read(t, server);
  client.end();
  const r = await reading;
  t.equal(r.outcome, 'closed');
  t.equal(r.bytes.length, 0);
  t.equal(r.reason, 'client ended the connection before sending a ClientHello');
});

t.test('socket destroyed, or failing, while reading', async (t) => {
  const a = await rawPair();
  const closing = read(t, a.server);
  a.server.destroy();
  const closed = await closing;
  t.equal(closed.outcome, 'closed');
  t.equal(closed.reason, 'client closed the connection before sending a ClientHello');

  const b = await rawPair();
  b.client.write(nodeHello.subarray(0, 10));
  for (let i = 0; i < 200 && b.server.readableLength < 10; i += 1) await delay(5);
  const failing = read(t, b.server);
  b.server.destroy(new Error('boom'));
  const failed = await failing;
  t.equal(failed.outcome, 'closed');
  t.equal(failed.reason, 'client failed: boom in the middle of its ClientHello (10 bytes received)');
  t.equal(failed.bytes.length, 10);

  const c = await rawPair();
  c.server.destroy();
  const already = await read(t, c.server);
  t.equal(already.outcome, 'closed');
  t.equal(already.reason, 'client was already closed before sending a ClientHello');
});

t.test('plaintext SMTP instead of a hello', async (t) => {
  const { client, server } = await rawPair();
  const reading = read(t, server);
  client.write('EHLO x\r\n');
  const r = await reading;
  t.equal(r.outcome, 'invalid');
  t.equal(r.reason, 'not a TLS record: first bytes 45 48 4c 4f 20 78 0d 0a ("EHLO x\\r\\n")');
  t.same(r.bytes, Buffer.from('EHLO x\r\n'));
  t.equal(r.hello, undefined);
});

t.test('timeout with part of a hello', async (t) => {
  const { client, server } = await rawPair();
  client.write(nodeHello.subarray(0, 10));
  const started = Date.now();
  const r = await read(t, server, { timeoutMs: 100 });
  t.equal(r.outcome, 'timeout');
  t.equal(r.bytes.length, 10);
  t.equal(r.reason, 'no complete ClientHello within 100 ms (10 bytes received)');
  t.ok(Date.now() - started >= 90, 'waited for the timeout');
});

t.test('too large: a record that promises more than maxBytes', async (t) => {
  const { client, server } = await rawPair();
  const reading = read(t, server, { timeoutMs: 3000, maxBytes: 64 });
  client.write(Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x40, 0x00, 0x01, 0x00, 0x3f, 0xfc]), Buffer.alloc(200)]));
  const r = await reading;
  t.equal(r.outcome, 'too-large');
  t.ok(r.bytes.length >= 64);
  t.match(r.reason, /^no complete ClientHello in the first \d+ bytes \(limit 64\)$/);
});

// --- Alerts: answering a hello by hand ---

t.test('alertRecord: bytes on the wire', async (t) => {
  t.same(alertRecord(70), Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46]));
  t.same(alertRecord(40, { version: 0x0303, level: 1 }), Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x28]));
  t.same(alertRecord(86, { version: 0x0300 }), Buffer.from('15030000020256', 'hex'));
});

t.test('a node client refused with a hand-written protocol_version alert', async (t) => {
  const { client, server } = await tlsPair({ servername: 'refuse.example' });
  const failed = new Promise<NodeJS.ErrnoException>((resolve) => client.once('error', resolve));
  const r = await read(t, server);
  t.equal(r.outcome, 'hello');
  server.end(alertRecord(70));
  const err = await failed;
  t.equal(err.code, 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
});

t.test('parseAlert reads the alert a real server sends to a TLS 1.0 hello', async (t) => {
  const server = tls.createServer({ secureContext });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const client = net.connect({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1' });
  sockets.push(client);
  client.on('error', () => {});
  let got = Buffer.alloc(0);
  client.on('data', (d: Buffer) => (got = Buffer.concat([got, d])));
  client.write(tls10Hello);
  await new Promise((resolve) => client.once('close', resolve));
  const r = parseAlert(got);
  if (r.status !== 'ok') throw new Error(`not an alert: ${JSON.stringify(r)} ${got.toString('hex')}`);
  t.equal(r.alert.name, 'protocol_version');
  t.equal(r.alert.levelName, 'fatal');
  t.equal(r.alert.description, 70);
  t.equal(r.consumed, 7);
  t.match(r.alert.version, /^TLSv1/);
});

t.test('parseAlert on partial and wrong input', async (t) => {
  const alert = alertRecord(112, { level: 1 });
  for (let n = 0; n < alert.length; n += 1) t.equal(parseAlert(alert.subarray(0, n)).status, 'incomplete', `prefix ${n}`);
  const r = parseAlert(Buffer.concat([alert, Buffer.from([1, 2, 3])]));
  t.same(r, {
    status: 'ok',
    consumed: 7,
    alert: { version: 'TLSv1', level: 1, levelName: 'warning', description: 112, name: 'unrecognized_name' },
  });
  t.same(parseAlert(nodeHello), { status: 'invalid', reason: 'record type 22 (handshake), want 21 (alert)' });
  t.same(parseAlert(Buffer.from([0x15, 0x02, 0x00, 0x00, 0x02, 0x02, 0x28])), { status: 'invalid', reason: 'record version 0x0200, want 0x03xx' });
  t.same(parseAlert(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x1a])), {
    status: 'invalid',
    reason: 'alert record length 26, want 2 (an encrypted alert cannot be read)',
  });
});
