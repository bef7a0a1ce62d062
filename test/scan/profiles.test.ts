import t from 'tap';
import type { ScanReport } from '../../src/model/scan-report.js';
import { CATALOGUE } from '../../src/profiles/catalogue.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * `scan` against every built-in TLS profile's SMTP port: the versions and suites each profile serves
 * (imitated ones included), its DH size and groups, and the intolerant ones reported as intolerant,
 * with the hello that failed, never as "no TLS".
 */

const profiles = CATALOGUE.filter((p) => p.kind === 'tls');
const lab = await startTestLab(t, profiles.map((p) => ({ name: p.name, profile: p.name, smtp: [0] })), { backlog: { records: 5000 } });
const scanEvents: string[] = [];
lab.subscribe((e) => {
  if (e.type === 'scan-report') scanEvents.push(e.peer);
});
const reports = new Map<string, ScanReport>();
// Four scans at a time, with a timeout that a loaded CI machine (npm test runs two files at once on
// two cores) does not hit on a server's first handshake; only hello-size-intolerant waits it out.
for (let i = 0; i < profiles.length; i += 4) {
  await Promise.all(profiles.slice(i, i + 4).map(async (p) => {
    reports.set(p.name, await lab.scan({ target: { protocol: 'smtp', host: '127.0.0.1', port: portOf(lab, p.name) }, timeoutMs: 4000, peer: `scan-${p.name}` }));
  }));
}

const versions = (r: ScanReport): string[] => r.versions.filter((v) => v.supported).map((v) => v.version);
const suites = (r: ScanReport, version: string): string[] => (r.versions.find((v) => v.version === version)?.suites ?? []).map((s) => s.openssl ?? s.iana).sort();
const failedTests = (r: ScanReport): string[] => r.intolerance.filter((i) => i.failed).map((i) => i.test).sort();

t.test('every TLS profile is scanned: some version found, no anomaly', async (t) => {
  for (const p of profiles) {
    const r = reports.get(p.name)!;
    t.notOk(r.unreachable, `${p.name} reachable`);
    t.notOk(r.noTls, `${p.name} speaks TLS`);
    t.same(r.anomalies, [], `${p.name}: no anomaly`);
    t.ok(r.chain.length >= 1, `${p.name}: chain read`);
  }
});

t.test('modern: TLS 1.2 and 1.3, its six ECDHE suites (RSA ones served), groups, server order', async (t) => {
  const r = reports.get('modern')!;
  t.same(versions(r), ['TLSv1.2', 'TLSv1.3']);
  t.same(suites(r, 'TLSv1.2'), ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305']);
  t.same(suites(r, 'TLSv1.3'), ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']);
  t.same(r.groups, ['X25519', 'P-256', 'P-384']);
  const v12 = r.versions.find((v) => v.version === 'TLSv1.2')!;
  t.equal(v12.serverOrder, true);
  t.same(v12.order, ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256']);
  t.equal(r.verdict?.chainValid, false, 'the lab root is not in the system store');
  t.same(failedTests(r), []);
  t.equal(r.chain[0]!.signatureAlgorithm, 'sha256WithRSAEncryption');
});

t.test('legacy versions and imitated suites', async (t) => {
  t.same(versions(reports.get('tls10-only')!), ['TLSv1']);
  t.same(versions(reports.get('tls11-max')!), ['TLSv1', 'TLSv1.1']);
  t.same(suites(reports.get('rc4-only')!, 'TLSv1'), ['RC4-MD5', 'RC4-SHA']);
  t.same(suites(reports.get('3des-only')!, 'TLSv1'), ['DES-CBC3-SHA']);
  const ssl3 = reports.get('sslv3-only')!;
  t.same(versions(ssl3), ['SSLv3']);
  t.same(suites(ssl3, 'SSLv3'), ['DES-CBC3-SHA', 'RC4-MD5', 'RC4-SHA']);
  t.ok(ssl3.versions[0]!.suites.every((s) => s.rating === 'insecure'));
  t.same(suites(reports.get('rsa-kex-only')!, 'TLSv1.2'), ['AES128-SHA', 'AES256-SHA']);
});

t.test('product personalities: server order as the product has it', async (t) => {
  for (const [name, order] of [['postfix-3.7-default', false], ['dovecot-2.3-default', false], ['exim-4.96-default', false], ['exchange-2019-default', true], ['exchange-2010-sp3', true], ['office365-inbound', true]] as const) {
    const r = reports.get(name)!;
    const v = r.versions.find((x) => x.version === (name === 'exchange-2010-sp3' ? 'TLSv1' : 'TLSv1.2'))!;
    t.equal(v.serverOrder, order, `${name}: server order ${order ? 'yes' : 'no'}`);
  }
  const postfix = reports.get('postfix-3.7-default')!;
  t.same(versions(postfix), ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);
  t.equal(suites(postfix, 'TLSv1.2').length, 56, 'the 56 suites a scan of the real Postfix lists');
  t.ok(suites(postfix, 'TLSv1.2').includes('ADH-AES256-GCM-SHA384'), 'anonymous suites included');
  const ex2019 = reports.get('exchange-2019-default')!.versions.find((x) => x.version === 'TLSv1.2')!;
  t.same(ex2019.order?.slice(2, 4), ['TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256'], 'exchange-2019-default: DHE-RSA-GCM right after the two ECDHE-RSA-GCM (5-6 in the list with the ECDSA ones)');
});

t.test('DH size', async (t) => {
  t.equal(reports.get('dhe-only')!.dhBits, 2048);
  t.equal(reports.get('dhe-1024')!.dhBits, 1024);
  t.same(suites(reports.get('dhe-1024')!, 'TLSv1.2'), ['DHE-RSA-AES128-GCM-SHA256', 'DHE-RSA-AES256-GCM-SHA384']);
});

t.test('intolerant profiles are intolerant, with the hello that failed', async (t) => {
  const i10 = reports.get('intolerant-tls10')!;
  t.same(versions(i10), ['TLSv1']);
  t.same(failedTests(i10), ['tls13', 'version']);
  const version = i10.intolerance.find((i) => i.test === 'version')!;
  t.equal(version.reaction, 'close');
  t.match(version.hello, /TLS 1\.2 hello \(legacy_version 0x0303\)/);
  const i13 = reports.get('intolerant-tls13')!;
  t.same(versions(i13), ['TLSv1.2']);
  t.same(failedTests(i13), ['tls13']);
  const size = reports.get('hello-size-intolerant')!;
  t.same(failedTests(size), ['hello-size']);
  t.equal(size.intolerance.find((i) => i.test === 'hello-size')!.reaction, 'silence');
  t.same(versions(size), ['TLSv1', 'TLSv1.1', 'TLSv1.2'], 'padded hellos get through');
  // A tolerant legacy server is not flagged.
  t.same(failedTests(reports.get('tls10-only')!), []);
});

t.test('every connection of a scan is a session record on the lab', async (t) => {
  const r = reports.get('tls10-only')!;
  const records = lab.records.filter((rec) => rec.peer === 'scan-tls10-only');
  t.equal(records.length, r.connections);
  t.ok(records.every((rec) => rec.scanProbe && rec.protocol === 'smtp' && rec.tlsMode === 'explicit'));
  t.ok(records.some((rec) => rec.scanProbe!.serverHello));
  t.same(scanEvents.sort(), profiles.map((p) => `scan-${p.name}`).sort(), 'one scan-report event per scan');
});
