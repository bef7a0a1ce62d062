import t from 'tap';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * Legacy sending personalities (rc4-only, 3des-only, sslv3-only) offer what the real systems offered:
 * a hand-written hello with their legacy suites, judged on the server's answer. Against mxlab's own
 * imitated receivers both ends meet up to the ServerHello; against a modern receiver (OpenSSL 3, no
 * RC4/3DES/SSL 3.0) the handshake fails and the policy decides.
 */

t.test('rc4-only sender to a mxlab rc4-only receiver: RC4-SHA imitated up to the ServerHello', async (t) => {
  const lab = await startTestLab(t, [{ name: 'rc4', profile: 'rc4-only', smtp: [0], smtps: [0] }]);
  const rec = await lab.send({ to: `127.0.0.1:${portOf(lab, 'rc4')}`, profile: 'rc4-only', policy: 'may' });
  t.equal(rec.result, 'handshake-failed', 'not "tls": no mail went encrypted');
  t.equal(rec.imitated?.suite, 'TLS_RSA_WITH_RC4_128_SHA', 'the server chose RC4-SHA');
  t.equal(rec.imitated?.openssl, 'RC4-SHA');
  t.equal(rec.imitated?.version, 'TLSv1');
  t.match(rec.reason, /would negotiate RC4-SHA with TLSv1, imitated up to ServerHello/, rec.reason ?? "");
  t.match(rec.reason, /no mail was sent/);
  t.equal(rec.attempts?.length, 1, 'no plaintext retry: the real sender would have gone on in TLS');
  t.same(rec.messages, [], 'no message');
  const offered = rec.clientHello?.ciphers.map((c) => c.name) ?? [];
  t.same(offered, ['TLS_RSA_WITH_RC4_128_SHA', 'TLS_RSA_WITH_RC4_128_MD5'], 'the sender offered RC4 only');
  t.same(rec.clientHello?.offeredVersions, ['TLSv1'], 'in a TLS 1.0 hello');
  const server = await lab.waitForRecord((r) => r.peer === 'rc4' && r.role === 'server');
  t.equal(server.imitated?.suite, 'TLS_RSA_WITH_RC4_128_SHA', 'the receiver saw the same');
  t.same(server.clientHello?.ciphers.map((c) => c.name), offered, 'and the same hello');

  const implicit = await lab.send({ to: `127.0.0.1:${portOf(lab, 'rc4', 'implicit')}`, implicit: true, profile: 'rc4-only', policy: 'encrypt' });
  t.equal(implicit.result, 'handshake-failed', 'implicit TLS too');
  t.equal(implicit.imitated?.openssl, 'RC4-SHA');
});

t.test('3des-only and sslv3-only senders to mxlab receivers of their kind', async (t) => {
  const lab = await startTestLab(t, [
    { name: '3des', profile: '3des-only', smtp: [0] },
    { name: 'ssl3', profile: 'sslv3-only', smtp: [0] },
  ]);
  const des = await lab.send({ to: `127.0.0.1:${portOf(lab, '3des')}`, profile: '3des-only' });
  t.equal(des.imitated?.openssl, 'DES-CBC3-SHA', des.reason ?? "");
  t.match(des.reason, /OpenSSL 3 has no 3DES/);
  const ssl3 = await lab.send({ to: `127.0.0.1:${portOf(lab, 'ssl3')}`, profile: 'sslv3-only' });
  t.equal(ssl3.imitated?.version, 'SSLv3', ssl3.reason ?? "");
  t.equal(ssl3.clientHello?.legacyVersion, 'SSLv3', 'an SSL 3.0 hello');
  t.same(ssl3.clientHello?.extensions ?? [], [], 'without extensions, as SSL 3.0 clients sent');
});

t.test('rc4-only sender to a modern receiver: alert, then the policy decides', async (t) => {
  const lab = await startTestLab(t, [{ name: 'modern', profile: 'modern', smtp: [0] }]);
  const may = await lab.send({ to: `127.0.0.1:${portOf(lab, 'modern')}`, profile: 'rc4-only', policy: 'may' });
  t.equal(may.result, 'downgraded', `may falls back on a new connection: ${may.reason}`);
  t.equal(may.attempts?.[0]?.result, 'handshake-failed');
  t.match(may.attempts?.[0]?.errorCode, /ALERT_HANDSHAKE_FAILURE|ALERT_PROTOCOL_VERSION/, `alert: ${may.attempts?.[0]?.errorCode}`);
  t.equal(may.messages.length, 1, 'the plaintext retry delivered');
  const encrypt = await lab.send({ to: `127.0.0.1:${portOf(lab, 'modern')}`, profile: 'rc4-only', policy: 'encrypt' });
  t.equal(encrypt.result, 'refused', `encrypt sends nothing: ${encrypt.reason}`);
  t.equal(encrypt.error?.alert?.sent, false, 'the alert came from the server');
});
