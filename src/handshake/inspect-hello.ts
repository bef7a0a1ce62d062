import type { Socket } from 'node:net';
import type { EventBus } from '../events/event-bus.js';
import type { Profile } from '../profiles/profile.js';
import type { ClientHelloSummary } from '../model/client-hello.js';
import { readClientHello } from '../tls/hello-reader.js';
import { carryOut, decide, type GateFailure } from './quirk-gate.js';
import { versionName } from '../tls/registry.js';

export interface HelloInspection {
  readonly hello?: ClientHelloSummary;
  /** Why the bytes were not a ClientHello (OpenSSL still gets them and fails in its own words). */
  readonly invalid?: string;
  /** Set when the client is gone or silent, or the quirk gate ended the connection: the handshake cannot go on. */
  readonly gone?: string;
  /**
   * Set when the quirk gate answered the hello itself (version intolerance, an imitated legacy
   * ServerHello…). The gate has already emitted the session's `tls-failed` (and `tls-imitated`)
   * event with the precise reason and closed the socket: the caller records nothing more and must
   * not hand the socket to OpenSSL. `gone` is set too, so callers that only know `gone` stay right.
   */
  readonly gated?: GateFailure;
}

export interface InspectOptions {
  readonly session: string;
  readonly bus: EventBus;
  /** How long to wait for the hello; also the longest a 'hang' quirk holds the connection. */
  readonly timeoutMs: number;
  /** The serving peer's profile: its TLS quirks are applied here. Absent: no quirks. */
  readonly profile?: Profile;
  /** The peer's certificate chain (PEM, leaf first), sent in an imitated ServerHello flight. */
  readonly certPem?: string;
}

/**
 * Reads the peer's ClientHello off a raw socket before OpenSSL sees it (implicit TLS, and after
 * STARTTLS), reports it on the bus, runs the quirk gate, and — unless the gate answered the hello
 * itself — puts the bytes back so a TLSSocket built on this socket handshakes as if nothing happened.
 * Every server peer (SMTP, IMAP, POP3) calls this at the point its TLS starts.
 */
export async function inspectHello(socket: Socket, opts: InspectOptions): Promise<HelloInspection> {
  const read = await readClientHello(socket, { timeoutMs: opts.timeoutMs });
  const at = Date.now();
  if (read.outcome === 'hello' && read.hello) {
    opts.bus.emit({ type: 'client-hello', session: opts.session, hello: read.hello, at });
  } else if (read.outcome === 'invalid' || read.outcome === 'too-large') {
    opts.bus.emit({ type: 'client-hello-invalid', session: opts.session, reason: read.reason ?? read.outcome, at });
  }
  if (read.outcome === 'closed') {
    return { gone: read.bytes.length ? `client closed the connection in the middle of its ClientHello (${read.bytes.length} bytes received)` : 'client closed the connection before sending a ClientHello' };
  }
  if (read.outcome === 'timeout') {
    return { gone: `no complete ClientHello within ${opts.timeoutMs} ms (${read.bytes.length} bytes received)` };
  }
  const invalid = read.outcome === 'hello' ? undefined : (read.reason ?? read.outcome);
  const profile = opts.profile;
  const decision = decide(profile?.quirks, read.hello, invalid, { min: profile?.minVersion ?? 'TLSv1.2', max: profile?.maxVersion ?? 'TLSv1.3' });
  if (decision.action !== 'pass') {
    const done = await carryOut(socket, decision, { timeoutMs: opts.timeoutMs, ...(opts.certPem !== undefined ? { certPem: opts.certPem } : {}) });
    const failure = done.failure;
    if (done.imitated) {
      const { suite, version } = done.imitated;
      opts.bus.emit({
        type: 'tls-imitated', session: opts.session, version: versionName(version),
        suite: { code: suite.code, iana: suite.iana, ...(suite.openssl ? { openssl: suite.openssl } : {}) },
        note: done.note ?? 'imitated up to ServerHello', at: Date.now(),
      });
    }
    opts.bus.emit({ type: 'tls-failed', session: opts.session, code: failure.code, message: failure.message, ...(failure.alert ? { alert: failure.alert } : {}), at: Date.now() });
    return { ...(read.hello ? { hello: read.hello } : {}), ...(invalid ? { invalid } : {}), gone: failure.message, gated: failure };
  }
  if (read.bytes.length) socket.unshift(read.bytes);
  return read.outcome === 'hello' ? { hello: read.hello! } : { invalid: invalid! };
}
