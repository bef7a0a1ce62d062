import net from 'node:net';
import t, { type Test } from 'tap';
import type { Lab } from '../../src/lab/lab.js';
import { linePort, startMailLab } from '../fixtures/mail-lab.js';
import { RawLine } from '../fixtures/raw-line.js';
import { captureClientHello } from '../fixtures/raw-smtp.js';
import { nextRecord } from '../fixtures/test-lab.js';

/**
 * IMAP clients that misbehave: overlong lines, bad literals, unknown commands, commands in the wrong
 * state, silence, and clients that vanish at every stage. Each gets the RFC's answer (a tagged or
 * untagged BAD, a BYE) or a clean close, one record that says what happened, and the server goes on
 * serving the next client.
 */

/** The server still works: a whole session over STARTTLS and one over implicit TLS. */
async function stillServes(t: Test, lab: Lab, seen: Set<string>): Promise<void> {
  const c = await RawLine.connect(linePort(lab, 'imap'));
  t.match(await c.line(), /^\* OK /, 'next client greeted');
  t.same(await c.imap('a', 'STARTTLS'), ['a OK Begin TLS negotiation now']);
  await c.startTls();
  t.match((await c.imap('b', 'LOGIN u p')).at(-1), /^b OK/, 'next client logs in');
  t.match((await c.imap('c', 'LOGOUT')).at(-1), /^c OK LOGOUT/);
  const r = await nextRecord(lab, 'imap', seen);
  t.equal(r.result, 'tls', 'next session: tls');
  const s = await RawLine.connectTls(linePort(lab, 'imap', 'implicit'));
  t.match(await s.line(), /^\* OK /, 'implicit listener still greets');
  await s.imap('z', 'LOGOUT');
  t.equal((await nextRecord(lab, 'imap', seen)).result, 'tls');
}

t.test('IMAP bad input', async (t) => {
  const lab = await startMailLab(t, { idleTimeoutMs: 400, handshakeTimeoutMs: 400 });
  const seen = new Set<string>();
  const port = linePort(lab, 'imap');

  await t.test('an overlong line without CRLF gets BYE [LIMIT] and a close', async (t) => {
    const c = await RawLine.connect(port);
    await c.line();
    c.write(Buffer.alloc(9000, 0x41));
    t.equal(await c.line(), '* BYE [LIMIT] Command line too long (more than 8192 bytes)');
    await c.waitClosed();
    const r = await nextRecord(lab, 'imap', seen);
    t.equal(r.result, 'error');
    t.equal(r.error?.code, 'ELINETOOLONG');
    t.match(r.error?.message, /longer than 8192 bytes/);
    t.ok(r.transcript.every((l) => l.line.length < 1000), 'the transcript does not keep the flood');
    await stillServes(t, lab, seen);
  });

  await t.test('an overlong line with CRLF after a good command', async (t) => {
    const c = await RawLine.connect(port);
    await c.line();
    t.match((await c.imap('a', 'CAPABILITY')).at(-1), /^a OK/);
    c.write(`b LOGIN ${'x'.repeat(10000)} y\r\n`);
    t.match(await c.line(), /^\* BYE \[LIMIT\]/);
    await c.waitClosed();
    t.equal((await nextRecord(lab, 'imap', seen)).error?.code, 'ELINETOOLONG');
  });

  await t.test('bad literals: not a number, too big (synchronizing and LITERAL+), cut short', async (t) => {
    const c = await RawLine.connect(port);
    await c.line();
    t.same(await c.imap('a', 'LOGIN {abc} x'), ['a BAD bad literal "{abc} x": want {N} at the end of the line'], 'a malformed literal is a syntax error');
    t.same(await c.imap('b', 'LOGIN {5 x'), ['b BAD bad literal "{5 x": want {N} at the end of the line']);
    t.same(await c.imap('c', 'SELECT {999999999}'), ['c BAD [TOOBIG] literal of 999999999 bytes is larger than 65536'], 'a synchronizing literal too big: BAD, no "+", the session goes on');
    t.same(await c.imap('d', 'NOOP'), ['d OK NOOP completed'], 'still in step after the refused literal');
    c.write('e SELECT {99999999+}\r\n');
    t.equal(await c.line(), '* BYE [TOOBIG] literal of 99999999 bytes is larger than 65536');
    await c.waitClosed();
    const r = await nextRecord(lab, 'imap', seen);
    t.equal(r.result, 'error');
    t.equal(r.error?.code, 'ELITERALTOOBIG');

    const cut = await RawLine.connect(port);
    await cut.line();
    cut.write('a LOGIN {20}\r\n');
    t.equal(await cut.line(), '+ Ready for literal data');
    cut.write('only-7b');
    await new Promise((r) => setTimeout(r, 50));
    cut.destroy();
    const rc = await nextRecord(lab, 'imap', seen);
    t.equal(rc.result, 'error');
    t.match(rc.error?.message, /in the middle of a literal \(7 of 20 bytes received\)/);
    await stillServes(t, lab, seen);
  });

  await t.test('syntax errors, unknown commands, wrong state', async (t) => {
    const c = await RawLine.connect(port);
    await c.line();
    c.write('\r\n');
    t.equal(await c.line(), '* BAD empty command line');
    c.write('+bad CAPABILITY\r\n');
    t.equal(await c.line(), '* BAD missing or invalid tag');
    t.same(await c.imap('a', 'FROBNICATE'), ['a BAD Unknown command FROBNICATE']);
    t.same(await c.imap('b', 'LOGIN "unterminated'), ['b BAD unterminated quoted string']);
    t.same(await c.imap('c', 'LOGIN onlyuser'), ['c BAD LOGIN needs a user name and a password']);
    t.same(await c.imap('d', 'CAPABILITY extra'), ['d BAD CAPABILITY takes no arguments']);
    t.same(await c.imap('e', 'FETCH 1 FLAGS'), ['e BAD FETCH needs a selected mailbox: log in and SELECT or EXAMINE first']);
    t.same(await c.imap('f', 'SELECT INBOX'), ['f BAD SELECT is not valid before login: LOGIN or AUTHENTICATE first']);
    t.same(await c.imap('g', 'UID'), ['g BAD UID needs a command (FETCH, SEARCH …)']);
    t.same(await c.imap('h', 'LIST (((((('), ['h BAD unterminated list'], 'syntax is checked before state');
    t.same(await c.imap('i', 'LOGIN a b'), ['i OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN SASL-IR LITERAL+ ID NAMESPACE UNSELECT] LOGIN completed']);
    t.same(await c.imap('j', 'STARTTLS'), ['j BAD STARTTLS is only valid before login (already authenticated)']);
    t.same(await c.imap('k', 'LIST "" (((((('), ['k BAD unterminated list']);
    t.same(await c.imap('l', 'SELECT INBOX'), ['* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)', '* OK [PERMANENTFLAGS (\\Seen)] Flags permitted.', '* 0 EXISTS', '* 0 RECENT', `* OK [UIDVALIDITY ${lab.mailbox.uidValidity}] UIDs valid`, '* OK [UIDNEXT 1] Predicted next UID', 'l OK [READ-WRITE] SELECT completed']);
    t.same(await c.imap('m', 'FETCH 1 FLAGS'), ['m BAD Invalid message sequence number (the mailbox has 0 messages)']);
    t.same(await c.imap('n', 'FETCH 0:x FLAGS'), ['n BAD Invalid sequence set 0:x']);
    t.same(await c.imap('o', 'UID FETCH 1:* (FLAGS'), ['o BAD unterminated list']);
    t.same(await c.imap('p', 'UID FETCH 1:* FLAGS'), ['p OK UID FETCH completed'], 'UID ranges over an empty mailbox are empty, not an error');
    t.same(await c.imap('q', 'FETCH 1 BODY[1.MIME]'), ['q BAD section [1.MIME] is not supported by mxlab (whole message, HEADER, TEXT, HEADER.FIELDS are)']);
    t.same(await c.imap('r', 'SEARCH'), ['r BAD SEARCH needs a search key']);
    t.same(await c.imap('s', 'SEARCH CHARSET KOI8-R ALL'), ['s NO [BADCHARSET (US-ASCII UTF-8)] Unsupported charset']);
    await c.imap('z', 'LOGOUT');
    const r = await nextRecord(lab, 'imap', seen);
    t.equal(r.result, 'plaintext', 'protocol errors are answered, not session failures');
    t.equal(r.reply, 's NO [BADCHARSET (US-ASCII UTF-8)] Unsupported charset', 'the last refusal is the reply');
    t.ok(r.transcript.some((l) => l.line === 'a BAD Unknown command FROBNICATE'), 'the transcript has every BAD');
  });

  await t.test('abrupt disconnects: between commands, mid-line, mid-AUTHENTICATE, with a reset', async (t) => {
    const a = await RawLine.connect(port);
    await a.line();
    await a.imap('a', 'NOOP');
    a.destroy();
    const ra = await nextRecord(lab, 'imap', seen);
    t.equal(ra.result, 'plaintext', 'leaving between commands loses nothing');
    t.match(ra.transcript.at(-1)?.line, /client closed the connection without LOGOUT/);

    const b = await RawLine.connect(port);
    await b.line();
    b.write('a LOG');
    await new Promise((r) => setTimeout(r, 50));
    b.destroy();
    const rb = await nextRecord(lab, 'imap', seen);
    t.equal(rb.result, 'error');
    t.match(rb.error?.message, /in the middle of a command line \(5 bytes without CRLF\)/);

    const c = await RawLine.connect(port);
    await c.line();
    c.write('a AUTHENTICATE PLAIN\r\n');
    t.equal(await c.line(), '+ ');
    c.destroy();
    const rc = await nextRecord(lab, 'imap', seen);
    t.match(rc.transcript.at(-1)?.line, /client closed the connection without LOGOUT|in the middle of AUTHENTICATE/);

    const d = await RawLine.connect(port);
    await d.line();
    d.socket.resetAndDestroy();
    const rd = await nextRecord(lab, 'imap', seen);
    t.ok(rd.result === 'error' || rd.result === 'plaintext', `a reset is recorded (${rd.result}: ${rd.error?.message ?? rd.transcript.at(-1)?.line})`);
    await stillServes(t, lab, seen);
  });

  await t.test('TLS gone wrong: silence or garbage after STARTTLS, plaintext on the implicit port, half a ClientHello', async (t) => {
    const a = await RawLine.connect(port);
    await a.line();
    await a.imap('a', 'STARTTLS');
    const ra = await nextRecord(lab, 'imap', seen);
    t.equal(ra.result, 'handshake-failed', 'silence after STARTTLS');
    t.equal(ra.error?.code, 'ERR_TLS_HANDSHAKE_TIMEOUT');
    await a.waitClosed();

    const b = await RawLine.connect(port);
    await b.line();
    await b.imap('a', 'STARTTLS');
    b.write('a LOGIN alice secret\r\n');
    const rb = await nextRecord(lab, 'imap', seen);
    t.equal(rb.result, 'handshake-failed');
    t.match(rb.error?.message, /not a ClientHello/);
    t.notOk(JSON.stringify(rb).includes('secret'), 'what looked like a password in place of the hello is not recorded');

    const c = await RawLine.connect(linePort(lab, 'imap', 'implicit'));
    c.write('a CAPABILITY\r\n');
    const rc = await nextRecord(lab, 'imap', seen);
    t.equal(rc.result, 'handshake-failed', 'plaintext to the implicit port');
    t.equal(rc.tlsMode, 'implicit');

    const hello = await captureClientHello();
    const d = await new Promise<net.Socket>((resolve) => {
      const s = net.connect(linePort(lab, 'imap', 'implicit'), '127.0.0.1', () => resolve(s));
    });
    d.on('error', () => undefined);
    d.write(hello.subarray(0, 20));
    await new Promise((r) => setTimeout(r, 50));
    d.destroy();
    const rd = await nextRecord(lab, 'imap', seen);
    t.equal(rd.result, 'handshake-failed');
    t.match(rd.error?.message, /in the middle of its ClientHello/);
    await stillServes(t, lab, seen);
  });

  await t.test('bytes pipelined after STARTTLS are discarded (command injection) and the record says so', async (t) => {
    const c = await RawLine.connect(port);
    await c.line();
    c.write('a STARTTLS\r\nb LOGIN injected command\r\n');
    t.equal(await c.line(), 'a OK Begin TLS negotiation now');
    await c.startTls();
    t.same(await c.imap('c', 'NOOP'), ['c OK NOOP completed'], 'the injected command was never answered');
    await c.imap('d', 'LOGOUT');
    const r = await nextRecord(lab, 'imap', seen);
    t.equal(r.result, 'tls');
    t.ok(r.transcript.some((l) => /bytes sent after the command and before the TLS handshake were discarded/.test(l.line)));
  });

  await t.test('an idle client gets BYE Autologout', async (t) => {
    const c = await RawLine.connect(port);
    await c.line();
    t.equal(await c.line(2000), '* BYE Autologout; idle for too long');
    await c.waitClosed();
    const r = await nextRecord(lab, 'imap', seen);
    t.equal(r.result, 'error');
    t.equal(r.error?.code, 'ETIMEDOUT');
    await stillServes(t, lab, seen);
  });
});
