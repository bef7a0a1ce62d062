/**
 * A minimal ServerHello reader for a peer that watches a handshake pass without holding its keys (the
 * MITM proxy): the version the server chose and its suite. Reads the first handshake message from the
 * start of the server's byte stream, reassembled across records (RFC 8446 §5.1), checks every length
 * against its container and never throws.
 */
import { contentTypeName, handshakeTypeName, versionName } from './registry.js';

export type ServerHelloParse =
  | {
      readonly status: 'ok';
      /** The chosen version: supported_versions when present (TLS 1.3, RFC 8446 §4.2.1), else legacy_version. */
      readonly version: number;
      readonly suite: number;
      /** A HelloRetryRequest (RFC 8446 §4.1.3): same version and suite as the ServerHello still to come. */
      readonly helloRetry: boolean;
    }
  | { readonly status: 'incomplete' }
  /** The server's first record was an alert (it refused the ClientHello). */
  | { readonly status: 'alert'; readonly level: number; readonly description: number }
  | { readonly status: 'invalid'; readonly reason: string };

const INCOMPLETE = { status: 'incomplete' } as const;
const ALERT = 21;
const HANDSHAKE = 22;
const SERVER_HELLO = 2;
const SUPPORTED_VERSIONS = 43;
/** RFC 8446 §5.2: a record is at most 2^14 + 256 bytes (ciphertext); plaintext ones stay within 2^14. */
const MAX_RECORD = 16384 + 256;
/** SHA-256 of "HelloRetryRequest", the random that marks an HRR (RFC 8446 §4.1.3). */
const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

const invalid = (reason: string): ServerHelloParse => ({ status: 'invalid', reason });

export function parseServerHello(buf: Buffer): ServerHelloParse {
  const fragments: Buffer[] = [];
  let off = 0;
  for (;;) {
    if (buf.length - off < 5) return INCOMPLETE;
    const type = buf[off]!;
    const length = buf.readUInt16BE(off + 3);
    if (length > MAX_RECORD) return invalid(`record of ${length} bytes (more than ${MAX_RECORD})`);
    if (type === ALERT && fragments.length === 0) {
      if (length < 2) return invalid(`alert record of ${length} bytes`);
      if (buf.length - off < 7) return INCOMPLETE;
      return { status: 'alert', level: buf[off + 5]!, description: buf[off + 6]! };
    }
    if (type !== HANDSHAKE) return invalid(`a ${contentTypeName(type)} record (content type ${type}) where the ServerHello should be`);
    if (buf.length - off - 5 < length) return INCOMPLETE;
    fragments.push(buf.subarray(off + 5, off + 5 + length));
    off += 5 + length;
    const message = Buffer.concat(fragments);
    if (message.length < 4) continue;
    if (message[0] !== SERVER_HELLO) return invalid(`the first handshake message is ${handshakeTypeName(message[0]!)}, not a ServerHello`);
    const bodyLength = message.readUIntBE(1, 3);
    if (message.length < 4 + bodyLength) continue;
    return parseBody(message.subarray(4, 4 + bodyLength));
  }
}

function parseBody(body: Buffer): ServerHelloParse {
  // legacy_version(2) random(32) session_id<0..32> cipher_suite(2) compression(1) [extensions<..>]
  if (body.length < 38) return invalid(`ServerHello of ${body.length} bytes is too short`);
  const legacy = body.readUInt16BE(0);
  const helloRetry = body.subarray(2, 34).equals(HRR_RANDOM);
  const sessionIdLength = body[34]!;
  let off = 35 + sessionIdLength;
  if (sessionIdLength > 32 || body.length < off + 3) return invalid('ServerHello session id runs past the message');
  const suite = body.readUInt16BE(off);
  off += 3;
  let version = legacy;
  if (body.length > off) {
    if (body.length < off + 2) return invalid('ServerHello extensions length cut short');
    const end = off + 2 + body.readUInt16BE(off);
    if (end > body.length) return invalid('ServerHello extensions run past the message');
    off += 2;
    while (off < end) {
      if (end - off < 4) return invalid('ServerHello extension header cut short');
      const type = body.readUInt16BE(off);
      const length = body.readUInt16BE(off + 2);
      if (off + 4 + length > end) return invalid(`ServerHello extension ${type} runs past the extensions`);
      if (type === SUPPORTED_VERSIONS) {
        if (length !== 2) return invalid(`supported_versions in a ServerHello must be 2 bytes, got ${length}`);
        version = body.readUInt16BE(off + 4);
      }
      off += 4 + length;
    }
  }
  if (!/^(SSLv3|TLSv1(\.[123])?)$/.test(versionName(version))) return invalid(`ServerHello chose an unknown version ${versionName(version)}`);
  return { status: 'ok', version, suite, helloRetry };
}
