import { randomBytes } from 'node:crypto';
import net from 'node:net';
import t, { type Test } from 'tap';
import type { Lab } from '../../src/lab/lab.js';
import { captureClientHello, RawSmtp } from '../fixtures/raw-smtp.js';
import { nextRecord, portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * Clients that misbehave at every stage: garbage instead of SMTP or TLS, half a ClientHello, silence,
 * a vanished peer in the middle of STARTTLS or DATA. Each must end in one record with a result and a
 * reason a person can act on, and the receiver must go on serving the next client.
 */

const PEER = 'victim';
const HANDSHAKE_TIMEOUT_MS = 500;

/** Random bytes without CR/LF, so that the line count is known. */
const garbage = (n: number): Buffer => Buffer.from([...randomBytes(n)].map((b) => (b === 0x0a || b === 0x0d ? 0x7f : b)));

/** The receiver still works: a plaintext delivery, a STARTTLS session and an SMTPS session. */
async function stillServes(t: Test, lab: Lab, seen: Set<string>): Promise<void> {
  const plain = await RawSmtp.connect(portOf(lab, PEER));
  const ehlo = await plain.hello();
  t.match(ehlo.at(-1), /^250 /, 'plaintext EHLO answered');
  t.match((await plain.command('MAIL FROM:<a@example.org>'))[0], /^250 /);
  t.match((await plain.command('RCPT TO:<b@example.net>'))[0], /^250 /);
  t.match((await plain.command('DATA'))[0], /^354 /);
  t.match((await plain.command('Subject: after\r\n\r\nstill alive\r\n.'))[0], /^250 /);
  await plain.quit();
  const p = await nextRecord(lab, PEER, seen);
  t.equal(p.result, 'plaintext', 'next plaintext session: result plaintext');
  t.equal(p.messages.length, 1, 'next plaintext session: message stored');

  const starttls = await RawSmtp.connect(portOf(lab, PEER));
  await starttls.hello();
  await starttls.startTls({ maxVersion: 'TLSv1.2' });
  t.match((await starttls.command('EHLO client.mxlab.test')).at(-1), /^250 /);
  await starttls.quit();
  const s = await nextRecord(lab, PEER, seen);
  t.equal(s.result, 'tls', 'next STARTTLS session: result tls');
  t.equal(s.version, 'TLSv1.2');

  const smtps = await RawSmtp.connectTls(portOf(lab, PEER, 'implicit'));
  await smtps.hello();
  await smtps.quit();
  const i = await nextRecord(lab, PEER, seen);
  t.equal(i.result, 'tls', 'next SMTPS session: result tls');
  t.equal(i.tlsMode, 'implicit');
}

t.test('misbehaving clients', async (t) => {
  const lab = await startTestLab(t, [{ name: PEER, profile: 'modern', smtp: [0], smtps: [0], handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS }]);
  const seen = new Set<string>();
  const hello = await captureClientHello({ maxVersion: 'TLSv1.2' });
  t.ok(hello.length > 60 && hello[0] === 0x16, `captured a ClientHello record (${hello.length} bytes)`);

  await t.test('binary garbage on the STARTTLS port', async (t) => {
    const c = await RawSmtp.connect(portOf(lab, PEER));
    await c.reply();
    for (let i = 0; i < 12; i++) c.write(Buffer.concat([garbage(40), Buffer.from('\r\n')]));
    await c.waitClosed();
    const r = await nextRecord(lab, PEER, seen);
    t.equal(r.result, 'error', `result error (${r.error?.message})`);
    t.equal(r.error?.stage, 'command');
    t.match(r.error?.message, /421/, 'reason quotes the 421 that closed the session');
    t.ok(r.transcript.some((l) => l.dir === 'S' && /^500 /.test(l.line)), 'transcript has the 500 replies');
    t.ok(r.transcript.some((l) => l.dir === 'S' && /^421 /.test(l.line)), 'transcript has the 421');
    await stillServes(t, lab, seen);
  });

  await t.test('garbage before the greeting on the STARTTLS port (pregreet check)', async (t) => {
    await lab.addReceiver({ name: 'pregreet', profile: 'modern', smtp: [0], greetingDelayMs: 300 });
    const c = await RawSmtp.connect(portOf(lab, 'pregreet'));
    c.write(Buffer.concat([garbage(30), Buffer.from('\r\n')]));
    await c.waitClosed();
    const r = await nextRecord(lab, 'pregreet', seen);
    t.equal(r.result, 'error', `result error (${r.error?.message})`);
    t.match(r.error?.message, /421/, 'reason quotes the 421');
    await stillServes(t, lab, seen);
  });

  for (const [what, bytes] of [
    ['binary garbage', Buffer.concat([Buffer.from([0x01]), garbage(300)])],
    ['an HTTP request', Buffer.from('GET / HTTP/1.0\r\nHost: mx\r\n\r\n')],
    ['an SMTP command', Buffer.from('EHLO client.mxlab.test\r\n')],
  ] as const) {
    await t.test(`${what} on the SMTPS port`, async (t) => {
      const c = await RawSmtp.connect(portOf(lab, PEER, 'implicit'));
      c.write(bytes);
      await c.waitClosed();
      const r = await nextRecord(lab, PEER, seen);
      t.equal(r.result, 'handshake-failed');
      t.equal(r.error?.stage, 'handshake');
      t.match(r.error?.message, /not a ClientHello/, `reason says it was not a ClientHello (${r.error?.code}: ${r.error?.message})`);
      t.ok(r.transcript.some((l) => l.dir === '*' && /^not a ClientHello/.test(l.line)), 'transcript notes the bad hello');
      await stillServes(t, lab, seen);
    });
  }

  await t.test('half a ClientHello on SMTPS, then gone', async (t) => {
    const c = await RawSmtp.connect(portOf(lab, PEER, 'implicit'));
    const half = hello.subarray(0, Math.floor(hello.length / 2));
    c.write(half);
    await new Promise((r) => setTimeout(r, 100));
    c.destroy();
    const r = await nextRecord(lab, PEER, seen);
    t.equal(r.result, 'handshake-failed');
    t.match(r.error?.message, /closed the connection in the middle of its ClientHello/, `reason: ${r.error?.message}`);
    t.match(r.error?.message, new RegExp(`\\(${half.length} bytes received\\)`), 'reason counts the bytes');
    await stillServes(t, lab, seen);
  });

  await t.test('STARTTLS, then gone before the handshake', async (t) => {
    const c = await RawSmtp.connect(portOf(lab, PEER));
    await c.hello();
    t.match((await c.command('STARTTLS'))[0], /^220 /);
    c.destroy();
    const r = await nextRecord(lab, PEER, seen);
    t.equal(r.result, 'handshake-failed');
    t.equal(r.startTlsAttempted, true);
    t.match(r.error?.message, /before sending a ClientHello/, `reason: ${r.error?.message}`);
    await stillServes(t, lab, seen);
  });

  await t.test('STARTTLS, half a ClientHello, then gone', async (t) => {
    const c = await RawSmtp.connect(portOf(lab, PEER));
    await c.hello();
    await c.command('STARTTLS');
    c.write(hello.subarray(0, 20));
    await new Promise((r) => setTimeout(r, 100));
    c.destroy();
    const r = await nextRecord(lab, PEER, seen);
    t.equal(r.result, 'handshake-failed');
    t.match(r.error?.message, /in the middle of its ClientHello \(20 bytes received\)/, `reason: ${r.error?.message}`);
    await stillServes(t, lab, seen);
  });

  await t.test('STARTTLS, whole ClientHello, then gone mid-handshake', async (t) => {
    const c = await RawSmtp.connect(portOf(lab, PEER));
    await c.hello();
    await c.command('STARTTLS');
    c.write(hello);
    // Wait for the ServerHello flight, then vanish.
    await new Promise<void>((resolve) => c.socket.once('data', () => resolve()));
    c.destroy();
    const r = await nextRecord(lab, PEER, seen);
    t.equal(r.result, 'handshake-failed', `result (${r.error?.code}: ${r.error?.message})`);
    t.equal(r.error?.stage, 'handshake');
    t.ok(r.clientHello, 'the ClientHello was read');
    await stillServes(t, lab, seen);
  });

  await t.test('SMTPS, whole ClientHello, then gone mid-handshake', async (t) => {
    const c = await RawSmtp.connect(portOf(lab, PEER, 'implicit'));
    c.write(hello);
    await new Promise<void>((resolve) => c.socket.once('data', () => resolve()));
    c.destroy();
    const r = await nextRecord(lab, PEER, seen);
    t.equal(r.result, 'handshake-failed', `result (${r.error?.code}: ${r.error?.message})`);
    t.ok(r.clientHello, 'the ClientHello was read');
    await stillServes(t, lab, seen);
  });

  await t.test('client vanishes in the middle of DATA (plaintext)', async (t) => {
    const c = await RawSmtp.connect(portOf(lab, PEER));
    await c.hello();
    await c.command('MAIL FROM:<a@example.org>');
    await c.command('RCPT TO:<b@example.net>');
    t.match((await c.command('DATA'))[0], /^354 /);
    c.write('Subject: cut short\r\n\r\nline one\r\nline two\r\n');
    await new Promise((r) => setTimeout(r, 100));
    c.destroy();
    const r = await nextRecord(lab, PEER, seen);
    t.equal(r.result, 'error');
    t.equal(r.error?.stage, 'data');
    t.match(r.error?.message, /middle of DATA/, `reason: ${r.error?.message}`);
    t.equal(r.messages.length, 0, 'no message stored');
    await stillServes(t, lab, seen);
  });

  await t.test('client vanishes in the middle of DATA (after STARTTLS)', async (t) => {
    const c = await RawSmtp.connect(portOf(lab, PEER));
    await c.hello();
    await c.startTls();
    await c.command('EHLO client.mxlab.test');
    await c.command('MAIL FROM:<a@example.org>');
    await c.command('RCPT TO:<b@example.net>');
    t.match((await c.command('DATA'))[0], /^354 /);
    c.write('Subject: cut short\r\n\r\nline one\r\n');
    await new Promise((r) => setTimeout(r, 100));
    c.destroy();
    const r = await nextRecord(lab, PEER, seen);
    t.equal(r.result, 'error');
    t.equal(r.error?.stage, 'data');
    t.match(r.error?.message, /middle of DATA/, `reason: ${r.error?.message}`);
    t.ok(r.version, 'TLS details kept');
    await stillServes(t, lab, seen);
  });

  await t.test('silent client on SMTPS hits the handshake timeout', async (t) => {
    const started = Date.now();
    const c = await RawSmtp.connect(portOf(lab, PEER, 'implicit'));
    await c.waitClosed(5000);
    const elapsed = Date.now() - started;
    t.ok(elapsed >= HANDSHAKE_TIMEOUT_MS - 50, `server waited the timeout (${elapsed} ms)`);
    const r = await nextRecord(lab, PEER, seen);
    t.equal(r.result, 'handshake-failed');
    t.match(r.error?.message, new RegExp(`within ${HANDSHAKE_TIMEOUT_MS} ms`), `reason names the timeout: ${r.error?.message}`);
    await stillServes(t, lab, seen);
  });

  await t.test('silent client after STARTTLS hits the handshake timeout', async (t) => {
    const c = await RawSmtp.connect(portOf(lab, PEER));
    await c.hello();
    await c.command('STARTTLS');
    await c.waitClosed(5000);
    const r = await nextRecord(lab, PEER, seen);
    t.equal(r.result, 'handshake-failed');
    t.match(r.error?.message, new RegExp(`within ${HANDSHAKE_TIMEOUT_MS} ms`), `reason names the timeout: ${r.error?.message}`);
    await stillServes(t, lab, seen);
  });

  await t.test('garbage instead of a ClientHello after STARTTLS', async (t) => {
    const c = await RawSmtp.connect(portOf(lab, PEER));
    await c.hello();
    await c.command('STARTTLS');
    c.write(Buffer.concat([Buffer.from([0x02]), garbage(100)]));
    await c.waitClosed();
    const r = await nextRecord(lab, PEER, seen);
    t.equal(r.result, 'handshake-failed');
    t.equal(r.error?.stage, 'handshake');
    t.match(r.error?.message, /not a ClientHello/, `reason: ${r.error?.code}: ${r.error?.message}`);
    await stillServes(t, lab, seen);
  });

  for (const mode of ['implicit', 'explicit'] as const) {
    await t.test(`${mode === 'implicit' ? 'SMTPS' : 'STARTTLS'}: ClientHello, then silence, hits the handshake timeout`, async (t) => {
      const c = await RawSmtp.connect(portOf(lab, PEER, mode));
      if (mode === 'explicit') {
        await c.hello();
        await c.command('STARTTLS');
      }
      const started = Date.now();
      c.write(hello);
      await c.waitClosed(HANDSHAKE_TIMEOUT_MS + 3000).catch((err: Error) => {
        t.fail(err.message);
        c.destroy();
      });
      t.ok(Date.now() - started < HANDSHAKE_TIMEOUT_MS + 3000, `closed after ${Date.now() - started} ms`);
      const r = await nextRecord(lab, PEER, seen);
      t.equal(r.result, 'handshake-failed');
      t.ok(r.clientHello, 'the ClientHello was read');
      t.match(r.error?.message, /within \d+ ms|timed? ?out/i, `reason names the timeout: ${r.error?.code}: ${r.error?.message}`);
      await stillServes(t, lab, seen);
    });
  }

  await t.test('AUTH PLAIN secret is masked', async (t) => {
    const secret = Buffer.from('\0alice\0Tr0ub4dor&3-plain').toString('base64');
    const c = await RawSmtp.connect(portOf(lab, PEER));
    await c.hello();
    await c.startTls();
    const ehlo = await c.command('EHLO client.mxlab.test');
    t.ok(ehlo.some((l) => /AUTH .*PLAIN/.test(l)), 'AUTH PLAIN offered after STARTTLS');
    t.match((await c.command(`AUTH PLAIN ${secret}`))[0], /^235 /);
    await c.quit();
    const r = await nextRecord(lab, PEER, seen);
    t.equal(r.result, 'tls');
    const text = JSON.stringify(r);
    t.notOk(text.includes(secret), 'base64 secret absent from the record');
    t.notOk(text.includes('Tr0ub4dor'), 'password absent from the record');
    t.ok(r.transcript.some((l) => l.dir === 'C' && /^AUTH PLAIN \S/.test(l.line) && /masked|secured/.test(l.line)), 'AUTH PLAIN line kept, argument masked');
  });

  await t.test('AUTH LOGIN user and password are masked', async (t) => {
    const user = Buffer.from('alice-login-user').toString('base64');
    const pass = Buffer.from('Corr3ct-Horse-login').toString('base64');
    const c = await RawSmtp.connect(portOf(lab, PEER));
    await c.hello();
    await c.startTls();
    await c.command('EHLO client.mxlab.test');
    t.match((await c.command('AUTH LOGIN'))[0], /^334 /);
    t.match((await c.command(user))[0], /^334 /);
    t.match((await c.command(pass))[0], /^235 /);
    await c.quit();
    const r = await nextRecord(lab, PEER, seen);
    const text = JSON.stringify(r);
    t.notOk(text.includes(user), 'user line absent from the record');
    t.notOk(text.includes(pass), 'password line absent from the record');
    const clientLines = r.transcript.filter((l) => l.dir === 'C').map((l) => l.line);
    const i = clientLines.indexOf('AUTH LOGIN');
    t.ok(i >= 0, 'AUTH LOGIN itself kept');
    t.match(clientLines[i + 1], /masked|secured/, 'user line masked');
    t.match(clientLines[i + 2], /masked|secured/, 'password line masked');
  });

  await t.test('AUTH LOGIN with an initial response is masked', async (t) => {
    const user = Buffer.from('bob-initial').toString('base64');
    const pass = Buffer.from('S3cret-initial-pass').toString('base64');
    const c = await RawSmtp.connect(portOf(lab, PEER));
    await c.hello();
    await c.startTls();
    await c.command('EHLO client.mxlab.test');
    t.match((await c.command(`AUTH LOGIN ${user}`))[0], /^334 /);
    t.match((await c.command(pass))[0], /^235 /);
    await c.quit();
    const r = await nextRecord(lab, PEER, seen);
    const text = JSON.stringify(r);
    t.notOk(text.includes(user), 'initial response absent');
    t.notOk(text.includes(pass), 'password absent');
  });

  await t.test('a plain TCP connect-and-close is one plaintext record', async (t) => {
    await new Promise<void>((resolve) => {
      const s = net.connect(portOf(lab, PEER), '127.0.0.1', () => {
        s.destroy();
        resolve();
      });
    });
    const r = await nextRecord(lab, PEER, seen);
    t.not(r.result, 'tls');
    await stillServes(t, lab, seen);
  });
});
