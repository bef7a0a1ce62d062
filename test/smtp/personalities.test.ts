import { readFileSync } from 'node:fs';
import t from 'tap';
import { RawSmtp } from '../fixtures/raw-smtp.js';
import { nextRecord, portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * The exchange personality (no real Exchange installs here: the wording is checked against Microsoft's
 * documentation, cited in src/smtp/personality.ts) and CHUNKING as both product personalities offer
 * it. The postfix personality's wording is compared with a real Postfix in
 * test/interop/postfix-personality.test.ts.
 */

const MESSAGE = 'Message-ID: <abc.123@client.mxlab.test>\r\nSubject: chunks\r\n\r\nhello\r\n';

t.test('exchange: EHLO before and after STARTTLS, the documented replies, BDAT and BINARYMIME', async (t) => {
  const lab = await startTestLab(t, [{ name: 'ex', profile: 'modern', smtp: [0], personality: 'exchange' }]);
  const seen = new Set<string>();
  const c = await RawSmtp.connect(portOf(lab, 'ex'));
  t.teardown(() => c.destroy());
  t.match((await c.reply())[0], /^220 mx\.mxlab\.test Microsoft ESMTP MAIL Service ready at [A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d \+0000$/);
  t.same(await c.command('EHLO client.mxlab.test'), [
    '250-mx.mxlab.test Hello [127.0.0.1]', '250-SIZE 26214400', '250-PIPELINING', '250-DSN', '250-ENHANCEDSTATUSCODES', '250-STARTTLS', '250-X-ANONYMOUSTLS',
    '250-AUTH NTLM', '250-X-EXPS GSSAPI NTLM', '250-8BITMIME', '250-BINARYMIME', '250-CHUNKING', '250-SMTPUTF8', '250 XRDST',
  ], 'Exchange 2016/2019 EHLO before TLS');
  t.same(await c.command('AUTH LOGIN'), ['504 5.7.4 Unrecognized authentication type'], 'no basic authentication before TLS');
  t.same(await c.command('FOO'), ['500 5.3.3 Unrecognized command']);
  t.same(await c.startTlsReply({ rejectUnauthorized: false }), ['220 2.0.0 SMTP server ready']);
  t.same(await c.command('EHLO client.mxlab.test'), [
    '250-mx.mxlab.test Hello [127.0.0.1]', '250-SIZE 26214400', '250-PIPELINING', '250-DSN', '250-ENHANCEDSTATUSCODES',
    '250-AUTH NTLM LOGIN', '250-X-EXPS GSSAPI NTLM', '250-8BITMIME', '250-BINARYMIME', '250-CHUNKING', '250-SMTPUTF8', '250 XRDST',
  ], 'after TLS: no STARTTLS, basic authentication offered');
  t.same(await c.command('MAIL FROM:<sender@client.mxlab.test> BODY=BINARYMIME'), ['250 2.1.0 Sender OK']);
  t.same(await c.command('RCPT TO:<user@example.net>'), ['250 2.1.5 Recipient OK']);
  const recording = nextRecord(lab, 'ex', seen);
  c.write(`BDAT 10\r\n${MESSAGE.slice(0, 10)}BDAT ${MESSAGE.length - 10} LAST\r\n${MESSAGE.slice(10)}`);
  t.same(await c.reply(), ['250 2.0.0 10 bytes received'], 'a chunk');
  const queued = (await c.reply())[0] ?? '';
  t.match(queued, /^250 2\.6\.0 <abc\.123@client\.mxlab\.test> \[InternalId=\d+, Hostname=mx\.mxlab\.test\] Queued mail for delivery$/, 'the message\'s own Message-ID in the reply');
  t.same(await c.command('MAIL FROM:<sender@client.mxlab.test>'), ['250 2.1.0 Sender OK'], 'a new transaction after BDAT LAST');
  t.same(await c.command('RSET'), ['250 2.0.0 Resetting']);
  t.same(await c.command('QUIT'), ['221 2.0.0 Service closing transmission channel']);
  const rec = await recording;
  t.equal(rec.messages.length, 1, 'one message stored');
  t.ok(rec.transcript.some((l) => l.dir === 'S' && l.line === queued), 'the transcript has the reply as sent');
  t.equal(rec.transcript.filter((l) => l.dir === 'S').at(-1)?.line, '221 2.0.0 Service closing transmission channel', 'the record\'s 221 is the one sent (written before it)');
  t.equal(readFileSync(rec.messages[0]!.file!, 'latin1').replace(/^Received:[^]*?\r\n(?=\S)/, ''), MESSAGE, 'the chunks stored whole, after the Received header');
});

t.test('postfix: BDAT pipelined with the next command, a chunk without a transaction, the size limit', async (t) => {
  const lab = await startTestLab(t, [{ name: 'pf', profile: 'modern', smtp: [0], personality: 'postfix', maxMessageBytes: 200 }]);
  const c = await RawSmtp.connect(portOf(lab, 'pf'));
  t.teardown(() => c.destroy());
  await c.hello();
  c.write(`BDAT 5\r\nhelloNOOP\r\n`);
  t.same(await c.reply(), ['503 5.5.1 Error: need RCPT command'], 'no transaction: refused, its bytes read and thrown away');
  t.same(await c.reply(), ['250 2.0.0 Ok'], 'the command after the chunk runs');
  await c.command('MAIL FROM:<sender@client.mxlab.test>');
  await c.command('RCPT TO:<user@example.net>');
  c.write(`BDAT ${MESSAGE.length} LAST\r\n${MESSAGE}`);
  t.match((await c.reply())[0], new RegExp(`^250 2\\.0\\.0 Ok: ${MESSAGE.length} bytes queued as [0-9A-F]{10}$`));
  await c.command('MAIL FROM:<sender@client.mxlab.test>');
  await c.command('RCPT TO:<user@example.net>');
  c.write(`BDAT 300 LAST\r\n${'x'.repeat(300)}QUIT\r\n`);
  t.same(await c.reply(), ['552 5.3.4 Message size exceeds fixed limit'], 'over SIZE: refused at the last chunk');
  t.same(await c.reply(), ['221 2.0.0 Bye'], 'QUIT pipelined after the last chunk is answered after it');
});

t.test('a transaction begun in the first 100 ms of the engine survives smtp-server\'s own ready timer', async (t) => {
  const lab = await startTestLab(t, [{ name: 'rx', profile: 'modern', smtp: [0] }]);
  const c = await RawSmtp.connect(portOf(lab, 'rx'));
  t.teardown(() => c.destroy());
  await c.reply();
  // The engine takes the socket at the client's first bytes; MAIL follows at once.
  c.write('EHLO client.mxlab.test\r\nMAIL FROM:<sender@client.mxlab.test>\r\n');
  await c.reply();
  t.match((await c.reply())[0], /^250 /, 'MAIL accepted');
  // smtp-server's init() calls connectionReady() 100 ms after it took the socket; that call once reset the session.
  await new Promise((resolve) => setTimeout(resolve, 250));
  t.match((await c.command('RCPT TO:<user@example.net>'))[0], /^250 /, 'RCPT still finds the MAIL FROM');
});

t.test('exim: the wording of Exim\'s own test suite, no enhanced status codes', async (t) => {
  const lab = await startTestLab(t, [{ name: 'ex', profile: 'modern', smtp: [0], personality: 'exim' }]);
  const c = await RawSmtp.connect(portOf(lab, 'ex'));
  t.teardown(() => c.destroy());
  t.match((await c.reply())[0], /^220 mx\.mxlab\.test ESMTP Exim 4\.96 [A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d \+0000$/);
  t.same(await c.command('EHLO client.mxlab.test'), ['250-mx.mxlab.test Hello client.mxlab.test [127.0.0.1]', '250-SIZE 26214400', '250-8BITMIME', '250-PIPELINING', '250-STARTTLS', '250 HELP']);
  t.same(await c.command('MAIL FROM:<sender@client.mxlab.test>'), ['250 OK']);
  t.same(await c.command('RCPT TO:<user@example.net>'), ['250 Accepted']);
  t.same(await c.command('DATA'), ['354 Enter message, ending with "." on a line by itself']);
  t.match((await c.command(`${MESSAGE}.`))[0], /^250 OK id=[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}$/);
  t.same(await c.command('DATA'), ['503 valid RCPT command must precede DATA']);
  t.same(await c.command('QUIT'), ['221 mx.mxlab.test closing connection']);
});

t.test('mxlab\'s sender reads each personality\'s queue id from its accepted-message reply', async (t) => {
  const lab = await startTestLab(t, ['postfix', 'exchange', 'exim'].map((personality) => ({ name: personality, profile: 'modern', smtp: [0], personality })));
  const ids: Record<string, RegExp> = { postfix: /^[0-9A-F]{10}$/, exchange: /^\d+$/, exim: /^[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}$/ };
  for (const [personality, shape] of Object.entries(ids)) {
    const rec = await lab.send({ to: `127.0.0.1:${portOf(lab, personality)}`, policy: 'may', from: 'sender@client.mxlab.test', rcpt: 'user@example.net' });
    t.equal(rec.result, 'tls', `${personality}: delivered over TLS (${rec.reply})`);
    t.match(rec.messages[0]?.id ?? '', shape, `${personality}: queue id ${rec.messages[0]?.id} from "${rec.reply}"`);
    const stored = await lab.waitForRecord((r) => r.peer === personality && r.messages.length > 0);
    t.equal(stored.messages[0]?.id, rec.messages[0]?.id, `${personality}: the receiver stored the message under the id it told the sender`);
  }
});

t.test('esa: the wording of Cisco\'s tech notes (118234, 214630), the MID as queue id', async (t) => {
  const lab = await startTestLab(t, [{ name: 'esa', profile: 'cisco-esa-default', smtp: [0], personality: 'esa' }]);
  const c = await RawSmtp.connect(portOf(lab, 'esa'));
  t.teardown(() => c.destroy());
  t.same(await c.reply(), ['220 mx.mxlab.test ESMTP']);
  t.same(await c.command('EHLO client.mxlab.test'), ['250-mx.mxlab.test', '250-8BITMIME', '250-STARTTLS', '250 SIZE 26214400']);
  t.same(await c.command('FROB'), ['500 #5.5.1 command not recognized']);
  t.same(await c.command('MAIL FROM:<test@test.com>'), ['250 sender <test@test.com> ok']);
  t.same(await c.command('RCPT TO:<user@other.com>'), ['250 recipient <user@other.com> ok']);
  t.same(await c.command('DATA'), ['354 go ahead']);
  t.match((await c.command(`${MESSAGE}.`))[0], /^250 ok: {2}Message \d+ accepted$/);
  t.same(await c.command('QUIT'), ['221 mx.mxlab.test']);
  const rec = await lab.send({ to: `127.0.0.1:${portOf(lab, 'esa')}`, policy: 'may', from: 'sender@client.mxlab.test', rcpt: 'user@example.net' });
  t.match(rec.messages[0]?.id ?? '', /^\d+$/, `mxlab's sender reads the MID from "${rec.reply}"`);
  const mid = rec.messages[0]?.id;
  const stored = await lab.waitForRecord((r) => r.peer === 'esa' && r.role === 'server' && r.messages.some((m) => m.id === mid), 5000);
  t.equal(stored.peer, 'esa', 'the receiver stored the message under that MID');
});
