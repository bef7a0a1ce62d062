import t from 'tap';
import { postfixProblem, startPostfix } from '../fixtures/postfix-instance.js';
import { RawSmtp } from '../fixtures/raw-smtp.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * The `postfix` SMTP personality against the real thing: the same dialogues, line by line, with a
 * private Debian Postfix 3.7 (test/fixtures/postfix-instance.ts) and with a mxlab receiver wearing
 * the personality. Only the queue ids differ (masked). The Postfix instance gets Debian's packaged
 * smtpd_banner and mxlab's SIZE (25 MiB), the two settings where the fixture's main.cf differs from a
 * Debian install and from mxlab's default.
 *
 * Needs root and the postfix package; without them the test fails and says so.
 */

type Step = string | { readonly bytes: string };

/** Runs the steps: a string is a command line (its reply read; STARTTLS upgrades after a 220), `bytes` is written as is. */
async function dialogue(port: number, steps: readonly Step[]): Promise<string[]> {
  const c = await RawSmtp.connect(port);
  const out = (await c.reply()).map((l) => `S: ${l}`);
  for (const step of steps) {
    if (step === 'STARTTLS') {
      out.push(`C: ${step}`, ...(await c.startTlsReply({ rejectUnauthorized: false })).map((l) => `S: ${l}`));
    } else if (typeof step === 'string') {
      out.push(`C: ${step}`, ...(await c.command(step)).map((l) => `S: ${l}`));
    } else {
      c.socket.write(step.bytes);
      out.push(`C: <${step.bytes.length} bytes>`, ...(await c.reply()).map((l) => `S: ${l}`));
    }
  }
  c.socket.destroy();
  return out.map((l) => l.replace(/queued as [0-9A-Z]+/g, 'queued as QUEUEID'));
}

const MESSAGE = 'From: <sender@client.mxlab.test>\r\nTo: <user@example.net>\r\nSubject: personality\r\n\r\nhello\r\n';

const DIALOGUES: Record<string, readonly Step[]> = {
  'STARTTLS, a message, and the error replies': [
    'EHLO client.mxlab.test', 'STARTTLS', 'EHLO client.mxlab.test',
    'NOOP', 'VRFY user@example.net', 'ETRN example.net', 'HELP', 'FOO',
    'RCPT TO:<user@example.net>', 'DATA', 'MAIL FROM:<bad', 'MAIL FROM:<sender@client.mxlab.test>', 'MAIL FROM:<sender@client.mxlab.test>',
    'RCPT TO:<user@example.net>', 'RCPT TO:<bad', 'DATA', { bytes: `${MESSAGE}.\r\n` },
    'RSET', 'DATA', 'MAIL FROM:<sender@client.mxlab.test> SIZE=999999999999', 'HELO client.mxlab.test', 'STARTTLS', 'AUTH PLAIN AGFhAGI=', 'QUIT',
  ],
  'plaintext: no AUTH, ESMTP parameters, CHUNKING': [
    'MAIL FROM:<sender@client.mxlab.test>', 'EHLO', 'EHLO client.mxlab.test', 'AUTH PLAIN AGFhAGI=',
    'MAIL FROM:<sender@client.mxlab.test> BODY=8BITMIME', 'RCPT TO:<user@example.net> NOTIFY=NEVER', 'RCPT TO:<other@example.org>',
    { bytes: `BDAT 20\r\n${MESSAGE.slice(0, 20)}` }, { bytes: `BDAT ${MESSAGE.length - 20} LAST\r\n${MESSAGE.slice(20)}` },
    'BDAT 0 LAST', 'MAIL FROM:<sender@client.mxlab.test>', 'RCPT TO:<user@example.net>', { bytes: `BDAT ${MESSAGE.length} LAST\r\n${MESSAGE}` }, 'QUIT',
  ],
};

const problem = postfixProblem();
if (problem) t.fail(`the Postfix personality test cannot run: ${problem}`);

t.test('the postfix personality answers as Postfix 3.7 does, line by line', { skip: problem ? 'Postfix cannot run here' : false }, async (t) => {
  const [pf, lab] = await Promise.all([
    startPostfix(t, { tlsSecurityLevel: 'may', name: 'personality', mainCf: { smtpd_banner: '$myhostname ESMTP $mail_name (Debian/GNU)', message_size_limit: '26214400' } }),
    startTestLab(t, [{ name: 'pf', profile: 'modern', smtp: [0], personality: 'postfix' }]),
  ]);
  for (const [name, steps] of Object.entries(DIALOGUES)) {
    const real = await dialogue(pf.port, steps);
    const mine = await dialogue(portOf(lab, 'pf'), steps);
    t.ok(real.length > steps.length, `${name}: the real Postfix answered (${real.length} lines)`);
    const width = Math.max(real.length, mine.length);
    for (let i = 0; i < width; i++) t.equal(mine[i], real[i], `${name}: line ${i + 1}: Postfix ${JSON.stringify(real[i])}${mine[i] === real[i] ? "" : `, mxlab ${JSON.stringify(mine[i])}`}`);
  }
});
