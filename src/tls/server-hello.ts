/**
 * A server's first flight for an RSA key-exchange suite, written by hand (RFC 5246 §7.4.1.3, §7.4.2,
 * §7.4.5; RFC 6101 §5.6 for SSL 3.0): ServerHello, Certificate, ServerHelloDone. This is how mxlab
 * plays servers whose suites or version OpenSSL 3 no longer has (RC4, 3DES, SSL 3.0): the client sees
 * exactly what such a server sent, up to the point where key material would be needed.
 */
import { randomBytes } from 'node:crypto';
import { splitPem } from './describe-session.js';

const HANDSHAKE = 22;
const MAX_FRAGMENT = 16384;

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

const u16 = (n: number): Buffer => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u24 = (n: number): Buffer => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);

function handshakeMessage(type: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type]), u24(body.length), body]);
}

/** Handshake messages as records of at most 2^14 bytes each (RFC 5246 §6.2.1). */
function records(version: number, payload: Buffer): Buffer {
  const out: Buffer[] = [];
  for (let off = 0; off < payload.length; off += MAX_FRAGMENT) {
    const fragment = payload.subarray(off, off + MAX_FRAGMENT);
    out.push(Buffer.from([HANDSHAKE]), u16(version), u16(fragment.length), fragment);
  }
  return Buffer.concat(out);
}

export function serverHelloMessage(o: ServerFlightOptions): Buffer {
  const sessionId = o.sessionId ?? randomBytes(32);
  const parts = [u16(o.version), o.random ?? randomBytes(32), Buffer.from([sessionId.length]), sessionId, u16(o.suite), Buffer.from([0])];
  if (o.renegotiationInfo) {
    // extensions length 5: type 0xff01, length 1, renegotiated_connection length 0.
    parts.push(Buffer.from([0x00, 0x05, 0xff, 0x01, 0x00, 0x01, 0x00]));
  }
  return handshakeMessage(2, Buffer.concat(parts));
}

export function certificateMessage(certPem: string): Buffer {
  const ders = splitPem(certPem).map((pem) => Buffer.from(pem.replace(/-----[A-Z ]+-----|\s+/g, ''), 'base64'));
  const list = Buffer.concat(ders.flatMap((der) => [u24(der.length), der]));
  return handshakeMessage(11, Buffer.concat([u24(list.length), list]));
}

/** ServerHello, Certificate and ServerHelloDone, as the records a server writes. */
export function serverFlight(o: ServerFlightOptions): { readonly bytes: Buffer; readonly certificates: number } {
  const payload = Buffer.concat([serverHelloMessage(o), certificateMessage(o.certPem), handshakeMessage(14, Buffer.alloc(0))]);
  return { bytes: records(o.version, payload), certificates: splitPem(o.certPem).length };
}
