import t from 'tap';
import { getLabCa } from '../../src/certs/lab-ca.js';
import { postfixProblem, startPostfix } from '../fixtures/postfix-instance.js';
import { startTestLab } from '../fixtures/test-lab.js';

/**
 * mxlab's legacy and certificate sending personalities against a real Postfix 3.7 receiver (TLS may,
 * asking for client certificates): an RC4-only sender meets OpenSSL 3's refusal and, under `may`,
 * falls back to plaintext on a new connection, as a real RC4-only MTA does; a certificate personality
 * presents its chain, which Postfix logs as the client's certificate. Needs root and the postfix package.
 */

const problem = postfixProblem();
if (problem) t.fail(`Postfix interop test cannot run: ${problem}`);

const CLIENT = 'localhost\\[127\\.0\\.0\\.1\\]';

t.test('legacy and certificate senders to a real Postfix (smtpd_tls_security_level=may)', { skip: problem ? 'Postfix cannot run here' : false }, async (t) => {
  const [pf, lab] = await Promise.all([
    startPostfix(t, { tlsSecurityLevel: 'may', name: 'legacy-sender', mainCf: { smtpd_tls_ask_ccert: 'yes' } }),
    startTestLab(t),
  ]);
  const ca = (await getLabCa(lab.certsDir)).cert;

  await t.test('rc4-only, policy may: handshake fails on an alert, then plaintext on a new connection', async (t) => {
    const from = pf.logOffset();
    const rec = await lab.send({ to: pf.target, profile: 'rc4-only', policy: 'may', rcpt: 'user@example.net', ca });
    const log = await pf.waitForLog(new RegExp(`disconnect from ${CLIENT}`), { from, count: 2 });
    t.equal(rec.result, 'downgraded', rec.reason ?? '');
    const first = rec.attempts?.[0];
    t.equal(first?.result, 'handshake-failed');
    t.match(first?.errorCode, /^ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE$/, 'Postfix answered the RC4-only hello with handshake_failure (40)');
    t.equal(rec.messages.length, 1, 'the plaintext retry delivered');
    t.match(rec.reply, /^250 2\.0\.0 Ok: queued as /);
    t.match(log, /SSL_accept error from localhost\[127\.0\.0\.1\]/, 'Postfix logged the failed handshake');
    t.match(log, /no shared cipher/, 'for want of a shared cipher');
    t.notMatch(log, /TLS connection established/, 'no TLS session at all');
    t.match(log, /client=localhost\[127\.0\.0\.1\]/, 'and then took the mail in plaintext');
  });

  await t.test('sslv3-only, policy encrypt: refused, nothing in plaintext', async (t) => {
    const from = pf.logOffset();
    const rec = await lab.send({ to: pf.target, profile: 'sslv3-only', policy: 'encrypt', rcpt: 'user@example.net' });
    await pf.waitForLog(new RegExp(`disconnect from ${CLIENT}`), { from });
    t.equal(rec.result, 'refused', rec.reason ?? '');
    t.match(rec.error?.code, /ALERT_(PROTOCOL_VERSION|HANDSHAKE_FAILURE)/, `Postfix refused the SSL 3.0 hello: ${rec.error?.code}`);
    t.equal(rec.messages.length, 0);
  });

  await t.test('md5-chain as a sender presents its chain as the client certificate', async (t) => {
    const from = pf.logOffset();
    const rec = await lab.send({ to: pf.target, profile: 'md5-chain', policy: 'may', rcpt: 'user@example.net' });
    const log = await pf.waitForLog(new RegExp(`disconnect from ${CLIENT}`), { from });
    t.equal(rec.result, 'tls', rec.reason ?? '');
    t.equal(rec.clientCertificate?.personality, 'md5-chain');
    t.ok(rec.clientCertificate?.chain.some((c) => c.signatureAlgorithm === 'md5WithRSAEncryption'), 'the record names the MD5 signature in the chain offered');
    t.match(log, /(Untrusted|Trusted) TLS connection established from localhost\[127\.0\.0\.1\]/, 'Postfix saw a client certificate (not "Anonymous TLS connection")');
  });

  await t.test('modern (a TLS personality alone) presents none', async (t) => {
    const from = pf.logOffset();
    const rec = await lab.send({ to: pf.target, profile: 'modern', policy: 'may', rcpt: 'user@example.net' });
    const log = await pf.waitForLog(new RegExp(`disconnect from ${CLIENT}`), { from });
    t.equal(rec.clientCertificate, undefined);
    t.match(log, /Anonymous TLS connection established from localhost\[127\.0\.0\.1\]/);
  });
});
