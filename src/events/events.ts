import type { ClientHelloSummary } from '../model/client-hello.js';
import type { DeliveryVerdict } from '../model/delivery.js';
import type { ScanReport } from '../model/scan-report.js';
import type { CertificateSummary, CertificateVerdict, CipherInfo, DeliveryAttempt, Interception, KeyExchangeInfo, Protocol, SessionRecord, SessionResult } from '../model/session-record.js';

/**
 * The one typed event stream of a lab. Peers emit; the record builder, the recorder, the CLI printer,
 * the console and the expectation runner subscribe. A peer never knows who listens. This module and
 * the bus import no engine: every front end can depend on them.
 *
 * Every event carries `at` (ms since the epoch) and, when it belongs to a session, the session's id
 * and its peer's name, so that a subscriber can file any event without having seen the session start.
 */

/** What every event of one session carries. */
export interface SessionFields {
  readonly session: string;
  /** The lab peer the session belongs to. */
  readonly peer: string;
  readonly at: number;
}

type Of<T> = SessionFields & T;

/** A role's TLS mode: 'explicit' = STARTTLS/STLS on a plaintext start; 'implicit' = handshake first. */
export type TlsMode = 'explicit' | 'implicit';

export type SessionEvent =
  | Of<{ readonly type: 'session-start'; readonly role: 'server' | 'client' | 'proxy'; readonly protocol: Protocol; readonly tlsMode: TlsMode; readonly profile: string; readonly policy: string; readonly local: { address: string; port: number }; readonly remote: { address: string; port: number } }>
  | Of<{ readonly type: 'line'; readonly dir: 'C' | 'S'; readonly line: string }>
  | Of<{ readonly type: 'helo'; readonly name: string }>
  | Of<{ readonly type: 'starttls-offered'; readonly offered: boolean }>
  /** The client asked for TLS on a plaintext start and was told to go ahead: a TLS attempt begins. */
  | Of<{ readonly type: 'starttls' }>
  | Of<{ readonly type: 'client-hello'; readonly hello: ClientHelloSummary }>
  | Of<{ readonly type: 'client-hello-invalid'; readonly reason: string }>
  /** One of the two ends of a TLS attempt: exactly one `tls-established` or `tls-failed` per attempt. */
  | Of<{ readonly type: 'tls-established'; readonly version: string; readonly cipher: CipherInfo; readonly keyExchange?: KeyExchangeInfo; readonly chain: readonly CertificateSummary[]; readonly sni?: string }>
  /** The quirk gate answered the hello with a hand-written ServerHello (a suite or version OpenSSL 3 lacks). */
  | Of<{ readonly type: 'tls-imitated'; readonly version: string; readonly suite: { readonly code: number; readonly iana: string; readonly openssl?: string }; readonly note: string }>
  /**
   * A scanner's raw ClientHello and what the server did with it (`mxlab scan`): the scanner never
   * finishes a handshake, so this takes the place of tls-established / tls-failed.
   */
  | Of<{
      readonly type: 'scan-answer'; readonly hello: string; readonly answer: string; readonly serverHello: boolean;
      /** What a ServerHello (or HelloRetryRequest) chose: the version and the suite's OpenSSL name, else its IANA name. */
      readonly chosen?: { readonly version: string; readonly suite: string; readonly retry: boolean };
    }>
  /** The other end of a TLS attempt. */
  | Of<{ readonly type: 'tls-failed'; readonly code?: string; readonly message: string; readonly alert?: { name: string; code: number; sent: boolean } }>
  | Of<{ readonly type: 'policy-refused'; readonly reply: string }>
  | Of<{ readonly type: 'message'; readonly id: string; readonly from: string; readonly to: readonly string[]; readonly size: number; readonly file?: string; readonly reply: string }>
  | Of<{ readonly type: 'session-error'; readonly code?: string; readonly message: string; readonly stage: string }>
  | Of<{ readonly type: 'session-end' }>
  /** Something the transcript should say that is neither a command nor a reply (a client that left without LOGOUT). */
  | Of<{ readonly type: 'note'; readonly text: string }>
  /**
   * IMAP CAPABILITY / POP3 CAPA as advertised (server role) or read (probe); `secure` = over TLS.
   * `loginAllowed`: whether a plaintext login (LOGIN, USER/PASS, AUTH PLAIN) is allowed on this
   * connection, given on the pre-TLS list of an explicit session.
   */
  | Of<{ readonly type: 'capabilities'; readonly secure: boolean; readonly capabilities: readonly string[]; readonly loginAllowed?: boolean }>
  // Client role (mxlab sending):
  /** An EHLO reply's capabilities; `secure` = received over TLS. */
  | Of<{ readonly type: 'ehlo'; readonly secure: boolean; readonly capabilities: readonly string[] }>
  /** A client peer with a certificate personality: the chain it offers as client certificate if asked. */
  | Of<{ readonly type: 'client-certificate'; readonly personality: string; readonly chain: readonly CertificateSummary[] }>
  /** The sender's verdict on the server certificate. */
  | Of<{ readonly type: 'tls-verdict'; readonly verdict: CertificateVerdict }>
  /** The sending policy's decision on this connection: the record's result and reason. */
  | Of<{ readonly type: 'client-outcome'; readonly result: SessionResult; readonly reason: string; readonly policyLabel: string; readonly delivery: string; readonly attempt: number; readonly attempts?: readonly DeliveryAttempt[] }>
  // Proxy role (mxlab proxy):
  /** The MITM proxy's verdict on one client connection, sent just before its session-end. */
  | Of<{ readonly type: 'interception'; readonly interception: Interception }>;

/** A peer's settings as front ends show them (the Peers view, `peer-changed`). */
export interface PeerSettingsView {
  /** Profile name, e.g. 'tls10-only+md5-chain' (the proxy: 'proxy to HOST:PORT'). */
  readonly profile: string;
  /** Server policy (off/optional/required) or the proxy's `strip=<mode>`. */
  readonly policy: string;
  /** The quirks in force, by name (see profiles/quirks.ts), e.g. ['intolerantAbove=TLSv1']. */
  readonly quirks: readonly string[];
  /** SMTP banner/EHLO personality, where the protocol has one. */
  readonly personality?: string;
}

export type PeerEvent =
  | { readonly type: 'peer-listening'; readonly at: number; readonly peer: string; readonly protocol: Protocol; readonly tlsMode: TlsMode; readonly address: string; readonly port: number; readonly profile: string; readonly policy: string }
  | { readonly type: 'peer-stopped'; readonly at: number; readonly peer: string }
  /** A running peer took new settings: sessions open before keep the old ones, new sessions get these. */
  | { readonly type: 'peer-changed'; readonly at: number; readonly peer: string; readonly before: PeerSettingsView; readonly after: PeerSettingsView };

export type LabEvent =
  | SessionEvent
  | PeerEvent
  /**
   * A finished `mxlab scan` (scan/scan.ts is the only emitter): the scan as one record, next to the
   * session records of its connections (whose ids start with `idPrefix`).
   */
  | { readonly type: 'scan-report'; readonly at: number; readonly peer: string; readonly idPrefix: string; readonly report: ScanReport }
  /**
   * A sending MTA's delivery to a lab receiver, judged (record/delivery-tracker.ts via the lab): its
   * connections grouped, the verdict (tls, downgraded, plaintext, deferred, rejected-certificate) and
   * the session ids as evidence. Comes after the records it cites.
   */
  | { readonly type: 'delivery'; readonly at: number; readonly peer: string; readonly delivery: DeliveryVerdict }
  /** A session's record, built when the session ended (record/builder.ts is the only emitter). */
  | (SessionFields & { readonly type: 'record'; readonly record: SessionRecord })
  /**
   * Something went wrong that is not any session's outcome (a subscriber threw, a listener could not
   * accept, a record could not be written). The core never writes to a terminal itself: front ends
   * show these (the CLI on stderr).
   */
  | { readonly type: 'lab-warning'; readonly at: number; readonly code: string; readonly message: string; readonly peer?: string; readonly session?: string };

export type LabEventType = LabEvent['type'];
export type LabEventOf<T extends LabEventType> = Extract<LabEvent, { type: T }>;
export type SessionEventType = SessionEvent['type'];

/** A session event as its emitter writes it: the session, peer and (unless given) time are added. */
export type SessionEventBody = SessionEvent extends infer E ? (E extends SessionEvent ? Omit<E, keyof SessionFields> & { readonly at?: number } : never) : never;
