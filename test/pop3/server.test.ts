import { readFileSync } from 'node:fs';
import t from 'tap';
import { dotStuff, topOf } from '../../src/pop3/message-data.js';
import { deliverMessage, linePort, sampleMessage, startMailLab } from '../fixtures/mail-lab.js';
import { RawLine } from '../fixtures/raw-line.js';
import { nextRecord } from '../fixtures/test-lab.js';

/**
 * The POP3 server command by command (RFC 1939, CAPA of RFC 2449, STLS of RFC 2595, AUTH of
 * RFC 5034), with a hand-driven client, and what the session record keeps of it.
 */

const plain = (user: string, pass: string): string => Buffer.from(`\0${user}\0${pass}`).toString('base64');

t.test('dot-stuffing and TOP on raw bytes', async (t) => {
  t.same(dotStuff(Buffer.from('.a\r\nb\r\n.\r\n..c\r\n')).toString(), '..a\r\nb\r\n..\r\n...c\r\n');
  t.same(dotStuff(Buffer.from('no final newline')).toString(), 'no final newline\r\n', 'a line ending is added before the terminator');
  t.same(dotStuff(Buffer.from('bare\n.lf\n')).toString(), 'bare\n..lf\n');
  t.same(dotStuff(Buffer.alloc(0)).toString(), '');
  const m = Buffer.from('A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\nl3\r\n');
  t.same(topOf(m, 0).toString(), 'A: 1\r\nB: 2\r\n\r\n');
  t.same(topOf(m, 2).toString(), 'A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\n');
  t.same(topOf(m, 99).toString(), m.toString());
});

t.test('optional policy: CAPA, STLS, USER/PASS, the maildrop, DELE and QUIT', async (t) => {
  const lab = await startMailLab(t);
  const m1 = await deliverMessage(lab, sampleMessage(1));
  const m2 = await deliverMessage(lab, sampleMessage(2, '.\r\n..\r\n'));
  const stored1 = readFileSync(m1.file);
  const stored2 = readFileSync(m2.file);
  const seen = new Set<string>();
  const c = await RawLine.connect(linePort(lab, 'pop3'));
  t.equal(await c.line(), '+OK pop3.mxlab.test mxlab POP3 server ready');
  const capa = await c.popMulti('CAPA');
  t.same(capa.lines, ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'USER', 'SASL PLAIN', 'STLS', 'IMPLEMENTATION mxlab']);
  t.equal(await c.pop('STAT'), '-ERR STAT is not valid before login: USER/PASS or AUTH first');
  t.equal(await c.pop('PASS x'), '-ERR No user name given: USER first');
  t.equal(await c.pop('STLS'), '+OK Begin TLS negotiation');
  await c.startTls();
  t.notOk((await c.popMulti('CAPA')).lines.includes('STLS'), 'no STLS over TLS');
  t.equal(await c.pop('STLS'), '-ERR Command not permitted when TLS active');
  t.equal(await c.pop('USER alice'), '+OK');
  t.equal(await c.pop('PASS pass word'), `+OK Logged in (2 messages, ${stored1.length + stored2.length} octets)`);
  t.equal(await c.pop('USER bob'), '-ERR USER is only valid before login (already logged in)');
  t.equal(await c.pop('STAT'), `+OK 2 ${stored1.length + stored2.length}`);
  t.same((await c.popMulti('LIST')).lines, [`1 ${stored1.length}`, `2 ${stored2.length}`]);
  t.equal(await c.pop('LIST 2'), `+OK 2 ${stored2.length}`);
  t.equal(await c.pop('LIST 3'), '-ERR No such message (the maildrop has 2)');
  t.equal(await c.pop('LIST x'), '-ERR Invalid message number "x"');
  t.same((await c.popMulti('UIDL')).lines, [`1 ${m1.id}`, `2 ${m2.id}`]);
  // RETR: the stored bytes, dot-stuffed on the wire; un-stuffed they are byte-identical.
  c.write('RETR 2\r\n');
  t.equal(await c.line(), `+OK ${stored2.length} octets`);
  const wire = await c.bytes(dotStuff(stored2).length + 3);
  t.equal(wire.subarray(-3).toString(), '.\r\n', 'terminated by a lone dot');
  const unstuffed = Buffer.from(wire.subarray(0, -3).toString('latin1').replace(/^\./gm, ''), 'latin1');
  t.same(unstuffed, stored2, 'RETR un-stuffed is the stored message');
  const top = await c.popMulti('TOP 1 1');
  t.equal(top.lines.at(-1), 'Body of message 1.', 'TOP: header and one body line');
  t.equal(await c.pop('TOP 1'), '-ERR TOP needs a message number and a number of lines');
  t.equal(await c.pop('DELE 1'), '+OK Message 1 deleted');
  t.equal(await c.pop('DELE 1'), '-ERR Message 1 is deleted');
  t.equal(await c.pop('RETR 1'), '-ERR Message 1 is deleted');
  t.equal(await c.pop('STAT'), `+OK 1 ${stored2.length}`);
  t.equal(await c.pop('RSET'), '+OK 2 messages');
  t.equal(await c.pop('DELE 2'), '+OK Message 2 deleted');
  t.equal(await c.pop('NOOP'), '+OK');
  t.equal(await c.pop('XYZZY'), '-ERR Unknown command: XYZZY');
  t.equal(await c.pop('QUIT'), '+OK pop3.mxlab.test mxlab POP3 server signing off (1 message deleted)');
  await c.waitClosed();
  t.same(lab.mailbox.list().map((m) => m.uid), [m1.uid], 'the deleted message left the mailbox');
  t.ok(readFileSync(m2.file).length, 'its .eml stays in the run folder');
  const r = await nextRecord(lab, 'pop3', seen);
  t.equal(r.protocol, 'pop3');
  t.equal(r.result, 'tls');
  t.equal(r.startTlsOffered, true);
  t.equal(r.startTlsAttempted, true);
  t.equal(r.loginBeforeTls, true);
  t.ok(r.capabilities?.beforeTls?.includes('STLS'));
  t.notOk(r.capabilities?.afterTls?.includes('STLS'));
  t.notOk(JSON.stringify(r).includes('pass word'), 'password masked');
  t.ok(r.transcript.some((l) => l.line === 'PASS /* secret masked */'));
  t.ok(r.transcript.some((l) => l.line === 'USER alice'), 'user name kept');
  t.ok(r.transcript.some((l) => /message\(s\) deleted from the lab mailbox/.test(l.line)), 'the deletion is in the record');
});

t.test('required policy: no USER or SASL before STLS; USER, PASS and AUTH get -ERR; the record says so', async (t) => {
  const lab = await startMailLab(t, { policy: 'required' });
  const seen = new Set<string>();
  const c = await RawLine.connect(linePort(lab, 'pop3'));
  await c.line();
  t.same((await c.popMulti('CAPA')).lines, ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'STLS', 'IMPLEMENTATION mxlab']);
  const refusal = '-ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.';
  t.equal(await c.pop('USER alice'), refusal);
  t.equal(await c.pop('PASS secret'), refusal);
  t.equal(await c.pop(`AUTH PLAIN ${plain('alice', 'secret')}`), refusal);
  t.same((await c.popMulti('AUTH')).lines, [], 'no mechanism offered in plaintext');
  t.equal(await c.pop('STLS'), '+OK Begin TLS negotiation');
  await c.startTls();
  const caps = (await c.popMulti('CAPA')).lines;
  t.ok(caps.includes('USER') && caps.includes('SASL PLAIN'), 'USER and SASL PLAIN over TLS');
  t.equal(await c.pop(`AUTH PLAIN ${plain('alice', 'secret')}`), '+OK Logged in (0 messages, 0 octets)');
  t.match(await c.pop('QUIT'), /^\+OK .*signing off \(0 messages deleted\)/);
  const r = await nextRecord(lab, 'pop3', seen);
  t.equal(r.result, 'refused');
  t.equal(r.reply, refusal);
  t.equal(r.loginBeforeTls, false);
  t.equal(r.version !== undefined, true);

  const s = await RawLine.connectTls(linePort(lab, 'pop3', 'implicit'));
  await s.line();
  t.equal(await s.pop('USER alice'), '+OK', 'implicit TLS: USER at once');
  t.match(await s.pop('PASS x'), /^\+OK Logged in/);
  await s.pop('QUIT');
  const ri = await nextRecord(lab, 'pop3', seen);
  t.equal(ri.result, 'tls');
  t.equal(ri.tlsMode, 'implicit');
});

t.test('AUTH PLAIN with continuation, cancel, bad base64; configured credentials', async (t) => {
  const lab = await startMailLab(t, { credentials: { alice: 's3cret' } });
  const seen = new Set<string>();
  const c = await RawLine.connectTls(linePort(lab, 'pop3', 'implicit'));
  await c.line();
  t.equal(await c.pop('AUTH CRAM-MD5'), '-ERR Unsupported authentication mechanism CRAM-MD5 (PLAIN is)');
  t.equal(await c.pop('AUTH PLAIN'), '+ ');
  t.equal(await c.pop('*'), '-ERR AUTH cancelled');
  t.equal(await c.pop('AUTH PLAIN'), '+ ');
  t.equal(await c.pop('%%%'), '-ERR Invalid base64 data');
  t.equal(await c.pop('USER alice'), '+OK');
  t.equal(await c.pop('PASS wrong'), '-ERR [AUTH] Authentication failed.');
  t.equal(await c.pop('AUTH PLAIN'), '+ ');
  t.equal(await c.pop(plain('alice', 's3cret')), '+OK Logged in (0 messages, 0 octets)');
  await c.pop('QUIT');
  const r = await nextRecord(lab, 'pop3', seen);
  t.notOk(JSON.stringify(r).includes(plain('alice', 's3cret')));
  t.ok(r.transcript.some((l) => l.dir === 'C' && l.line === '*'));
});
