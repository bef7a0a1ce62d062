import { readFileSync, statSync } from 'node:fs';
import t from 'tap';
import { RawSmtp } from '../fixtures/raw-smtp.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * A client that sends its credentials although the server answered AUTH with 538 (TLS first): the
 * base64 lines that follow are its user name and password, and must not land in sessions.jsonl — on
 * the receiver, and on the proxy in front of it. sessions.jsonl is readable by its owner only.
 */

const USER = Buffer.from('alice').toString('base64');
const PASS = Buffer.from('s3cr3t-pw').toString('base64');
const PLAIN = Buffer.from('\0alice\0s3cr3t-pw').toString('base64');

async function misbehave(port: number): Promise<void> {
  const c = await RawSmtp.connect(port);
  await c.reply();
  await c.command('EHLO leaky.example');
  t.match((await c.command('AUTH LOGIN'))[0], /^538 /, 'AUTH LOGIN before STARTTLS: 538');
  await c.command(USER);
  await c.command(PASS);
  t.match((await c.command('AUTH PLAIN'))[0], /^538 /, 'AUTH PLAIN: 538');
  await c.command(PLAIN);
  await c.command('NOOP');
  await c.quit();
}

t.test('credentials sent after a 538 are masked, on the receiver and through the proxy', async (t) => {
  const lab = await startTestLab(t, [{ name: 'rx', profile: 'modern', smtp: [0] }]);
  await misbehave(portOf(lab, 'rx'));
  const px = await lab.addProxy({ name: 'px', protocol: 'smtp', strip: 'none', upstream: `127.0.0.1:${portOf(lab, 'rx')}`, port: 0 });
  await misbehave(px.endpoints[0]!.port);
  for (let i = 0; i < 100 && lab.recordCount < 3; i += 1) await new Promise((r) => setTimeout(r, 20));
  await lab.stop();
  const text = readFileSync(lab.runDir.sessionsFile, 'utf8');
  for (const secret of [USER, PASS, PLAIN]) t.notOk(text.includes(secret), `${secret} is not in sessions.jsonl`);
  t.ok(text.includes('/* secret masked */'), 'the masked lines are there');
  t.ok(text.includes('"line":"NOOP"'), 'a command after them is shown');
  t.equal(statSync(lab.runDir.sessionsFile).mode & 0o777, 0o600, 'sessions.jsonl is 0600');
});
