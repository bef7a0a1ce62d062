import t from 'tap';
import { EventBus } from '../../src/events/event-bus.js';
import type { LabEvent } from '../../src/events/events.js';
import { scanTls } from '../../src/scan/scan.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * A TLS 1.3-only server encrypts its Certificate, so the scan reads the chain with one real (Node)
 * handshake; that connection is a session on the event stream like every other one of the scan.
 */
t.test('TLS 1.3 only: the chain comes from a real handshake, and that connection is a session too', async (t) => {
  const lab = await startTestLab(t, [{ name: 'only13', profile: 'modern', overrides: { minVersion: 'TLSv1.3' }, smtp: [0] }]);
  const bus = new EventBus();
  const events: LabEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const r = await scanTls({ bus, target: { protocol: 'smtp', host: '127.0.0.1', port: portOf(lab, 'only13') }, timeoutMs: 5000 });
  t.same(r.versions.filter((v) => v.supported).map((v) => v.version), ['TLSv1.3']);
  t.ok(r.chain.length >= 1, `the chain was read (${r.chain.map((c) => c.subject).join(' / ')})`);
  t.match(r.chain[0]?.subject, /CN=mx\.mxlab\.test/);
  const starts = events.filter((e) => e.type === 'session-start').length;
  const ends = events.filter((e) => e.type === 'session-end').length;
  t.equal(starts, r.connections, 'one session per connection of the scan');
  t.equal(ends, r.connections);
  const byNode = events.find((e) => e.type === 'scan-answer' && e.hello.startsWith('Node TLS 1.3 handshake'));
  t.match(byNode, { serverHello: true, answer: /^\d+ certificate\(s\)/, chosen: { version: 'TLSv1.3', suite: /^TLS_/ } }, 'the certificate connection says what it did');
});
