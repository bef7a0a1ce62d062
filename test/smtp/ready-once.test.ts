import t from 'tap';
import { RawSmtp } from '../fixtures/raw-smtp.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * The receiver greets a client itself and hands the socket to smtp-server when the client first speaks.
 * smtp-server's own early-talker timer (100 ms after it took the socket) used to make the session
 * ready a second time, which resets it: a client that had sent MAIL and RCPT by then got
 * `503 5.5.1 Error: need RCPT command` for its DATA (found by bench/abuse.js under load, where a
 * session's DATA often comes later than 100 ms after its first command).
 */
t.test('MAIL and RCPT at once, DATA after 300 ms: 354, the message is accepted', async (t) => {
  const lab = await startTestLab(t, [{ name: 'rx', profile: 'modern', smtp: [0] }]);
  const c = await RawSmtp.connect(portOf(lab, 'rx'));
  t.teardown(() => c.socket.destroy());
  await c.hello('slow-data.example');
  t.match((await c.command('MAIL FROM:<a@example.org>'))[0], /^250 /);
  t.match((await c.command('RCPT TO:<b@example.net>'))[0], /^250 /);
  await new Promise((r) => setTimeout(r, 300));
  t.match((await c.command('DATA'))[0], /^354 /, 'DATA goes ahead: the envelope was kept');
  t.match((await c.command('Subject: x\r\n\r\nbody\r\n.'))[0], /^250 .*queued as/);
  await c.quit();
  const r = await lab.waitForRecord('rx');
  t.equal(r.messages.length, 1, 'the record has the message');
});
