import t from 'tap';
import { EventBus } from '../../src/events/event-bus.js';
import type { LabEvent } from '../../src/events/events.js';
import { RawSmtp } from '../fixtures/raw-smtp.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * Events as a leaf: a subscriber that attaches late replays what the lab kept (peers, recent records,
 * the sessions still open) and then follows the live stream; a subscriber that throws becomes a
 * lab-warning for the others, and the core never writes to stderr.
 */

async function sessions(port: number, n: number): Promise<void> {
  for (let i = 0; i < n; i += 1) {
    const c = await RawSmtp.connect(port);
    await c.reply();
    await c.command(`EHLO client${i}.example`);
    await c.quit();
  }
}

t.test('a subscriber attached after 50 sessions sees all 50 in its replay, then the live stream', async (t) => {
  const lab = await startTestLab(t, [{ name: 'rx', profile: 'modern', smtp: [0], smtps: [0] }]);
  const port = portOf(lab, 'rx');
  await sessions(port, 50);
  for (let i = 0; i < 100 && lab.recordCount < 50; i += 1) await new Promise((r) => setTimeout(r, 20));
  t.equal(lab.recordCount, 50);

  // A session still open when the subscriber attaches: its events so far come in the replay too.
  const open = await RawSmtp.connect(port);
  await open.reply();
  await open.command('EHLO still-open.example');

  const seen: LabEvent[] = [];
  const unsubscribe = lab.subscribe((e) => seen.push(e));
  const records = seen.filter((e) => e.type === 'record');
  t.equal(records.length, 50, 'all 50 records replayed');
  t.same(records.map((e) => (e.type === 'record' ? e.record.helo : '')), Array.from({ length: 50 }, (_, i) => `client${i}.example`), 'in the order they ended');
  t.equal(seen.filter((e) => e.type === 'peer-listening').length, 2, 'the peer events came first');
  t.equal(seen[0]!.type, 'peer-listening');
  const openStart = seen.find((e) => e.type === 'session-start' && !records.some((r) => r.type === 'record' && r.record.id === e.session));
  t.ok(openStart, 'the open session\'s session-start is replayed');
  t.ok(seen.some((e) => e.type === 'helo' && e.name === 'still-open.example'), 'and its events so far');

  const before = seen.length;
  await open.quit();
  const live = await lab.waitForRecord((r) => r.helo === 'still-open.example');
  t.ok(live);
  const after = seen.slice(before);
  t.ok(after.some((e) => e.type === 'session-end' && 'session' in e && e.session === live.id), 'live events follow the replay');
  t.equal(after.filter((e) => e.type === 'record').length, 1, 'nothing comes twice');
  unsubscribe();
  const fresh: LabEvent[] = [];
  lab.subscribe((e) => fresh.push(e), { replay: false })();
  t.same(fresh, [], 'replay: false starts from now');
});

t.test('the backlog is bounded: records and per-session events', async (t) => {
  const lab = await startTestLab(t, [{ name: 'rx', profile: 'modern', smtp: [0] }], { backlog: { records: 10 } });
  await sessions(portOf(lab, 'rx'), 20);
  for (let i = 0; i < 100 && lab.recordCount < 20; i += 1) await new Promise((r) => setTimeout(r, 20));
  t.equal(lab.recordCount, 20, 'every record counted');
  t.equal(lab.records.length, 10, 'the last 10 kept');
  t.equal(lab.records[0]!.helo, 'client10.example');
  const seen: LabEvent[] = [];
  lab.subscribe((e) => seen.push(e))();
  t.equal(seen.filter((e) => e.type === 'record').length, 10, 'the replay holds what is kept');
});

t.test('a throwing subscriber is a lab-warning for the others; nothing goes to stderr', async (t) => {
  const bus = new EventBus();
  const got: LabEvent[] = [];
  bus.subscribe(() => {
    throw new Error('front end bug');
  });
  bus.subscribe((e) => got.push(e));
  const writes: string[] = [];
  const original = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    bus.emit({ type: 'peer-stopped', at: Date.now(), peer: 'p' });
  } finally {
    process.stderr.write = original;
  }
  t.same(got.map((e) => e.type), ['peer-stopped', 'lab-warning'], 'the others got the event, then the warning');
  const w = got[1]!;
  t.equal(w.type === 'lab-warning' && w.code, 'LISTENER_FAILED');
  t.match(w.type === 'lab-warning' ? w.message : '', /failed on peer-stopped: Error: front end bug/);
  t.equal(w.type === 'lab-warning' && w.peer, 'p', 'the warning names the peer of the event');
  t.same(writes, [], 'the bus wrote nothing to stderr');
});
