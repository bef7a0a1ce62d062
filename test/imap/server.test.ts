import { readFileSync } from 'node:fs';
import t from 'tap';
import { deliverMessage, linePort, sampleMessage, startMailLab } from '../fixtures/mail-lab.js';
import { RawLine } from '../fixtures/raw-line.js';
import { nextRecord } from '../fixtures/test-lab.js';

/**
 * The IMAP server command by command, with a hand-driven client: what RFC 3501/9051 say each command
 * answers in each state, literals, SASL, and what the session record keeps of it.
 */

const plain = (user: string, pass: string): string => Buffer.from(`\0${user}\0${pass}`).toString('base64');

/** Connect, STARTTLS, log in: a client in the authenticated state. */
async function loggedIn(port: number): Promise<RawLine> {
  const c = await RawLine.connect(port);
  await c.line();
  await c.imap('s', 'STARTTLS');
  await c.startTls();
  const r = await c.imap('l', 'LOGIN alice secret');
  if (!/^l OK/.test(r.at(-1)!)) throw new Error(`login failed: ${r.join(' | ')}`);
  return c;
}

t.test('optional policy: greeting, capabilities, STARTTLS, login, and the record', async (t) => {
  const lab = await startMailLab(t);
  const seen = new Set<string>();
  const c = await RawLine.connect(linePort(lab, 'imap'));
  const greeting = await c.line();
  t.match(greeting, /^\* OK \[CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN SASL-IR LITERAL\+ ID NAMESPACE UNSELECT\] /, 'greeting carries the capabilities');
  t.same(await c.imap('a', 'CAPABILITY'), ['* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN SASL-IR LITERAL+ ID NAMESPACE UNSELECT', 'a OK CAPABILITY completed']);
  t.same(await c.imap('b', 'NOOP'), ['b OK NOOP completed']);
  t.same(await c.imap('c', 'STARTTLS'), ['c OK Begin TLS negotiation now']);
  const secure = await c.startTls({ maxVersion: 'TLSv1.2' });
  t.equal(secure.getProtocol(), 'TLSv1.2');
  const caps = await c.imap('d', 'CAPABILITY');
  t.notMatch(caps[0], /STARTTLS/, 'no STARTTLS over TLS');
  t.same(await c.imap('e', 'STARTTLS'), ['e BAD TLS is already active']);
  t.match((await c.imap('f', 'LOGIN alice "pass word"')).at(-1), /^f OK \[CAPABILITY .*\] LOGIN completed$/);
  t.same(await c.imap('g', 'LOGIN alice again'), ['g BAD LOGIN is only valid before login (already authenticated)']);
  t.same(await c.imap('h', 'LOGOUT'), ['* BYE mxlab IMAP4rev1 server logging out', 'h OK LOGOUT completed']);
  await c.waitClosed();
  const r = await nextRecord(lab, 'imap', seen);
  t.equal(r.protocol, 'imap');
  t.equal(r.role, 'server');
  t.equal(r.tlsMode, 'explicit');
  t.equal(r.result, 'tls');
  t.equal(r.version, 'TLSv1.2');
  t.equal(r.startTlsOffered, true);
  t.equal(r.startTlsAttempted, true);
  t.equal(r.loginBeforeTls, true);
  t.same(r.capabilities?.beforeTls, ['IMAP4rev1', 'STARTTLS', 'AUTH=PLAIN', 'SASL-IR', 'LITERAL+', 'ID', 'NAMESPACE', 'UNSELECT']);
  t.notOk(r.capabilities?.afterTls?.includes('STARTTLS'));
  t.equal(r.clientHello?.maxVersion, 'TLSv1.2', 'ClientHello read before OpenSSL');
  t.equal(r.reply, 'g BAD LOGIN is only valid before login (already authenticated)', 'the last refusal is the deciding reply');
  const text = JSON.stringify(r);
  t.notOk(text.includes('pass word'), 'password not in the record');
  t.ok(r.transcript.some((l) => l.dir === 'C' && l.line === 'f LOGIN alice /* secret masked */'), 'LOGIN line masked, user kept');
});

t.test('required policy: LOGINDISABLED before STARTTLS, LOGIN and AUTHENTICATE refused, allowed after', async (t) => {
  const lab = await startMailLab(t, { policy: 'required' });
  const seen = new Set<string>();
  const c = await RawLine.connect(linePort(lab, 'imap'));
  t.match(await c.line(), /^\* OK \[CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED SASL-IR /, 'LOGINDISABLED and no AUTH=PLAIN before TLS');
  const refusal = 'a NO [PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.';
  t.same(await c.imap('a', 'LOGIN alice secret'), [refusal]);
  t.same(await c.imap('b', `AUTHENTICATE PLAIN ${plain('alice', 'secret')}`), [refusal.replace(/^a/, 'b')]);
  t.same(await c.imap('c', 'SELECT INBOX'), ['c BAD SELECT is not valid before login: LOGIN or AUTHENTICATE first']);
  await c.imap('d', 'STARTTLS');
  await c.startTls();
  const caps = await c.imap('e', 'CAPABILITY');
  t.match(caps[0], /AUTH=PLAIN/, 'AUTH=PLAIN over TLS');
  t.notMatch(caps[0], /LOGINDISABLED/, 'no LOGINDISABLED over TLS');
  t.match((await c.imap('f', 'LOGIN alice secret')).at(-1), /^f OK/);
  await c.imap('g', 'LOGOUT');
  const r = await nextRecord(lab, 'imap', seen);
  t.equal(r.result, 'refused', 'a refused plaintext login makes the session refused');
  t.equal(r.reply, refusal.replace(/^a/, 'b'), 'the last refusal');
  t.equal(r.loginBeforeTls, false);
  t.ok(r.capabilities?.beforeTls?.includes('LOGINDISABLED'));
  t.equal(r.version !== undefined, true, 'TLS details kept');

  // Implicit TLS: no LOGINDISABLED, login at once.
  const s = await RawLine.connectTls(linePort(lab, 'imap', 'implicit'));
  t.match(await s.line(), /^\* OK \[CAPABILITY IMAP4rev1 AUTH=PLAIN /);
  t.match((await s.imap('a', 'LOGIN alice secret')).at(-1), /^a OK/);
  await s.imap('b', 'LOGOUT');
  const ri = await nextRecord(lab, 'imap', seen);
  t.equal(ri.tlsMode, 'implicit');
  t.equal(ri.result, 'tls');
  t.equal(ri.policy, 'implicit');
  t.equal(ri.loginBeforeTls, undefined, 'nothing before TLS on an implicit port');
});

t.test('AUTHENTICATE PLAIN: SASL-IR, continuation, empty and cancelled responses, bad base64; credentials', async (t) => {
  const lab = await startMailLab(t, { credentials: { alice: 's3cret' } });
  const seen = new Set<string>();
  const c = await RawLine.connectTls(linePort(lab, 'imap', 'implicit'));
  await c.line();
  t.same(await c.imap('a', `AUTHENTICATE PLAIN ${plain('alice', 'wrong')}`), ['a NO [AUTHENTICATIONFAILED] Authentication failed.']);
  t.same(await c.imap('b', 'LOGIN mallory s3cret'), ['b NO [AUTHENTICATIONFAILED] Authentication failed.']);
  t.same(await c.imap('c', 'AUTHENTICATE PLAIN !!!'), ['c BAD Invalid base64 data']);
  t.same(await c.imap('d', 'AUTHENTICATE CRAM-MD5'), ['d NO [CANNOT] Unsupported authentication mechanism CRAM-MD5 (PLAIN is)']);
  c.write('e AUTHENTICATE PLAIN\r\n');
  t.equal(await c.line(), '+ ');
  c.write('*\r\n');
  t.equal(await c.line(), 'e BAD AUTHENTICATE cancelled');
  c.write('f AUTHENTICATE PLAIN\r\n');
  t.equal(await c.line(), '+ ');
  c.write(`${Buffer.from('\0alice').toString('base64')}\r\n`);
  t.match(await c.line(), /^f NO \[AUTHENTICATIONFAILED\] Invalid PLAIN response/);
  c.write('g AUTHENTICATE PLAIN\r\n');
  t.equal(await c.line(), '+ ');
  c.write(`${plain('alice', 's3cret')}\r\n`);
  t.match(await c.line(), /^g OK \[CAPABILITY .*\] AUTHENTICATE completed$/);
  await c.imap('h', 'LOGOUT');
  const r = await nextRecord(lab, 'imap', seen);
  const text = JSON.stringify(r);
  t.notOk(text.includes(plain('alice', 's3cret')), 'SASL response masked');
  t.notOk(text.includes(plain('alice', 'wrong')), 'SASL initial response masked');
  t.ok(r.transcript.some((l) => l.dir === 'C' && l.line === 'a AUTHENTICATE PLAIN /* secret masked */'));
  t.equal(r.transcript.filter((l) => l.dir === 'C' && l.line === '/* secret masked */').length, 2, 'continuation lines masked');
  t.ok(r.transcript.some((l) => l.dir === 'C' && l.line === '*'), 'a cancel is no secret');
});

t.test('literals: synchronizing and LITERAL+, in LOGIN and SELECT; the record masks them', async (t) => {
  const lab = await startMailLab(t);
  const seen = new Set<string>();
  const c = await RawLine.connectTls(linePort(lab, 'imap', 'implicit'));
  await c.line();
  c.write('a LOGIN {5}\r\n');
  t.equal(await c.line(), '+ Ready for literal data');
  c.write('alice {10}\r\n');
  t.equal(await c.line(), '+ Ready for literal data');
  c.write('top"secret\r\n');
  t.match(await c.line(), /^a OK .*LOGIN completed/);
  c.write('b SELECT {5+}\r\nINBOX\r\n');
  const sel = await c.until(/^b /);
  t.match(sel.at(-1), /^b OK \[READ-WRITE\] SELECT completed/, 'non-synchronizing literal read without a continuation');
  t.notOk(sel.some((l) => l.startsWith('+')), 'no continuation for LITERAL+');
  t.same(await c.imap('c', 'EXAMINE "INBOX"'), ['* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)', '* OK [PERMANENTFLAGS ()] Flags permitted.', '* 0 EXISTS', '* 0 RECENT', `* OK [UIDVALIDITY ${lab.mailbox.uidValidity}] UIDs valid`, '* OK [UIDNEXT 1] Predicted next UID', 'c OK [READ-ONLY] EXAMINE completed']);
  await c.imap('d', 'LOGOUT');
  const r = await nextRecord(lab, 'imap', seen);
  t.notOk(JSON.stringify(r).includes('top"secret'), 'literal password masked');
  t.ok(r.transcript.some((l) => l.dir === 'C' && /\{literal, 5 bytes\} INBOX/.test(l.line)), 'other literals shown');
});

t.test('SELECT, FETCH, UID FETCH, SEARCH, LIST, STATUS over the lab mailbox', async (t) => {
  const lab = await startMailLab(t);
  const m1 = await deliverMessage(lab, sampleMessage(1));
  const m2 = await deliverMessage(lab, sampleMessage(2));
  const stored1 = readFileSync(m1.file);
  const stored2 = readFileSync(m2.file);
  t.match(stored1.toString('latin1'), /^Received: from /, 'the stored message starts with the receiver\'s Received header');
  const c = await loggedIn(linePort(lab, 'imap'));
  t.same(await c.imap('a', 'LIST "" *'), ['* LIST (\\HasNoChildren) "/" INBOX', 'a OK LIST completed']);
  t.same(await c.imap('b', 'LIST "" ""'), ['* LIST (\\Noselect) "/" ""', 'b OK LIST completed']);
  t.same(await c.imap('c', 'LIST "INBOX" *'), ['* LIST (\\HasNoChildren) "/" INBOX', 'c OK LIST completed'], "curl's folder list of INBOX");
  t.same(await c.imap('d', 'LIST "" Other*'), ['d OK LIST completed']);
  t.same(await c.imap('e', 'STATUS INBOX (MESSAGES UNSEEN UIDNEXT)'), ['* STATUS INBOX (MESSAGES 2 UNSEEN 2 UIDNEXT 3)', 'e OK STATUS completed']);
  t.same(await c.imap('f', 'SELECT Archive'), ["f NO [NONEXISTENT] Mailbox doesn't exist: Archive (the lab has only INBOX)"]);
  const sel = await c.imap('g', 'SELECT inbox');
  t.ok(sel.includes('* 2 EXISTS'));
  t.ok(sel.includes('* OK [UNSEEN 1] First unseen.'));
  t.ok(sel.includes('* OK [UIDNEXT 3] Predicted next UID'));
  t.same(await c.imap('h', 'FETCH 1:* (UID FLAGS RFC822.SIZE)'), [`* 1 FETCH (UID ${m1.uid} FLAGS () RFC822.SIZE ${stored1.length})`, `* 2 FETCH (UID ${m2.uid} FLAGS () RFC822.SIZE ${stored2.length})`, 'h OK FETCH completed']);
  // BODY.PEEK[] leaves \Seen alone.
  c.write('i FETCH 2 BODY.PEEK[]\r\n');
  t.equal(await c.line(), `* 2 FETCH (BODY[] {${stored2.length}}`);
  t.same(await c.bytes(stored2.length), stored2, 'BODY.PEEK[] is the stored message byte for byte');
  t.equal(await c.line(), ')');
  t.equal(await c.line(), 'i OK FETCH completed');
  t.same(await c.imap('j', 'FETCH 2 FLAGS'), ['* 2 FETCH (FLAGS ())', 'j OK FETCH completed'], 'still unseen');
  // BODY[] sets \Seen and says so.
  c.write('k FETCH 1 BODY[]\r\n');
  t.equal(await c.line(), `* 1 FETCH (BODY[] {${stored1.length}}`);
  t.same(await c.bytes(stored1.length), stored1);
  t.equal(await c.line(), ' FLAGS (\\Seen))');
  t.equal(await c.line(), 'k OK FETCH completed');
  t.same(await c.imap('l', 'SEARCH ALL'), ['* SEARCH 1 2', 'l OK SEARCH completed']);
  t.same(await c.imap('m', 'SEARCH UNSEEN'), ['* SEARCH 2', 'm OK SEARCH completed']);
  t.same(await c.imap('n', 'UID SEARCH CHARSET UTF-8 ALL'), [`* SEARCH ${m1.uid} ${m2.uid}`, 'n OK UID SEARCH completed']);
  t.same(await c.imap('o', 'SEARCH FROM alice'), ['o BAD search key FROM is not supported by mxlab']);
  // UID FETCH adds UID; unknown UIDs are simply absent.
  c.write(`p UID FETCH ${m2.uid},99 (BODY.PEEK[HEADER.FIELDS (Subject)])\r\n`);
  t.equal(await c.line(), `* 2 FETCH (UID ${m2.uid} BODY[HEADER.FIELDS (Subject)] {21}`);
  t.equal((await c.bytes(21)).toString(), 'Subject: sample 2\r\n\r\n');
  t.equal(await c.line(), ')');
  t.equal(await c.line(), 'p OK UID FETCH completed');
  c.write('q FETCH 2 (BODY.PEEK[TEXT]<0.4>)\r\n');
  t.equal(await c.line(), '* 2 FETCH (BODY[TEXT]<0> {4}');
  t.equal((await c.bytes(4)).toString(), 'Body');
  await c.line();
  await c.line();
  t.same(await c.imap('r', 'FETCH 3 FLAGS'), ['r BAD Invalid message sequence number (the mailbox has 2 messages)']);
  t.same(await c.imap('s', 'FETCH 1 ENVELOPE'), ['s BAD ENVELOPE is not supported by mxlab']);
  t.same(await c.imap('u', 'STORE 1 +FLAGS (\\Deleted)'), ["u NO [CANNOT] STORE is not supported by mxlab (its mailbox is the lab's received mail, read-only)"]);
  // Mail that arrives while selected shows up on NOOP.
  await deliverMessage(lab, sampleMessage(3));
  t.same(await c.imap('v', 'NOOP'), ['* 3 EXISTS', 'v OK NOOP completed']);
  t.same(await c.imap('w', 'CLOSE'), ['w OK CLOSE completed']);
  t.same(await c.imap('x', 'FETCH 1 FLAGS'), ['x BAD FETCH needs a selected mailbox: SELECT or EXAMINE first']);
  await c.imap('y', 'LOGOUT');
});
