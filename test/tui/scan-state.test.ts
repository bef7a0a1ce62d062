import t from 'tap';
import type { LabEvent } from '../../src/events/events.js';
import type { ScanReport } from '../../src/model/scan-report.js';
import { ScanTracker } from '../../src/tui/scan-state.js';

const at = Date.now();
const start = (session: string): LabEvent => ({
  type: 'session-start', session, peer: 'scanner', at, role: 'client', protocol: 'smtp', tlsMode: 'explicit', profile: 'scan', policy: 'scan',
  local: { address: '127.0.0.1', port: 40000 }, remote: { address: '127.0.0.1', port: 2525 },
});
const answer = (session: string, chosen?: { version: string; suite: string }): LabEvent => ({
  type: 'scan-answer', session, peer: 'scanner', at, hello: 'TLSv1.2, 128 suites, 300 bytes', answer: chosen ? `ServerHello ${chosen.version} ${chosen.suite}` : 'alert handshake_failure', serverHello: !!chosen,
  ...(chosen ? { chosen: { ...chosen, retry: false } } : {}),
});

t.test('a scan fills its matrix from the answers, then the report takes over', async (t) => {
  const scans = new ScanTracker();
  t.notOk(scans.onEvent(start('scan-x1-1')), 'a client session start alone is no scan yet');
  t.ok(scans.onEvent(answer('scan-x1-1', { version: 'TLSv1.2', suite: 'ECDHE-RSA-AES128-GCM-SHA256' })));
  scans.onEvent(start('scan-x1-2'));
  scans.onEvent(answer('scan-x1-2', { version: 'TLSv1', suite: 'ECDHE-RSA-AES128-SHA' }));
  scans.onEvent(start('scan-x1-3'));
  scans.onEvent(answer('scan-x1-3', { version: 'TLSv1.2', suite: 'ECDHE-RSA-AES128-SHA' }));
  scans.onEvent(answer('scan-x1-4'));
  const s = scans.latest!;
  t.equal(s.prefix, 'scan-x1');
  t.equal(s.target, 'smtp 127.0.0.1:2525', 'the target from the first connection');
  t.equal(s.answers, 4);
  t.equal(s.connections, 4);
  t.same([...s.matrix.keys()], ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-SHA']);
  t.same([...s.matrix.get('ECDHE-RSA-AES128-SHA')!], ['TLSv1', 'TLSv1.2']);
  t.notOk(s.report);

  const report = {
    target: { protocol: 'smtp', host: '127.0.0.1', port: 2525 },
    versions: [{ version: 'TLSv1', supported: true, suites: [{ code: 0xc013, hex: '0xC0,0x13', iana: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', openssl: 'ECDHE-RSA-AES128-SHA', kx: 'ECDHE', bits: 128, rating: 'weak' }] }],
    groups: ['x25519'], chain: [], intolerance: [], anomalies: [], suitesTested: 370, connections: 40, timings: { totalMs: 900 },
  } as unknown as ScanReport;
  t.ok(scans.onEvent({ type: 'scan-report', at, peer: 'scanner', idPrefix: 'scan-x1', report }));
  t.equal(scans.scans.length, 1, 'the same scan');
  t.equal(s.report, report);
  t.same([...s.matrix.keys()], ['ECDHE-RSA-AES128-SHA'], 'the report is the authority');
  t.equal(s.connections, 40);
});

t.test('scans are kept apart by their id prefix, and only the newest few', async (t) => {
  const scans = new ScanTracker(2);
  for (const p of ['a', 'b', 'c']) scans.onEvent(answer(`scan-${p}-1`, { version: 'TLSv1.3', suite: 'TLS_AES_128_GCM_SHA256' }));
  t.same(scans.scans.map((s) => s.prefix), ['scan-b', 'scan-c']);
  t.notOk(scans.onEvent({ type: 'lab-warning', at, code: 'x', message: 'y' } as LabEvent), 'other events change nothing');
});
