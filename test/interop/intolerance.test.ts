import t from 'tap';
import { runCommand } from '../fixtures/run-command.js';
import { nextRecord, portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * Real clients (openssl, gnutls-cli) and mxlab's own sender against the broken-negotiation
 * personalities: what the client sees, and what the receiver's record says.
 */

const sClient = (port: number, ...args: string[]) =>
  runCommand('openssl', ['s_client', '-starttls', 'smtp', '-connect', `127.0.0.1:${port}`, '-msg', ...args], { input: 'QUIT\r\n' });

t.test('intolerant-tls10: -tls1_2 ends with no ServerHello, -tls1 gets TLS 1.0 (the seed case)', async (t) => {
  const lab = await startTestLab(t, [{ profile: 'intolerant-tls10', smtp: [0] }]);
  const port = portOf(lab, 'intolerant-tls10');
  const seen = new Set<string>();

  const modern = await sClient(port, '-tls1_2');
  t.match(modern.stdout, />>> .*ClientHello/, 'the client sent its hello');
  t.notMatch(modern.stdout, /<<< .*ServerHello/, 'no ServerHello came back');
  t.match(modern.all, /unexpected eof while reading|Connection reset|errno=104/i, 'the connection just ended');
  const refused = await nextRecord(lab, 'intolerant-tls10', seen);
  t.equal(refused.result, 'handshake-failed');
  t.equal(refused.error?.code, 'QUIRK_VERSION_INTOLERANCE');
  t.equal(refused.error?.message, 'the client offered legacy_version TLSv1.2, above TLSv1; the server closed the connection without a reply (FIN) instead of a ServerHello (quirk intolerantAbove=TLSv1, reaction close)');
  t.equal(refused.clientHello?.legacyVersion, 'TLSv1.2', 'record: what the client offered');
  t.equal(refused.startTlsAttempted, true);

  const old = await sClient(port, '-tls1', '-cipher', 'DEFAULT@SECLEVEL=0');
  t.match(old.stdout, /<<< .*ServerHello/, 'a ServerHello this time');
  t.match(old.stdout, /^New, TLSv1\.0, Cipher is ECDHE-RSA-AES256-SHA$/m, 'TLS 1.0 negotiated');
  const ok = await nextRecord(lab, 'intolerant-tls10', seen);
  t.equal(ok.result, 'tls');
  t.equal(ok.version, 'TLSv1');
  t.same(ok.clientHello?.offeredVersions, ['TLSv1']);
});

t.test("mxlab's sender: may is downgraded to plaintext, encrypt is refused", async (t) => {
  const lab = await startTestLab(t, [{ profile: 'intolerant-tls10', smtp: [0] }]);
  const port = portOf(lab, 'intolerant-tls10');
  const may = await lab.send({ to: `127.0.0.1:${port}`, policy: 'may', rcpt: ['user@example.net'] });
  t.equal(may.result, 'downgraded', may.reason ?? '');
  t.equal(may.attempts?.length, 2, 'a failed handshake, then a plaintext retry');
  t.equal(may.attempts?.[0]?.result, 'handshake-failed');
  t.equal(may.messages.length, 1, 'the message went, in plaintext');
  const encrypt = await lab.send({ to: `127.0.0.1:${port}`, policy: 'encrypt', rcpt: ['user@example.net'] });
  t.equal(encrypt.result, 'refused', encrypt.reason ?? '');
  t.match(encrypt.reason, /^4\.7\.0 TLS handshake failed/);
  t.equal(encrypt.messages.length, 0, 'nothing sent in plaintext');
  // The receiver's records of both refused hellos (a receiver's session may end just after the sender's).
  const seen = new Set<string>();
  for (let i = 0; i < 2; i += 1) {
    const r = await lab.waitForRecord((x) => x.role === 'server' && x.result === 'handshake-failed' && !seen.has(x.id));
    seen.add(r.id);
    t.match(r.error?.message, /supported_versions TLSv1\.3, TLSv1\.2, above TLSv1/, `receiver record ${r.id}`);
  }
});

t.test('intolerant-tls13: gnutls-cli fails, and succeeds without TLS 1.3', async (t) => {
  const lab = await startTestLab(t, [{ profile: 'intolerant-tls13', smtp: [0] }]);
  const port = String(portOf(lab, 'intolerant-tls13'));
  const seen = new Set<string>();
  const base = ['--insecure', '--starttls-proto=smtp', '--port', port, '127.0.0.1'];
  const modern = await runCommand('gnutls-cli', base, { input: '' });
  t.not(modern.code, 0, 'gnutls-cli fails');
  t.notMatch(modern.all, /Handshake was completed/);
  t.match(modern.all, /non-properly terminated|Error in the push function|Fatal error/i, 'the server just went away');
  const failed = await nextRecord(lab, 'intolerant-tls13', seen);
  t.equal(failed.result, 'handshake-failed');
  t.equal(failed.error?.code, 'QUIRK_TLS13_INTOLERANCE');
  t.match(failed.error?.message, /^the client offered TLSv1\.3 in supported_versions; the server closed the connection/);
  t.match(failed.clientHello?.client, /^gnutls-cli /, 'the record names the client');

  const tls12 = await runCommand('gnutls-cli', ['--priority', 'NORMAL:-VERS-TLS1.3', ...base], { input: '' });
  t.match(tls12.all, /Handshake was completed/, 'TLS 1.2 only: the handshake completes');
  t.match(tls12.all, /\(TLS1\.2[-)]/, 'over TLS 1.2');
  const ok = await nextRecord(lab, 'intolerant-tls13', seen);
  t.equal(ok.result, 'tls');
  t.equal(ok.version, 'TLSv1.2');
  t.equal(ok.clientHello?.supportedVersions, undefined, 'no supported_versions in that hello');
});

t.test('rc4-only: openssl s_client cannot reach it; the record lists the suites it offered', async (t) => {
  const lab = await startTestLab(t, [{ profile: 'rc4-only', smtp: [0] }]);
  const port = portOf(lab, 'rc4-only');
  const res = await sClient(port);
  t.match(res.all, /alert handshake failure|SSL alert number 40/, 'the client sees handshake_failure');
  t.notMatch(res.stdout, /<<< .*ServerHello/, 'no ServerHello: the client offered no RC4');
  const rec = await nextRecord(lab, 'rc4-only', new Set());
  t.equal(rec.result, 'handshake-failed');
  t.equal(rec.error?.code, 'ERR_SSL_NO_SHARED_CIPHER');
  t.same(rec.error?.alert, { name: 'handshake_failure', code: 40, sent: true });
  const offered = (await runCommand('openssl', ['ciphers', '-s', '-stdname'])).stdout.split('\n').map((l) => l.split(/\s+/)[0]).filter(Boolean);
  t.same(rec.clientHello?.ciphers.map((c) => c.name).filter((n) => n !== 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV'), offered, `the ${offered.length} suites openssl offered, by IANA name, in order`);
  t.match(rec.error?.message, new RegExp(`client offered none of them \\(${offered.length + 1} suites offered\\)`));
  t.equal(rec.clientHello?.client, 'openssl 3.0 s_client');
});
