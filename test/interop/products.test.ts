import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { linePort } from '../fixtures/mail-lab.js';
import { dovecotProblem, startDovecot } from '../fixtures/dovecot-instance.js';
import { postfixProblem, startPostfix } from '../fixtures/postfix-instance.js';
import { sslscanFindings, testsslFindings } from '../fixtures/product-findings.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * Product personalities against the products they imitate, scanned side by side in the same test:
 * a private real Postfix 3.7 (Debian 12, smtpd_tls_security_level = may, nothing else set) against
 * mxlab's postfix-3.7-default, a private real Dovecot 2.3 (Debian's defaults) against
 * dovecot-2.3-default. Both serve mxlab's default chain, so every difference is the TLS personality's.
 * sslscan always runs (protocols, each version's suites in the order the server chose them with their
 * key-exchange sizes, groups, signature algorithms); testssl.sh (-p -e -S -P -f: protocols, suites with
 * key exchange, server order, ServerHello extensions, DH group, curves) takes 1-2 minutes per target
 * and runs under `npm run test:interop` (MXLAB_SCAN_SWEEP=1).
 */

const withTestssl = !!process.env.MXLAB_SCAN_SWEEP;
const dir = mkdtempSync(join(tmpdir(), 'mxlab-products-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

async function compare(t: Test, name: string, starttls: 'smtp' | 'imap', real: string, mine: string): Promise<void> {
  const [realScan, mineScan, realTs, mineTs] = await Promise.all([
    sslscanFindings(starttls, real),
    sslscanFindings(starttls, mine),
    withTestssl ? testsslFindings(starttls, real, join(dir, `${name}-real.csv`)) : undefined,
    withTestssl ? testsslFindings(starttls, mine, join(dir, `${name}-mxlab.csv`)) : undefined,
  ]);
  t.ok(realScan.protocols.length > 0, `${name}: sslscan found protocols on the real product (${realScan.protocols.join(', ')})`);
  t.same(mineScan.protocols, realScan.protocols, `${name} sslscan: protocols`);
  for (const v of Object.keys(realScan.suites)) t.same(mineScan.suites[v], realScan.suites[v], `${name} sslscan: ${v} suites, order of choice and key exchange`);
  t.same(Object.keys(mineScan.suites).sort(), Object.keys(realScan.suites).sort(), `${name} sslscan: versions with suites`);
  t.same(mineScan.groups, realScan.groups, `${name} sslscan: groups`);
  t.same(mineScan.signatureAlgorithms, realScan.signatureAlgorithms, `${name} sslscan: signature algorithms`);
  if (realTs && mineTs) {
    t.same(mineTs.protocols, realTs.protocols, `${name} testssl.sh: protocols`);
    t.same(mineTs.suites, realTs.suites, `${name} testssl.sh: suites and key exchange`);
    t.ok(realTs.findings.TLS_extensions, `${name}: testssl.sh listed the real product's extensions`);
    for (const id of ['cipher_order', 'TLS_extensions', 'DH_groups', 'PFS_ECDHE_curves']) t.equal(mineTs.findings[id], realTs.findings[id], `${name} testssl.sh: ${id}`);
  }
}

t.test('postfix-3.7-default against a real Postfix 3.7', { skip: postfixProblem() ?? false }, async (t) => {
  const [pf, lab] = await Promise.all([
    startPostfix(t, { tlsSecurityLevel: 'may', name: 'product' }),
    startTestLab(t, [{ name: 'postfix', profile: 'postfix-3.7-default', smtp: [0] }]),
  ]);
  await compare(t, 'postfix-3.7-default', 'smtp', `${pf.host}:${pf.port}`, `127.0.0.1:${portOf(lab, 'postfix')}`);
});

t.test('dovecot-2.3-default against a real Dovecot 2.3', { skip: dovecotProblem() ?? false }, async (t) => {
  const lab = await startTestLab(t);
  const [dc] = await Promise.all([startDovecot(t), lab.addImapServer({ name: 'dovecot', profile: 'dovecot-2.3-default', imap: [0] })]);
  await compare(t, 'dovecot-2.3-default', 'imap', `${dc.host}:${dc.port}`, `127.0.0.1:${linePort(lab, 'dovecot')}`);
});
