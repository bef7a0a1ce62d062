import type { ClientHelloSummary } from '../model/client-hello.js';
import type { CertificateSummary, CertificateVerdict, CipherInfo, DeliveryAttempt, Interception, KeyExchangeInfo, Protocol, SessionRecord, SessionResult } from '../model/session-record.js';

/**
 * The one typed event stream of a lab. Peers emit; the record builder, the recorder, the CLI printer
 * and (later) the TUI and expectation runner subscribe. A peer never knows who listens.
 */
export type LabEvent =
  | { readonly type: 'peer-listening'; readonly peer: string; readonly protocol: Protocol; readonly tlsMode: 'explicit' | 'implicit'; readonly address: string; readonly port: number; readonly profile: string; readonly policy: string }
  | { readonly type: 'peer-stopped'; readonly peer: string }
  | { readonly type: 'session-start'; readonly session: string; readonly peer: string; readonly role: 'server' | 'client' | 'proxy'; readonly protocol: Protocol; readonly tlsMode: 'explicit' | 'implicit'; readonly profile: string; readonly policy: string; readonly local: { address: string; port: number }; readonly remote: { address: string; port: number }; readonly at: number }
  | { readonly type: 'line'; readonly session: string; readonly dir: 'C' | 'S'; readonly line: string; readonly at: number }
  | { readonly type: 'helo'; readonly session: string; readonly name: string }
  | { readonly type: 'starttls-offered'; readonly session: string; readonly offered: boolean }
  | { readonly type: 'starttls'; readonly session: string; readonly at: number }
  | { readonly type: 'client-hello'; readonly session: string; readonly hello: ClientHelloSummary; readonly at: number }
  | { readonly type: 'client-hello-invalid'; readonly session: string; readonly reason: string; readonly at: number }
  | { readonly type: 'tls-established'; readonly session: string; readonly version: string; readonly cipher: CipherInfo; readonly keyExchange?: KeyExchangeInfo; readonly chain: readonly CertificateSummary[]; readonly sni?: string; readonly at: number }
  /** The quirk gate answered the hello with a hand-written ServerHello (a suite or version OpenSSL 3 lacks). */
  | { readonly type: 'tls-imitated'; readonly session: string; readonly version: string; readonly suite: { readonly code: number; readonly iana: string; readonly openssl?: string }; readonly note: string; readonly at: number }
  | { readonly type: 'tls-failed'; readonly session: string; readonly code?: string; readonly message: string; readonly alert?: { name: string; code: number; sent: boolean }; readonly at: number }
  | { readonly type: 'policy-refused'; readonly session: string; readonly reply: string }
  | { readonly type: 'message'; readonly session: string; readonly id: string; readonly from: string; readonly to: readonly string[]; readonly size: number; readonly file?: string; readonly reply: string }
  | { readonly type: 'session-error'; readonly session: string; readonly code?: string; readonly message: string; readonly stage: string; readonly at: number }
  | { readonly type: 'session-end'; readonly session: string; readonly at: number }
  /** Something the transcript should say that is neither a command nor a reply (a client that left without LOGOUT). */
  | { readonly type: 'note'; readonly session: string; readonly text: string; readonly at: number }
  /**
   * IMAP CAPABILITY / POP3 CAPA as advertised (server role) or read (probe); `secure` = over TLS.
   * `loginAllowed`: whether a plaintext login (LOGIN, USER/PASS, AUTH PLAIN) is allowed on this
   * connection, given on the pre-TLS list of an explicit session.
   */
  | { readonly type: 'capabilities'; readonly session: string; readonly secure: boolean; readonly capabilities: readonly string[]; readonly loginAllowed?: boolean; readonly at: number }
  | { readonly type: 'record'; readonly record: SessionRecord }
  // Client role (mxlab sending):
  /** An EHLO reply's capabilities; `secure` = received over TLS. */
  | { readonly type: 'ehlo'; readonly session: string; readonly secure: boolean; readonly capabilities: readonly string[]; readonly at: number }
  /** The sender's verdict on the server certificate. */
  | { readonly type: 'tls-verdict'; readonly session: string; readonly verdict: CertificateVerdict; readonly at: number }
  /** The sending policy's decision on this connection: the record's result and reason. */
  | { readonly type: 'client-outcome'; readonly session: string; readonly result: SessionResult; readonly reason: string; readonly policyLabel: string; readonly delivery: string; readonly attempt: number; readonly attempts?: readonly DeliveryAttempt[] }
  // Proxy role (mxlab proxy):
  /** The MITM proxy's verdict on one client connection, sent just before its session-end. */
  | { readonly type: 'interception'; readonly session: string; readonly interception: Interception };

export type LabEventType = LabEvent['type'];
export type LabEventOf<T extends LabEventType> = Extract<LabEvent, { type: T }>;
