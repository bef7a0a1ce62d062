import t from 'tap';
import type { DeliveryVerdict } from '../../src/model/delivery.js';
import type { SessionRecord } from '../../src/model/session-record.js';
import { judge } from '../../src/scenario/expectations.js';
import { parseScenario } from '../../src/scenario/load.js';

/** The `delivery` check of scenario expectations: it fails when the verdict differs or is missing, and bad values are named. */

const record = { id: 'old-2', peer: 'old', role: 'server', result: 'plaintext', messages: [] } as unknown as SessionRecord;
const verdict = (v: DeliveryVerdict['verdict']): DeliveryVerdict => ({
  id: 'old-delivery-1', peer: 'old', client: { address: '127.0.0.1', helo: 'mx.example' }, verdict: v, summary: `summary of ${v}`,
  sessions: ['old-1', 'old-2'], evidence: [], windowMs: 1000, start: '', end: '',
});

t.test('judge: delivery', async (t) => {
  t.same(judge({ peer: 'old', delivery: 'downgraded' }, record, verdict('downgraded')), [], 'the verdict holds');
  t.same(judge({ peer: 'old', delivery: ['deferred', 'downgraded'] }, record, verdict('downgraded')), [], 'one of a list');
  const wrong = judge({ peer: 'old', delivery: 'downgraded' }, record, verdict('deferred'));
  t.equal(wrong.length, 1);
  t.match(wrong[0], { field: 'delivery', want: 'downgraded' });
  t.match(wrong[0]!.got, /^deferred: summary of deferred \[old-1, old-2\]$/, 'the mismatch names the verdict and its evidence');
  const none = judge({ peer: 'old', delivery: 'tls' }, record, undefined);
  t.match(none[0]!.got, /no delivery verdict/, 'a record without a verdict fails');
  t.same(judge({ peer: 'old', anyOf: [{ delivery: 'tls' }, { delivery: 'plaintext' }] }, record, verdict('plaintext')), [], 'in anyOf too');
});

t.test('load: a bad delivery value and window are named', async (t) => {
  const { problems } = parseScenario('x.yaml', [
    'name: x',
    'deliveryWindowMs: 0',
    'peers: [{ name: old, profile: intolerant-tls10 }]',
    'expect:',
    '  - peer: old',
    '    delivery: downgrade',
  ].join('\n'));
  t.ok(problems.some((p) => p.path.includes('delivery') && /downgraded/.test(p.message)), problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  t.ok(problems.some((p) => p.path.includes('deliveryWindowMs') && /want >= 1/.test(p.message)), 'the window must be positive');
});
