import t, { type Test } from 'tap';
import type { Lab } from '../../src/lab/lab.js';
import { linePort, startMailLab } from '../fixtures/mail-lab.js';
import { RawLine } from '../fixtures/raw-line.js';
import { nextRecord } from '../fixtures/test-lab.js';

/**
 * POP3 clients that misbehave. POP3 has no literals, so an overlong line is answered with -ERR and
 * the session goes on at the next line; everything else gets -ERR or a clean close, one record that
 * says what happened, and the server goes on serving.
 */

async function stillServes(t: Test, lab: Lab, seen: Set<string>): Promise<void> {
  const c = await RawLine.connect(linePort(lab, 'pop3'));
  t.match(await c.line(), /^\+OK /, 'next client greeted');
  t.equal(await c.pop('STLS'), '+OK Begin TLS negotiation');
  await c.startTls();
  t.equal(await c.pop('USER u'), '+OK');
  t.match(await c.pop('PASS p'), /^\+OK Logged in/, 'next client logs in');
  t.match(await c.pop('QUIT'), /^\+OK /);
  t.equal((await nextRecord(lab, 'pop3', seen)).result, 'tls', 'next session: tls');
}

t.test('POP3 bad input', async (t) => {
  const lab = await startMailLab(t, { idleTimeoutMs: 400, handshakeTimeoutMs: 400 });
  const seen = new Set<string>();
  const port = linePort(lab, 'pop3');

  await t.test('overlong lines get -ERR and the session goes on', async (t) => {
    const c = await RawLine.connect(port);
    await c.line();
    c.write(`USER ${'x'.repeat(5000)}\r\n`);
    t.equal(await c.line(), '-ERR Line too long (limit 1024 bytes)');
    t.equal(await c.pop('NOOP'), '+OK', 'in step after the long line');
    c.write(Buffer.alloc(3000, 0x42));
    t.equal(await c.line(), '-ERR Line too long (limit 1024 bytes)', 'answered before the line ends');
    c.write('BBBB\r\nNOOP\r\n');
    t.equal(await c.line(), '+OK', 'the rest of the long line is dropped');
    await c.pop('QUIT');
    const r = await nextRecord(lab, 'pop3', seen);
    t.equal(r.result, 'plaintext');
    t.equal(r.reply, '-ERR Line too long (limit 1024 bytes)');
    t.equal(r.transcript.filter((l) => /longer than 1024 bytes/.test(l.line)).length, 2, 'both in the record');
  });

  await t.test('unknown commands, bad arguments, wrong state', async (t) => {
    const c = await RawLine.connect(port);
    await c.line();
    t.equal(await c.pop(''), '-ERR Unknown command: ');
    t.equal(await c.pop('HELO x'), '-ERR Unknown command: HELO');
    t.equal(await c.pop('RETR 1'), '-ERR RETR is not valid before login: USER/PASS or AUTH first');
    t.equal(await c.pop('USER'), '-ERR USER needs a name');
    t.equal(await c.pop('APOP u 0123'), '-ERR APOP is not supported (no timestamp in the greeting)');
    t.equal(await c.pop('AUTH PLAIN a b'), '-ERR AUTH takes a mechanism and at most an initial response');
    t.equal(await c.pop('STLS now'), '-ERR STLS takes no argument');
    t.equal(await c.pop('USER u'), '+OK');
    t.match(await c.pop('PASS p'), /^\+OK Logged in/);
    t.equal(await c.pop('STLS'), '-ERR STLS is only valid before login (already logged in)');
    t.equal(await c.pop('RETR 0'), '-ERR Invalid message number "0"');
    t.equal(await c.pop('RETR -1'), '-ERR Invalid message number "-1"');
    t.equal(await c.pop('RETR 99999999999'), '-ERR Invalid message number "99999999999"');
    t.equal(await c.pop('TOP 1 x'), '-ERR TOP needs a message number and a number of lines');
    t.equal(await c.pop('DELE 1'), '-ERR No such message (the maildrop has 0)');
    await c.pop('QUIT');
    const r = await nextRecord(lab, 'pop3', seen);
    t.equal(r.result, 'plaintext');
    t.ok(r.transcript.some((l) => l.line === '-ERR Unknown command: HELO'));
  });

  await t.test('abrupt disconnects and resets', async (t) => {
    const a = await RawLine.connect(port);
    await a.line();
    a.destroy();
    const ra = await nextRecord(lab, 'pop3', seen);
    t.equal(ra.result, 'plaintext');
    t.match(ra.transcript.at(-1)?.line, /client closed the connection without QUIT/);

    const b = await RawLine.connect(port);
    await b.line();
    b.write('US');
    await new Promise((r) => setTimeout(r, 50));
    b.destroy();
    const rb = await nextRecord(lab, 'pop3', seen);
    t.equal(rb.result, 'error');
    t.match(rb.error?.message, /in the middle of a command line/);

    const c = await RawLine.connect(port);
    await c.line();
    t.equal(await c.pop('AUTH PLAIN'), '+ ');
    c.destroy();
    const rc = await nextRecord(lab, 'pop3', seen);
    t.equal(rc.result, 'error');
    t.match(rc.error?.message, /in the middle of AUTH/);

    const d = await RawLine.connect(port);
    await d.line();
    d.socket.resetAndDestroy();
    const rd = await nextRecord(lab, 'pop3', seen);
    t.ok(rd.result === 'error' || rd.result === 'plaintext', `a reset is recorded (${rd.result})`);

    const e = await RawLine.connect(port);
    await e.line();
    await e.pop('STLS');
    e.write('USER injected\r\n');
    const re = await nextRecord(lab, 'pop3', seen);
    t.equal(re.result, 'handshake-failed', 'plaintext where the ClientHello belongs');
    await stillServes(t, lab, seen);
  });

  await t.test('pipelined bytes after STLS are discarded', async (t) => {
    const c = await RawLine.connect(port);
    await c.line();
    c.write('STLS\r\nUSER injected\r\n');
    t.equal(await c.line(), '+OK Begin TLS negotiation');
    await c.startTls();
    t.equal(await c.pop('PASS x'), '-ERR No user name given: USER first', 'the injected USER was never seen');
    await c.pop('QUIT');
    const r = await nextRecord(lab, 'pop3', seen);
    t.ok(r.transcript.some((l) => /discarded/.test(l.line)));
  });

  await t.test('an idle client is closed without a reply (RFC 1939 autologout)', async (t) => {
    const c = await RawLine.connect(port);
    await c.line();
    await c.waitClosed(3000);
    const r = await nextRecord(lab, 'pop3', seen);
    t.equal(r.result, 'error');
    t.equal(r.error?.code, 'ETIMEDOUT');
    t.match(r.error?.message, /autologout/);
    await stillServes(t, lab, seen);
  });
});
