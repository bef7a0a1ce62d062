import { constants } from 'node:crypto';
import tls from 'node:tls';
import type { ChainMaterial } from '../certs/chain-spec.js';
import type { SessionEventBody } from '../events/events.js';
import { compileProfile } from '../profiles/compile.js';
import { labSecureContext } from '../profiles/secure-context.js';
import type { Profile } from '../profiles/profile.js';
import type { ClientHelloSummary } from '../model/client-hello.js';
import type { CertificateSummary } from '../model/session-record.js';
import { alertFromError } from '../tls/alert-from-error.js';
import { cipherInfo, describeChain } from '../tls/describe-session.js';
import { serverKeyExchange } from '../tls/key-exchange.js';
import { checkTlsQuirks } from './quirk-gate.js';

/**
 * Secure contexts by their options: the default lab's SMTP, IMAP and POP3 peers of one profile (and
 * every profile on the default chain with the same TLS settings) share one, which is most of the
 * CPU a lab start spends. A context is never changed after it is made, so sharing is safe; the
 * oldest entries go past a bound, for a console that reconfigures peers all day.
 */
const contexts = new Map<string, { context: tls.SecureContext; chain: readonly CertificateSummary[] }>();
const MAX_CONTEXTS = 64;

function contextFor(options: tls.SecureContextOptions, certPem: string): { context: tls.SecureContext; chain: readonly CertificateSummary[] } {
  const key = JSON.stringify(options);
  let hit = contexts.get(key);
  if (!hit) {
    hit = { context: labSecureContext(options), chain: Object.freeze(describeChain(certPem)) };
    contexts.set(key, hit);
    if (contexts.size > MAX_CONTEXTS) contexts.delete(contexts.keys().next().value!);
  }
  return hit;
}

/** What a server-side protocol engine keeps of a finished handshake (the Received header needs it). */
export interface TlsSummary {
  readonly version: string;
  readonly cipher: string;
  readonly bits: number;
}

/**
 * A server peer's TLS personality, compiled once: the one secure context every listener of the peer
 * (STARTTLS and implicit alike) hands to OpenSSL, and the description of the chain it serves. A peer
 * that is reconfigured gets a new ServerTls; sessions already open keep the one they started with.
 */
export class ServerTls {
  readonly profile: Profile;
  readonly context: tls.SecureContext;
  /** The served chain, leaf first (frozen: every session's record shares it). */
  readonly chain: readonly CertificateSummary[];
  /** The served chain as PEM (the quirk gate sends it in an imitated ServerHello flight). */
  readonly certPem: string;
  readonly #leafRsaBits?: number;

  constructor(profile: Profile, material: ChainMaterial) {
    checkTlsQuirks(profile);
    this.profile = profile;
    this.certPem = material.cert;
    // Client-initiated renegotiation is refused (a no_renegotiation alert) on every TLS socket of every
    // peer: Node's own limit applies only to sockets a tls.Server accepts, and a client could otherwise
    // make the server redo the expensive half of a handshake at will (CVE-2011-1473).
    const compiled = compileProfile(profile, material);
    const built = contextFor({ ...compiled, secureOptions: (compiled.secureOptions ?? 0) | constants.SSL_OP_NO_RENEGOTIATION }, material.cert);
    this.context = built.context;
    this.chain = built.chain;
    const leafKey = /^RSA (\d+)$/.exec(this.chain[0]?.key ?? '');
    if (leafKey) this.#leafRsaBits = Number(leafKey[1]);
  }

  /**
   * The tls-established event of a finished server handshake, or undefined when the client has gone
   * already (getCipher() is then null and there is nothing to describe).
   */
  establishedEvent(socket: tls.TLSSocket, hello: ClientHelloSummary | undefined): Extract<SessionEventBody, { type: 'tls-established' }> | undefined {
    // getCipher() is typed as always returning, but is null on a socket whose handshake was torn down.
    const negotiated: tls.CipherNameAndProtocol | null = socket.getCipher();
    if (!negotiated) return undefined;
    const version = socket.getProtocol() ?? 'unknown';
    const cipher = cipherInfo(socket);
    const servername = socket.servername;
    return {
      type: 'tls-established', version, cipher,
      keyExchange: serverKeyExchange(version, cipher.iana, hello, this.profile, this.#leafRsaBits),
      chain: this.chain,
      ...(servername ? { sni: String(servername) } : {}),
    };
  }
}

/** What a tls-established event says, in the short form engines keep. */
export function tlsSummary(e: Extract<SessionEventBody, { type: 'tls-established' }>): TlsSummary {
  return { version: e.version, cipher: e.cipher.openssl, bits: e.cipher.bits };
}

/**
 * The tls-failed event for a handshake error (OpenSSL's, a timeout, a vanished client). When the
 * client's first bytes were not a ClientHello, the message says so: OpenSSL's own words for that
 * ("wrong version number") send people looking in the wrong place.
 */
export function tlsFailedEvent(err: { code?: string; message: string; reason?: string }, helloInvalid?: string): Extract<SessionEventBody, { type: 'tls-failed' }> {
  const code = err.code;
  let message = err.reason ?? err.message;
  if (helloInvalid) message = `${message} (the client's first bytes were not a ClientHello: ${helloInvalid})`;
  const alert = alertFromError(code);
  return { type: 'tls-failed', ...(code ? { code } : {}), message, ...(alert ? { alert } : {}) };
}
