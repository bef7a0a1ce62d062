import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { getLabCa } from '../../src/certs/lab-ca.js';
import { CATALOGUE } from '../../src/profiles/catalogue.js';
import { runCli } from '../fixtures/run-cli.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/** `mxlab send` as a user runs it: exit status, the vocabularies, the matrix. */
t.test('mxlab send', async (t) => {
  const lab = await startTestLab(t, [
    { name: 'modern', profile: 'modern', smtp: [0] },
    { name: 'old', profile: 'tls10-only', smtp: [0] },
    { name: 'md5', profile: 'md5-chain', smtp: [0] },
    { name: 'rc4', profile: 'rc4-only', smtp: [0] },
  ]);
  const cwd = mkdtempSync(join(tmpdir(), 'mxlab-send-'));
  t.teardown(() => rmSync(cwd, { recursive: true, force: true }));
  const ca = (await getLabCa(lab.certsDir)).certFile;
  const to = (peer: string): string => `127.0.0.1:${portOf(lab, peer)}`;

  await t.test('may against a TLS 1.0-only receiver: downgraded, delivered, exit 0', async (t) => {
    const r = await runCli(['send', '--to', to('old'), '--policy', 'may', '--rcpt', 'user@example.net'], { cwd });
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, /^DOWNGRADED /);
    t.match(r.stdout, /#1 TLS allowed: handshake-failed/);
    t.match(r.stdout, /#2 plaintext retry/);
    t.match(r.stdout, /delivered +[0-9A-F]{10} .* → user@example\.net/);
  });

  await t.test('Exchange --require-tls against it: refused, exit 1, both vocabularies named', async (t) => {
    const r = await runCli(['send', '--to', to('old'), '--require-tls'], { cwd });
    t.equal(r.code, 1);
    t.match(r.stdout, /^REFUSED /);
    t.match(r.stdout, /policy +encrypt \(Exchange RequireTLS, EncryptionOnly\)/);
    t.match(r.stdout, /alert +protocol_version \(70\) received/);
  });

  await t.test('--tls-auth-level CertificateValidation with the lab CA: md5 chain refused with the weak-digest reason', async (t) => {
    const r = await runCli(['send', '--to', to('md5'), '--require-tls', '--tls-auth-level', 'CertificateValidation', '--ca', ca], { cwd });
    t.equal(r.code, 1);
    t.match(r.stdout, /CA signature digest algorithm too weak/);
    t.match(r.stdout, /verify \(Exchange RequireTLS, CertificateValidation\)/);
  });

  await t.test('ESA required-verify (secure) against a good chain with the CA and name: tls, exit 0', async (t) => {
    const r = await runCli(['send', '--to', to('modern'), '--policy', 'required-verify', '--ca', ca, '--tls-domain', 'mx.mxlab.test'], { cwd });
    t.equal(r.code, 0, r.stdout);
    t.match(r.stdout, /^TLS /);
    t.match(r.stdout, /certificate +passed chain and name check/);
    t.match(r.stdout, /negotiated +TLSv1\.3/);
  });

  await t.test('--json prints the record', async (t) => {
    const r = await runCli(['send', '--to', to('modern'), '--policy', 'encrypt', '--json'], { cwd });
    t.equal(r.code, 0);
    const rec = JSON.parse(r.stdout) as { result: string; role: string; verification?: { required: string } };
    t.equal(rec.result, 'tls');
    t.equal(rec.role, 'client');
    t.equal(rec.verification?.required, 'nothing');
  });

  await t.test('--matrix: one row per built-in profile, columns named for what they hold, exit 0 when every row got through', async (t) => {
    const r = await runCli(['send', '--matrix', '--to', to('modern'), '--policy', 'may', '--jobs', '4'], { cwd });
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, /^SENDER PROFILE +RESULT +MAIL +VERSION +CIPHER +CERT CHECK +REASON$/m);
    t.notMatch(r.stdout, /CERTIFICATE/, 'no column named for certificates that holds refusal reasons');
    const rows = r.stdout.split('\n').filter((l) => /^[a-z0-9.-]+ +(tls|downgraded|plaintext|refused|handshake-failed|error) /.test(l));
    t.equal(rows.length, CATALOGUE.length, 'one row each');
    for (const p of CATALOGUE) t.ok(rows.some((l) => l.startsWith(`${p.name} `)), `row for ${p.name}`);
    t.match(rows.find((l) => l.startsWith('tls10-only')), /downgraded +sent /);
    t.match(rows.find((l) => l.startsWith('exchange-2019-ecdhe')), /tls +sent +TLSv1\.2 +ECDHE-RSA-AES256-GCM-SHA384 +not checked/);
    // A legacy sender is legacy: its RC4-only hello meets OpenSSL 3's alert, and `may` falls back.
    for (const legacy of ['rc4-only', '3des-only', 'sslv3-only']) t.match(rows.find((l) => l.startsWith(`${legacy} `)), /^\S+ +downgraded +sent +- +- /, `${legacy}: downgraded, never TLS`);
    // A certificate personality presents its chain as the client certificate: no row is "not applicable".
    t.notMatch(r.stdout, /\*/, 'no row marked * (not applicable)');
    t.match(rows.find((l) => l.startsWith('md5-chain ')), /client cert md5-chain: .*CN=mx\.mxlab\.test \[.*md5WithRSAEncryption.*presented when the server asks/);
    t.match(rows.find((l) => l.startsWith('rsa-1024 ')), /client cert rsa-1024: .*RSA 1024/);
    t.match(r.stdout, new RegExp(`${CATALOGUE.length} senders \\(.*\\) in \\d+\\.\\d\\d s, 4 at a time`));
    t.match(r.stdout, /all \d+ senders got the mail through under the policy: exit 0/);
  });

  await t.test('--matrix against an RC4-only receiver: the rc4-only sender would negotiate RC4-SHA, imitated', async (t) => {
    const r = await runCli(['send', '--matrix', '--to', to('rc4'), '--policy', 'may', '--jobs', '4'], { cwd });
    t.equal(r.code, 1, 'the rc4-only row sent no mail: exit 1');
    const row = r.stdout.split('\n').find((l) => l.startsWith('rc4-only '));
    t.match(row, /^rc4-only +handshake-failed +no +TLSv1 +RC4-SHA \(imitated\) +- +imitated: would negotiate RC4-SHA \(TLSv1\); no mail sent/, row ?? 'no row');
    t.match(r.stdout.split('\n').find((l) => l.startsWith('modern ')), /^modern +downgraded /, 'an OpenSSL 3 sender offers no RC4: the RC4-only receiver refuses it');
  });

  await t.test('bad input: exit 2, one line', async (t) => {
    for (const args of [
      ['send', '--to', 'nohost', '--policy', 'may'],
      ['send', '--to', to('modern'), '--policy', 'mandatory'],
      ['send', '--to', to('modern'), '--tls-auth-level', 'DomainValidation'],
      ['send', '--to', to('modern'), '--require-tls', '--tls-auth-level', 'Domain'],
      ['send', '--to', to('modern'), '--profile', 'tls10only'],
      ['send', '--to', to('modern'), '--ca', join(cwd, 'missing.pem')],
    ]) {
      const r = await runCli(args, { cwd });
      t.equal(r.code, 2, args.join(' '));
      t.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr.trim()}`);
      t.match(r.stderr, /^mxlab: /);
    }
  });

  await t.test('refused connection: error outcome, exit 1, no hang', async (t) => {
    const r = await runCli(['send', '--to', '127.0.0.1:1', '--policy', 'may', '--timeout', '2000'], { cwd, timeoutMs: 15000 });
    t.equal(r.code, 1);
    t.match(r.stdout, /^ERROR /);
    t.match(r.stdout, /ECONNREFUSED|refused/i);
  });
});
