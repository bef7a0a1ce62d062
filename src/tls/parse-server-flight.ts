/**
 * Reads a server's first flight from the start of its byte stream, without keys: the ServerHello
 * (RFC 5246 §7.4.1.3, RFC 8446 §4.1.3), and for TLS ≤ 1.2 the plaintext Certificate (§7.4.2),
 * ServerKeyExchange (§7.4.3; RFC 8422 §5.4 for ECDHE) and ServerHelloDone (§7.4.5) — or the alert a
 * server sends instead. In TLS 1.3 everything after the ServerHello is encrypted (RFC 8446 §2), so the
 * flight ends there for a reader without keys.
 *
 * Used by the MITM proxy (which needs the chosen version and suite) and by tests and the scanner
 * (which want the certificates and the DH or ECDH parameters). Incremental: push chunks as they
 * arrive; 'incomplete' until what was asked for is there. Strict: every length must add up, messages
 * must come in RFC order, and the answer is a precise reason, never an exception.
 */
import { alertOfRecord } from './alert.js';
import { suiteByCode } from './cipher-suites.js';
import { HANDSHAKE_TYPE, HandshakeReassembler, type HandshakeMessage } from './handshake-messages.js';
import { CONTENT_TYPE, RecordReader, type TlsRecord } from './record-layer.js';
import { contentTypeName, groupName, handshakeTypeName, hex16, versionName } from './registry.js';
import { byteCount, Cursor, DecodeError, invalidOnDecodeError, readExtensions } from './tls-cursor.js';

export interface ServerHelloFields {
  readonly legacyVersion: number;
  /** The chosen version: supported_versions when present (TLS 1.3, RFC 8446 §4.2.1), else legacy_version. */
  readonly version: number;
  readonly random: Buffer;
  readonly sessionId: Buffer;
  readonly suite: number;
  readonly compression: number;
  /** Extension codes in the order sent. */
  readonly extensions: readonly number[];
  /** A HelloRetryRequest (RFC 8446 §4.1.3): same version and suite as the ServerHello still to come. */
  readonly helloRetry: boolean;
  /** TLS 1.3 key_share: the group of the server's share, or in a HelloRetryRequest the group it asks for. */
  readonly keyShareGroup?: number;
  /** The server's key_exchange (absent in a HelloRetryRequest): with the client's private key, the shared secret. */
  readonly keyExchange?: Buffer;
}

export type ServerKeyExchangeInfo =
  /** Finite-field DH (RFC 5246 §7.4.3; RFC 4279 §3 for DHE_PSK): the size of the server's prime. */
  | { readonly kind: 'dhe'; readonly primeBits: number; readonly generator: Buffer; readonly signatureScheme?: number }
  /** ECDHE (RFC 8422 §5.4): the named curve, or only the curve type for explicit curves (1, 2). */
  | { readonly kind: 'ecdhe'; readonly curveType: number; readonly curve?: number; readonly curveName?: string; readonly signatureScheme?: number }
  /** A suite whose ServerKeyExchange mxlab does not read (RSA_EXPORT, PSK, SRP) or an unknown suite. */
  | { readonly kind: 'other'; readonly length: number };

/**
 * Where the readable flight ended:
 * - 'server-hello': only the ServerHello was asked for;
 * - 'server-hello-done': the whole TLS ≤ 1.2 flight;
 * - 'encrypted': a TLS 1.3 ServerHello, after which nothing is readable without keys;
 * - 'hello-retry': a HelloRetryRequest, after which the server waits for a second ClientHello;
 * - 'change-cipher-spec': a TLS ≤ 1.2 abbreviated handshake (session resumption, RFC 5246 §7.3).
 */
export type FlightEnd = 'server-hello' | 'server-hello-done' | 'encrypted' | 'hello-retry' | 'change-cipher-spec';

export interface FirstFlight {
  /** Version of the first record. */
  readonly recordVersion: number;
  readonly serverHello: ServerHelloFields;
  /** DER certificates, leaf first (TLS ≤ 1.2 Certificate message). */
  readonly certificates?: readonly Buffer[];
  readonly serverKeyExchange?: ServerKeyExchangeInfo;
  /** The server asked for a client certificate (CertificateRequest, RFC 5246 §7.4.4). */
  readonly certificateRequest: boolean;
  /** Handshake types read, in order. */
  readonly messages: readonly number[];
  readonly end: FlightEnd;
  /** Bytes of the records read. */
  readonly consumed: number;
}

export type ServerFlightParse =
  | { readonly status: 'ok'; readonly flight: FirstFlight }
  | { readonly status: 'incomplete' }
  /** The server answered with a plaintext alert (it refused the ClientHello, or gave up mid-flight). */
  | { readonly status: 'alert'; readonly level: number; readonly description: number }
  | { readonly status: 'invalid'; readonly reason: string };

/** 'server-hello': stop at the ServerHello; 'flight': read on to the end of what is readable. */
export type FlightGoal = 'server-hello' | 'flight';

const INCOMPLETE = { status: 'incomplete' } as const;
/** SHA-256 of "HelloRetryRequest", the random that marks an HRR (RFC 8446 §4.1.3). */
const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');
const SUPPORTED_VERSIONS = 0x002b;
const KEY_SHARE = 0x0033;
const TLS12 = 0x0303;
const TLS13 = 0x0304;
/** Versions a ServerHello may choose: SSL 3.0 to TLS 1.3. */
const KNOWN_VERSIONS = new Set([0x0300, 0x0301, 0x0302, 0x0303, 0x0304]);

/**
 * RFC 5246 §7.3 order of a full handshake's server flight; NewSessionTicket comes right after the
 * ServerHello in an abbreviated one (RFC 5077 §3.1).
 */
const ORDER: ReadonlyMap<number, number> = new Map([
  [HANDSHAKE_TYPE.certificate, 1],
  [HANDSHAKE_TYPE.newSessionTicket, 1],
  [HANDSHAKE_TYPE.certificateStatus, 2],
  [HANDSHAKE_TYPE.serverKeyExchange, 3],
  [HANDSHAKE_TYPE.certificateRequest, 4],
  [HANDSHAKE_TYPE.serverHelloDone, 5],
]);

export function parseServerFlight(buf: Buffer, goal: FlightGoal = 'flight'): ServerFlightParse {
  return new ServerFlightReader(goal).push(buf);
}

/** The same parser fed chunk by chunk. Once it answers something other than 'incomplete' it keeps that answer. */
export class ServerFlightReader {
  readonly #goal: FlightGoal;
  readonly #records = new RecordReader();
  readonly #messages = new HandshakeReassembler();
  #recordVersion: number | undefined;
  #serverHello: ServerHelloFields | undefined;
  #certificates: Buffer[] | undefined;
  #serverKeyExchange: ServerKeyExchangeInfo | undefined;
  #certificateRequest = false;
  readonly #types: number[] = [];
  #rank = 0;
  #done: ServerFlightParse | undefined;

  constructor(goal: FlightGoal = 'flight') {
    this.#goal = goal;
  }

  push(chunk: Buffer): ServerFlightParse {
    if (this.#done) return this.#done;
    this.#records.push(chunk);
    const result = invalidOnDecodeError(() => this.#step());
    if (result.status !== 'incomplete') this.#done = result;
    return result;
  }

  #step(): ServerFlightParse {
    for (;;) {
      const read = this.#records.next();
      if (read.status === 'invalid') throw new DecodeError(read.record === 1 ? read.reason : `record ${read.record}: ${read.reason}`);
      if (read.status === 'incomplete') {
        // Refuse a first record that is not a ServerHello from its first body byte, before the rest arrives.
        if (this.#records.count === 0 && this.#records.pendingType() === CONTENT_TYPE.handshake) {
          const type = this.#records.peekFragment(1)[0];
          if (type !== undefined && type !== HANDSHAKE_TYPE.serverHello) throw notServerHello(type);
        }
        return INCOMPLETE;
      }
      const done = this.#record(read.record);
      if (done) return done;
    }
  }

  #record(record: TlsRecord): ServerFlightParse | undefined {
    if (record.type === CONTENT_TYPE.alert) {
      const parsed = alertOfRecord(record);
      if ('reason' in parsed) throw new DecodeError(parsed.reason);
      return { status: 'alert', level: parsed.alert.level, description: parsed.alert.description };
    }
    if (record.type === CONTENT_TYPE.changeCipherSpec && this.#serverHello && this.#messages.buffered === 0) {
      return this.#ok('change-cipher-spec');
    }
    if (record.type !== CONTENT_TYPE.handshake) {
      const where = this.#serverHello ? 'in the server flight' : 'where the ServerHello should be';
      throw new DecodeError(`a ${contentTypeName(record.type)} record (content type ${record.type}) ${where}`);
    }
    if (this.#recordVersion === undefined) this.#recordVersion = record.version;
    else if (record.version !== this.#recordVersion) {
      throw new DecodeError(`record ${this.#records.count} has version ${hex16(record.version)}, the first had ${hex16(this.#recordVersion)}`);
    }
    this.#messages.push(record.fragment);
    for (;;) {
      const next = this.#messages.next();
      if (next.status === 'invalid') throw new DecodeError(next.reason);
      if (next.status === 'incomplete') {
        // Refuse a wrong first message from its first byte, before the rest arrives.
        const type = this.#messages.peekType();
        if (!this.#serverHello && type !== undefined && type !== HANDSHAKE_TYPE.serverHello) throw notServerHello(type);
        return undefined;
      }
      const done = this.#message(next.message);
      if (done) return done;
    }
  }

  #message(m: HandshakeMessage): ServerFlightParse | undefined {
    const hello = this.#serverHello;
    if (!hello) {
      if (m.type !== HANDSHAKE_TYPE.serverHello) throw notServerHello(m.type);
      const parsed = parseServerHello(m.body);
      this.#serverHello = parsed;
      this.#types.push(m.type);
      if (parsed.helloRetry) return this.#ok(this.#goal === 'server-hello' ? 'server-hello' : 'hello-retry');
      if (parsed.version === TLS13) {
        // RFC 8446 §5.1: a message before a key change must end its record; the next bytes are encrypted.
        if (this.#messages.buffered > 0) {
          throw new DecodeError(`${byteCount(this.#messages.buffered)} follow the TLS 1.3 ServerHello in its record, where the keys change`);
        }
        return this.#ok(this.#goal === 'server-hello' ? 'server-hello' : 'encrypted');
      }
      return this.#goal === 'server-hello' ? this.#ok('server-hello') : undefined;
    }
    const rank = ORDER.get(m.type);
    if (rank === undefined || rank <= this.#rank) {
      const after = handshakeTypeName(this.#types[this.#types.length - 1]!);
      throw new DecodeError(`${handshakeTypeName(m.type)} (handshake type ${m.type}) after ${after} in the server's first flight`);
    }
    this.#rank = rank;
    this.#types.push(m.type);
    if (m.type === HANDSHAKE_TYPE.certificate) this.#certificates = parseCertificate(m.body);
    else if (m.type === HANDSHAKE_TYPE.serverKeyExchange) this.#serverKeyExchange = parseServerKeyExchange(m.body, hello);
    else if (m.type === HANDSHAKE_TYPE.certificateRequest) this.#certificateRequest = true;
    else if (m.type === HANDSHAKE_TYPE.serverHelloDone) {
      if (m.body.length !== 0) throw new DecodeError(`ServerHelloDone of ${byteCount(m.body.length)}, want 0 (RFC 5246 §7.4.5)`);
      if (this.#messages.buffered > 0) throw new DecodeError(`${byteCount(this.#messages.buffered)} follow the ServerHelloDone in its record`);
      return this.#ok('server-hello-done');
    }
    return undefined;
  }

  #ok(end: FlightEnd): ServerFlightParse {
    return {
      status: 'ok',
      flight: {
        recordVersion: this.#recordVersion!,
        serverHello: this.#serverHello!,
        ...(this.#certificates && { certificates: this.#certificates }),
        ...(this.#serverKeyExchange && { serverKeyExchange: this.#serverKeyExchange }),
        certificateRequest: this.#certificateRequest,
        messages: this.#types,
        end,
        consumed: this.#records.consumed,
      },
    };
  }
}

function notServerHello(type: number): DecodeError {
  return new DecodeError(`the first handshake message is ${handshakeTypeName(type)}, not a ServerHello`);
}

/** legacy_version, random, session_id<0..32>, cipher_suite, compression_method, extensions<0..2^16-1>. */
function parseServerHello(body: Buffer): ServerHelloFields {
  const c = new Cursor(body, 0, body.length, 'ServerHello');
  const legacyVersion = c.u16('legacy_version');
  const random = c.bytes(32, 'random');
  const sessionId = c.vector(1, 'session_id');
  if (sessionId.left > 32) throw new DecodeError(`session_id length ${sessionId.left} exceeds 32`);
  const sessionIdBytes = sessionId.bytes(sessionId.left, 'session_id');
  const suite = c.u16('cipher_suite');
  const compression = c.u8('compression_method');
  const helloRetry = random.equals(HRR_RANDOM);
  let version = legacyVersion;
  let keyShareGroup: number | undefined;
  let keyExchange: Buffer | undefined;
  const extensions = readExtensions(c, (type, ext) => {
    if (type === SUPPORTED_VERSIONS) {
      version = ext.u16('selected_version');
      ext.expectEnd('selected_version');
    } else if (type === KEY_SHARE) {
      // RFC 8446 §4.2.8: a HelloRetryRequest names a group; a ServerHello carries one share.
      keyShareGroup = ext.u16('group');
      if (!helloRetry) {
        const key = ext.vector(2, 'key_exchange');
        if (key.left === 0) throw new DecodeError(`key_exchange for ${groupName(keyShareGroup)} is empty`);
        keyExchange = key.bytes(key.left, 'key_exchange');
      }
      ext.expectEnd(helloRetry ? 'selected_group' : 'key_exchange');
    }
  });
  if (!KNOWN_VERSIONS.has(version)) throw new DecodeError(`ServerHello chose an unknown version ${versionName(version)}`);
  return {
    legacyVersion,
    version,
    random,
    sessionId: sessionIdBytes,
    suite,
    compression,
    extensions,
    helloRetry,
    ...(keyShareGroup !== undefined && { keyShareGroup }),
    ...(keyExchange !== undefined && { keyExchange }),
  };
}

/** RFC 5246 §7.4.2: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>. */
function parseCertificate(body: Buffer): Buffer[] {
  const c = new Cursor(body, 0, body.length, 'Certificate');
  const list = c.vector(3, 'certificate_list');
  c.expectEnd('certificate_list');
  const certificates: Buffer[] = [];
  while (list.left > 0) {
    const cert = list.vector(3, `certificate ${certificates.length + 1}`);
    if (cert.left === 0) throw new DecodeError(`certificate ${certificates.length + 1} is empty`);
    certificates.push(cert.bytes(cert.left, 'certificate'));
  }
  return certificates;
}

/**
 * RFC 5246 §7.4.3 (DHE), RFC 8422 §5.4 (ECDHE), RFC 4279 §3 / RFC 5489 §2 (the PSK forms, which open
 * with a psk_identity_hint and carry no signature). The signature is a SignatureAndHashAlgorithm and
 * a vector from TLS 1.2 on, a bare vector before; anonymous suites have none.
 */
function parseServerKeyExchange(body: Buffer, hello: ServerHelloFields): ServerKeyExchangeInfo {
  const suite = suiteByCode(hello.suite);
  const kx = suite?.kx;
  if (kx !== 'DHE' && kx !== 'ECDHE' && kx !== 'DHEPSK' && kx !== 'ECDHEPSK') return { kind: 'other', length: body.length };
  const c = new Cursor(body, 0, body.length, 'ServerKeyExchange');
  const psk = kx === 'DHEPSK' || kx === 'ECDHEPSK';
  if (psk) c.vector(2, 'psk_identity_hint');
  const signed = !psk && suite?.au !== 'None';
  if (kx === 'DHE' || kx === 'DHEPSK') {
    const p = nonEmptyVector(c, 'dh_p');
    const generator = nonEmptyVector(c, 'dh_g');
    nonEmptyVector(c, 'dh_Ys');
    const signatureScheme = signed ? readSignature(c, hello.version) : undefined;
    c.expectEnd(signed ? 'signature' : 'dh_Ys');
    return { kind: 'dhe', primeBits: bitLength(p), generator, ...(signatureScheme !== undefined && { signatureScheme }) };
  }
  const curveType = c.u8('curve_type');
  // Explicit curves (1, 2) carry parameters mxlab does not read: the curve type is all there is to say.
  if (curveType !== 3) return { kind: 'ecdhe', curveType };
  const curve = c.u16('namedcurve');
  const point = c.vector(1, 'point');
  if (point.left === 0) throw new DecodeError('the ECDH point is empty');
  const signatureScheme = signed ? readSignature(c, hello.version) : undefined;
  c.expectEnd(signed ? 'signature' : 'point');
  return { kind: 'ecdhe', curveType, curve, curveName: groupName(curve), ...(signatureScheme !== undefined && { signatureScheme }) };
}

function nonEmptyVector(c: Cursor, field: string): Buffer {
  const v = c.vector(2, field);
  if (v.left === 0) throw new DecodeError(`${field} is empty`);
  return v.bytes(v.left, field);
}

/** Reads the signature; returns its scheme (TLS 1.2), undefined before TLS 1.2. */
function readSignature(c: Cursor, version: number): number | undefined {
  const scheme = version >= TLS12 ? c.u16('signature algorithm') : undefined;
  const signature = c.vector(2, 'signature');
  if (signature.left === 0) throw new DecodeError('the signature is empty');
  signature.skip(signature.left, 'signature');
  return scheme;
}

/** Bits of a big-endian unsigned integer, leading zero bytes not counted. */
function bitLength(n: Buffer): number {
  let i = 0;
  while (i < n.length && n[i] === 0) i += 1;
  if (i === n.length) return 0;
  return (n.length - i - 1) * 8 + (32 - Math.clz32(n[i]!));
}
