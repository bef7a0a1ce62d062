/**
 * The one server-side TLS path of every mxlab peer: SMTP STARTTLS and SMTPS, IMAP STARTTLS and IMAPS,
 * POP3 STLS and POP3S all come here at the point their TLS starts. In order:
 *
 *   ClientHello read off the raw socket before OpenSSL sees it (client-hello / client-hello-invalid)
 *   → the quirk gate (a broken server's reaction, or a hand-written legacy ServerHello: tls-imitated)
 *   → the bytes handed back and the handshake done by OpenSSL with the peer's one secure context
 *   → exactly one `tls-established` or `tls-failed` for the attempt.
 *
 * Nothing else on the server side emits those two events, so a record never has to choose between
 * two accounts of the same handshake.
 */
import type net from 'node:net';
import tls from 'node:tls';
import type { SessionEmitter } from '../events/session-emitter.js';
import type { ClientHelloSummary } from '../model/client-hello.js';
import { SessionFaults } from '../profiles/session-faults.js';
import { readClientHello } from '../tls/hello-reader.js';
import type { KeyLog } from '../tls/keylog.js';
import { versionName } from '../tls/registry.js';
import { carryOut, decide, type GateFailure } from './quirk-gate.js';
import { type ServerTls, type TlsSummary, tlsFailedEvent, tlsSummary } from './server-tls.js';

export interface ServerHandshakeOptions {
  readonly events: SessionEmitter;
  /** The peer's TLS personality as it was when the session started. */
  readonly tls: ServerTls;
  /** How long to wait for the ClientHello, and then for the handshake (a 'hang' quirk lasts until the client or the session ends). */
  readonly timeoutMs: number;
  readonly keylog?: KeyLog;
  /**
   * Post-handshake quirks of the session (closeAfterHandshake is acted on here, right after the
   * handshake; the engine asks the same object about commands and message bytes).
   */
  readonly faults?: SessionFaults;
  /** Who closed the socket when it closes mid-handshake and the client did not: e.g. 'the lab stopped'. */
  readonly closedBy?: () => string | undefined;
}

export type ServerHandshake =
  | { readonly ok: true; readonly socket: tls.TLSSocket; readonly summary: TlsSummary; readonly hello?: ClientHelloSummary }
  /** The attempt failed (its tls-failed event says why) or a quirk cut the session right after it; the raw socket is closed. */
  | { readonly ok: false; readonly hello?: ClientHelloSummary };

/** Handshakes on `raw` (plaintext so far) as the server; never rejects. */
export async function serverHandshake(raw: net.Socket, o: ServerHandshakeOptions): Promise<ServerHandshake> {
  const { events, timeoutMs } = o;
  const who = (): string => o.closedBy?.() ?? 'client';
  const fail = (err: { code?: string; message: string; reason?: string; alert?: GateFailure['alert'] }, helloInvalid?: string, hello?: ClientHelloSummary): ServerHandshake => {
    const event = tlsFailedEvent(err, helloInvalid);
    // The gate knows which alert it sent or got; OpenSSL's errors are mapped from their code.
    events.emit(err.alert ? { ...event, alert: err.alert } : event);
    raw.destroy();
    return { ok: false, ...(hello ? { hello } : {}) };
  };

  const read = await readClientHello(raw, { timeoutMs });
  const hello = read.outcome === 'hello' ? read.hello : undefined;
  if (hello) events.emit({ type: 'client-hello', hello });
  else if (read.outcome === 'invalid' || read.outcome === 'too-large') events.emit({ type: 'client-hello-invalid', reason: read.reason ?? read.outcome });
  if (read.outcome === 'closed') {
    const closer = o.closedBy?.();
    const n = read.bytes.length;
    const message = closer
      ? n ? `${closer} in the middle of the client's ClientHello (${n} bytes received)` : `${closer} before the client sent a ClientHello`
      : n ? `client closed the connection in the middle of its ClientHello (${n} bytes received)` : 'client closed the connection before sending a ClientHello';
    return fail({ code: 'ECONNRESET', message });
  }
  if (read.outcome === 'timeout') return fail({ code: 'ERR_TLS_HANDSHAKE_TIMEOUT', message: `no complete ClientHello within ${timeoutMs} ms (${read.bytes.length} bytes received)` });

  const invalid = read.outcome === 'hello' ? undefined : (read.reason ?? read.outcome);
  const profile = o.tls.profile;
  const decision = decide(profile.quirks, hello, invalid, { min: profile.minVersion ?? 'TLSv1.2', max: profile.maxVersion ?? 'TLSv1.3' });
  if (decision.action !== 'pass') {
    const done = await carryOut(raw, decision, { timeoutMs, certPem: o.tls.certPem, ...(o.closedBy ? { closedBy: o.closedBy } : {}) });
    if (done.imitated) {
      const { suite, version } = done.imitated;
      events.emit({
        // Stamped when the flight went out, not when the client's answer (or its silence) ended the wait.
        ...(done.flightAt ? { at: done.flightAt } : {}),
        type: 'tls-imitated', version: versionName(version),
        suite: { code: suite.code, iana: suite.iana, ...(suite.openssl ? { openssl: suite.openssl } : {}) },
        note: done.note ?? 'imitated up to ServerHello',
      });
    }
    return fail(done.failure, undefined, hello);
  }

  if (read.bytes.length) raw.unshift(read.bytes);
  if (raw.destroyed) return fail({ code: 'ECONNRESET', message: `${who() === 'client' ? 'client closed the connection' : who()} before the TLS handshake` }, invalid, hello);
  const secure = new tls.TLSSocket(raw, { isServer: true, secureContext: o.tls.context, requestCert: false });
  o.keylog?.attach(secure);
  // Failures are described with plain objects: an Error would capture a stack on every vanished client.
  type Failure = { readonly code?: string; readonly message: string; readonly reason?: string };
  const outcome = await new Promise<{ ok: true } | { ok: false; err: Failure }>((resolve) => {
    const timer = setTimeout(() => settle({ ok: false, err: { code: 'ERR_TLS_HANDSHAKE_TIMEOUT', message: `TLS handshake not finished within ${timeoutMs} ms` } }), timeoutMs);
    const settle = (r: { ok: true } | { ok: false; err: Failure }): void => {
      clearTimeout(timer);
      secure.off('secure', onSecure);
      secure.off('error', onError);
      secure.off('close', onClose);
      resolve(r);
    };
    const onSecure = (): void => settle({ ok: true });
    const onError = (err: NodeJS.ErrnoException & { reason?: string }): void => settle({ ok: false, err: { ...(err.code ? { code: err.code } : {}), message: err.message, ...(err.reason ? { reason: err.reason } : {}) } });
    // Node reports no error on the server side when the client leaves after its ClientHello.
    const onClose = (): void => {
      const closer = o.closedBy?.();
      settle({ ok: false, err: { code: 'ECONNRESET', message: closer ? `${closer} during the TLS handshake (after the client's ClientHello)` : 'client closed the connection during the TLS handshake (after its ClientHello)' } });
    };
    secure.once('secure', onSecure);
    secure.on('error', onError);
    secure.once('close', onClose);
  });
  // Errors after the handshake belong to the engine, which attaches its own listener; until then none may go unheard.
  secure.on('error', () => undefined);
  if (!outcome.ok) {
    secure.destroy();
    return fail(outcome.err, invalid, hello);
  }
  const established = o.tls.establishedEvent(secure, hello);
  if (!established) {
    secure.destroy();
    return fail({ code: 'ECONNRESET', message: 'client closed the connection right after the TLS handshake' }, invalid, hello);
  }
  events.emit(established);
  const why = o.faults?.afterHandshake();
  if (why) {
    events.emit({ type: 'session-error', code: 'QUIRK_SESSION_FAULT', message: why, stage: 'tls' });
    secure.destroy();
    raw.destroy();
    return { ok: false, ...(hello ? { hello } : {}) };
  }
  recordRenegotiation(secure, events);
  return { ok: true, socket: secure, summary: tlsSummary(established), ...(hello ? { hello } : {}) };
}

/**
 * Client-initiated renegotiation is refused on every context (SSL_OP_NO_RENEGOTIATION: OpenSSL answers
 * the new ClientHello with a no_renegotiation alert and the session goes on as it was). OpenSSL still
 * enters its handshake state machine for the hello, so Node reports a handshake start and done and the
 * TLS socket says 'secure' again: each such 'secure' after the first is one refused attempt, and the
 * transcript says so. (TLS 1.3 has no renegotiation; a KeyUpdate is no handshake and says nothing.)
 */
function recordRenegotiation(secure: tls.TLSSocket, events: SessionEmitter): void {
  let attempts = 0;
  secure.on('secure', () => {
    attempts += 1;
    events.emit({ type: 'note', text: `client tried to renegotiate TLS${attempts > 1 ? ` (attempt ${attempts})` : ''}: refused with a no_renegotiation alert (client-initiated renegotiation is off)` });
  });
}
