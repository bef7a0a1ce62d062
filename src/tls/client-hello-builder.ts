/**
 * Writes ClientHellos (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2) byte by byte as the caller orders them: the
 * version fields, suites, compression, each extension in the order given, GREASE (RFC 8701), the
 * padding extension (RFC 7685), the record version, and records split where asked. mxlab plays
 * clients that no TLS library will impersonate (an SSL 3.0 hello without extensions, a hello that
 * sends an extension twice, one of exactly 300 bytes), so nothing here refuses an odd choice; it only
 * refuses what cannot be encoded.
 *
 * One growing buffer per hello and no Buffer per field: the scanner builds hundreds of these.
 */
import { randomBytes } from 'node:crypto';
import { ByteWriter } from './byte-writer.js';
import { HANDSHAKE_TYPE } from './handshake-messages.js';
import { generateKeyShare, type KeyShare } from './key-share.js';
import { CONTENT_TYPE, fragmentSizes, MAX_PLAINTEXT, RECORD_HEADER_LENGTH, writeRecords } from './record-layer.js';

/** Extension codes (IANA "TLS ExtensionType Values"). */
export const EXTENSION = {
  serverName: 0x0000,
  statusRequest: 0x0005,
  supportedGroups: 0x000a,
  ecPointFormats: 0x000b,
  signatureAlgorithms: 0x000d,
  alpn: 0x0010,
  padding: 0x0015,
  encryptThenMac: 0x0016,
  extendedMasterSecret: 0x0017,
  sessionTicket: 0x0023,
  supportedVersions: 0x002b,
  pskKeyExchangeModes: 0x002d,
  keyShare: 0x0033,
  renegotiationInfo: 0xff01,
} as const;

/** One extension, by its IANA name; `raw` writes any code with any body (including a second copy of one). */
export type HelloExtension =
  /** RFC 6066 §3: one host_name. */
  | { readonly type: 'server_name'; readonly host: string }
  /** RFC 8422 §5.1.1 / RFC 8446 §4.2.7: named-group codes. */
  | { readonly type: 'supported_groups'; readonly groups: readonly number[] }
  /** RFC 8422 §5.1.2. @default formats [0] (uncompressed) */
  | { readonly type: 'ec_point_formats'; readonly formats?: readonly number[] }
  /** RFC 8446 §4.2.3 / RFC 5246 §7.4.1.4.1 as 16-bit scheme codes. */
  | { readonly type: 'signature_algorithms'; readonly schemes: readonly number[] }
  /** RFC 7301. */
  | { readonly type: 'alpn'; readonly protocols: readonly string[] }
  /** RFC 8446 §4.2.1. */
  | { readonly type: 'supported_versions'; readonly versions: readonly number[] }
  /**
   * RFC 8446 §4.2.8: a group code gets a fresh real key pair; a KeyShare is sent as given (reuse one
   * across many hellos: a fresh X25519 pair costs about 0.2 ms, the rest of a hello about 10 µs).
   */
  | { readonly type: 'key_share'; readonly shares: readonly (number | KeyShare)[] }
  /** RFC 5077: empty asks for a ticket. */
  | { readonly type: 'session_ticket'; readonly ticket?: Uint8Array }
  /** RFC 7627. */
  | { readonly type: 'extended_master_secret' }
  /** RFC 7366. */
  | { readonly type: 'encrypt_then_mac' }
  /** RFC 5746 §3.4: empty renegotiated_connection on an initial handshake. */
  | { readonly type: 'renegotiation_info'; readonly verifyData?: Uint8Array }
  /** RFC 6066 §8: OCSP, no responder ids, no request extensions. */
  | { readonly type: 'status_request' }
  /** RFC 8446 §4.2.9. @default modes [1] (psk_dhe_ke) */
  | { readonly type: 'psk_key_exchange_modes'; readonly modes?: readonly number[] }
  | { readonly type: 'raw'; readonly code: number; readonly body: Uint8Array };

/**
 * - 'hygienic': what real clients learned (BoringSSL's ssl_add_clienthello_tlsext): a hello whose
 *   handshake message would be 256–511 bytes is padded to 512, because F5 BIG-IP load balancers hung on
 *   those sizes (RFC 7685 §1); and the last extension is never empty, because IBM WebSphere 7 refused
 *   hellos ending in one (crbug.com/363583), so such a hello gets 1 byte of padding.
 * - 'none': exactly the extensions given.
 * - { exactly: n }: a padding extension that makes the handshake message n bytes (tests of size
 *   intolerance); a RangeError when the hello is already too long for it.
 */
export type HelloPadding = 'hygienic' | 'none' | { readonly exactly: number };

export interface ClientHelloSpec {
  /** legacy_version. @default 0x0303 (RFC 8446 §4.1.2: TLS 1.3 clients send 0x0303 and supported_versions) */
  readonly legacyVersion?: number;
  /** Version in the record headers. @default 0x0301 (what OpenSSL, Node and browsers send, RFC 8446 §5.1) */
  readonly recordVersion?: number;
  /** 32 bytes (any other length makes a malformed hello, which is the caller's to want). @default 32 random bytes */
  readonly random?: Uint8Array;
  /** legacy_session_id. @default empty */
  readonly sessionId?: Uint8Array;
  readonly suites: readonly number[];
  /** @default [0] (null) */
  readonly compression?: readonly number[];
  /** In this order. Omitted: no extensions block at all, as SSL 3.0 and early TLS 1.0 clients sent. */
  readonly extensions?: readonly HelloExtension[];
  /**
   * GREASE (RFC 8701) where Chrome puts it: a first cipher suite, a first (empty) and a last (1-byte)
   * extension, and the first entry of supported_groups, key_share and supported_versions.
   */
  readonly grease?: boolean;
  /** @default 'hygienic' */
  readonly padding?: HelloPadding;
  /** Sizes of the first records the message is split into; the rest in records of up to 2^14 bytes. */
  readonly recordSplit?: readonly number[];
}

export interface BuiltClientHello {
  /** The records, ready to write to a socket. */
  readonly bytes: Buffer;
  /** The handshake message (type, length, body): what a ClientHello summary's `length` counts. */
  readonly message: Buffer;
  readonly records: number;
  readonly recordVersion: number;
  readonly legacyVersion: number;
  readonly random: Buffer;
  readonly sessionId: Buffer;
  /** Cipher suites as sent, GREASE included. */
  readonly suites: readonly number[];
  /** Extension codes as sent, in order, GREASE and padding included. */
  readonly extensions: readonly number[];
  /** The key shares sent, with the private keys of those generated here (GREASE share included). */
  readonly keyShares: readonly KeyShare[];
  /** Bytes of padding-extension body, when a padding extension was added. */
  readonly padding?: number;
}

/** RFC 8701 §2: 0x0A0A, 0x1A1A … 0xFAFA. */
function greaseValue(seed: number): number {
  const b = (seed & 0xf0) | 0x0a;
  return (b << 8) | b;
}

const EMPTY = new Uint8Array(0);
const ONE_ZERO = Uint8Array.of(0);

/** The caller's bytes as a Buffer, without copying them. */
const view = (b: Uint8Array): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

export function buildClientHello(spec: ClientHelloSpec): BuiltClientHello {
  const random = spec.random ? view(spec.random) : randomBytes(32);
  const sessionId = view(spec.sessionId ?? EMPTY);
  const legacyVersion = spec.legacyVersion ?? 0x0303;
  const recordVersion = spec.recordVersion ?? 0x0301;
  const padding = spec.padding ?? 'hygienic';
  // GREASE values drawn from the random, so a fixed random gives the same hello.
  const grease = spec.grease ? Array.from({ length: 5 }, (_, i) => greaseValue(random[i]!)) : undefined;
  if (grease && grease[1] === grease[2]) grease[2] ^= 0x1010;

  const suites = grease ? [grease[0]!, ...spec.suites] : [...spec.suites];
  const extensionCodes: number[] = [];
  const keyShares: KeyShare[] = [];

  const w = new ByteWriter(RECORD_HEADER_LENGTH + 512);
  // Room for the record header, filled in place when the hello fits one record.
  w.zeros(RECORD_HEADER_LENGTH);
  w.u8(HANDSHAKE_TYPE.clientHello).open(3);
  w.u16(legacyVersion).bytes(random).open(1).bytes(sessionId).close();
  w.open(2);
  for (const suite of suites) w.u16(suite);
  w.close();
  w.open(1);
  for (const method of spec.compression ?? [0]) w.u8(method);
  w.close();

  const withBlock = spec.extensions !== undefined || typeof padding === 'object';
  let lastEmpty = false;
  let padded: number | undefined;
  if (withBlock) {
    w.open(2);
    const extension = (code: number, body: (w: ByteWriter) => void): void => {
      extensionCodes.push(code);
      w.u16(code).open(2);
      const start = w.length;
      body(w);
      lastEmpty = w.length === start;
      w.close();
    };
    if (grease) extension(grease[1]!, () => undefined);
    for (const ext of spec.extensions ?? []) writeExtension(ext, extension, grease, keyShares);
    if (grease) extension(grease[2]!, (w) => w.bytes(ONE_ZERO));
    // The handshake message so far (everything after the record header), without a padding extension.
    const length = w.length - RECORD_HEADER_LENGTH;
    padded = paddingLength(padding, length, lastEmpty);
    if (padded !== undefined) {
      const n = padded;
      extension(EXTENSION.padding, (w) => w.zeros(n));
    }
    w.close();
  }
  w.close();
  const out = w.finish();
  const message = out.subarray(RECORD_HEADER_LENGTH);

  let bytes: Buffer;
  let records: number;
  if (spec.recordSplit === undefined && message.length <= MAX_PLAINTEXT) {
    out[0] = CONTENT_TYPE.handshake;
    out.writeUInt16BE(recordVersion & 0xffff, 1);
    out.writeUInt16BE(message.length, 3);
    bytes = out;
    records = 1;
  } else {
    const split = spec.recordSplit ? { split: spec.recordSplit } : {};
    bytes = writeRecords(CONTENT_TYPE.handshake, recordVersion, message, split);
    records = fragmentSizes(message.length, split).length;
  }
  return {
    bytes,
    message,
    records,
    recordVersion,
    legacyVersion,
    random,
    sessionId,
    suites,
    extensions: extensionCodes,
    keyShares,
    ...(padded !== undefined && { padding: padded }),
  };
}

/**
 * How many padding bytes to add, given the message length so far (without a padding extension);
 * undefined for none.
 */
function paddingLength(padding: HelloPadding, length: number, lastEmpty: boolean): number | undefined {
  if (padding === 'none') return undefined;
  if (typeof padding === 'object') {
    const pad = padding.exactly - length - 4;
    if (pad < 0) throw new RangeError(`the hello is ${length} bytes, ${length + 4} with a padding extension: it cannot be padded to ${padding.exactly}`);
    return pad;
  }
  if (length >= 256 && length <= 511) {
    // BoringSSL's rule: reach 512 with the 4-byte header counted, but never an empty padding body.
    const pad = 512 - length;
    return pad >= 5 ? pad - 4 : 1;
  }
  return lastEmpty ? 1 : undefined;
}

type WriteExtension = (code: number, body: (w: ByteWriter) => void) => void;

function u16List(w: ByteWriter, prefix: 1 | 2, first: number | undefined, codes: readonly number[]): void {
  w.open(prefix);
  if (first !== undefined) w.u16(first);
  for (const code of codes) w.u16(code);
  w.close();
}

function writeExtension(ext: HelloExtension, extension: WriteExtension, grease: readonly number[] | undefined, keyShares: KeyShare[]): void {
  switch (ext.type) {
    case 'server_name':
      return extension(EXTENSION.serverName, (w) => w.open(2).u8(0).open(2).latin1(ext.host).close().close());
    case 'supported_groups':
      return extension(EXTENSION.supportedGroups, (w) => u16List(w, 2, grease?.[3], ext.groups));
    case 'ec_point_formats':
      return extension(EXTENSION.ecPointFormats, (w) => w.open(1).bytes(Uint8Array.from(ext.formats ?? [0])).close());
    case 'signature_algorithms':
      return extension(EXTENSION.signatureAlgorithms, (w) => u16List(w, 2, undefined, ext.schemes));
    case 'alpn':
      return extension(EXTENSION.alpn, (w) => {
        w.open(2);
        for (const protocol of ext.protocols) w.open(1).latin1(protocol).close();
        w.close();
      });
    case 'supported_versions':
      return extension(EXTENSION.supportedVersions, (w) => u16List(w, 1, grease?.[4], ext.versions));
    case 'key_share':
      return extension(EXTENSION.keyShare, (w) => {
        // RFC 8701 §3.1: a GREASE share with a 1-byte key_exchange, as Chrome sends.
        const shares = ext.shares.map((s) => (typeof s === 'number' ? generateKeyShare(s) : s));
        if (grease) shares.unshift({ group: grease[3]!, publicKey: Buffer.from(ONE_ZERO) });
        w.open(2);
        for (const share of shares) {
          w.u16(share.group).open(2).bytes(share.publicKey).close();
          keyShares.push(share);
        }
        w.close();
      });
    case 'session_ticket':
      return extension(EXTENSION.sessionTicket, (w) => w.bytes(ext.ticket ?? EMPTY));
    case 'extended_master_secret':
      return extension(EXTENSION.extendedMasterSecret, () => undefined);
    case 'encrypt_then_mac':
      return extension(EXTENSION.encryptThenMac, () => undefined);
    case 'renegotiation_info':
      return extension(EXTENSION.renegotiationInfo, (w) => w.open(1).bytes(ext.verifyData ?? EMPTY).close());
    case 'status_request':
      // status_type ocsp(1), responder_id_list <0..2^16-1>, request_extensions <0..2^16-1>.
      return extension(EXTENSION.statusRequest, (w) => w.u8(1).u16(0).u16(0));
    case 'psk_key_exchange_modes':
      return extension(EXTENSION.pskKeyExchangeModes, (w) => w.open(1).bytes(Uint8Array.from(ext.modes ?? [1])).close());
    case 'raw':
      return extension(ext.code, (w) => w.bytes(ext.body));
  }
}
