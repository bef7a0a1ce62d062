import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLabCa } from '../certs/lab-ca.js';
import { Lab } from '../lab/lab.js';
import type { ProfileOverrides } from '../profiles/resolve.js';
import type { SessionRecord } from '../model/session-record.js';
import { describeExpectation, judge, keyFields, type Mismatch } from './expectations.js';
import type { ScanReport } from '../model/scan-report.js';
import { parseTarget } from '../client/send-spec.js';
import { SCAN_PROTOCOLS, type ScanProtocol } from '../scan/scan-target.js';
import { judgeScan } from './scan-expectations.js';
import { actionKind, actionSpec, clientNames, probeProtocol, type ClientSpec, type Expectation, type LoadedScenario, type PeerSpec, type ScanActionSpec } from './scenario.js';

/** One test: one expectation of one scenario. */
export interface TestResult {
  readonly scenario: string;
  readonly file: string;
  /** Line of the expectation in the file. */
  readonly line: number;
  readonly name: string;
  readonly ok: boolean;
  readonly mismatches: readonly Mismatch[];
  /** Key fields of the record judged (absent when none was found). */
  readonly record?: Readonly<Record<string, unknown>>;
  /** Why there was nothing to judge (no record, an action that threw, a timeout). */
  readonly error?: string;
  readonly why?: string;
}

export interface ScenarioResult {
  readonly name: string;
  readonly file: string;
  readonly durationMs: number;
  readonly tests: readonly TestResult[];
}

export interface RunScenarioOptions {
  /** The external system under test, HOST:PORT (overrides the file's `sut`). */
  readonly sut?: string;
  /** Certificate cache. @default the project's certs/ */
  readonly certsDir?: string;
  /** Called once the peers listen, before any action: a test (or a wrapper) may point a SUT at them. */
  readonly onStarted?: (lab: Lab) => void | Promise<void>;
  /** The scenario's lab had a problem that is no session's outcome (a lab-warning), as one line. */
  readonly onWarning?: (line: string) => void;
  /**
   * An `await` scenario waits for the system under test: called when the wait starts (where, until
   * when), as each awaited session arrives, and every `progressMs` while nothing comes.
   */
  readonly onAwait?: (progress: AwaitProgress) => void;
  /** How often `onAwait` hears that the wait goes on. @default 10000 */
  readonly progressMs?: number;
}

/** What an `await` scenario is doing while it waits for the system under test. */
export type AwaitProgress = { readonly file: string; readonly scenario: string; readonly peer: string; readonly count: number } & (
  | { readonly kind: 'waiting'; readonly endpoints: readonly { readonly protocol: string; readonly tlsMode: string; readonly address: string; readonly port: number }[]; readonly deadline: number }
  | { readonly kind: 'arrived'; readonly seen: number; readonly result: string; readonly remote: string }
  | { readonly kind: 'still-waiting'; readonly seen: number; readonly leftMs: number }
);

const CLIENT_TIMEOUTS = { connectMs: 5000, greetingMs: 5000, commandMs: 5000 };

function overridesOf(p: { overrides?: PeerSpec['overrides']; quirks?: PeerSpec['quirks'] }): ProfileOverrides | undefined {
  if (!p.overrides && !p.quirks) return undefined;
  return { ...p.overrides, ...(p.quirks ? { quirks: p.quirks } : {}) };
}

async function startPeer(lab: Lab, p: PeerSpec, sut: string | undefined): Promise<void> {
  const port = p.port ?? 0;
  const protocol = p.protocol ?? 'smtp';
  if (p.proxy) {
    const up = p.proxy.upstream;
    const upstream = up === 'sut' ? sut : lab.endpoints().some((e) => e.peer === up) ? `${ownAddress(lab, up)}:${portOf(lab, up)}` : up;
    if (!upstream) throw new Error(`proxy ${p.name}: upstream is sut, but no system under test is given`);
    await lab.addProxy({ name: p.name, protocol, strip: p.proxy.strip ?? 'capability', upstream, port, ...(p.address ? { address: p.address } : {}) });
    return;
  }
  const overrides = overridesOf(p);
  const common = { name: p.name, profile: p.profile!, policy: p.policy ?? 'optional', ...(overrides ? { overrides } : {}), ...(p.address ? { address: p.address } : {}) };
  if (protocol === 'smtp') {
    await lab.addReceiver({ ...common, personality: p.personality ?? 'generic', ...(p.implicit ? { smtps: [port] } : { smtp: [port] }) });
  } else if (protocol === 'imap') {
    await lab.addImapServer({ ...common, ...(p.credentials ? { credentials: p.credentials } : {}), ...(p.implicit ? { imaps: [port] } : { imap: [port] }) });
  } else {
    await lab.addPop3Server({ ...common, ...(p.credentials ? { credentials: p.credentials } : {}), ...(p.implicit ? { pop3s: [port] } : { pop3: [port] }) });
  }
}

/** The port a started peer listens on. */
function portOf(lab: Lab, peer: string): number {
  const e = lab.endpoints().find((x) => x.peer === peer);
  if (!e) throw new Error(`peer ${peer} has no listener`);
  return e.listener.port;
}

/** Where a client of ours reaches a started peer: its bound address, loopback for a wildcard. */
function ownAddress(lab: Lab, peer: string): string {
  const a = lab.endpoints().find((x) => x.peer === peer)?.listener.address ?? '127.0.0.1';
  if (a === '0.0.0.0' || a === '::') return a === '::' ? '[::1]' : '127.0.0.1';
  return a.includes(':') ? `[${a}]` : a;
}

async function runAction(lab: Lab, loaded: LoadedScenario, kind: 'send' | 'probe', spec: ClientSpec, name: string, sut: string | undefined, deadline: number): Promise<void> {
  const peers = loaded.scenario.peers;
  const target = spec.to === undefined || spec.to === 'sut' ? undefined : peers.find((p) => p.name === spec.to);
  const to = target ? `${ownAddress(lab, target.name)}:${portOf(lab, target.name)}` : sut;
  if (!to) throw new Error(`${kind} ${name}: no system under test; give sut: HOST:PORT in the file or --sut`);
  const ca = (spec.ca ?? 'lab') === 'lab' ? (await getLabCa(lab.certsDir)).cert : undefined;
  const common = {
    name, to,
    implicit: spec.implicit ?? target?.implicit ?? false,
    ...(spec.policy ? { policy: spec.policy } : {}),
    ...(spec.profile ? { profile: spec.profile } : {}),
    ...(spec.overrides ? { overrides: spec.overrides } : {}),
    ...(spec.tlsDomain ? { tlsDomain: spec.tlsDomain } : {}),
    ...(ca ? { ca } : {}),
    timeouts: { ...CLIENT_TIMEOUTS, totalMs: Math.max(1000, deadline - Date.now()) },
  };
  if (kind === 'send') {
    await lab.send({ ...common, ...(spec.rcpt ? { rcpt: spec.rcpt } : {}), ...(spec.from ? { from: spec.from } : {}) });
  } else {
    await lab.probe({ ...common, protocol: probeProtocol(spec, peers) });
  }
}

/** A scan action: `mxlab scan` of a peer (its protocol and TLS mode) or of the sut; its connections are sessions of `name`. */
async function runScan(lab: Lab, loaded: LoadedScenario, spec: ScanActionSpec, name: string, sut: string | undefined, deadline: number): Promise<ScanReport> {
  const target = spec.to === undefined || spec.to === 'sut' ? undefined : loaded.scenario.peers.find((p) => p.name === spec.to);
  const to = target ? `${ownAddress(lab, target.name)}:${portOf(lab, target.name)}` : sut;
  if (!to) throw new Error(`scan ${name}: no system under test; give sut: HOST:PORT in the file or --sut`);
  const fromPeer = target ? `${target.protocol ?? 'smtp'}${target.implicit ? 's' : ''}` : 'smtp';
  const protocol = SCAN_PROTOCOLS.find((p) => p === (spec.protocol ?? fromPeer));
  if (!protocol) throw new Error(`scan ${name}: protocol ${spec.protocol ?? fromPeer} is not one of ${SCAN_PROTOCOLS.join(', ')}`);
  const parsed = parseTarget(to, `scan ${name}: target`);
  return lab.scan({
    target: { protocol: protocol as ScanProtocol, ...parsed }, peer: name,
    ...(target ? { ca: [(await getLabCa(lab.certsDir)).cert] } : {}),
    ...(spec.maxConns ? { maxConns: spec.maxConns } : {}),
    timeoutMs: Math.min(5000, Math.max(100, deadline - Date.now())),
  });
}

/**
 * A client connection to one of our own peers leaves a record on both ends; the server's may end a
 * moment after the client's. Waits for the server half of every such pair so that expectations on
 * either side see a settled lab.
 */
async function settle(lab: Lab, timeoutMs: number): Promise<void> {
  const ports = new Set(lab.endpoints().map((e) => e.listener.port));
  const clients = lab.records.filter((r) => r.role === 'client' && ports.has(r.remote.port) && r.local.port);
  await Promise.allSettled(clients.map((c) => lab.waitForRecord((r) => r.role !== 'client' && r.remote.port === c.local.port && r.local.port === c.remote.port, timeoutMs)));
  if (!lab.proxies.length) return;
  // Behind a proxy the server's session cannot be paired with the client's: wait until records stop coming.
  const until = Date.now() + Math.min(timeoutMs, 1000);
  for (let n = -1; n !== lab.recordCount && Date.now() < until;) {
    n = lab.recordCount;
    await new Promise((r) => setTimeout(r, 60));
  }
}

function select(records: readonly SessionRecord[], e: Expectation): SessionRecord | undefined {
  const found = records.filter((r) => r.peer === e.peer && (!e.role || r.role === e.role) && (!e.attempt || r.attempt === e.attempt));
  return e.nth ? found[e.nth - 1] : found[found.length - 1];
}

async function awaitSut(lab: Lab, loaded: LoadedScenario, peer: string, count: number, timeoutMs: number, options: RunScenarioOptions): Promise<void> {
  const seen = new Set<string>();
  const until = Date.now() + timeoutMs;
  const tell = options.onAwait;
  const base = { file: loaded.file, scenario: loaded.scenario.name, peer, count };
  const endpoints = lab.listPeers().find((p) => p.name === peer)?.endpoints ?? [];
  tell?.({ ...base, kind: 'waiting', endpoints, deadline: until });
  const ticker = tell ? setInterval(() => tell({ ...base, kind: 'still-waiting', seen: seen.size, leftMs: Math.max(0, until - Date.now()) }), options.progressMs ?? 10000) : undefined;
  try {
    while (seen.size < count) {
      const r = await lab.waitForRecord((x) => x.peer === peer && !seen.has(x.id), Math.max(1, until - Date.now()));
      seen.add(r.id);
      tell?.({ ...base, kind: 'arrived', seen: seen.size, result: r.result, remote: `${r.remote.address}:${r.remote.port}` });
    }
  } finally {
    clearInterval(ticker);
  }
}

/**
 * Expectations with a `delivery` check need the verdict of the delivery their record belongs to; a
 * verdict without mail (deferred, rejected-certificate) comes only when the window is over.
 */
async function awaitDeliveries(lab: Lab, expect: readonly Expectation[], deadline: number): Promise<void> {
  const wanted = expect.filter((e) => e.delivery !== undefined || e.anyOf?.some((a) => a.delivery !== undefined));
  const records = wanted.map((e) => select(lab.records, e)).filter((r): r is SessionRecord => r !== undefined);
  await Promise.allSettled(records.map((r) => lab.waitForDelivery((d) => d.sessions.includes(r.id), Math.max(1, deadline - Date.now()))));
}

const SANITY_PREFIX = 'sanity-';

interface SanityProbe {
  readonly target: string;
  readonly when: 'before' | 'after';
  readonly record?: SessionRecord;
  readonly error?: string;
}

/** The peer answered: the probe got past the TCP connect and the greeting, whatever TLS then did. */
const alive = (r: SessionRecord | undefined): boolean => !!r && !(r.result === 'error' && (r.error?.stage === 'connect' || r.error?.stage === 'greeting'));

/** One sanity probe of every server peer (and of the sut when actions use it), as tlsfuzzer runs first and last. */
async function sanityRound(lab: Lab, loaded: LoadedScenario, sut: string | undefined, when: 'before' | 'after', out: SanityProbe[], deadline: number): Promise<void> {
  const targets: { name: string; to: string; protocol: PeerSpec['protocol']; implicit: boolean }[] = loaded.scenario.peers
    .filter((p) => !p.proxy)
    .map((p) => ({ name: p.name, to: `${ownAddress(lab, p.name)}:${portOf(lab, p.name)}`, protocol: p.protocol ?? 'smtp', implicit: p.implicit ?? false }));
  if (sut && needsSut(loaded)) targets.push({ name: 'sut', to: sut, protocol: 'smtp', implicit: false });
  for (const t of targets) {
    try {
      const record = await lab.probe({
        name: `${SANITY_PREFIX}${when}-${t.name}`, protocol: t.protocol ?? 'smtp', to: t.to, implicit: t.implicit, policy: 'may',
        timeouts: { ...CLIENT_TIMEOUTS, totalMs: Math.max(1000, Math.min(10000, deadline - Date.now())) },
      });
      out.push({ target: t.name, when, record });
    } catch (err) {
      out.push({ target: t.name, when, error: (err as Error).message });
    }
  }
}

function sanityTests(loaded: LoadedScenario, probes: readonly SanityProbe[], failure: string | undefined): TestResult[] {
  const targets = [...new Set(probes.map((p) => p.target))];
  return targets.map((target) => {
    const before = probes.find((p) => p.target === target && p.when === 'before');
    const after = probes.find((p) => p.target === target && p.when === 'after');
    const mismatches = (['before', 'after'] as const).flatMap((when) => {
      const p = when === 'before' ? before : after;
      if (alive(p?.record)) return [];
      const got = p?.record ? `${p.record.result}: ${p.record.error?.message ?? p.record.reason ?? ''}` : p?.error ?? failure ?? 'not probed';
      return [{ field: `sanity.${when}`, got, want: 'the peer answers its greeting' }];
    });
    const bad = [after, before].find((p) => p?.record && !alive(p.record))?.record;
    return {
      scenario: loaded.scenario.name, file: loaded.file, line: 1, name: `sanity: ${target} answers before and after the actions`,
      ok: mismatches.length === 0, mismatches, ...(bad ? { record: keyFields(bad) } : {}),
    };
  });
}

/** Runs one scenario in its own Lab (port-0 peers, a temporary run folder) and judges every expectation. */
export async function runScenario(loaded: LoadedScenario, options: RunScenarioOptions = {}): Promise<ScenarioResult> {
  const started = Date.now();
  const s = loaded.scenario;
  const deadline = started + (s.timeoutMs ?? 15000);
  const dir = mkdtempSync(join(tmpdir(), 'mxlab-scenario-'));
  const lab = new Lab({ runDir: dir, ...(options.certsDir ? { certsDir: options.certsDir } : {}), ...(s.deliveryWindowMs ? { deliveryWindowMs: s.deliveryWindowMs } : {}) });
  const warn = options.onWarning;
  if (warn) lab.on('lab-warning', (e) => warn(`${loaded.file}: ${e.peer ? `${e.peer}: ` : ''}${e.code}: ${e.message}`));
  const sut = options.sut ?? s.sut;
  let failure: string | undefined;
  const actionErrors = new Map<string, string>();
  const sanity: SanityProbe[] = [];
  const scans = new Map<string, ScanReport>();
  const timer = { id: undefined as NodeJS.Timeout | undefined };
  const work = (async () => {
    // Servers first, then the proxies in front of them.
    for (const p of [...s.peers.filter((x) => !x.proxy), ...s.peers.filter((x) => x.proxy)]) await startPeer(lab, p, sut);
    await options.onStarted?.(lab);
    if (s.sanity) await sanityRound(lab, loaded, sut, 'before', sanity, deadline);
    const actions = s.actions ?? [];
    const names = clientNames(actions, s.peers);
    for (const [i, a] of actions.entries()) {
      const kind = actionKind(a);
      try {
        if ('scan' in a) scans.set(names[i]!, await runScan(lab, loaded, a.scan, names[i]!, sut, deadline));
        else await runAction(lab, loaded, kind as 'send' | 'probe', actionSpec(a) as ClientSpec, names[i]!, sut, deadline);
      } catch (err) {
        actionErrors.set(names[i]!, `${kind} ${names[i]} failed: ${(err as Error).message}`);
      }
    }
    if (s.await) await awaitSut(lab, loaded, s.await.peer, s.await.count ?? 1, Math.min(s.await.timeoutMs ?? 10000, deadline - Date.now()), options);
    await settle(lab, Math.min(3000, Math.max(1, deadline - Date.now())));
    await awaitDeliveries(lab, s.expect, deadline);
    if (s.sanity) {
      await sanityRound(lab, loaded, sut, 'after', sanity, deadline);
      await settle(lab, Math.min(3000, Math.max(1, deadline - Date.now())));
    }
  })();
  const timeout = new Promise<never>((_, reject) => {
    timer.id = setTimeout(() => reject(new Error(`scenario did not finish within ${s.timeoutMs ?? 15000} ms (timeoutMs)`)), Math.max(1, deadline - Date.now()));
  });
  try {
    await Promise.race([work, timeout]);
  } catch (err) {
    failure = (err as Error).message;
  } finally {
    clearTimeout(timer.id);
  }
  // Sanity sessions are the harness's own: expectations never see them (nor their server halves).
  const sanityPorts = new Set(sanity.flatMap((p) => (p.record?.local.port ? [p.record.local.port] : [])));
  const records = lab.records.filter((r) => !r.peer.startsWith(SANITY_PREFIX) && !(r.role !== 'client' && sanityPorts.has(r.remote.port)));
  const tests = s.expect.map((e, i): TestResult => {
    const base = { scenario: s.name, file: loaded.file, line: loaded.expectationLines[i] ?? 1, name: describeExpectation(e), ...(e.why ? { why: e.why } : {}) };
    if (e.scan || scans.has(e.peer)) {
      const report = scans.get(e.peer);
      if (!report) return { ...base, ok: false, mismatches: [{ field: 'scan', got: 'no scan report', want: `the findings of scan ${e.peer}` }], error: actionErrors.get(e.peer) ?? failure ?? `${e.peer} is not a scan action` };
      const m = judgeScan(e.scan ?? {}, report);
      return { ...base, ok: m.length === 0, mismatches: m, ...(m.length ? { record: { scan: e.peer, target: `${report.target.protocol} ${report.target.host}:${report.target.port}`, connections: report.connections } } : {}) };
    }
    const record = select(records, e);
    if (!record) {
      const error = actionErrors.get(e.peer) ?? failure ?? `no session record of peer ${e.peer}${e.role ? ` (role ${e.role})` : ''}${e.attempt ? ` (attempt ${e.attempt})` : ''}${e.nth ? ` (#${e.nth})` : ''}`;
      return { ...base, ok: false, mismatches: [{ field: 'record', got: 'none', want: `a record of ${e.peer}` }], error };
    }
    const m = judge(e, record, lab.deliveries.find((d) => d.sessions.includes(record.id)));
    return { ...base, ok: m.length === 0, mismatches: m, ...(m.length ? { record: keyFields(record) } : {}), ...(failure && m.length ? { error: failure } : {}) };
  });
  if (s.sanity) tests.push(...sanityTests(loaded, sanity, failure));
  await lab.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
  return { name: s.name, file: loaded.file, durationMs: Date.now() - started, tests };
}

/** Whether the scenario sends to or probes the SUT, or waits for it (then a sut is needed to run it). */
export function needsSut(loaded: LoadedScenario): boolean {
  return loaded.scenario.peers.some((p) => p.proxy?.upstream === 'sut') || (loaded.scenario.actions ?? []).some((a) => {
    const spec = actionSpec(a);
    return spec.to === undefined || spec.to === 'sut';
  });
}
