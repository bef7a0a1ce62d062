/**
 * Writes the SSLv2-compatible ClientHello (RFC 5246 appendix E.2, RFC 6101 appendix E; SSL 2.0 draft
 * §2.5) that clients of the 1990s and 2000s opened with so that SSL 2.0-only servers could answer too:
 * a 2-byte header with the high bit set, then msg_type 1, the highest version, 3-byte cipher kinds,
 * a session id and a challenge that becomes the low end of the client random.
 */
import { randomBytes } from 'node:crypto';
import { ByteWriter } from './byte-writer.js';

export interface Sslv2HelloSpec {
  /** The highest version offered. @default 0x0301 */
  readonly version?: number;
  /**
   * 3-byte cipher kinds: SSL 2.0 kinds such as 0x010080 (SSL_CK_RC4_128_WITH_MD5), or a TLS suite as
   * 0x00XXXX (RFC 5246 E.2).
   */
  readonly specs: readonly number[];
  /** RFC 5246 E.2: empty for a new session. @default empty */
  readonly sessionId?: Uint8Array;
  /** 16 to 32 bytes. @default 32 random bytes */
  readonly challenge?: Uint8Array;
}

export function buildSslv2Hello(spec: Sslv2HelloSpec): Buffer {
  const sessionId = spec.sessionId ?? new Uint8Array(0);
  const challenge = spec.challenge ?? randomBytes(32);
  const length = 9 + 3 * spec.specs.length + sessionId.length + challenge.length;
  // The 2-byte header holds 15 bits of length (RFC 5246 E.2: msg_length with the high bit set).
  if (length > 0x7fff) throw new RangeError(`an SSLv2 hello of ${length} bytes does not fit its 15-bit length`);
  const w = new ByteWriter(2 + length);
  w.u16(0x8000 | length).u8(1).u16(spec.version ?? 0x0301);
  w.u16(3 * spec.specs.length).u16(sessionId.length).u16(challenge.length);
  for (const kind of spec.specs) w.u8(kind >> 16).u16(kind);
  return w.bytes(sessionId).bytes(challenge).finish();
}
