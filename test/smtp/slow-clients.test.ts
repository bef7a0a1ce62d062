import t from 'tap';
import { RawSmtp } from '../fixtures/raw-smtp.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * Clients that trickle: one byte at a time between commands resets the idle timer forever, so a
 * session deadline closes them (421 4.4.2); a message trickled in below the minimum data rate is cut.
 * Both are recorded as such. (Before, 0 of 500 one-byte-per-10-s clients were closed in 200 s.)
 */

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

t.test('a client trickling bytes between commands meets the session deadline', async (t) => {
  const lab = await startTestLab(t, [{ name: 'rx', profile: 'modern', smtp: [0], limits: { sessionDeadlineMs: 1200 } }]);
  const c = await RawSmtp.connect(portOf(lab, 'rx'));
  await c.reply();
  const started = Date.now();
  for (let i = 0; i < 30 && !c.closed; i += 1) {
    c.write('N');
    await sleep(100);
  }
  await c.waitClosed(3000);
  const took = Date.now() - started;
  t.ok(took >= 1000 && took < 2500, `closed at the deadline (${took} ms)`);
  t.match(c.received(), /421 4\.4\.2 \S+ Error: timeout exceeded\r\n$/, 'told 421 4.4.2');
  const r = await lab.waitForRecord('rx');
  t.equal(r.result, 'error');
  t.equal(r.error?.code, 'ETIMEDOUT');
  t.match(r.error?.message, /session deadline of 1200 ms passed/);
});

t.test('a message trickled in below the minimum data rate is cut and recorded', async (t) => {
  const lab = await startTestLab(t, [{ name: 'rx', profile: 'modern', smtp: [0], minDataRate: 1000, dataRateGraceMs: 400 }]);
  const c = await RawSmtp.connect(portOf(lab, 'rx'));
  await c.reply();
  await c.command('EHLO slow.example');
  await c.command('MAIL FROM:<a@example.org>');
  await c.command('RCPT TO:<b@example.net>');
  t.match((await c.command('DATA'))[0], /^354/);
  for (let i = 0; i < 40 && !c.closed; i += 1) {
    c.write('Subject: x\r\n');
    await sleep(50);
  }
  await c.waitClosed(3000);
  const r = await lab.waitForRecord('rx');
  t.equal(r.result, 'error');
  t.equal(r.error?.code, 'ETIMEDOUT');
  t.equal(r.error?.stage, 'data');
  t.match(r.error?.message, /slower than the minimum of 1000 bytes\/s/);
  t.equal(r.messages.length, 0, 'nothing stored');
});
