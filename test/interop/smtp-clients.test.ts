import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { getLabCa } from '../../src/certs/lab-ca.js';
import { runCommand } from '../fixtures/run-command.js';
import { nextRecord, portOf, startTestLab } from '../fixtures/test-lab.js';

/** Real clients (openssl, swaks, curl) against the fake receiver; every session's record is checked. */

t.test('dhe-only: an ECDHE-only client fails with handshake_failure, a DHE client gets through', async (t) => {
  const lab = await startTestLab(t, [{ profile: 'dhe-only', smtp: [0] }]);
  const port = portOf(lab, 'dhe-only');
  const seen = new Set<string>();
  const ecdhe = await runCommand('openssl', ['s_client', '-starttls', 'smtp', '-connect', `127.0.0.1:${port}`, '-tls1_2', '-cipher', 'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384'], { input: 'QUIT\r\n' });
  t.match(ecdhe.all, /alert handshake failure|sslv3 alert handshake failure/i, 'client sees a handshake_failure alert');
  const failed = await nextRecord(lab, 'dhe-only', seen);
  t.equal(failed.result, 'handshake-failed');
  t.equal(failed.error?.code, 'ERR_SSL_NO_SHARED_CIPHER');
  t.same(failed.error?.alert, { name: 'handshake_failure', code: 40, sent: true }, 'the alert we sent');
  t.same(failed.clientHello?.ciphers.map((c) => c.name).filter((n) => !n.includes('SCSV')), [
    'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  ], 'record lists the suites the client offered, in order');

  const dhe = await runCommand('openssl', ['s_client', '-starttls', 'smtp', '-connect', `127.0.0.1:${port}`, '-tls1_2', '-cipher', 'DHE-RSA-AES128-GCM-SHA256'], { input: 'QUIT\r\n' });
  t.match(dhe.stdout, /Cipher is DHE-RSA-AES128-GCM-SHA256/);
  t.match(dhe.stdout, /Server Temp Key: DH, 2048 bits/, 'client sees 2048-bit DH');
  const ok = await nextRecord(lab, 'dhe-only', seen);
  t.equal(ok.result, 'tls');
  t.equal(ok.cipher?.iana, 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256');
  t.same(ok.keyExchange, { type: 'DHE', bits: 2048, source: 'configured' });
});

t.test('dhe-1024: refused by a client at security level 2, accepted at level 1', async (t) => {
  const lab = await startTestLab(t, [{ profile: 'dhe-1024', smtp: [0] }]);
  const port = portOf(lab, 'dhe-1024');
  const seen = new Set<string>();
  const strict = await runCommand('openssl', ['s_client', '-starttls', 'smtp', '-connect', `127.0.0.1:${port}`, '-tls1_2'], { input: 'QUIT\r\n' });
  t.match(strict.all, /dh key too small/i);
  t.equal((await nextRecord(lab, 'dhe-1024', seen)).result, 'handshake-failed');
  const lax = await runCommand('openssl', ['s_client', '-starttls', 'smtp', '-connect', `127.0.0.1:${port}`, '-tls1_2', '-cipher', 'DEFAULT@SECLEVEL=1'], { input: 'QUIT\r\n' });
  t.match(lax.stdout, /Server Temp Key: DH, 1024 bits/);
  const rec = await nextRecord(lab, 'dhe-1024', seen);
  t.equal(rec.result, 'tls');
  t.equal(rec.keyExchange?.bits, 1024);
});

t.test('md5-chain: -showcerts shows an MD5-signed leaf and intermediate; md5-intermediate only the intermediate', async (t) => {
  const lab = await startTestLab(t, [{ profile: 'md5-chain', smtp: [0] }, { profile: 'md5-intermediate', smtp: [0] }]);
  const dir = t.testdir({});
  const served = async (profile: string): Promise<string[]> => {
    const res = await runCommand('openssl', ['s_client', '-starttls', 'smtp', '-connect', `127.0.0.1:${portOf(lab, profile)}`, '-showcerts', '-cipher', 'DEFAULT@SECLEVEL=0'], { input: 'QUIT\r\n' });
    const pems = res.stdout.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    t.equal(pems.length, 2, `${profile}: leaf and intermediate sent`);
    const texts: string[] = [];
    for (const [i, pem] of pems.entries()) {
      writeFileSync(join(dir, `${profile}-${i}.pem`), pem + '\n');
      texts.push((await runCommand('openssl', ['x509', '-noout', '-text', '-in', join(dir, `${profile}-${i}.pem`)])).stdout);
    }
    return texts;
  };
  const [leaf, intermediate] = await served('md5-chain');
  t.match(leaf, /Signature Algorithm: md5WithRSAEncryption/, 'md5-chain: leaf signed with MD5');
  t.match(leaf, /Subject: .*mx\.mxlab\.test/);
  t.match(intermediate, /Signature Algorithm: md5WithRSAEncryption/, 'md5-chain: intermediate signed with MD5');
  t.match(intermediate, /Subject: .*mxlab Lab Intermediate CA/);
  const rec = await nextRecord(lab, 'md5-chain', new Set());
  t.equal(rec.result, 'tls');
  t.same(rec.chain?.map((c) => c.signatureAlgorithm), ['md5WithRSAEncryption', 'md5WithRSAEncryption'], 'record: served chain summary names MD5 on both');
  const [leaf2, intermediate2] = await served('md5-intermediate');
  t.match(leaf2, /Signature Algorithm: sha256WithRSAEncryption/, 'md5-intermediate: a SHA-256 leaf');
  t.match(intermediate2, /Signature Algorithm: md5WithRSAEncryption/, 'md5-intermediate: the MD5 intermediate');
});

t.test('swaks --tls delivers to optional and required; plaintext swaks gets 530 from required', async (t) => {
  const lab = await startTestLab(t, [
    { name: 'opt', profile: 'modern', policy: 'optional', smtp: [0] },
    { name: 'req', profile: 'modern', policy: 'required', smtp: [0] },
  ]);
  const seen = new Set<string>();
  for (const peer of ['opt', 'req']) {
    const res = await runCommand('swaks', ['--to', 'user@example.net', '--from', 'sender@example.org', '--server', `127.0.0.1:${portOf(lab, peer)}`, '--tls', '--helo', 'client.example.org']);
    t.equal(res.code, 0, `swaks --tls to ${peer} exits 0`);
    const started = /TLS started with cipher (TLSv[\d.]+):([^:\s]+):(\d+)/.exec(res.all);
    t.ok(started, `swaks reports the TLS session (${peer})`);
    const rec = await nextRecord(lab, peer, seen);
    t.equal(rec.result, 'tls');
    t.equal(rec.version, started?.[1], 'record version = what swaks saw');
    t.equal(rec.cipher?.openssl, started?.[2], 'record cipher = what swaks saw');
    t.equal(rec.helo, 'client.example.org');
    t.equal(rec.messages.length, 1, 'one message stored');
    t.match(rec.reply, /^250 2\.\d\.\d Ok: queued as [0-9A-F]{10}$/);
    const eml = readFileSync(rec.messages[0]!.file!, 'latin1');
    t.match(eml, new RegExp(`^Received: from client\\.example\\.org \\(localhost \\[127\\.0\\.0\\.1\\]\\)\\r\\n\\t\\(using ${started?.[1]?.replace('.', '\\.')} with cipher ${started?.[2]} \\(256/256 bits\\)\\)`), 'Received header names the real version and cipher');
    t.match(eml, /with ESMTPS id [0-9A-F]{10}\r\n\tfor <user@example\.net>; /);
    t.match(eml, /This is a test mailing/, 'body stored');
  }
  const plain = await runCommand('swaks', ['--to', 'user@example.net', '--from', 'sender@example.org', '--server', `127.0.0.1:${portOf(lab, 'req')}`]);
  t.not(plain.code, 0, 'swaks fails');
  t.match(plain.all, /530 5\.7\.0 Must issue a STARTTLS command first/);
  const refused = await nextRecord(lab, 'req', seen);
  t.equal(refused.result, 'refused');
  t.equal(refused.reply, '530 5.7.0 Must issue a STARTTLS command first');
  t.equal(refused.startTlsOffered, true);
  t.equal(refused.startTlsAttempted, false);
  t.equal(refused.messages.length, 0);
});

t.test('curl smtp:// --ssl-reqd and smtps:// deliver, verifying the lab CA', async (t) => {
  const lab = await startTestLab(t, [{ profile: 'modern', smtp: [0], smtps: [0] }]);
  const ca = await getLabCa(lab.certsDir);
  const dir = t.testdir({ 'mail.txt': 'From: a@example.org\r\nTo: b@example.net\r\nSubject: curl\r\n\r\nhello from curl\r\n' });
  const seen = new Set<string>();
  for (const [url, mode] of [[`smtp://127.0.0.1:${portOf(lab, 'modern')}`, 'explicit'], [`smtps://127.0.0.1:${portOf(lab, 'modern', 'implicit')}`, 'implicit']] as const) {
    const res = await runCommand('curl', ['-sS', '-v', '--ssl-reqd', '--cacert', ca.certFile, url, '--mail-from', 'a@example.org', '--mail-rcpt', 'b@example.net', '-T', join(dir, 'mail.txt')]);
    t.equal(res.code, 0, `curl ${url} exits 0`, { stderr: res.stderr.split("\n").filter((l) => /^[<>]|curl:/.test(l)).join("\n") });
    const conn = /SSL connection using (TLSv[\d.]+) \/ (\S+)/.exec(res.stderr);
    t.ok(conn, 'curl reports its TLS session');
    const rec = await nextRecord(lab, 'modern', seen);
    t.equal(rec.tlsMode, mode);
    t.equal(rec.result, 'tls');
    t.equal(rec.version, conn?.[1]);
    t.equal(rec.cipher?.iana === conn?.[2] || rec.cipher?.openssl === conn?.[2], true, `cipher matches curl's ${conn?.[2]}`);
    t.equal(rec.messages.length, 1);
    t.match(readFileSync(rec.messages[0]!.file!, 'latin1'), /hello from curl/);
  }
});
