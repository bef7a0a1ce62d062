/**
 * A pure, defensive ClientHello parser: the raw bytes from the start of a TLS stream in, a summary
 * out. It reads TLS records with the record layer (record-layer.ts), reassembles a ClientHello split
 * over any number of records and reads (handshake-messages.ts), and checks every length against its
 * container, so a broken peer gets a precise reason
 * instead of an exception. It also recognises the SSLv2-compatible hello (RFC 5246 appendix E.2) that
 * very old clients open with.
 */
import type { ClientHelloSummary } from '../model/client-hello.js';
import { isGrease, suiteName } from './cipher-suites.js';
import { ByteQueue } from './byte-queue.js';
import { byteCount, Cursor, DecodeError, invalidOnDecodeError, readExtensions } from './tls-cursor.js';
import { fingerprints } from './fingerprint.js';
import { HANDSHAKE_TYPE, HandshakeReassembler } from './handshake-messages.js';
import { HelloShapeCache, helloShape } from './hello-shape-cache.js';
import { knownClient } from './known-clients.js';
import { CONTENT_TYPE, RecordReader, type TlsRecord, wholeRecord } from './record-layer.js';
import {
  CONTENT_TYPES,
  groupName,
  handshakeTypeName,
  signatureSchemeName,
  ssl2CipherKindName,
  versionName,
} from './registry.js';

export type ClientHelloParse =
  | {
      readonly status: 'ok';
      readonly hello: ClientHelloSummary;
      /** Bytes of the input the hello's records (or SSLv2 record) took. */
      readonly consumed: number;
      /** The handshake message: type + length + body, reassembled (for SSLv2: the message after the header). */
      readonly handshake: Buffer;
    }
  | { readonly status: 'incomplete' }
  | { readonly status: 'invalid'; readonly reason: string };

const INCOMPLETE = { status: 'incomplete' } as const;

const HANDSHAKE = CONTENT_TYPE.handshake;
const CLIENT_HELLO = HANDSHAKE_TYPE.clientHello;
/** The 3-byte handshake length's own limit: the caller bounds how much it reads (hello-reader.ts). */
const MAX_HELLO = 0xffffff;

/** Parses the ClientHello at the start of buf (the whole stream so far). */
export function parseClientHello(buf: Buffer): ClientHelloParse {
  return new ClientHelloReader().push(buf);
}

interface TlsFraming {
  readonly records: RecordReader;
  readonly messages: HandshakeReassembler;
  /** The first record's version, which the summary reports. */
  recordVersion: number;
}

/**
 * The same parser fed chunk by chunk as they come off a socket: no chunk is joined to the earlier ones
 * unless a record spans them. Once it says 'ok' or 'invalid' it keeps saying so.
 */
export class ClientHelloReader {
  /** TLS framing, set once the first byte says TLS. */
  #tls?: TlsFraming;
  /** The SSLv2 form's bytes (RFC 5246 E.2), set once the first byte says SSLv2. */
  #sslv2?: ByteQueue;
  #done: ClientHelloParse | undefined;

  push(chunk: Buffer): ClientHelloParse {
    if (this.#done) return this.#done;
    const result = invalidOnDecodeError(() => this.#step(chunk));
    if (result.status !== 'incomplete') this.#done = result;
    return result;
  }

  #step(chunk: Buffer): ClientHelloParse {
    if (this.#tls === undefined && this.#sslv2 === undefined) {
      if (chunk.length === 0) return INCOMPLETE;
      const whole = wholeHelloRecord(chunk);
      if (whole) return { status: 'ok', hello: summarize(whole.fragment, whole.version), consumed: chunk.length, handshake: whole.fragment };
      // SSLv2 record header: 2 bytes with the high bit set (SSL 2.0 draft §1.2; RFC 5246 E.2).
      if ((chunk[0]! & 0x80) !== 0) {
        this.#sslv2 = new ByteQueue();
      } else {
        checkFirstRecordStart(chunk);
        this.#tls = { records: new RecordReader({ expect: HANDSHAKE }), messages: new HandshakeReassembler({ maxLength: MAX_HELLO }), recordVersion: 0 };
      }
    }
    if (this.#sslv2) {
      this.#sslv2.push(chunk);
      return parseSslv2(this.#sslv2.peek(this.#sslv2.length));
    }
    return this.#tlsStep(this.#tls!, chunk);
  }

  #tlsStep(tls: TlsFraming, chunk: Buffer): ClientHelloParse {
    const { records, messages } = tls;
    records.push(chunk);
    for (;;) {
      const read = records.next();
      if (read.status === 'invalid') throw new DecodeError(read.record === 1 ? read.reason : `record ${read.record}: ${read.reason}`);
      if (read.status === 'incomplete') {
        // Look at the handshake type as soon as its byte arrives, so garbage is refused early.
        if (records.count === 0) checkHandshakeType(records.peekFragment(1)[0]);
        return INCOMPLETE;
      }
      if (records.count === 1) tls.recordVersion = read.record.version;
      messages.push(read.record.fragment);
      checkHandshakeType(messages.peekType());
      const message = messages.next();
      if (message.status === 'invalid') throw new DecodeError(message.reason);
      if (message.status === 'incomplete') continue;
      if (messages.buffered > 0) throw new DecodeError(`${byteCount(messages.buffered)} follow the ClientHello in its last record`);
      const handshake = message.message.bytes;
      return { status: 'ok', hello: summarize(handshake, tls.recordVersion), consumed: records.consumed, handshake };
    }
  }
}

/**
 * The usual case, read without the record reader: the first chunk is exactly one handshake record
 * holding exactly one ClientHello. Anything else takes the general path, which gives the precise
 * reason when something is wrong.
 */
function wholeHelloRecord(chunk: Buffer): TlsRecord | undefined {
  const record = wholeRecord(chunk, HANDSHAKE);
  const f = record?.fragment;
  if (!f || f.length < 4 || f[0] !== CLIENT_HELLO || 4 + f.readUIntBE(1, 3) !== f.length) return undefined;
  return record;
}

function checkHandshakeType(type: number | undefined): void {
  if (type !== undefined && type !== CLIENT_HELLO) {
    throw new DecodeError(`handshake type ${type} (${handshakeTypeName(type)}), want 1 (ClientHello)`);
  }
}

/** Refuses plaintext (an SMTP client talking before STARTTLS, an HTTP request) from the first bytes. */
function checkFirstRecordStart(buf: Buffer): void {
  const type = buf[0]!;
  if (type === HANDSHAKE) return;
  const looksLikeRecord = CONTENT_TYPES.has(type) && (buf.length < 2 || buf[1] === 3);
  if (!looksLikeRecord) throw new DecodeError(`not a TLS record: first bytes ${showBytes(buf)}`);
}

function hex8(b: number): string {
  return b.toString(16).padStart(2, '0');
}

/** `45 48 4c 4f ("EHLO")`: the first bytes as hex and as text, for 'not a TLS record'. */
function showBytes(buf: Buffer): string {
  const head = buf.subarray(0, 8);
  const hex = [...head].map(hex8).join(' ');
  return `${hex} (${JSON.stringify(head.toString('latin1'))})`;
}

// --- The ClientHello body (RFC 8446 §4.1.2; RFC 5246 §7.4.1.2) ---

interface Extensions {
  sni?: string;
  groups?: number[];
  pointFormats?: number[];
  signatureAlgorithms?: number[];
  alpn?: string[];
  supportedVersions?: number[];
  keyShares?: number[];
}

const shapes = new HelloShapeCache();

/** The summary of a hello: from the shape cache when this client's hello was seen before, else parsed. */
function summarize(handshake: Buffer, recordVersion: number): ClientHelloSummary {
  const shape = helloShape(handshake, recordVersion);
  if (shape !== undefined) {
    const known = shapes.get(shape, handshake.subarray(6, 38).toString('hex'));
    if (known) return known;
  }
  const summary = parseHelloBody(handshake, recordVersion);
  if (shape !== undefined) shapes.set(shape, summary);
  return summary;
}

function parseHelloBody(handshake: Buffer, recordVersion: number): ClientHelloSummary {
  const c = new Cursor(handshake, 4, handshake.length, 'hello');
  const legacy = c.u16('legacy_version');
  const random = c.bytes(32, 'random').toString('hex');
  const sessionId = c.vector(1, 'session_id');
  if (sessionId.left > 32) throw new DecodeError(`session_id length ${sessionId.left} exceeds 32`);
  const suites = c.u16List(2, 'cipher_suites');
  if (suites.length === 0) throw new DecodeError('cipher_suites is empty');
  const compression = c.vector(1, 'compression_methods');
  if (compression.left === 0) throw new DecodeError('compression_methods is empty');

  const ext: Extensions = {};
  const extensionCodes = readExtensions(c, (type, body) => parseExtension(type, body, ext));

  let grease = extensionCodes.some(isGrease) || suites.some(isGrease);
  const clean = (codes: readonly number[] | undefined): number[] | undefined => {
    if (codes === undefined) return undefined;
    if (codes.some(isGrease)) grease = true;
    return codes.filter((code) => !isGrease(code));
  };
  const versions = clean(ext.supportedVersions);
  const groups = clean(ext.groups);
  const schemes = clean(ext.signatureAlgorithms);
  const shares = clean(ext.keyShares);
  let alpn = ext.alpn;
  if (alpn !== undefined && alpn.some(isGreaseAlpn)) {
    grease = true;
    alpn = alpn.filter((p) => !isGreaseAlpn(p));
  }

  const offered = versions !== undefined ? byVersionDesc(versions) : versionsUpTo(legacy);
  const offeredVersions = offered.map(versionName);
  const prints = fingerprints({
    legacyVersion: legacy,
    ciphers: suites,
    extensions: extensionCodes,
    ...(ext.groups !== undefined && { groups: ext.groups }),
    ...(ext.pointFormats !== undefined && { pointFormats: ext.pointFormats }),
    ...(ext.signatureAlgorithms !== undefined && { signatureAlgorithms: ext.signatureAlgorithms }),
    ...(ext.supportedVersions !== undefined && { supportedVersions: ext.supportedVersions }),
    ...(alpn !== undefined && { alpn }),
  });
  const client = knownClient(prints.ja4);
  return {
    recordVersion: versionName(recordVersion),
    legacyVersion: versionName(legacy),
    ...(versions !== undefined && { supportedVersions: versions.map(versionName) }),
    maxVersion: offeredVersions[0] ?? versionName(legacy),
    offeredVersions,
    ciphers: suites.filter((code) => !isGrease(code)).map((code) => ({ code, name: suiteName(code) })),
    extensions: extensionCodes,
    ...(ext.sni !== undefined && { sni: ext.sni }),
    ...(groups !== undefined && { groups: groups.map(groupName) }),
    ...(ext.pointFormats !== undefined && { pointFormats: ext.pointFormats }),
    ...(schemes !== undefined && { signatureAlgorithms: schemes.map(signatureSchemeName) }),
    ...(alpn !== undefined && { alpn }),
    ...(shares !== undefined && { keyShares: shares.map(groupName) }),
    grease,
    length: handshake.length,
    format: 'tls',
    random,
    ...prints,
    ...(client !== undefined && { client }),
  };
}

function parseExtension(type: number, body: Cursor, out: Extensions): void {
  switch (type) {
    case 0x0000:
      out.sni = parseServerName(body);
      break;
    case 0x000a:
      out.groups = nonEmpty(body.u16List(2, 'named_group_list'), 'named_group_list');
      body.expectEnd('named_group_list');
      break;
    case 0x000b: {
      const list = body.vector(1, 'ec_point_format_list');
      body.expectEnd('ec_point_format_list');
      out.pointFormats = nonEmpty([...list.bytes(list.left, 'ec_point_format_list')], 'ec_point_format_list');
      break;
    }
    case 0x000d:
      out.signatureAlgorithms = nonEmpty(body.u16List(2, 'supported_signature_algorithms'), 'supported_signature_algorithms');
      body.expectEnd('supported_signature_algorithms');
      break;
    case 0x0010:
      out.alpn = parseAlpn(body);
      break;
    case 0x002b:
      out.supportedVersions = nonEmpty(body.u16List(1, 'versions'), 'versions');
      body.expectEnd('versions');
      break;
    case 0x0033:
      out.keyShares = parseKeyShare(body);
      break;
    default:
      // Kept only as a code: JA3/JA4 are computed later from the handshake bytes.
      break;
  }
}

function nonEmpty<T>(list: T[], field: string): T[] {
  if (list.length === 0) throw new DecodeError(`${field} is empty`);
  return list;
}

/** RFC 6066 §3: ServerNameList <1..2^16-1> of (name_type, HostName <1..2^16-1>). */
function parseServerName(body: Cursor): string {
  const list = body.vector(2, 'server_name_list');
  body.expectEnd('server_name_list');
  if (list.left === 0) throw new DecodeError('server_name_list is empty');
  let host: string | undefined;
  while (list.left > 0) {
    const nameType = list.u8('name_type');
    const name = list.vector(2, 'host_name');
    if (name.left === 0) throw new DecodeError('host_name is empty');
    const value = name.bytes(name.left, 'host_name').toString('latin1');
    if (nameType !== 0) continue;
    // RFC 6066 §3: "MUST NOT contain more than one name of the same name_type".
    if (host !== undefined) throw new DecodeError('server_name_list has two host_names');
    host = value;
  }
  if (host === undefined) throw new DecodeError('server_name_list has no host_name');
  return host;
}

/** RFC 7301 §3.1: ProtocolNameList <2..2^16-1> of ProtocolName <1..2^8-1>. */
function parseAlpn(body: Cursor): string[] {
  const list = body.vector(2, 'protocol_name_list');
  body.expectEnd('protocol_name_list');
  if (list.left === 0) throw new DecodeError('protocol_name_list is empty');
  const names: string[] = [];
  while (list.left > 0) {
    const name = list.vector(1, 'protocol name');
    if (name.left === 0) throw new DecodeError('ALPN protocol name is empty');
    names.push(name.bytes(name.left, 'protocol name').toString('latin1'));
  }
  return names;
}

/** RFC 8446 §4.2.8: client_shares <0..2^16-1> of (group, key_exchange <1..2^16-1>). */
function parseKeyShare(body: Cursor): number[] {
  const list = body.vector(2, 'client_shares');
  body.expectEnd('client_shares');
  const groups: number[] = [];
  while (list.left > 0) {
    const group = list.u16('key share group');
    const key = list.vector(2, `key_exchange for ${groupName(group)}`);
    if (key.left === 0) throw new DecodeError(`key_exchange for ${groupName(group)} is empty`);
    groups.push(group);
  }
  return groups;
}

/** RFC 8701 §2: ALPN identifiers {0x?A, 0x?A} with both bytes equal are GREASE. */
function isGreaseAlpn(name: string): boolean {
  return name.length === 2 && isGrease((name.charCodeAt(0) << 8) | name.charCodeAt(1));
}

// --- Versions ---

/** Orders versions highest first; TLS 1.3 drafts (0x7fNN) just below TLS 1.3, unknown ones last. */
function versionRank(v: number): number {
  if (v >> 8 === 3) return v & 0xff;
  if (v >> 8 === 0x7f) return 3.5 + (v & 0xff) / 1000;
  if (v === 0x0002) return -1;
  return -2;
}

function byVersionDesc(versions: readonly number[]): number[] {
  return [...versions].sort((a, b) => versionRank(b) - versionRank(a));
}

/**
 * Without supported_versions a client accepts every version from TLS 1.0 up to legacy_version, and at
 * most TLS 1.2 (RFC 8446 §4.2.1: TLS 1.3 is only negotiated through the extension). SSLv3 counts only
 * when the client says 0x0300 itself.
 */
function versionsUpTo(legacy: number): number[] {
  if (legacy === 0x0300) return [0x0300];
  if (legacy === 0x0002) return [0x0002];
  const top = Math.min(legacy, 0x0303);
  const out: number[] = [];
  for (let v = top; v >= 0x0301; v -= 1) out.push(v);
  return out;
}

// --- SSLv2-compatible ClientHello (RFC 5246 E.2; SSL 2.0 draft §2.5) ---

function parseSslv2(buf: Buffer): ClientHelloParse {
  if (buf.length < 3) return INCOMPLETE;
  const length = ((buf[0]! & 0x7f) << 8) | buf[1]!;
  if (buf[2] !== CLIENT_HELLO) {
    throw new DecodeError(`SSLv2 message type ${buf[2]}, want 1 (CLIENT-HELLO): first bytes ${showBytes(buf)}`);
  }
  if (length < 9) throw new DecodeError(`SSLv2 CLIENT-HELLO length ${length} is shorter than its 9-byte header`);
  if (buf.length < 2 + length) return INCOMPLETE;
  const message = Buffer.from(buf.subarray(2, 2 + length));
  const c = new Cursor(message, 1, message.length, 'SSLv2 hello');
  const version = c.u16('version');
  const specLength = c.u16('cipher_spec_length');
  const sessionIdLength = c.u16('session_id_length');
  const challengeLength = c.u16('challenge_length');
  if (specLength === 0 || specLength % 3 !== 0) {
    throw new DecodeError(`SSLv2 cipher_spec_length ${specLength} is not a positive multiple of 3`);
  }
  if (sessionIdLength !== 0 && sessionIdLength !== 16) {
    throw new DecodeError(`SSLv2 session_id_length ${sessionIdLength}, want 0 or 16`);
  }
  if (challengeLength < 16 || challengeLength > 32) {
    throw new DecodeError(`SSLv2 challenge_length ${challengeLength}, want 16 to 32`);
  }
  const specs = c.take(specLength, 'cipher_specs', 'cipher_specs');
  c.skip(sessionIdLength, 'session_id');
  // RFC 5246 E.2: the challenge becomes the client random, right-aligned and zero-padded to 32 bytes.
  const challenge = c.bytes(challengeLength, 'challenge');
  c.expectEnd('challenge');

  const ciphers: { readonly code: number; readonly name: string }[] = [];
  const kinds: number[] = [];
  let sslv2Kinds = false;
  let grease = false;
  while (specs.left > 0) {
    const kind = (specs.u8('cipher_spec') << 16) | specs.u16('cipher_spec');
    kinds.push(kind);
    if (kind >> 16 !== 0) {
      // A real SSLv2 cipher kind: the client would also speak SSL 2.0.
      sslv2Kinds = true;
      ciphers.push({ code: kind, name: ssl2CipherKindName(kind) });
    } else if (isGrease(kind)) {
      grease = true;
    } else {
      ciphers.push({ code: kind, name: suiteName(kind) });
    }
  }
  const offered = versionsUpTo(version);
  if (sslv2Kinds && !offered.includes(0x0002)) offered.push(0x0002);
  const offeredVersions = offered.map(versionName);
  const prints = fingerprints({ legacyVersion: version, ciphers: kinds, extensions: [] });
  const client = knownClient(prints.ja4);
  return {
    status: 'ok',
    consumed: 2 + length,
    handshake: message,
    hello: {
      recordVersion: 'SSLv2',
      legacyVersion: versionName(version),
      maxVersion: offeredVersions[0] ?? versionName(version),
      offeredVersions,
      ciphers,
      extensions: [],
      grease,
      length: message.length,
      format: 'sslv2',
      random: Buffer.concat([Buffer.alloc(32 - challenge.length), challenge]).toString('hex'),
      ...prints,
      ...(client !== undefined && { client }),
    },
  };
}
