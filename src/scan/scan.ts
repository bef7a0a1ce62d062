/**
 * `mxlab scan`: a TLS scanner on raw ClientHellos. Every version from SSL 3.0 to TLS 1.3, every suite
 * of the registry (bundles of at most 128 suites, re-offered without each suite the server chose until
 * it refuses, bundles in parallel), server preference, groups, DH size, the chain and its verdict, and
 * the intolerance of broken servers, one connection per hello, each a session on the event stream.
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import tls from 'node:tls';
import { describeCertificate } from '../certs/describe.js';
import type { EventBus } from '../events/event-bus.js';
import { SessionEmitter } from '../events/session-emitter.js';
import type { CertificateSummary } from '../model/session-record.js';
import { buildClientHello, type ClientHelloSpec } from '../tls/client-hello-builder.js';
import { CIPHER_SUITES, suiteByCode, suiteCodeText, type CipherSuite } from '../tls/cipher-suites.js';
import { generateKeyShare } from '../tls/key-share.js';
import type { FlightGoal } from '../tls/parse-server-flight.js';
import { alertName, groupName, versionName } from '../tls/registry.js';
import { chainVerdict } from './chain-verdict.js';
import { ConnectionLimiter } from './connection-limiter.js';
import { exchangeHello, type HelloReaction } from './hello-exchange.js';
import { FALLBACK_SCSV, legacyHello, modernHello, PROBED_GROUPS, SSL3, TLS10, TLS11, TLS12, TLS13 } from './hello-specs.js';
import type { Anomaly, IntoleranceFinding, ScannedSuite, ScannedVersion, ScanReport } from '../model/scan-report.js';
import { openForHandshake, type DialogueFailure } from './starttls-dialog.js';
import type { ScanTarget } from './scan-target.js';
import { rateSuite } from './suite-rating.js';

export interface ScanOptions {
  readonly target: ScanTarget;
  /** server_name to send. @default the host, unless it is an IP address (RFC 6066 §3 forbids those) */
  readonly sni?: string;
  /** @default 'scan.mxlab.test' */
  readonly ehlo?: string;
  /** Per connection: TCP, each reply of the dialogue, the server's answer to a hello. @default 5000 */
  readonly timeoutMs?: number;
  /** @default 4 (16 on loopback, where no rate limiter stands between) */
  readonly maxConns?: number;
  /** Connections per second at most. @default no limit */
  readonly rate?: number;
  /** PEM trust anchors for the verdict; absent: the system store. */
  readonly ca?: readonly string[];
  /** Name the certificate must carry. @default sni, else the host */
  readonly verifyName?: string;
  /** Where each connection's session events go. */
  readonly bus?: EventBus;
  /** @default 'scanner' */
  readonly peer?: string;
  /** Session ids are `${idPrefix}-${n}`. @default 'scan-<time><random>' */
  readonly idPrefix?: string;
}

/** At most this many suites in one hello (the issue's bound; also keeps SSL 3.0 hellos below 256 bytes, see SSL3_BUNDLE). */
const BUNDLE = 128;
/** An SSL 3.0 hello has no extensions to pad with: 43 + 2·n bytes stays below 256 up to n = 106. */
const SSL3_BUNDLE = 100;
const LEGACY_VERSIONS = [SSL3, TLS10, TLS11, TLS12] as const;

type Attempt =
  | { readonly kind: 'reaction'; readonly reaction: HelloReaction; readonly length: number }
  | { readonly kind: 'dialogue'; readonly failure: DialogueFailure; readonly detail: string };

function describeReaction(r: HelloReaction): string {
  switch (r.kind) {
    case 'hello': {
      const c = chosenBy(r.flight.serverHello);
      return `${c.retry ? 'HelloRetryRequest' : 'ServerHello'} ${c.version} ${c.suite}`;
    }
    case 'alert':
      return `alert ${alertName(r.description)}`;
    case 'closed':
      return 'close';
    case 'invalid':
      return `invalid: ${r.reason}`;
    default:
      return r.kind;
  }
}

/** The version and suite a ServerHello chose, as the console's scan matrix files them. */
function chosenBy(h: { readonly version: number; readonly suite: number; readonly helloRetry?: boolean }): { version: string; suite: string; retry: boolean } {
  const s = suiteByCode(h.suite);
  return { version: versionName(h.version), suite: s?.openssl ?? s?.iana ?? suiteCodeText(h.suite), retry: !!h.helloRetry };
}

/** The versions a hello offers: supported_versions when it has one (RFC 8446 §4.2.1), else legacy_version. */
function helloLabel(spec: ClientHelloSpec): string {
  const sv = spec.extensions?.find((e) => e.type === 'supported_versions');
  return sv && sv.type === 'supported_versions' ? sv.versions.map(versionName).join('/') : versionName(spec.legacyVersion ?? TLS12);
}

export async function scanTls(o: ScanOptions): Promise<ScanReport> {
  const started = performance.now();
  const t = o.target;
  const loopback = t.host === 'localhost' || t.host === '::1' || t.host.startsWith('127.');
  const limiter = new ConnectionLimiter(o.maxConns ?? (loopback ? 16 : 4), o.rate);
  const timeoutMs = o.timeoutMs ?? 5000;
  const sni = o.sni ?? (isIP(t.host) ? undefined : t.host);
  // Random as well as timed: scans started in the same millisecond (a test, a scenario) must not share ids.
  const prefix = o.idPrefix ?? `scan-${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const anomalies: Anomaly[] = [];
  let backoff: { failure: DialogueFailure; detail: string } | undefined;
  let n = 0;

  /** One connection: dialogue, one hello, the server's reaction; a session on the bus. */
  const attempt = (spec: ClientHelloSpec, goal: FlightGoal, timeout = timeoutMs): Promise<Attempt> =>
    limiter.run(async () => {
      if (backoff) return { kind: 'dialogue', ...backoff };
      n += 1;
      const events = o.bus ? new SessionEmitter(o.bus, `${prefix}-${n}`, o.peer ?? 'scanner') : undefined;
      const opened = await openForHandshake(t, { ehlo: o.ehlo ?? 'scan.mxlab.test', timeoutMs, ...(events ? { events } : {}) });
      if (!opened.ok) {
        if (opened.failure === 'busy' || opened.failure === 'refused') backoff ??= { failure: opened.failure, detail: opened.detail };
        events?.emit({ type: 'session-error', code: opened.failure, message: opened.detail, stage: 'connect' });
        events?.emit({ type: 'session-end' });
        return { kind: 'dialogue', failure: opened.failure, detail: opened.detail };
      }
      const hello = buildClientHello(spec);
      const reaction = await exchangeHello(opened.socket, hello.bytes, goal, timeout);
      // The slot is free once the socket is closed, not when closing was asked for: a server that
      // counts connections per client (Postfix's anvil) must never see more than --max-conns.
      if (!opened.socket.closed) await new Promise((resolve) => opened.socket.once('close', resolve));
      events?.emit({
        type: 'scan-answer', hello: `${helloLabel(spec)}, ${spec.suites.length} suites, ${hello.message.length} bytes`, answer: `${describeReaction(reaction)} (${reaction.ms} ms)`, serverHello: reaction.kind === 'hello',
        ...(reaction.kind === 'hello' ? { chosen: chosenBy(reaction.flight.serverHello) } : {}),
      });
      events?.emit({ type: 'session-end' });
      return { kind: 'reaction', reaction, length: hello.message.length };
    });

  // The first connection tells whether the target can be scanned at all.
  const first = await attempt(legacyHello({ version: TLS12, suites: [0xc02f, 0xc030, 0x009e, 0x002f, 0x0035], ...(sni ? { sni } : {}) }), 'server-hello');
  const timings = (): { totalMs: number } => ({ totalMs: Math.round(performance.now() - started) });
  const candidates = CIPHER_SUITES.filter((s) => !s.scsv && !s.tls13);
  const tls13Suites = CIPHER_SUITES.filter((s) => s.tls13);
  const base = { target: { protocol: t.protocol, host: t.host, port: t.port, ...(sni ? { sni } : {}) }, suitesTested: candidates.length + tls13Suites.length };
  if (first.kind === 'dialogue') {
    const report: ScanReport = { ...base, unreachable: { failure: first.failure, detail: first.detail }, versions: [], groups: [], chain: [], intolerance: [], anomalies, connections: limiter.opened, timings: timings() };
    o.bus?.emit({ type: 'scan-report', at: Date.now(), peer: o.peer ?? 'scanner', idPrefix: prefix, report });
    return report;
  }

  const x25519 = generateKeyShare(29);
  const accepted = new Map<number, number[]>();
  const refusals = new Map<number, string>();

  /** Offers `bundle` again and again without each suite the server picks, until it refuses. */
  const enumerate = async (version: number, bundle: readonly number[]): Promise<number[]> => {
    const found: number[] = [];
    let left = [...bundle];
    while (left.length > 0) {
      const spec = version === TLS13
        ? modernHello({ suites: left, shares: [x25519], ...(sni ? { sni } : {}) })
        : legacyHello({ version, suites: left, ...(sni ? { sni } : {}) });
      const a = await attempt(spec, 'server-hello');
      if (a.kind !== 'reaction') break;
      const r = a.reaction;
      if (r.kind !== 'hello') {
        if (found.length === 0 && !refusals.has(version)) refusals.set(version, describeReaction(r));
        break;
      }
      const h = r.flight.serverHello;
      if (h.version !== version) {
        if (found.length === 0 && !refusals.has(version)) refusals.set(version, `answered ${versionName(h.version)} instead`);
        break;
      }
      if (!left.includes(h.suite)) {
        anomalies.push({ what: 'suite not offered', detail: `${versionName(version)}: the server chose ${suiteByCode(h.suite)?.iana ?? suiteCodeText(h.suite)}, which the hello did not offer` });
        break;
      }
      found.push(h.suite);
      left = left.filter((c) => c !== h.suite);
    }
    return found;
  };

  const bundlesOf = (version: number): number[][] => {
    const codes = version === TLS13 ? tls13Suites.map((s) => s.code) : candidates.map((s) => s.code);
    const size = version === SSL3 ? SSL3_BUNDLE : BUNDLE;
    const out: number[][] = [];
    for (let i = 0; i < codes.length; i += size) out.push(codes.slice(i, i + size));
    return out;
  };

  await Promise.all([...LEGACY_VERSIONS, TLS13].map(async (version) => {
    const lists = await Promise.all(bundlesOf(version).map((b) => enumerate(version, b)));
    accepted.set(version, lists.flat());
  }));

  // Server preference: the same suites in two orders; the same pick both times means the server's order.
  const preference = new Map<number, { serverOrder: boolean; order?: string[] }>();
  await Promise.all([...LEGACY_VERSIONS, TLS13].map(async (version) => {
    const list = accepted.get(version)!;
    if (list.length < 2) return;
    const pick = async (suites: readonly number[]): Promise<number | undefined> => {
      const spec = version === TLS13 ? modernHello({ suites, shares: [x25519], ...(sni ? { sni } : {}) }) : legacyHello({ version, suites, ...(sni ? { sni } : {}) });
      const a = await attempt(spec, 'server-hello');
      return a.kind === 'reaction' && a.reaction.kind === 'hello' ? a.reaction.flight.serverHello.suite : undefined;
    };
    const [forward, backward] = await Promise.all([pick(list), pick([...list].reverse())]);
    if (forward === undefined || backward === undefined) return;
    if (forward !== backward) {
      preference.set(version, { serverOrder: false });
      return;
    }
    const order = [forward];
    let left = list.filter((c) => c !== forward);
    while (left.length > 1) {
      const next = await pick(left);
      if (next === undefined) break;
      order.push(next);
      left = left.filter((c) => c !== next);
    }
    order.push(...left);
    preference.set(version, { serverOrder: true, order: order.map((c) => suiteByCode(c)?.iana ?? suiteCodeText(c)) });
  }));

  const supported = (v: number): boolean => (accepted.get(v)?.length ?? 0) > 0;
  const legacySupported = LEGACY_VERSIONS.filter(supported);
  const best = legacySupported.at(-1);

  // Groups, DH size and the chain.
  const groups: string[] = [];
  let chainDer: Buffer[] = [];
  const ecdheKx = new Map<number, string>();
  const jobs: Promise<void>[] = [];
  if (supported(TLS13)) {
    const suites = accepted.get(TLS13)!;
    for (const g of PROBED_GROUPS) {
      jobs.push((async () => {
        // No key share: a server that takes the group says so with a HelloRetryRequest (RFC 8446 §4.1.4).
        const a = await attempt(modernHello({ suites, shares: [], groups: [g], ...(sni ? { sni } : {}) }), 'server-hello');
        if (a.kind === 'reaction' && a.reaction.kind === 'hello' && a.reaction.flight.serverHello.keyShareGroup === g) groups.push(groupName(g));
      })());
    }
  } else if (best !== undefined) {
    const ecdhe = accepted.get(best)!.filter((c) => suiteByCode(c)?.kx === 'ECDHE');
    if (ecdhe.length > 0) {
      for (const g of PROBED_GROUPS.filter((g) => g < 0x100)) {
        jobs.push((async () => {
          const a = await attempt(legacyHello({ version: best, suites: ecdhe, groups: [g], ...(sni ? { sni } : {}) }), 'flight');
          const ske = a.kind === 'reaction' && a.reaction.kind === 'hello' ? a.reaction.flight.serverKeyExchange : undefined;
          if (ske?.kind === 'ecdhe' && ske.curve === g) groups.push(groupName(g));
        })());
      }
    }
  }
  const dheAt = legacySupported.slice().reverse().find((v) => accepted.get(v)!.some((c) => suiteByCode(c)?.kx === 'DHE'));
  // The DH size per DHE suite: OpenSSL's automatic DH parameters (Postfix's default) follow the
  // strength of the suite, so a server may use 1024 bits for one suite and 2048 for another.
  const dhBySuite = new Map<number, number>();
  if (dheAt !== undefined) {
    for (const suite of accepted.get(dheAt)!.filter((c) => suiteByCode(c)?.kx === 'DHE')) {
      jobs.push((async () => {
        const a = await attempt(legacyHello({ version: dheAt, suites: [suite], ...(sni ? { sni } : {}) }), 'flight');
        const ske = a.kind === 'reaction' && a.reaction.kind === 'hello' ? a.reaction.flight.serverKeyExchange : undefined;
        if (ske?.kind === 'dhe') dhBySuite.set(suite, ske.primeBits);
      })());
    }
  }
  if (best !== undefined) {
    jobs.push((async () => {
      const a = await attempt(legacyHello({ version: best, suites: accepted.get(best)!, ...(sni ? { sni } : {}) }), 'flight');
      if (a.kind === 'reaction' && a.reaction.kind === 'hello') {
        chainDer = [...(a.reaction.flight.certificates ?? [])];
        const ske = a.reaction.flight.serverKeyExchange;
        if (ske?.kind === 'ecdhe' && ske.curve !== undefined) ecdheKx.set(best, groupName(ske.curve));
      }
    })());
  } else if (supported(TLS13)) {
    // TLS 1.3 encrypts the Certificate (RFC 8446 §2): only a real handshake reads it.
    jobs.push(limiter.run(async () => {
      if (backoff) return;
      n += 1;
      // A session on the bus like every other connection of the scan, though Node makes this hello.
      const events = o.bus ? new SessionEmitter(o.bus, `${prefix}-${n}`, o.peer ?? 'scanner') : undefined;
      const opened = await openForHandshake(t, { ehlo: o.ehlo ?? 'scan.mxlab.test', timeoutMs, ...(events ? { events } : {}) });
      if (!opened.ok) {
        events?.emit({ type: 'session-error', code: opened.failure, message: opened.detail, stage: 'connect' });
        events?.emit({ type: 'session-end' });
        return;
      }
      const started = performance.now();
      const got = await chainByHandshake(opened.socket, sni, timeoutMs);
      chainDer = got.der;
      events?.emit({
        type: 'scan-answer', hello: 'Node TLS 1.3 handshake (for the encrypted Certificate)',
        answer: got.der.length ? `${got.der.length} certificate(s) (${Math.round(performance.now() - started)} ms)` : `no certificate: ${got.failure ?? 'handshake failed'}`,
        serverHello: got.der.length > 0,
        ...(got.version && got.cipher ? { chosen: { version: got.version, suite: got.cipher, retry: false } } : {}),
      });
      events?.emit({ type: 'session-end' });
    }));
  }

  // Intolerance.
  const intolerance: IntoleranceFinding[] = [];
  const reactionText = (a: Attempt): string => (a.kind === 'reaction' ? (a.reaction.kind === 'hello' ? 'answered' : describeReaction(a.reaction)) : `no handshake: ${a.detail}`);
  const maxVersion = supported(TLS13) ? TLS13 : best;
  if (maxVersion !== undefined && maxVersion < TLS13) {
    const suites = accepted.get(maxVersion)!;
    jobs.push((async () => {
      // A hello offering TLS 1.3 (and everything below) to a server that tops out lower.
      const a = await attempt(modernHello({ suites: tls13Suites.map((s) => s.code), legacySuites: suites, shares: [x25519], versions: [TLS13, TLS12, TLS11, TLS10], ...(sni ? { sni } : {}) }), 'server-hello');
      const ok = a.kind === 'reaction' && a.reaction.kind === 'hello';
      intolerance.push({ test: 'tls13', failed: !ok, reaction: reactionText(a), hello: `TLS 1.3 hello (supported_versions TLSv1.3…TLSv1), ${suites.length} ${versionName(maxVersion)} suites${a.kind === 'reaction' ? `, ${a.length} bytes` : ''}`, detail: ok ? `negotiated down to ${versionName(maxVersion)}` : `the server speaks ${versionName(maxVersion)} but refuses a hello offering TLS 1.3` });
    })());
    if (maxVersion < TLS12) {
      jobs.push((async () => {
        const a = await attempt(legacyHello({ version: TLS12, suites, ...(sni ? { sni } : {}) }), 'server-hello');
        const ok = a.kind === 'reaction' && a.reaction.kind === 'hello';
        intolerance.push({ test: 'version', failed: !ok, reaction: reactionText(a), hello: `TLS 1.2 hello (legacy_version 0x0303), ${suites.length} ${versionName(maxVersion)} suites${a.kind === 'reaction' ? `, ${a.length} bytes` : ''}`, detail: ok ? `negotiated down to ${versionName(maxVersion)}` : `the server speaks ${versionName(maxVersion)} but refuses a hello offering more (version intolerance)` });
      })());
    }
  }
  if (best !== undefined && best !== SSL3) {
    const suites = accepted.get(best)!;
    jobs.push((async () => {
      // RFC 7685 §1: F5 BIG-IP hung on hellos of 256–511 bytes. 300 is in the middle of the range.
      let spec: ClientHelloSpec | undefined;
      try {
        spec = legacyHello({ version: best, suites, padding: { exactly: 300 }, ...(sni ? { sni } : {}) });
        buildClientHello(spec);
      } catch {
        spec = undefined;
      }
      if (!spec) return;
      const a = await attempt(spec, 'server-hello', Math.min(timeoutMs, 3000));
      const ok = a.kind === 'reaction' && a.reaction.kind === 'hello';
      intolerance.push({ test: 'hello-size', failed: !ok, reaction: reactionText(a), hello: `${versionName(best)} hello padded to 300 bytes, ${suites.length} suites`, detail: ok ? 'a 300-byte hello is answered' : 'a 256–511-byte hello is not answered, while padded ones are (the F5 bug, RFC 7685)' });
    })());
  }
  {
    // The highest version below the server's best, offered as a fallback retry would be.
    const lower = supported(TLS13) ? best : legacySupported.at(-2);
    if (lower !== undefined) {
      jobs.push((async () => {
        const a = await attempt(legacyHello({ version: lower, suites: accepted.get(lower)!, signalling: [FALLBACK_SCSV], ...(sni ? { sni } : {}) }), 'server-hello');
        const honoured = a.kind === 'reaction' && a.reaction.kind === 'alert' && a.reaction.description === 86;
        intolerance.push({ test: 'fallback-scsv', failed: !honoured, reaction: reactionText(a), hello: `${versionName(lower)} hello with TLS_FALLBACK_SCSV`, detail: honoured ? 'inappropriate_fallback: downgrade protection (RFC 7507) works' : 'the server accepted a downgraded hello carrying TLS_FALLBACK_SCSV (RFC 7507 not honoured)' });
      })());
    }
  }
  await Promise.all(jobs);
  // The smallest: what a downgrade-minded client would get, and what the dh-2048 check judges.
  const dhBits = dhBySuite.size ? Math.min(...dhBySuite.values()) : undefined;

  const dhKx = (s: CipherSuite, version: number): string => (s.kx === 'DHE' && (dhBySuite.get(s.code) ?? dhBits) ? `DHE ${dhBySuite.get(s.code) ?? dhBits}` : s.kx === 'ECDHE' && ecdheKx.get(version) ? `ECDHE ${ecdheKx.get(version)}` : s.kx === 'TLS13' ? 'any' : s.kx);
  const versions: ScannedVersion[] = [...LEGACY_VERSIONS, TLS13].map((version) => {
    const suites: ScannedSuite[] = accepted.get(version)!.map((code) => {
      const s = suiteByCode(code)!;
      const rated = rateSuite(s);
      return { code, hex: suiteCodeText(code), iana: s.iana, ...(s.openssl ? { openssl: s.openssl } : {}), kx: dhKx(s, version), bits: s.bits, rating: version === SSL3 ? 'insecure' : rated.rating, ...(version === SSL3 ? { why: 'SSL 3.0 (RFC 7568)' } : rated.why ? { why: rated.why } : {}) };
    });
    const pref = preference.get(version);
    const refusal = refusals.get(version);
    return { version: versionName(version), supported: suites.length > 0, ...(suites.length === 0 && refusal ? { refusal } : {}), suites, ...(pref ? { serverOrder: pref.serverOrder, ...(pref.order ? { order: pref.order } : {}) } : {}) };
  });
  const chain: CertificateSummary[] = chainDer.map((d) => describeCertificate(d));
  const name = o.verifyName ?? sni ?? t.host;
  const verdict = chainDer.length > 0 ? chainVerdict({ der: chainDer, name, ...(o.ca ? { ca: o.ca } : {}) }) : undefined;
  const noTls = versions.every((v) => !v.supported);
  if (backoff) anomalies.push({ what: 'backed off', detail: `${backoff.detail}: the scan stopped opening connections, results are partial` });
  const report: ScanReport = {
    ...base,
    ...(noTls ? { noTls } : {}),
    versions,
    groups: PROBED_GROUPS.map(groupName).filter((g) => groups.includes(g)),
    ...(dhBits ? { dhBits } : {}),
    chain,
    ...(verdict ? { verdict } : {}),
    intolerance: intolerance.sort((a, b) => a.test.localeCompare(b.test)),
    anomalies,
    connections: limiter.opened,
    timings: timings(),
  };
  o.bus?.emit({ type: 'scan-report', at: Date.now(), peer: o.peer ?? 'scanner', idPrefix: prefix, report });
  return report;
}

/** A real handshake (Node's TLS) on an opened connection, for the certificates of a TLS 1.3-only server. */
function chainByHandshake(socket: import('node:net').Socket, sni: string | undefined, timeoutMs: number): Promise<{ der: Buffer[]; version?: string; cipher?: string; failure?: string }> {
  return new Promise((resolve) => {
    const secure = tls.connect({ socket, rejectUnauthorized: false, ...(sni ? { servername: sni } : {}) });
    const timer = setTimeout(() => finish({ der: [], failure: `no answer within ${timeoutMs} ms` }), timeoutMs);
    function finish(result: { der: Buffer[]; version?: string; cipher?: string; failure?: string }): void {
      clearTimeout(timer);
      secure.destroy();
      resolve(result);
    }
    secure.on('error', (err: NodeJS.ErrnoException) => finish({ der: [], failure: err.code ?? err.message }));
    secure.once('secureConnect', () => {
      const out: Buffer[] = [];
      const seen = new Set<string>();
      for (let c: tls.DetailedPeerCertificate | undefined = secure.getPeerCertificate(true); c?.raw && !seen.has(c.fingerprint256); c = c.issuerCertificate) {
        seen.add(c.fingerprint256);
        out.push(c.raw);
      }
      const cipher = secure.getCipher();
      finish({ der: out, ...(secure.getProtocol() ? { version: secure.getProtocol()! } : {}), ...(cipher ? { cipher: cipher.standardName || cipher.name } : {}) });
    });
  });
}
