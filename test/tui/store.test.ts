import { mkdtempSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { LabEvent } from '../../src/events/events.js';
import type { SessionRecord } from '../../src/model/session-record.js';
import { recordJson } from '../../src/record/record-json.js';
import { ConsoleStore, type StoreSource } from '../../src/tui/store.js';
import { tabLines } from '../../src/tui/detail-tabs.js';

class FakeLab implements StoreSource {
  readonly listeners = new Set<(e: LabEvent) => void>();
  readonly backlog: LabEvent[] = [];
  readonly runDir: { sessionsFile: string };
  constructor() {
    const dir = mkdtempSync(join(tmpdir(), 'mxlab-store-'));
    this.runDir = { sessionsFile: join(dir, 'sessions.jsonl') };
    writeFileSync(this.runDir.sessionsFile, '');
  }
  subscribe(listener: (e: LabEvent) => void): () => void {
    for (const e of this.backlog) listener(e);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  listPeers() {
    return [];
  }
  emit(e: LabEvent): void {
    for (const l of this.listeners) l(e);
  }
  start(id: string, peer = 'modern', at = Date.now()): void {
    this.emit({ type: 'session-start', session: id, peer, at, role: 'server', protocol: 'smtp', tlsMode: 'explicit', profile: peer, policy: 'optional', local: { address: '127.0.0.1', port: 2525 }, remote: { address: '127.0.0.1', port: 40000 } });
  }
  end(id: string, peer = 'modern', result: SessionRecord['result'] = 'tls', version?: string): SessionRecord {
    const record: SessionRecord = {
      id, peer, role: 'server', protocol: 'smtp', profile: peer, policy: 'optional', tlsMode: 'explicit',
      local: { address: '127.0.0.1', port: 2525 }, remote: { address: '127.0.0.1', port: 40000 },
      result, messages: [], transcript: [], timings: { start: new Date().toISOString(), end: new Date().toISOString(), totalMs: 12 },
      ...(version ? { version } : {}),
    };
    appendFileSync(this.runDir.sessionsFile, recordJson(record) + '\n');
    this.emit({ type: 'record', session: id, peer, at: Date.now(), record });
    return record;
  }
}

t.test('rows appear at session-start, fill in, and end', async (t) => {
  const lab = new FakeLab();
  const store = new ConsoleStore(lab, { throttleMs: 10000 });
  t.teardown(() => store.close());
  lab.start('a');
  t.equal(store.viewSize, 1);
  t.equal(store.selected?.id, 'a');
  t.equal(store.selected?.result, undefined, 'open');
  lab.emit({ type: 'starttls', session: 'a', peer: 'modern', at: Date.now() });
  lab.emit({ type: 'tls-established', session: 'a', peer: 'modern', at: Date.now(), version: 'TLSv1.3', cipher: { openssl: 'TLS_AES_256_GCM_SHA384', iana: 'TLS_AES_256_GCM_SHA384', bits: 256 }, keyExchange: { type: 'ECDHE', group: 'X25519', source: 'peer' }, chain: [] });
  t.equal(store.row('a')?.version, 'TLSv1.3');
  t.equal(store.row('a')?.kx, 'ECDHE X25519');
  t.equal(store.row('a')?.startTlsUsed, true);
  lab.end('a', 'modern', 'tls', 'TLSv1.3');
  t.equal(store.row('a')?.result, 'tls');
  t.equal(store.row('a')?.durationMs, 12);
});

t.test('a late subscriber gets the replayed records as rows', async (t) => {
  const lab = new FakeLab();
  const r = { ...new FakeLab().end('old', 'tls10-only', 'tls', 'TLSv1') };
  lab.backlog.push({ type: 'record', session: r.id, peer: r.peer, at: 0, record: r });
  const store = new ConsoleStore(lab);
  t.teardown(() => store.close());
  t.equal(store.totalCount, 1);
  t.equal(store.row('old')?.version, 'TLSv1');
});

t.test('filter view, invalid filter keeps the last valid one, follow and cursor', async (t) => {
  const lab = new FakeLab();
  const store = new ConsoleStore(lab, { throttleMs: 10000 });
  t.teardown(() => store.close());
  for (let i = 0; i < 10; i++) {
    lab.start(`s${i}`, i % 2 ? 'tls10-only' : 'modern');
    lab.end(`s${i}`, i % 2 ? 'tls10-only' : 'modern', i % 3 ? 'tls' : 'handshake-failed', i % 2 ? 'TLSv1' : 'TLSv1.3');
  }
  t.equal(store.cursor, 9, 'follow: on the newest');
  store.setFilter('version:TLSv1');
  t.equal(store.viewSize, 5);
  store.setFilter('version:TLSv1 & (');
  t.ok(store.filterError, 'error while typing');
  t.equal(store.filterError?.position, 17);
  t.equal(store.viewSize, 5, 'the last valid filter stays');
  store.setFilter('result:handshake-failed');
  t.same(store.viewRows(0, 10).map((r) => r.id), ['s0', 's3', 's6', 's9']);
  store.moveCursor(-2);
  t.equal(store.selected?.id, 's3');
  t.equal(store.follow, false, 'moving up leaves follow mode');
  lab.start('s10');
  t.equal(store.selected?.id, 's3', 'focus stays put when not following');
  store.setFilter('');
  t.equal(store.selected?.id, 's3', 'focus stays on the same session across a filter change');
  store.moveTo('last');
  t.equal(store.follow, true);
  t.equal(store.selected?.id, 's10');
  t.same(store.viewRows(9, 5).map((r) => r.id), ['s9', 's10'], 'only the asked window');
});

t.test('records older than the memory bound are read back from sessions.jsonl', async (t) => {
  const lab = new FakeLab();
  const store = new ConsoleStore(lab, { keepRecords: 3, throttleMs: 10000 });
  t.teardown(() => store.close());
  for (let i = 0; i < 20; i++) {
    lab.start(`r${i}`);
    lab.end(`r${i}`, 'modern', 'tls', 'TLSv1.2');
  }
  const r = store.record('r2');
  t.equal(r?.id, 'r2', 'read back from the file');
  t.equal(r?.version, 'TLSv1.2');
  t.equal(store.record('r19')?.id, 'r19');
  lab.start('open');
  t.equal(store.record('open'), undefined, 'an open session has no record yet');
});

t.test('notifications are throttled and snapshots change', async (t) => {
  const lab = new FakeLab();
  const store = new ConsoleStore(lab, { throttleMs: 20 });
  t.teardown(() => store.close());
  let calls = 0;
  store.subscribe(() => calls++);
  const before = store.getSnapshot();
  for (let i = 0; i < 100; i++) lab.start(`n${i}`);
  t.equal(calls, 0, 'nothing synchronous');
  await new Promise((r) => setTimeout(r, 60));
  t.equal(calls, 1, 'one notification for a burst');
  t.not(store.getSnapshot(), before);
});

t.test('100,000 sessions stay cheap', async (t) => {
  const lab = new FakeLab();
  const store = new ConsoleStore(lab, { throttleMs: 10000 });
  t.teardown(() => store.close());
  const t0 = performance.now();
  for (let i = 0; i < 100000; i++) lab.start(`b${i}`, i % 2 ? 'a' : 'b');
  store.setFilter('peer:a');
  const rows = store.viewRows(store.cursor - 10, 40);
  const ms = performance.now() - t0;
  t.equal(store.viewSize, 50000);
  t.ok(rows.length > 0);
  t.ok(ms < 3000, `100k rows + a filter in ${ms.toFixed(0)} ms`);
});

t.test('a delivery verdict reaches the rows it cites (detail line) and the event log', async (t) => {
  const lab = new FakeLab();
  const store = new ConsoleStore(lab, { throttleMs: 10000 });
  t.teardown(() => store.close());
  lab.start('rx-1', 'old');
  lab.end('rx-1', 'old', 'handshake-failed');
  lab.start('rx-2', 'old');
  const second = lab.end('rx-2', 'old', 'plaintext');
  lab.start('rx-3', 'old');
  lab.end('rx-3', 'old', 'tls', 'TLSv1');
  t.equal(store.row('rx-1')?.delivery, undefined, 'no verdict before the delivery is judged');
  lab.emit({
    type: 'delivery', at: Date.now(), peer: 'old',
    delivery: { id: 'old-delivery-1', peer: 'old', client: { address: '127.0.0.1', helo: 'mx.example' }, verdict: 'downgraded', summary: 'delivered in plaintext on rx-2 after rx-1', sessions: ['rx-1', 'rx-2'], evidence: [], windowMs: 1000, start: '', end: '' },
  });
  t.equal(store.row('rx-1')?.delivery, 'downgraded: delivered in plaintext on rx-2 after rx-1 [rx-1, rx-2]');
  t.equal(store.row('rx-2')?.delivery, store.row('rx-1')?.delivery, 'both sessions linked');
  t.equal(store.row('rx-3')?.delivery, undefined, 'another delivery is untouched');
  t.match(tabLines('Outcome', store.row('rx-2')!, second).find((l) => l.startsWith('delivery')), /^delivery +downgraded: delivered in plaintext/);
  t.match(store.events.at(-1), { kind: 'delivery', text: /^old: delivery from mx\.example \[127\.0\.0\.1\] downgraded: / });
});
