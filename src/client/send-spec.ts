import net from 'node:net';
import type tls from 'node:tls';
import { compileProfile } from '../profiles/compile.js';
import type { Profile } from '../profiles/profile.js';
import { resolveProfile, type ProfileOverrides } from '../profiles/resolve.js';
import type { CertificateVerdict } from '../model/session-record.js';
import { UsageError } from '../usage-error.js';
import { parseClientPolicy, type ClientPolicy, type ParsedClientPolicy } from '../model/client-policy.js';

export interface SendTimeouts {
  /** TCP connection. @default 10000 */
  readonly connectMs?: number;
  /** The server's greeting; also each TLS handshake. @default 10000 */
  readonly greetingMs?: number;
  /** Silence after a command (EHLO, MAIL, DATA …). @default 30000 */
  readonly commandMs?: number;
  /** Hard limit on one connection, whatever happens in it. @default 120000 */
  readonly totalMs?: number;
}

/** One delivery by mxlab's fake sending MTA (the library form of `mxlab send`). */
export interface SendSpec {
  /** Target as 'HOST:PORT' ('[::1]:25' for IPv6); or give host and port. */
  readonly to?: string;
  readonly host?: string;
  readonly port?: number;
  /** Implicit TLS (SMTPS, port 465): the handshake comes first. @default false (STARTTLS) */
  readonly implicit?: boolean;
  /** none|may|encrypt|verify|secure, or the Exchange / Cisco ESA words (client-policy.ts). @default 'may' */
  readonly policy?: ClientPolicy | string;
  /** The sender's TLS personality from the catalogue (`tls10-only`, `exchange-2019-ecdhe` …). @default 'modern' */
  readonly profile?: string | Profile;
  readonly overrides?: ProfileOverrides;
  /** Name the certificate must carry under `secure` (Exchange TlsDomain); also the SNI. @default the host */
  readonly tlsDomain?: string;
  /** Trust anchors (PEM), used instead of Node's default root store for `verify`/`secure` and the verdict. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** Envelope sender. @default 'mxlab@client.mxlab.test' */
  readonly from?: string;
  /** Envelope recipients. @default 'postmaster@mxlab.test' */
  readonly rcpt?: string | readonly string[];
  /** The whole message (headers and body) as sent after DATA. */
  readonly data?: string | Buffer;
  /** Body text: mxlab adds From, To, Subject, Date and Message-ID. Ignored when `data` is given. */
  readonly body?: string;
  readonly subject?: string;
  /** EHLO name. @default 'client.mxlab.test' */
  readonly helo?: string;
  /** Peer name in events and records. @default 'sender' */
  readonly name?: string;
  readonly timeouts?: SendTimeouts;
  /**
   * `may` after a failed handshake: `immediate` retries without TLS on a new connection at once (Exchange,
   * many appliances); `deferred` defers the message and retries without TLS only after `retryAfterMs`, as
   * Postfix does (the retry waits for minimal_backoff_time, 300 s by default, and a queue run).
   * @default 'immediate'
   */
  readonly fallback?: 'immediate' | 'deferred';
  /** With `fallback: 'deferred'`: the wait before the plaintext retry. @default 300000 (Postfix's minimal_backoff_time) */
  readonly retryAfterMs?: number;
  /**
   * Probe, no mail (`mxlab probe smtp`): greeting, EHLO, STARTTLS under the policy, EHLO again, QUIT.
   * The record shows what a delivery would have met; nothing is sent and nothing is retried.
   */
  readonly probe?: boolean;
}

/** A message mxlab writes itself: the headers from these, the body as text. */
export interface MessageDraft {
  readonly from: string;
  readonly rcpt: readonly string[];
  readonly subject: string;
  readonly body: string;
  readonly helo: string;
}

/** A validated SendSpec: everything the engine needs, nothing left to parse. */
export interface SendPlan {
  readonly peer: string;
  readonly host: string;
  readonly port: number;
  readonly implicit: boolean;
  readonly policy: ParsedClientPolicy;
  readonly profile: Profile;
  readonly tls: tls.ConnectionOptions;
  readonly servername?: string;
  /** Name the certificate is checked against. */
  readonly verifyName: string;
  readonly trust: CertificateVerdict['trust'];
  readonly required: CertificateVerdict['required'];
  readonly helo: string;
  readonly from: string;
  readonly rcpt: readonly string[];
  /** The whole message (`data`), or what the sender composes it from (smtp/compose.ts) when it sends. */
  readonly message: Buffer | MessageDraft;
  readonly timeouts: Required<SendTimeouts>;
  readonly probe: boolean;
  readonly fallback: 'immediate' | 'deferred';
  readonly retryAfterMs: number;
}

const DEFAULT_TIMEOUTS: Required<SendTimeouts> = { connectMs: 10000, greetingMs: 10000, commandMs: 30000, totalMs: 120000 };

/** 'host:port', '[v6]:port'; `what` names where the value came from in a usage error. */
export function parseTarget(value: string, what = '--to'): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(value) ?? /^([^:[\]\s]+):(\d+)$/.exec(value);
  if (!m) throw new UsageError(`${what}: got "${value}", want HOST:PORT (e.g. mx.example.net:25, [::1]:25)${/^[^:\s]+$/.test(value) ? '; the port is missing' : ''}`);
  return { host: m[1]!, port: checkPort(what, Number(m[2])) };
}

function checkPort(what: string, port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`${what}: port ${port} is not between 1 and 65535`);
  return port;
}

function checkAddress(what: string, address: string): string {
  if (/[\r\n<>\s]/.test(address) || !address.includes('@')) throw new UsageError(`${what}: "${address}" is not a mail address`);
  return address;
}

function checkTimeout(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`timeouts.${name}: got ${value}, want a positive number of milliseconds`);
  return value;
}

function caList(ca: SendSpec['ca']): (string | Buffer)[] | undefined {
  if (ca === undefined) return undefined;
  const list = Array.isArray(ca) ? [...(ca as readonly (string | Buffer)[])] : [ca as string | Buffer];
  for (const item of list) {
    if (!String(item).includes('-----BEGIN CERTIFICATE-----')) throw new UsageError('--ca: no PEM certificate ("-----BEGIN CERTIFICATE-----") in the trust anchors given');
  }
  return list;
}

/** Validates a SendSpec (UsageError on bad input) and compiles the sender's TLS personality. */
export function planDelivery(spec: SendSpec): SendPlan {
  let target: { host: string; port: number };
  if (spec.to !== undefined) target = parseTarget(spec.to);
  else if (spec.host && spec.port !== undefined) target = { host: spec.host, port: checkPort('port', spec.port) };
  else throw new UsageError('send: no target; give to: "HOST:PORT" (or host and port)');
  const policy = parseClientPolicy(spec.policy ?? 'may');
  const implicit = spec.implicit ?? false;
  if (implicit && policy.policy === 'none') throw new UsageError('--policy none cannot be combined with --implicit: an implicit-TLS port (SMTPS 465, IMAPS 993, POP3S 995) has no plaintext');
  const profile = typeof spec.profile === 'object' ? spec.profile : resolveProfile(spec.profile ?? 'modern', spec.overrides);
  const compiled = compileProfile(profile);
  const ca = caList(spec.ca);
  const tlsDomain = spec.tlsDomain?.trim() || undefined;
  if (tlsDomain && !/^[A-Za-z0-9.*-]+$/.test(tlsDomain)) throw new UsageError(`--tls-domain: "${spec.tlsDomain}" is not a host name`);
  const servername = tlsDomain ?? (net.isIP(target.host) ? undefined : target.host);
  const helo = spec.helo ?? 'client.mxlab.test';
  if (/[\s<>]/.test(helo)) throw new UsageError(`--helo: "${helo}" is not a host name`);
  const from = checkAddress('--from', spec.from ?? 'mxlab@client.mxlab.test');
  const rcpt = (spec.rcpt === undefined ? ['postmaster@mxlab.test'] : typeof spec.rcpt === 'string' ? [spec.rcpt] : [...spec.rcpt]).map((r) => checkAddress('--rcpt', r));
  if (!rcpt.length) throw new UsageError('--rcpt: no recipient');
  const message = spec.data !== undefined
    ? Buffer.isBuffer(spec.data) ? spec.data : Buffer.from(spec.data)
    : { from, rcpt, helo, subject: spec.subject ?? `mxlab test (profile ${profile.name}, policy ${policy.label})`, body: spec.body ?? 'This is a test message from mxlab.\r\n' };
  const t = spec.timeouts ?? {};
  const timeouts = {
    connectMs: checkTimeout('connectMs', t.connectMs, DEFAULT_TIMEOUTS.connectMs),
    greetingMs: checkTimeout('greetingMs', t.greetingMs, DEFAULT_TIMEOUTS.greetingMs),
    commandMs: checkTimeout('commandMs', t.commandMs, DEFAULT_TIMEOUTS.commandMs),
    totalMs: checkTimeout('totalMs', t.totalMs, DEFAULT_TIMEOUTS.totalMs),
  };
  const tlsOptions: tls.ConnectionOptions = {
    minVersion: compiled.minVersion,
    maxVersion: compiled.maxVersion,
    ...(compiled.ciphers ? { ciphers: compiled.ciphers } : {}),
    ...(compiled.ecdhCurve ? { ecdhCurve: compiled.ecdhCurve } : {}),
    // mxlab decides about the certificate itself (tls/verify-peer.ts), after the handshake, so that
    // the verdict is recorded whatever the policy: `authorized` then speaks of the chain alone.
    rejectUnauthorized: false,
    checkServerIdentity: () => undefined,
    ...(ca ? { ca } : {}),
    ...(servername ? { servername } : {}),
  };
  const p = policy.policy;
  const fallback = spec.fallback ?? 'immediate';
  if (fallback !== 'immediate' && fallback !== 'deferred') throw new UsageError(`--fallback: got "${String(fallback)}", want immediate or deferred`);
  const retryAfterMs = spec.retryAfterMs ?? 300_000;
  if (!Number.isFinite(retryAfterMs) || retryAfterMs < 0) throw new UsageError(`--retry-after: got ${retryAfterMs / 1000} s, want a number of seconds (0 or more)`);
  return {
    peer: spec.name ?? 'sender',
    host: target.host,
    port: target.port,
    implicit,
    policy,
    profile,
    tls: tlsOptions,
    ...(servername ? { servername } : {}),
    verifyName: tlsDomain ?? target.host,
    trust: ca ? 'given-ca' : 'default-store',
    required: p === 'secure' ? 'chain-and-name' : p === 'verify' ? 'chain' : 'nothing',
    helo,
    from,
    rcpt,
    message,
    timeouts,
    probe: spec.probe ?? false,
    fallback,
    retryAfterMs,
  };
}
