import t from 'tap';
import { SessionFaults } from '../../src/profiles/session-faults.js';
import { RawSmtp } from '../fixtures/raw-smtp.js';
import { nextRecord, portOf, startTestLab } from '../fixtures/test-lab.js';

/** Faults after the handshake (quirks closeAfterHandshake, closeAfterFirstCommand, closeInDataAfterBytes). */

t.test('SessionFaults answers each question once, at its point', async (t) => {
  const none = new SessionFaults(undefined);
  t.equal(none.any, false);
  t.equal(none.afterHandshake() ?? none.command(true) ?? none.messageBytes(1e9), undefined, 'a correct peer never cuts');
  const f = new SessionFaults({ closeAfterFirstCommand: true, closeInDataAfterBytes: 100 });
  t.equal(f.command(false), undefined, 'plaintext commands do not count');
  t.match(f.command(true), /first command over TLS/);
  t.equal(f.command(true), undefined, 'only the first');
  t.equal(f.messageBytes(99), undefined);
  t.match(f.messageBytes(120), /after 120 bytes/);
  t.equal(f.messageBytes(200), undefined, 'once');
});

t.test('closeAfterHandshake: STARTTLS and SMTPS sessions end right after the handshake', async (t) => {
  const lab = await startTestLab(t, [{ profile: 'modern', overrides: { quirks: { closeAfterHandshake: true } }, smtp: [0], smtps: [0] }]);
  const seen = new Set<string>();
  const c = await RawSmtp.connect(portOf(lab, 'modern'));
  await c.hello();
  await c.startTls();
  await t.rejects(c.command('EHLO client.example'), /closed before a complete reply/, 'no EHLO reply over TLS');
  const rec = await nextRecord(lab, 'modern', seen);
  t.equal(rec.result, 'error');
  t.ok(rec.version, `the handshake itself finished (${rec.version})`);
  t.same({ code: rec.error?.code, stage: rec.error?.stage }, { code: 'QUIRK_SESSION_FAULT', stage: 'tls' });
  t.match(rec.error?.message, /right after the TLS handshake.*closeAfterHandshake/);

  const s = await RawSmtp.connectTls(portOf(lab, 'modern', 'implicit'));
  await t.rejects(s.reply(), /closed before a complete reply/, 'no 220 greeting over SMTPS');
  const implicit = await nextRecord(lab, 'modern', seen);
  t.equal(implicit.tlsMode, 'implicit');
  t.equal(implicit.error?.stage, 'tls');
});

t.test('closeAfterFirstCommand: the first command over TLS is never answered', async (t) => {
  const lab = await startTestLab(t, [{ profile: 'modern', overrides: { quirks: { closeAfterFirstCommand: true } }, smtp: [0] }]);
  const c = await RawSmtp.connect(portOf(lab, 'modern'));
  const ehlo = await c.hello();
  t.match(ehlo.join('\n'), /STARTTLS/, 'plaintext commands are answered');
  await c.startTls();
  await t.rejects(c.command('EHLO client.example'), /closed before a complete reply/);
  const rec = await nextRecord(lab, 'modern', new Set());
  t.equal(rec.result, 'error');
  t.equal(rec.error?.stage, 'command');
  t.match(rec.error?.message, /first command over TLS, without answering it/);
  t.equal(rec.transcript.filter((l) => l.dir === 'C' && /^EHLO/.test(l.line)).length, 2, 'the unanswered EHLO is in the transcript');
  t.notOk(rec.transcript.some((l, i) => i > 0 && l.dir === 'S' && rec.transcript[i - 1]?.line === 'EHLO client.example'), 'and no reply after it');
});

t.test('closeInDataAfterBytes: the connection is cut in the middle of the message, nothing stored', async (t) => {
  const lab = await startTestLab(t, [{ profile: 'modern', overrides: { quirks: { closeInDataAfterBytes: 1000 } }, smtp: [0] }]);
  const c = await RawSmtp.connect(portOf(lab, 'modern'));
  await c.hello();
  await c.startTls();
  await c.command('EHLO client.example');
  await c.command('MAIL FROM:<a@example.org>');
  await c.command('RCPT TO:<b@example.net>');
  t.match((await c.command('DATA'))[0], /^354/);
  c.write(`Subject: big\r\n\r\n${'x'.repeat(78)}\r\n`.repeat(60));
  c.write('.\r\n');
  await t.rejects(c.reply(), /closed before a complete reply/, 'no reply to the end of data');
  const rec = await nextRecord(lab, 'modern', new Set());
  t.equal(rec.result, 'error');
  t.equal(rec.error?.stage, 'data');
  t.match(rec.error?.message, /in the middle of the message after \d+ bytes, without a reply \(quirk closeInDataAfterBytes=1000\)/);
  t.equal(rec.messages.length, 0, 'nothing stored');
});
