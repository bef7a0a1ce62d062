import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { runCommand } from '../fixtures/run-command.js';
import { sslscanFindings } from '../fixtures/product-findings.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * What real scanners see of single profile fields: md5-chain's MD5-signed leaf (sslscan names the
 * algorithm, testssl.sh rates it CRITICAL) against md5-intermediate's SHA-256 leaf, and the ServerHello
 * extensions that encryptThenMac / extendedMasterSecret / sessionTickets leave out (openssl s_client
 * -tlsextdebug lists what the server sent). testssl.sh -S takes a minute or two per target, more than a
 * loaded `npm test` file may take: it runs under `npm run test:interop` (MXLAB_SCAN_SWEEP=1).
 */

const withTestssl = !!process.env.MXLAB_SCAN_SWEEP;

const dir = mkdtempSync(join(tmpdir(), 'mxlab-fidelity-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

t.test('md5-chain: sslscan shows md5WithRSAEncryption for the leaf, testssl.sh (test:interop) flags it; md5-intermediate hides it from both', async (t) => {
  const lab = await startTestLab(t, [{ profile: 'md5-chain', smtp: [0] }, { profile: 'md5-intermediate', smtp: [0] }]);
  const target = (name: string): string => `127.0.0.1:${portOf(lab, name)}`;
  const testssl = async (name: string): Promise<Record<string, { severity: string; finding: string }>> => {
    const csv = join(dir, `${name}.csv`);
    await runCommand('testssl', ['--quiet', '--warnings', 'off', '--color', '0', '-t', 'smtp', '-S', '--csvfile', csv, target(name)], { timeoutMs: 300000 });
    const out: Record<string, { severity: string; finding: string }> = {};
    for (const line of readFileSync(csv, 'utf8').split('\n')) {
      const [id, , , severity, finding] = [...line.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
      if (id && severity !== undefined && finding !== undefined) out[id] = { severity, finding };
    }
    return out;
  };
  const [md5Scan, interScan, md5Ts, interTs] = await Promise.all([
    sslscanFindings('smtp', target('md5-chain')), sslscanFindings('smtp', target('md5-intermediate')),
    withTestssl ? testssl('md5-chain') : undefined, withTestssl ? testssl('md5-intermediate') : undefined,
  ]);
  t.equal(md5Scan.leafSignature, 'md5WithRSAEncryption', 'sslscan: the leaf is MD5-signed');
  t.equal(interScan.leafSignature, 'sha256WithRSAEncryption', 'sslscan: md5-intermediate\'s leaf is SHA-256');
  if (!md5Ts || !interTs) return;
  t.match(md5Ts.cert_signatureAlgorithm, { severity: 'CRITICAL', finding: /MD5/ }, `testssl.sh: ${JSON.stringify(md5Ts.cert_signatureAlgorithm)}`);
  t.match(interTs.cert_signatureAlgorithm, { severity: 'OK', finding: /SHA256/ }, 'testssl.sh: nothing raised for md5-intermediate\'s leaf');
  t.ok(Number(/(\d+)/.exec(md5Ts.cert_validityPeriod?.finding ?? md5Ts.cert_expirationStatus?.finding ?? '')?.[1] ?? 0) <= 397 || md5Ts.cert_validityPeriod?.severity !== 'HIGH', `testssl.sh: leaf validity not flagged (${JSON.stringify(md5Ts.cert_validityPeriod)})`);
});

/**
 * The ServerHello extensions s_client -tlsextdebug prints, by name. CBC suites only: a server leaves
 * encrypt-then-MAC out when it picks an AEAD suite, whatever its settings.
 */
async function serverExtensions(t: Test, port: number, version: '-tls1' | '-tls1_2'): Promise<string[]> {
  const r = await runCommand('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-starttls', 'smtp', version, '-cipher', 'ECDHE-RSA-AES128-SHA:AES128-SHA:@SECLEVEL=0', '-tlsextdebug'], { input: '', timeoutMs: 20000 });
  t.match(r.stdout, /Cipher is (ECDHE-RSA-)?AES128-SHA/, `port ${port}: the handshake went through with a CBC suite`);
  return [...r.stdout.matchAll(/TLS server extension "([^"]+)"/g)].map((m) => m[1]!);
}

t.test('extensions: a TLS 1.0-era profile sends none of encrypt-then-MAC, extended master secret, session ticket; the Postfix one sends all three', async (t) => {
  const lab = await startTestLab(t, [{ profile: 'tls10-only', smtp: [0] }, { profile: 'exchange-2010-sp3', smtp: [0] }, { profile: 'postfix-3.7-default', smtp: [0] }, { profile: 'tls10-only', name: 'tls10-overridden', overrides: { encryptThenMac: true, sessionTickets: true }, smtp: [0] }]);
  const old = await serverExtensions(t, portOf(lab, 'tls10-only'), '-tls1');
  for (const ext of ['encrypt-then-mac', 'extended master secret', 'session ticket']) t.notOk(old.includes(ext), `tls10-only: no ${ext} (${old.join(', ')})`);
  t.ok(old.includes('renegotiation info'), 'tls10-only: renegotiation info still (RFC 5746, 2010)');
  const ex2010 = await serverExtensions(t, portOf(lab, 'exchange-2010-sp3'), '-tls1');
  t.ok(ex2010.includes('extended master secret') && !ex2010.includes('encrypt-then-mac') && !ex2010.includes('session ticket'), `exchange-2010-sp3: extended master secret only, as Schannel after MS15-121 (${ex2010.join(', ')})`);
  const postfix = await serverExtensions(t, portOf(lab, 'postfix-3.7-default'), '-tls1_2');
  for (const ext of ['encrypt-then-mac', 'extended master secret', 'session ticket']) t.ok(postfix.includes(ext), `postfix-3.7-default: ${ext}`);
  const overridden = await serverExtensions(t, portOf(lab, 'tls10-overridden'), '-tls1');
  t.ok(overridden.includes('encrypt-then-mac') && overridden.includes('session ticket') && !overridden.includes('extended master secret'), `overrides turn single extensions back on (${overridden.join(', ')})`);
});
