import t from 'tap';
import { getLabCa } from '../../src/certs/lab-ca.js';
import { postfixProblem } from '../fixtures/postfix-instance.js';
import { POSTFIX_CLIENT_LEVELS, startPostfixSender, submit } from '../fixtures/postfix-sender.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * A real Postfix 3.7 sending to a mxlab receiver, once per smtp_tls_security_level: the receiver's
 * record names the sender from its ClientHello (src/tls/known-clients-data.ts, captured from these
 * same senders by scripts/capture-known-clients.ts). may and encrypt send the same hello, verify and
 * secure another one (75 suites, no anonymous ones), so each label names the levels it stands for.
 *
 * Needs root and the postfix package; without them the test fails and says so.
 */

const problem = postfixProblem();
if (problem) t.fail(`the Postfix sender test cannot run: ${problem}`);

t.test('a real Postfix at each security level is labelled by product and setting', { skip: problem ? 'Postfix cannot run here' : false }, async (t) => {
  const lab = await startTestLab(t, [{ name: 'rx', profile: 'modern', smtp: [0] }]);
  const ca = (await getLabCa(lab.certsDir)).cert;
  const labels = await Promise.all(POSTFIX_CLIENT_LEVELS.map(async (level) => {
    const heloName = `${level}.sender.mxlab.test`;
    const pf = await startPostfixSender(t, { level, targetPort: portOf(lab, 'rx'), ca, heloName });
    const recorded = lab.waitForRecord((r) => r.peer === 'rx' && r.helo === heloName && !!r.clientHello, 90000);
    await submit(pf);
    const rec = await recorded;
    const label = rec.clientHello?.client ?? '';
    t.match(label, new RegExp(`^Postfix 3\\.\\d+ smtp \\((?:.* / )?${level}(?: / .*)?\\)$`), `Postfix at ${level}: "${label}" (JA4 ${rec.clientHello?.ja4}, ${rec.clientHello?.ciphers?.length} suites)`);
    return [level, label] as const;
  }));
  const by = new Map(labels);
  t.equal(by.get('may'), by.get('encrypt'), 'may and encrypt send one hello');
  t.equal(by.get('verify'), by.get('secure'), 'verify and secure send one hello');
  t.not(by.get('may'), by.get('verify'), 'verify leaves the anonymous suites out: another hello, another label');
});
