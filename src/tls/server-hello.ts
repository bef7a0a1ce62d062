/**
 * A server's first flight for an RSA key-exchange suite, written by hand (RFC 5246 §7.4.1.3, §7.4.2,
 * §7.4.5; RFC 6101 §5.6 for SSL 3.0): ServerHello, Certificate, ServerHelloDone. This is how mxlab
 * plays servers whose suites or version OpenSSL 3 no longer has (RC4, 3DES, SSL 3.0): the client sees
 * exactly what such a server sent, up to the point where key material would be needed.
 */
import { randomBytes } from 'node:crypto';
import { ByteWriter } from './byte-writer.js';
import { splitPem } from './describe-session.js';
import { HANDSHAKE_TYPE, writeHandshake } from './handshake-messages.js';
import { CONTENT_TYPE, writeRecords } from './record-layer.js';

export interface ServerFlightOptions {
  /** Record and ServerHello version, e.g. 0x0301 (TLS 1.0) or 0x0300 (SSL 3.0). */
  readonly version: number;
  /** The chosen suite's code, e.g. 0x0005 (TLS_RSA_WITH_RC4_128_SHA). */
  readonly suite: number;
  /** The certificate chain to send, PEM, leaf first. */
  readonly certPem: string;
  /**
   * Send an empty renegotiation_info extension (RFC 5746 §3.6): servers patched in 2010 (SChannel
   * KB980436, OpenSSL 0.9.8m) did so when the client sent the extension or the SCSV. OpenSSL 3 clients
   * refuse a server without it unless told to allow legacy renegotiation.
   */
  readonly renegotiationInfo?: boolean;
  /** Fixed server random (tests); random otherwise. */
  readonly random?: Buffer;
  /** Fixed session id (tests); 32 random bytes otherwise, as SChannel and OpenSSL 1.0 sent. */
  readonly sessionId?: Buffer;
}

export function serverHelloMessage(o: ServerFlightOptions): Buffer {
  const w = new ByteWriter(128);
  w.u16(o.version).bytes(o.random ?? randomBytes(32));
  w.open(1).bytes(o.sessionId ?? randomBytes(32)).close();
  w.u16(o.suite).u8(0);
  if (o.renegotiationInfo) {
    // One extension: renegotiation_info (0xff01) with an empty renegotiated_connection.
    w.open(2).u16(0xff01).open(2).open(1).close().close().close();
  }
  return writeHandshake(HANDSHAKE_TYPE.serverHello, w.finish());
}

export function certificateMessage(certPem: string): Buffer {
  const ders = splitPem(certPem).map((pem) => Buffer.from(pem.replace(/-----[A-Z ]+-----|\s+/g, ''), 'base64'));
  const w = new ByteWriter(4096);
  w.open(3);
  for (const der of ders) w.open(3).bytes(der).close();
  return writeHandshake(HANDSHAKE_TYPE.certificate, w.close().finish());
}

/** ServerHello, Certificate and ServerHelloDone, as the records a server writes (at most 2^14 bytes each, RFC 5246 §6.2.1). */
export function serverFlight(o: ServerFlightOptions): { readonly bytes: Buffer; readonly certificates: number } {
  const payload = Buffer.concat([serverHelloMessage(o), certificateMessage(o.certPem), writeHandshake(HANDSHAKE_TYPE.serverHelloDone, Buffer.alloc(0))]);
  return { bytes: writeRecords(CONTENT_TYPE.handshake, o.version, payload), certificates: splitPem(o.certPem).length };
}
