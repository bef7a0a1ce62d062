/**
 * A sending personality that OpenSSL 3 cannot play (rc4-only, 3des-only, sslv3-only: suites or a
 * version it no longer has) is played by hand as far as the server's first flight: mxlab writes the
 * ClientHello the real system wrote (its legacy suites, its version, the extensions of its era) with
 * the ClientHello builder, reads the server's answer with the first-flight parser and judges it. A
 * ServerHello choosing one of those suites means the real sender would have negotiated it; mxlab
 * cannot carry the cipher, so the connection ends there ("imitated up to ServerHello"). An alert or a
 * close is the handshake failure the real sender would have met.
 */
import type net from 'node:net';
import type { ClientHelloSummary } from '../model/client-hello.js';
import type { Profile } from '../profiles/profile.js';
import { suiteByCode, suiteByIana } from '../tls/cipher-suites.js';
import { buildClientHello, type HelloExtension } from '../tls/client-hello-builder.js';
import { parseClientHello } from '../tls/client-hello.js';
import { ServerFlightReader, type FirstFlight } from '../tls/parse-server-flight.js';
import { alertName, versionCode, versionName } from '../tls/registry.js';

/** A profile whose suites (or version) only a hand-written hello can offer. */
export function isImitatedSender(profile: Profile): boolean {
  return (profile.quirks?.imitateLegacySuites?.length ?? 0) > 0;
}

export interface LegacyHello {
  readonly bytes: Buffer;
  readonly summary: ClientHelloSummary;
  /** Suite codes offered. */
  readonly suites: readonly number[];
  /** 'SSLv3', 'TLSv1' … */
  readonly version: string;
}

/**
 * The hello of the imitated sender: its legacy suites in its order, legacy_version and record version
 * its highest version (SSL 3.0 hellos carry no extensions at all, as SSL 3.0 clients sent; a TLS 1.0
 * hello of the Windows 2003 era carries only renegotiation_info (RFC 5746, MS10-049) and the server
 * name when there is one), no padding.
 */
export function legacyClientHello(profile: Profile, servername?: string): LegacyHello {
  const q = profile.quirks ?? {};
  const version = q.imitateVersion ?? profile.maxVersion ?? 'TLSv1';
  const code = versionCode(version) ?? 0x0301;
  const suites = (q.imitateLegacySuites ?? []).map((name) => suiteByIana(name)?.code).filter((c): c is number => c !== undefined);
  const extensions: HelloExtension[] | undefined = code <= 0x0300
    ? undefined
    : [...(servername ? [{ type: 'server_name' as const, host: servername }] : []), { type: 'renegotiation_info' }];
  const built = buildClientHello({
    legacyVersion: code,
    recordVersion: code <= 0x0300 ? 0x0300 : 0x0301,
    suites,
    ...(extensions ? { extensions } : {}),
    padding: 'none',
  });
  const parsed = parseClientHello(built.bytes);
  if (parsed.status !== 'ok') throw new Error(`mxlab built a ClientHello it cannot read back (${parsed.status === 'invalid' ? parsed.reason : 'incomplete'})`);
  return { bytes: built.bytes, summary: parsed.hello, suites, version: versionName(code) };
}

/** What the server did with the legacy hello. */
export type LegacyAnswer =
  /** A ServerHello choosing one of our suites: the real sender would have negotiated it. */
  | { readonly kind: 'server-hello'; readonly version: string; readonly suite: { readonly code: number; readonly iana: string; readonly openssl?: string }; readonly flight: FirstFlight; readonly note: string }
  /** A fatal alert instead (handshake_failure from a server that has none of our suites, protocol_version for SSL 3.0). */
  | { readonly kind: 'alert'; readonly alert: { readonly name: string; readonly code: number }; readonly errorCode: string; readonly message: string }
  /** Anything else: a close, a reset, silence, bytes that are no TLS, a ServerHello choosing what we never offered. */
  | { readonly kind: 'failed'; readonly errorCode: string; readonly message: string };

/** OpenSSL's code for a received alert, as Node reports it (ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE, ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION). */
function receivedAlertCode(name: string, description: number): string {
  // OpenSSL names the SSL 3.0 alerts SSLV3_ALERT_*, the ones TLS added TLSV1_ALERT_*.
  const sslv3 = new Set([0, 10, 20, 30, 40, 41, 42, 43, 44, 45, 46, 47]);
  return `ERR_SSL_${sslv3.has(description) ? 'SSLV3' : 'TLSV1'}_ALERT_${name.toUpperCase()}`;
}

/**
 * Writes the hello on `socket` (plaintext TCP, right after the STARTTLS go-ahead or the connect of an
 * implicit-TLS port), reads the answer and judges it. Leaves the socket open: the caller closes it.
 */
export function legacyHandshake(socket: net.Socket, hello: LegacyHello, timeoutMs: number): Promise<LegacyAnswer> {
  return new Promise((resolve) => {
    const reader = new ServerFlightReader('flight');
    let done = false;
    const finish = (answer: LegacyAnswer): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onError);
      resolve(answer);
    };
    const onData = (chunk: Buffer): void => {
      const r = reader.push(chunk);
      if (r.status === 'incomplete') return;
      if (r.status === 'alert') {
        const name = alertName(r.description);
        finish({ kind: 'alert', alert: { name, code: r.description }, errorCode: receivedAlertCode(name, r.description), message: `the server answered the ${hello.version} hello (${hello.suites.length} legacy suites) with a fatal ${name} alert (${r.description})` });
        return;
      }
      if (r.status === 'invalid') {
        finish({ kind: 'failed', errorCode: 'ERR_SSL_WRONG_VERSION_NUMBER', message: `the server's answer is not a TLS first flight: ${r.reason}` });
        return;
      }
      const sh = r.flight.serverHello;
      const chosen = suiteByCode(sh.suite);
      if (!hello.suites.includes(sh.suite) || !chosen) {
        finish({ kind: 'failed', errorCode: 'ERR_SSL_WRONG_CIPHER_RETURNED', message: `the ServerHello chose 0x${sh.suite.toString(16).padStart(4, '0')}, which the hello did not offer` });
        return;
      }
      const version = versionName(sh.version);
      const name = chosen.openssl ?? chosen.iana;
      const flight = r.flight.messages.length > 1 ? `ServerHello, ${r.flight.certificates ? 'Certificate, ' : ''}${r.flight.end === 'server-hello-done' ? 'ServerHelloDone' : '…'}` : 'ServerHello';
      finish({
        kind: 'server-hello',
        version,
        suite: { code: chosen.code, iana: chosen.iana, ...(chosen.openssl ? { openssl: chosen.openssl } : {}) },
        flight: r.flight,
        note: `would negotiate ${name} with ${version}, imitated up to ServerHello: the server answered ${flight}; OpenSSL 3 has no ${chosen.enc}${version === 'SSLv3' ? ' and no SSL 3.0' : ''}, so mxlab stops there and sends nothing more`,
      });
    };
    const onClose = (): void => finish({ kind: 'failed', errorCode: 'ECONNRESET', message: `the server closed the connection after the ${hello.version} hello, without a ServerHello or an alert` });
    const onError = (err: NodeJS.ErrnoException): void => finish({ kind: 'failed', errorCode: err.code ?? 'ECONNRESET', message: `${err.message} after the ${hello.version} hello` });
    const timer = setTimeout(() => finish({ kind: 'failed', errorCode: 'ERR_TLS_HANDSHAKE_TIMEOUT', message: `no answer to the ${hello.version} hello within ${timeoutMs} ms` }), timeoutMs);
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.on('error', onError);
    socket.write(hello.bytes);
    socket.resume();
  });
}
