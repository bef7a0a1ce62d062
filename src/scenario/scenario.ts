import type { ProfileOverrides } from '../profiles/resolve.js';
import type { Quirks } from '../profiles/quirks.js';
import type { TlsVersion } from '../profiles/profile.js';
import type { StripMode } from '../model/session-record.js';
import type { DeliveryVerdictKind } from '../model/delivery.js';

/**
 * A scenario file as data (scenarios/schema.json is the same shape for editors). Tests are data, as in
 * BoringSSL's runner: peers, actions and expectations; the loader checks the table before anything runs.
 */
export interface Scenario {
  readonly name: string;
  readonly description?: string;
  /** External system under test, HOST:PORT. */
  readonly sut?: string;
  /** Hard limit for the whole scenario. @default 15000 */
  readonly timeoutMs?: number;
  /**
   * tlsfuzzer's sanity probe: every server peer (and the sut) is probed with mxlab's default client
   * (modern, may) before the actions and after them; one test each that it still answers. @default false
   */
  readonly sanity?: boolean;
  readonly peers: readonly PeerSpec[];
  readonly actions?: readonly Action[];
  readonly await?: AwaitSpec;
  /**
   * The lab's delivery window for `delivery` checks: a sender's connections this far apart are one
   * delivery; longer than the sender's retry (Postfix at may: minimal_backoff_time). A verdict without
   * mail (deferred, rejected-certificate) comes when it is over. @default 900000
   */
  readonly deliveryWindowMs?: number;
  readonly expect: readonly Expectation[];
}

export type PeerProtocol = 'smtp' | 'imap' | 'pop3';

export interface PeerSpec {
  readonly name: string;
  /** @default 'smtp' */
  readonly protocol?: PeerProtocol;
  /** Required unless `proxy` is given. */
  readonly profile?: string;
  /** A MITM proxy peer instead of a server: relays to `upstream`, attacks STARTTLS as `strip` says. */
  readonly proxy?: { readonly upstream: string; readonly strip?: StripMode };
  /** @default 'optional' */
  readonly policy?: string;
  /** @default 'generic' */
  readonly personality?: string;
  /** @default false */
  readonly implicit?: boolean;
  /** @default 0 */
  readonly port?: number;
  /** Listening address. @default '127.0.0.1' */
  readonly address?: string;
  readonly overrides?: Omit<ProfileOverrides, 'quirks'>;
  readonly quirks?: Quirks;
  readonly credentials?: Readonly<Record<string, string>>;
}

/** A delivery by mxlab's sending MTA, or a probe. */
export interface ClientSpec {
  readonly name?: string;
  /** A peer's name or 'sut'. */
  readonly to?: string;
  readonly protocol?: PeerProtocol;
  readonly profile?: string;
  readonly policy?: string;
  readonly overrides?: Omit<ProfileOverrides, 'quirks'>;
  readonly implicit?: boolean;
  readonly tlsDomain?: string;
  /** @default 'lab' */
  readonly ca?: 'lab' | 'system';
  readonly rcpt?: string;
  readonly from?: string;
}

/** A TLS scan (`mxlab scan`) of a peer or the sut; its findings are judged by `scan:` expectations. */
export interface ScanActionSpec {
  /** @default scan, scan-2 … */
  readonly name?: string;
  /** A peer's name or 'sut'. */
  readonly to?: string;
  /** smtp, smtps, imap, imaps, pop3, pop3s or tls. @default from the target peer (implicit → smtps …), else smtp */
  readonly protocol?: string;
  /** @default 16 on loopback, else 4 */
  readonly maxConns?: number;
}

export type Action = { readonly send: ClientSpec } | { readonly probe: ClientSpec } | { readonly scan: ScanActionSpec };

/** What an expectation may say of a scan's findings; every one given must hold. */
export interface ScanChecks {
  /** Exactly the versions the target speaks. */
  readonly versions?: readonly string[];
  /** Suites (OpenSSL or IANA names) accepted at some version, or at none. */
  readonly suites?: { readonly includes?: readonly string[]; readonly excludes?: readonly string[] };
  /** `mxlab scan --fail-on` checks that must fail, and ones that must pass. */
  readonly checks?: { readonly failed?: readonly string[]; readonly passed?: readonly string[] };
  /** Exactly the intolerance tests the target fails (version, tls13, hello-size, fallback-scsv); [] = none. */
  readonly intolerant?: readonly string[];
  /** The DHE prime's size, when a DHE suite is accepted. */
  readonly dhBits?: { readonly atLeast?: number; readonly atMost?: number };
  /** Whether the target could be scanned at all (false: refused, no STARTTLS, 421 …). */
  readonly reachable?: boolean;
}

export interface AwaitSpec {
  readonly peer: string;
  /** @default 10000 */
  readonly timeoutMs?: number;
  /** @default 1 */
  readonly count?: number;
}

export type StringOrList = string | readonly string[];

/** The checks an expectation and each of its anyOf alternatives may carry; every one given must hold. */
export interface Checks {
  readonly result?: StringOrList;
  readonly version?: TlsVersion | { readonly atLeast?: TlsVersion; readonly atMost?: TlsVersion };
  readonly cipher?: StringOrList;
  readonly kx?: string;
  readonly chainValid?: boolean;
  readonly nameValid?: boolean;
  readonly verified?: boolean;
  readonly chainReason?: string;
  readonly reply?: StringOrList;
  readonly replyClass?: '2xx' | '3xx' | '4xx' | '5xx';
  readonly downgraded?: boolean;
  readonly startTlsOffered?: boolean;
  readonly startTlsAttempted?: boolean;
  readonly loginBeforeTls?: boolean;
  readonly messages?: number;
  readonly tlsMode?: 'explicit' | 'implicit';
  readonly imitated?: boolean;
  /** The verdict on the sending MTA's delivery this (receiver) session belongs to. */
  readonly delivery?: DeliveryVerdictKind | readonly DeliveryVerdictKind[];
  readonly reason?: string;
  readonly capabilities?: { readonly beforeTls?: CapabilityCheck; readonly afterTls?: CapabilityCheck };
  readonly interception?: {
    readonly strip?: StripMode;
    readonly startTlsSeenByClient?: boolean;
    readonly clientSentStartTls?: boolean;
    readonly tlsEndToEnd?: boolean;
    readonly continuedInPlaintext?: boolean;
    readonly credentialsInClear?: boolean;
    readonly mailInClear?: boolean;
  };
  readonly clientHello?: {
    readonly offersTls13?: boolean;
    readonly onlyEcdhe?: boolean;
    readonly offersDhe?: boolean;
    readonly maxVersion?: TlsVersion;
    readonly offersCipher?: string;
  };
}

export interface CapabilityCheck {
  readonly includes?: readonly string[];
  readonly excludes?: readonly string[];
}

export interface Expectation extends Checks {
  readonly name?: string;
  readonly why?: string;
  /** Whose record. */
  readonly peer: string;
  readonly role?: 'server' | 'client' | 'proxy';
  readonly attempt?: number;
  readonly nth?: number;
  readonly shouldFail?: boolean;
  readonly expectedError?: StringOrList;
  readonly anyOf?: readonly Checks[];
  /** For a scan action's name in `peer`: its findings. */
  readonly scan?: ScanChecks;
}

/** The check fields, in the order reports list them. */
export const CHECK_FIELDS = [
  'result', 'version', 'cipher', 'kx', 'chainValid', 'nameValid', 'verified', 'chainReason', 'reply', 'replyClass',
  'downgraded', 'startTlsOffered', 'startTlsAttempted', 'loginBeforeTls', 'messages', 'tlsMode', 'imitated', 'delivery', 'reason',
  'capabilities', 'interception', 'clientHello',
] as const satisfies readonly (keyof Checks)[];

/** A scenario as loaded: the data plus where it came from. */
export interface LoadedScenario {
  readonly file: string;
  readonly scenario: Scenario;
  /** 1-based line of each expectation, for reports. */
  readonly expectationLines: readonly number[];
}

/** Default peer names of client actions: sender, sender-2 …, probe-imap, probe-imap-2 … */
export function clientNames(actions: readonly Action[], peers: readonly PeerSpec[]): string[] {
  const used = new Map<string, number>();
  return actions.map((a) => {
    const spec = actionSpec(a);
    if (spec.name) return spec.name;
    const base = 'send' in a ? 'sender' : 'scan' in a ? 'scan' : `probe-${probeProtocol(a.probe, peers)}`;
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
}

/** An action's kind and its spec. */
export function actionKind(a: Action): 'send' | 'probe' | 'scan' {
  return 'send' in a ? 'send' : 'scan' in a ? 'scan' : 'probe';
}

export function actionSpec(a: Action): ClientSpec | ScanActionSpec {
  return 'send' in a ? a.send : 'scan' in a ? a.scan : a.probe;
}

/** A probe's protocol: given, else the target peer's, else smtp. */
export function probeProtocol(spec: ClientSpec, peers: readonly PeerSpec[]): PeerProtocol {
  return spec.protocol ?? peers.find((p) => p.name === spec.to)?.protocol ?? 'smtp';
}
