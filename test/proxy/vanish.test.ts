import net from 'node:net';
import t, { type Test } from 'tap';
import type { MitmProxy } from '../../src/proxy/proxy.js';
import type { SessionRecord } from '../../src/model/session-record.js';
import { RawLine } from '../fixtures/raw-line.js';
import { RawSmtp } from '../fixtures/raw-smtp.js';
import { runCommand } from '../fixtures/run-command.js';
import { nextRecord, portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * Sides that vanish, and upstreams that misbehave on purpose (small scripted servers): the proxy's
 * record says what happened and the proxy goes on serving. Also the byte-exact relay of IMAP
 * literals, which a line-by-line proxy must not read as lines.
 */

/** A scripted upstream: `script` gets each connection's socket and a line reader. */
async function scripted(t: Test, script: (socket: net.Socket, line: () => Promise<string>) => Promise<void> | void): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    let buffer = '';
    let wake: (() => void) | undefined;
    let closed = false;
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      buffer += d;
      wake?.();
    });
    socket.on('close', () => {
      closed = true;
      wake?.();
    });
    const line = (): Promise<string> =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const nl = buffer.indexOf('\r\n');
          if (nl >= 0) {
            wake = undefined;
            const l = buffer.slice(0, nl);
            buffer = buffer.slice(nl + 2);
            resolve(l);
          } else if (closed) reject(new Error('closed'));
        };
        wake = check;
        check();
      });
    void Promise.resolve(script(socket, line)).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return (server.address() as net.AddressInfo).port;
}

const portOfProxy = (p: MitmProxy): number => p.endpoints[0]!.port;

/** A minimal ESMTP upstream that offers STARTTLS; `onMail` decides what happens at MAIL FROM. */
function smtpScript(onMail: (socket: net.Socket) => void) {
  return async (socket: net.Socket, line: () => Promise<string>): Promise<void> => {
    socket.write('220 scripted.test ESMTP\r\n');
    for (;;) {
      const l = (await line()).toUpperCase();
      if (l.startsWith('EHLO')) socket.write('250-scripted.test\r\n250-STARTTLS\r\n250 8BITMIME\r\n');
      else if (l.startsWith('MAIL')) return onMail(socket);
      else if (l === 'QUIT') {
        socket.end('221 bye\r\n');
        return;
      } else socket.write('250 ok\r\n');
    }
  };
}

t.test('a client that vanishes in the middle of DATA: error with the stage, and the proxy keeps serving', async (t) => {
  const lab = await startTestLab(t, [{ name: 'rx', profile: 'modern', smtp: [0] }]);
  const proxy = await lab.addProxy({ name: 'px', protocol: 'smtp', strip: 'capability', upstream: `127.0.0.1:${portOf(lab, 'rx')}` });
  const seen = new Set<string>();
  const c = await RawSmtp.connect(portOfProxy(proxy));
  const ehlo = await c.hello();
  t.notOk(ehlo.some((l) => /STARTTLS/.test(l)), 'STARTTLS stripped');
  await c.command('MAIL FROM:<a@example.org>');
  await c.command('RCPT TO:<b@example.net>');
  t.match((await c.command('DATA'))[0], /^354/);
  c.write('Subject: half\r\n\r\nfirst line\r\n');
  await new Promise((r) => setTimeout(r, 50));
  c.destroy();
  const p = await nextRecord(lab, 'px', seen);
  t.equal(p.result, 'error');
  t.equal(p.error?.stage, 'data');
  t.match(p.error?.message, /^the client vanished in the middle of the message content/);
  t.match(p.interception, { mailInClear: true, continuedInPlaintext: true });
  t.match(p.interception?.summary, /client continued in plaintext: mail in the clear/);
  const r = await nextRecord(lab, 'rx', seen);
  t.equal(r.messages.length, 0, 'the receiver stored nothing');

  // A client that leaves between commands without QUIT is a note, not an error.
  const quiet = await RawSmtp.connect(portOfProxy(proxy));
  await quiet.hello();
  quiet.destroy();
  const p2 = await nextRecord(lab, 'px', seen);
  t.equal(p2.result, 'plaintext');
  t.notOk(p2.error);
  t.ok(p2.transcript.some((l) => l.line === 'the client closed the connection without QUIT'));

  const res = await runCommand('swaks', ['--to', 'b@example.net', '--from', 'a@example.org', '--server', `127.0.0.1:${portOfProxy(proxy)}`, '--tls-optional', '--timeout', '5']);
  t.equal(res.code, 0, 'the proxy still serves');
  t.equal((await nextRecord(lab, 'px', seen)).interception?.mailInClear, true);
});

t.test('an upstream that vanishes before answering, one that says 421, one that is not there', async (t) => {
  const lab = await startTestLab(t);
  const seen = new Set<string>();
  const vanishing = await scripted(t, smtpScript((s) => s.destroy()));
  const px = await lab.addProxy({ name: 'px', protocol: 'smtp', strip: 'none', upstream: `127.0.0.1:${vanishing}` });
  for (let i = 0; i < 2; i++) {
    const c = await RawSmtp.connect(portOfProxy(px));
    const ehlo = await c.hello();
    t.ok(ehlo.some((l) => /STARTTLS/.test(l)), `connection ${i + 1}: strip none passes STARTTLS`);
    c.write('MAIL FROM:<a@example.org>\r\n');
    await c.waitClosed();
    const p = await nextRecord(lab, 'px', seen);
    t.equal(p.result, 'error', `connection ${i + 1}: error`);
    t.equal(p.error?.stage, 'command');
    t.match(p.error?.message, /^the upstream vanished before the reply to MAIL/);
    t.match(p.interception, { startTlsOfferedByUpstream: true, startTlsSeenByClient: true, continuedInPlaintext: true, mailInClear: false });
  }

  const busy = await scripted(t, smtpScript((s) => s.end('421 4.3.2 Service shutting down\r\n')));
  const px421 = await lab.addProxy({ name: 'px421', protocol: 'smtp', strip: 'capability', upstream: `127.0.0.1:${busy}` });
  const c = await RawSmtp.connect(portOfProxy(px421));
  await c.hello();
  t.same(await c.command('MAIL FROM:<a@example.org>'), ['421 4.3.2 Service shutting down'], 'the client gets the 421');
  await c.waitClosed();
  const p421 = await nextRecord(lab, 'px421', seen);
  t.equal(p421.error?.message, 'the upstream closed the session: 421 4.3.2 Service shutting down');

  const nothing = await scripted(t, () => undefined);
  const gone = await lab.addProxy({ name: 'gone', protocol: 'smtp', strip: 'capability', upstream: '127.0.0.1:1' });
  void nothing;
  const g = await RawSmtp.connect(portOfProxy(gone));
  await g.waitClosed();
  const pg = await nextRecord(lab, 'gone', seen);
  t.equal(pg.result, 'error');
  t.equal(pg.error?.stage, 'connect');
  t.equal(pg.error?.code, 'ECONNREFUSED');
  t.match(pg.error?.message, /^cannot reach the upstream 127\.0\.0\.1:1: connection refused/);
  t.same(pg.interception?.upstream, { host: '127.0.0.1', port: 1 });
});

t.test('pop3: an upstream that vanishes in the middle of RETR', async (t) => {
  const lab = await startTestLab(t);
  const port = await scripted(t, async (s, line) => {
    s.write('+OK scripted POP3\r\n');
    for (;;) {
      const l = (await line()).toUpperCase();
      if (l === 'CAPA') s.write('+OK\r\nUSER\r\nSTLS\r\n.\r\n');
      else if (l.startsWith('RETR')) {
        s.write('+OK 100 octets\r\nSubject: cut\r\n\r\nhalf a mess');
        setTimeout(() => s.destroy(), 30);
        return;
      } else s.write('+OK\r\n');
    }
  });
  const px = await lab.addProxy({ name: 'px', protocol: 'pop3', strip: 'capability', upstream: `127.0.0.1:${port}` });
  const c = await RawLine.connect(portOfProxy(px));
  t.match(await c.line(), /^\+OK/);
  const capa = await c.popMulti('CAPA');
  t.same(capa.lines, ['USER'], 'STLS stripped from CAPA');
  t.match(await c.pop('USER alice'), /^\+OK/);
  t.match(await c.pop('PASS secret'), /^\+OK/);
  c.write('RETR 1\r\n');
  await c.waitClosed();
  const p = await nextRecord(lab, 'px', new Set());
  t.equal(p.result, 'error');
  t.equal(p.error?.stage, 'data');
  t.match(p.error?.message, /^the upstream vanished in the middle of the message content/);
  t.match(p.interception, { credentialsInClear: true, continuedInPlaintext: true });
  t.ok(p.transcript.some((l) => l.line === 'PASS /* secret masked */'));
  t.notOk(JSON.stringify(p).replaceAll('secret masked', '').includes('secret'), 'password masked');
});

t.test('imap: literals cross byte for byte both ways, never read as lines', async (t) => {
  const lab = await startTestLab(t);
  const got: string[] = [];
  const body = 'Subject: x\r\n\r\n* CAPABILITY IMAP4rev1 STARTTLS\r\nbare\nLF\r\n';
  const port = await scripted(t, async (s, line) => {
    s.write('* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] scripted\r\n');
    const login = await line();
    got.push(login);
    s.write('+ go\r\n');
    got.push(await line());
    s.write('+ go\r\n');
    got.push(await line());
    s.write('a OK [CAPABILITY IMAP4rev1 IDLE] logged in\r\n');
    got.push(await line());
    s.write(`* 1 FETCH (UID 7 BODY[] {${Buffer.byteLength(body)}}\r\n${body})\r\nb OK done\r\n`);
    got.push(await line());
    s.end('* BYE bye\r\nc OK LOGOUT completed\r\n');
  });
  const px = await lab.addProxy({ name: 'px', protocol: 'imap', strip: 'capability', upstream: `127.0.0.1:${port}` });
  const c = await RawLine.connect(portOfProxy(px));
  t.equal(await c.line(), '* OK [CAPABILITY IMAP4rev1] scripted', 'STARTTLS and LOGINDISABLED gone from the greeting');
  c.write('a LOGIN {5}\r\n');
  t.equal(await c.line(), '+ go');
  c.write('alice {6}\r\n');
  t.equal(await c.line(), '+ go');
  c.write('secret\r\n');
  t.equal(await c.line(), 'a OK [CAPABILITY IMAP4rev1 IDLE] logged in');
  c.write('b FETCH 1 BODY[]\r\n');
  t.equal(await c.line(), `* 1 FETCH (UID 7 BODY[] {${Buffer.byteLength(body)}}`);
  t.equal((await c.bytes(Buffer.byteLength(body))).toString('latin1'), body, 'the literal arrives untouched (its CAPABILITY line kept, its bare LF kept)');
  t.equal(await c.line(), ')');
  t.equal(await c.line(), 'b OK done');
  c.write('c LOGOUT\r\n');
  t.same(await c.until(/^c OK/), ['* BYE bye', 'c OK LOGOUT completed']);
  await c.waitClosed();
  t.same(got, ['a LOGIN {5}', 'alice {6}', 'secret', 'b FETCH 1 BODY[]', 'c LOGOUT'], 'the upstream got the command with its literals, exactly');
  const p: SessionRecord = await nextRecord(lab, 'px', new Set());
  t.notOk(p.error, 'a clean end');
  t.match(p.interception, { credentialsInClear: true, mailInClear: true, continuedInPlaintext: true, startTlsOfferedByUpstream: true, startTlsSeenByClient: false });
  t.notOk(JSON.stringify(p).replaceAll('secret masked', '').includes('secret'), 'password masked');
  t.notOk(JSON.stringify(p.transcript).includes('alice {6}'), 'a literal login is masked whole');
  t.ok(p.transcript.some((l) => l.line === 'message content: ' + Buffer.byteLength(body) + ' bytes, in the clear'));
  t.equal(p.loginBeforeTls, true);
});
