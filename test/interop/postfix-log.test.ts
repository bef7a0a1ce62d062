import t from 'tap';
import type { SessionRecord } from '../../src/model/session-record.js';
import { postfixLog } from '../../src/record/render-postfix-log.js';
import { postfixProblem, startPostfix } from '../fixtures/postfix-instance.js';
import { RawSmtp } from '../fixtures/raw-smtp.js';
import { runCommand } from '../fixtures/run-command.js';
import { nextRecord, portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * The Postfix log renderer against the real log: the same clients (a failing `openssl s_client`
 * offering no suite the server has, a TLS 1.3 delivery with swaks, a TLS 1.2 client that leaves after
 * the handshake, a plaintext delivery) against a private Postfix 3.7 and against a mxlab receiver with
 * the postfix personality; smtpd's lines from Postfix's own log must equal postfixLog() of mxlab's
 * record, with the time stamp, host name, process id and queue ids masked.
 *
 * Needs root and the postfix package; without them the test fails and says so.
 */

/** smtpd's lines only (not qmgr, cleanup, …), without time, host and pid; queue ids as QUEUEID. */
function masked(lines: readonly string[]): string[] {
  return lines
    .filter((l) => / postfix\/smtpd\[\d+\]: /.test(l))
    .map((l) => l.replace(/^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ postfix\/smtpd\[\d+\]: /, '').replace(/^[0-9A-F]{8,12}: /, 'QUEUEID: '));
}

interface Client {
  readonly name: string;
  readonly run: (port: number) => Promise<unknown>;
  /** Against Postfix at smtpd_tls_security_level = encrypt and a mxlab receiver with policy required. */
  readonly required?: boolean;
}

const swaks = (extra: string[]) => (port: number) =>
  runCommand('swaks', ['--server', `127.0.0.1:${port}`, '--to', 'user@example.net', '--from', 'sender@client.mxlab.test', '--helo', 'client.mxlab.test', ...extra], { timeoutMs: 30000 });
const sClient = (extra: string[]) => (port: number) =>
  runCommand('openssl', ['s_client', '-starttls', 'smtp', '-name', 'client.mxlab.test', '-connect', `127.0.0.1:${port}`, ...extra], { input: '', timeoutMs: 30000 });

/** STARTTLS, the first bytes of a ClientHello, then gone (a client that gives up in the handshake). */
async function leaveInHandshake(port: number): Promise<void> {
  const c = await RawSmtp.connect(port);
  await c.hello('client.mxlab.test');
  await c.command('STARTTLS');
  c.write(Buffer.from('16030100c8010000c40303', 'hex'));
  await new Promise((resolve) => setTimeout(resolve, 200));
  c.destroy();
}

const CLIENTS: readonly Client[] = [
  { name: 'openssl s_client with no suite in common (fails)', run: sClient(['-tls1_2', '-cipher', 'ECDHE-ECDSA-AES128-GCM-SHA256']) },
  { name: 'swaks --tls delivering over TLS 1.3', run: swaks(['--tls']) },
  { name: 'openssl s_client over TLS 1.2, leaving after the handshake', run: sClient(['-tls1_2']) },
  { name: 'swaks delivering in plaintext', run: swaks([]) },
  { name: 'a client leaving in the middle of the handshake', run: leaveInHandshake },
  { name: 'swaks in plaintext where TLS is required (530 to MAIL)', run: swaks([]), required: true },
];

const problem = postfixProblem();
if (problem) t.fail(`the Postfix log test cannot run: ${problem}`);

t.test('postfixLog() of mxlab\'s record reads as the real Postfix 3.7 log of the same session', { skip: problem ? 'Postfix cannot run here' : false }, async (t) => {
  const banner = { smtpd_banner: '$myhostname ESMTP $mail_name (Debian/GNU)' };
  const [may, encrypt, lab] = await Promise.all([
    startPostfix(t, { tlsSecurityLevel: 'may', name: 'log-may', mainCf: banner }),
    startPostfix(t, { tlsSecurityLevel: 'encrypt', name: 'log-encrypt', mainCf: banner }),
    startTestLab(t, [
      { name: 'pf', profile: 'modern', smtp: [0], personality: 'postfix' },
      { name: 'pfreq', profile: 'modern', policy: 'required', smtp: [0], personality: 'postfix' },
    ]),
  ]);
  const seen = new Set<string>();
  for (const client of CLIENTS) {
    const pf = client.required ? encrypt : may;
    const peer = client.required ? 'pfreq' : 'pf';
    const from = pf.logOffset();
    await client.run(pf.port);
    const real = masked((await pf.waitForLog(/ disconnect from /, { from, timeoutMs: 15000 })).split('\n'));
    const recording = nextRecord(lab, peer, seen, 30000);
    await client.run(portOf(lab, peer));
    const rec: SessionRecord = await recording;
    const mine = masked(postfixLog(rec));
    t.ok(real.length >= 2, `${client.name}: Postfix logged ${real.length} smtpd lines`);
    const width = Math.max(real.length, mine.length);
    for (let i = 0; i < width; i++) t.equal(mine[i], real[i], `${client.name}: line ${i + 1}: Postfix ${JSON.stringify(real[i])}${mine[i] === real[i] ? '' : `, mxlab ${JSON.stringify(mine[i])}`}`);
  }
});
