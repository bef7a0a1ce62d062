/**
 * The quirk gate: what a broken server does with a ClientHello before OpenSSL would see it. It reads
 * the TLS quirks of a profile (profiles/quirks.ts) and either lets the hello through to OpenSSL, or
 * answers it the way the imitated system did: a FIN, an RST, an alert, silence, or a hand-written
 * ServerHello with a suite OpenSSL 3 no longer has. Protocol-neutral: serverHandshake() runs it for
 * SMTP, IMAP and POP3 alike.
 *
 * `decide()` is pure (hello in, decision out); `carryOut()` does the talking on the socket.
 */
import type { Socket } from 'node:net';
import type { Profile } from '../profiles/profile.js';
import type { Quirks } from '../profiles/quirks.js';
import { UsageError } from '../usage-error.js';
import { alertOfRecord, alertRecord } from '../tls/alert.js';
import { type CipherSuite, suiteByIana } from '../tls/cipher-suites.js';
import type { ClientHelloSummary } from '../model/client-hello.js';
import { handshakeTypeName, versionCode, versionName } from '../tls/registry.js';
import { CONTENT_TYPE, MAX_CIPHERTEXT, RecordReader, type TlsRecord } from '../tls/record-layer.js';
import { serverFlight } from '../tls/server-hello.js';

export type Reaction = NonNullable<Quirks['intoleranceReaction']>;

/** How a gated session failed, as the tls-failed event and the record's `error` carry it. */
export interface GateFailure {
  /** A `QUIRK_…` code naming the quirk, or the OpenSSL code a real server's refusal maps to. */
  readonly code: string;
  readonly message: string;
  readonly alert?: { readonly name: string; readonly code: number; readonly sent: boolean };
}

export interface Imitation {
  readonly suite: CipherSuite;
  /** Version code of the ServerHello, e.g. 0x0301. */
  readonly version: number;
  readonly renegotiationInfo: boolean;
}

export type GateDecision =
  | { readonly action: 'pass' }
  /**
   * Refuse the hello with a reaction; `alert` is the description sent when the reaction is 'alert', in
   * a record of `recordVersion` (TLS 1.0 unless the imitated server speaks only SSL 3.0).
   */
  | { readonly action: 'refuse'; readonly quirk: string; readonly reaction: Reaction; readonly alert: number; readonly code: string; readonly why: string; readonly recordVersion?: number }
  | { readonly action: 'imitate'; readonly imitation: Imitation };

const ALERT_NAMES: Record<number, string> = { 40: 'handshake_failure', 50: 'decode_error', 70: 'protocol_version' };

/** Rank of a version name from the hello: SSLv3 0, TLSv1 1 … TLSv1.3 4; drafts 3.5; unknown codes by value. */
function rank(name: string): number {
  const code = versionCode(name);
  if (code !== undefined) return code === 0x0002 ? -1 : code - 0x0300;
  if (name.startsWith('TLSv1.3-draft')) return 3.5;
  const hex = /^0x([0-9a-f]{4})$/.exec(name);
  if (hex) {
    const v = parseInt(hex[1]!, 16);
    // 0x03NN beyond TLS 1.3 is a future version: above anything a broken server knows.
    return v >> 8 === 3 ? v - 0x0300 : -2;
  }
  return -2;
}

const TLS_VERSION_NAMES = ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;

/** Rejects quirk values the gate cannot act on, naming the profile and the field. */
export function checkTlsQuirks(profile: Profile): void {
  const q = profile.quirks ?? {};
  const where = `profile ${profile.name}: quirks`;
  if (q.intolerantAbove !== undefined && !(TLS_VERSION_NAMES.slice(0, 4) as readonly string[]).includes(q.intolerantAbove)) {
    throw new UsageError(`${where}.intolerantAbove: got "${q.intolerantAbove}", want one of SSLv3, TLSv1, TLSv1.1, TLSv1.2`);
  }
  if (q.intoleranceReaction !== undefined && !['close', 'reset', 'alert', 'hang'].includes(q.intoleranceReaction)) {
    throw new UsageError(`${where}.intoleranceReaction: got "${q.intoleranceReaction}", want one of close, reset, alert, hang`);
  }
  const sizes = q.intolerantHelloSizes;
  if (sizes !== undefined && !(Number.isInteger(sizes.min) && Number.isInteger(sizes.max) && sizes.min >= 0 && sizes.min <= sizes.max)) {
    throw new UsageError(`${where}.intolerantHelloSizes: got ${JSON.stringify(sizes)}, want { min, max } with 0 <= min <= max`);
  }
  if (q.imitateVersion !== undefined && !(TLS_VERSION_NAMES.slice(0, 4) as readonly string[]).includes(q.imitateVersion)) {
    throw new UsageError(`${where}.imitateVersion: got "${q.imitateVersion}", want one of SSLv3, TLSv1, TLSv1.1, TLSv1.2`);
  }
  if (q.imitateVersion !== undefined && !q.imitateLegacySuites?.length) {
    throw new UsageError(`${where}.imitateVersion needs imitateLegacySuites (the suites the imitated ServerHello may choose)`);
  }
  for (const name of q.imitateLegacySuites ?? []) {
    const suite = suiteByIana(name);
    if (!suite) throw new UsageError(`${where}.imitateLegacySuites: unknown cipher suite ${name} (want IANA names such as TLS_RSA_WITH_RC4_128_SHA)`);
    // Only the RSA flight (ServerHello, Certificate, ServerHelloDone) is imitated: DHE/ECDHE would need a signed ServerKeyExchange.
    if (suite.kx !== 'RSA' || suite.au !== 'RSA' || suite.tls13) {
      throw new UsageError(`${where}.imitateLegacySuites: ${name} is not an RSA key-exchange suite (only TLS_RSA_WITH_… suites can be imitated)`);
    }
  }
}

/** What the gate does with this hello. `invalid` is the parser's reason when the bytes were not a ClientHello. */
export function decide(quirks: Quirks | undefined, hello: ClientHelloSummary | undefined, invalid: string | undefined, range: { min: string; max: string }): GateDecision {
  const q = quirks ?? {};
  const reaction: Reaction = q.intoleranceReaction ?? 'close';
  const imitating = !!q.imitateLegacySuites?.length;
  if (!hello) {
    // A server that is imitated end to end must not let OpenSSL answer anything.
    if (imitating && invalid) return { action: 'refuse', quirk: 'imitateLegacySuites', reaction: 'alert', alert: 50, code: 'QUIRK_IMITATED_DECODE_ERROR', why: `the client's first bytes were not a ClientHello: ${invalid}`, recordVersion: q.imitateVersion ? versionCode(q.imitateVersion)! : 0x0301 };
    return { action: 'pass' };
  }
  if (q.intolerantAbove) {
    const limit = rank(q.intolerantAbove);
    const above: string[] = [];
    if (rank(hello.legacyVersion) > limit) above.push(`legacy_version ${hello.legacyVersion}`);
    const higher = (hello.supportedVersions ?? []).filter((v) => rank(v) > limit);
    if (higher.length) above.push(`supported_versions ${higher.join(', ')}`);
    if (above.length) {
      return { action: 'refuse', quirk: `intolerantAbove=${q.intolerantAbove}`, reaction, alert: 70, code: 'QUIRK_VERSION_INTOLERANCE', why: `the client offered ${above.join(' and ')}, above ${q.intolerantAbove}` };
    }
  }
  if (q.intolerantOfTls13) {
    const tls13 = (hello.supportedVersions ?? []).filter((v) => v === 'TLSv1.3' || v.startsWith('TLSv1.3-draft'));
    if (tls13.length) return { action: 'refuse', quirk: 'intolerantOfTls13', reaction, alert: 70, code: 'QUIRK_TLS13_INTOLERANCE', why: `the client offered ${tls13.join(', ')} in supported_versions` };
  }
  const sizes = q.intolerantHelloSizes;
  if (sizes && hello.length >= sizes.min && hello.length <= sizes.max) {
    return { action: 'refuse', quirk: `intolerantHelloSizes=${sizes.min}-${sizes.max}`, reaction, alert: 40, code: 'QUIRK_HELLO_SIZE_INTOLERANCE', why: `the ClientHello is ${hello.length} bytes, inside ${sizes.min}-${sizes.max}` };
  }
  if (imitating) return imitate(q, hello, range);
  return { action: 'pass' };
}

/** The imitated server's choice: its first suite the client offered, in the version it would answer with. */
function imitate(q: Quirks, hello: ClientHelloSummary, range: { min: string; max: string }): GateDecision {
  const names = q.imitateLegacySuites!;
  const offered = new Set(hello.ciphers.map((c) => c.code));
  const suite = names.map((n) => suiteByIana(n)!).find((s) => offered.has(s.code));
  if (!suite) {
    // An SSL 3.0-only server writes its alert in an SSL 3.0 record: it knows no other record version.
    const recordVersion = q.imitateVersion ? versionCode(q.imitateVersion)! : 0x0301;
    return { action: 'refuse', quirk: 'imitateLegacySuites', reaction: 'alert', alert: 40, code: 'ERR_SSL_NO_SHARED_CIPHER', why: `no shared cipher: the server's only suites are ${names.join(', ')}, and the client offered none of them (${hello.ciphers.length} suites offered)`, recordVersion };
  }
  let version: number;
  if (q.imitateVersion) {
    version = versionCode(q.imitateVersion)!;
  } else {
    // A pre-TLS 1.3 server knows nothing of supported_versions: it answers min(legacy_version, its own highest).
    const legacy = versionCode(hello.legacyVersion) ?? 0x0303;
    const max = versionCode(range.max === 'TLSv1.3' ? 'TLSv1.2' : range.max) ?? 0x0303;
    version = Math.min(legacy, max);
    const min = versionCode(range.min) ?? 0x0301;
    if (version < min) {
      return { action: 'refuse', quirk: 'imitateLegacySuites', reaction: 'alert', alert: 70, code: 'ERR_SSL_UNSUPPORTED_PROTOCOL', why: `the client's highest version ${hello.legacyVersion} is below the server's lowest, ${range.min}` };
    }
  }
  // RFC 5746: the client asks with the extension (0xff01) or the SCSV (0x00ff). SSL 3.0-only servers predate it.
  const renegotiationInfo = version >= 0x0301 && (hello.extensions.includes(0xff01) || offered.has(0x00ff));
  return { action: 'imitate', imitation: { suite, version, renegotiationInfo } };
}

const REACTION_WORDS: Record<Reaction, string> = {
  close: 'closed the connection without a reply (FIN)',
  reset: 'reset the connection (RST)',
  alert: 'sent a fatal alert',
  hang: 'went silent',
};

export interface CarryOutOptions {
  /**
   * How long to wait for the client's answer to an imitated flight. A 'hang' has no timeout of its own:
   * like the real thing it holds the connection until the client leaves or the session ends (the
   * session deadline, the lab stopping), which destroys the socket.
   */
  readonly timeoutMs: number;
  /** Who closed the socket when it was not the client (e.g. 'the session deadline of 600000 ms passed'). */
  readonly closedBy?: () => string | undefined;
  /** The chain an imitated ServerHello sends, PEM, leaf first. */
  readonly certPem?: string;
}

export interface CarriedOut {
  readonly failure: GateFailure;
  /** What was imitated, and the record's `imitated.note`, for an imitated handshake. */
  readonly imitated?: Imitation;
  readonly note?: string;
  /** When the imitated flight was written (ms since the epoch): the transcript's time for the ServerHello. */
  readonly flightAt?: number;
}

/** Acts out a 'refuse' or 'imitate' decision on the raw socket and resolves once the connection is over. */
export async function carryOut(socket: Socket, decision: Exclude<GateDecision, { action: 'pass' }>, opts: CarryOutOptions): Promise<CarriedOut> {
  if (decision.action === 'refuse') {
    const { reaction, alert } = decision;
    const alertName = ALERT_NAMES[alert] ?? String(alert);
    const did = reaction === 'alert' ? `sent a fatal ${alertName} alert` : REACTION_WORDS[reaction];
    if (reaction === 'alert') {
      await write(socket, alertRecord(alert, { version: decision.recordVersion ?? 0x0301 }));
      await closeGracefully(socket);
    } else if (reaction === 'reset') {
      socket.resetAndDestroy();
    } else if (reaction === 'close') {
      await closeGracefully(socket);
    }
    let tail = '';
    if (reaction === 'hang') {
      await waitForEnd(socket);
      const closer = opts.closedBy?.();
      tail = closer ? `; held the connection until ${closer}` : '; the client gave up and closed the connection';
      socket.destroy();
    }
    const message = `${decision.why}; the server ${did} instead of a ServerHello (quirk ${decision.quirk}${reaction === 'alert' ? '' : `, reaction ${reaction}`})${tail}`;
    return {
      failure: { code: decision.code, message, ...(reaction === 'alert' ? { alert: { name: alertName, code: alert, sent: true } } : {}) },
    };
  }
  const { suite, version, renegotiationInfo } = decision.imitation;
  const flight = serverFlight({ version, suite: suite.code, certPem: opts.certPem ?? '', renegotiationInfo });
  await write(socket, flight.bytes);
  const flightAt = Date.now();
  const answer = await readAnswer(socket, opts.timeoutMs);
  socket.destroy();
  const what = `${versionName(version)} ${suite.iana}${suite.openssl ? ` (${suite.openssl})` : ''}`;
  const sent = `ServerHello ${what}, Certificate (${flight.certificates} certificate${flight.certificates === 1 ? '' : 's'}), ServerHelloDone`;
  const cannot = version === 0x0300 ? 'mxlab does not speak SSL 3.0' : `mxlab cannot carry ${suite.enc}`;
  const note = `imitated up to ServerHello: ${sent}; ${answer.text}; ${cannot}, so the handshake ends here`;
  return {
    imitated: decision.imitation,
    note,
    flightAt,
    failure: { code: 'QUIRK_IMITATED_HANDSHAKE', message: note, ...(answer.alert ? { alert: answer.alert } : {}) },
  };
}

function write(socket: Socket, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    socket.write(bytes, () => resolve());
  });
}

/** FIN, then wait (briefly) for the client to close its side so the FIN is not overtaken by an RST. */
async function closeGracefully(socket: Socket): Promise<void> {
  if (socket.destroyed) return;
  socket.end();
  await waitForEnd(socket, 1000);
  socket.destroy();
}

/** Resolves when the client closes (discarding what it sends) or after timeoutMs (never, without one). */
function waitForEnd(socket: Socket, timeoutMs?: number): Promise<'closed' | 'timeout'> {
  return new Promise((resolve) => {
    if (socket.destroyed || socket.readableEnded) return resolve('closed');
    const done = (how: 'closed' | 'timeout'): void => {
      clearTimeout(timer);
      socket.off('data', discard);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.off('error', onEnd);
      resolve(how);
    };
    const discard = (): void => undefined;
    const onEnd = (): void => done('closed');
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => done('timeout'), timeoutMs);
    socket.on('data', discard);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', onEnd);
    socket.resume();
  });
}

interface Answer {
  readonly text: string;
  readonly alert?: { readonly name: string; readonly code: number; readonly sent: boolean };
}

/**
 * What the client has said to the imitated flight: its records as the record layer frames them (after
 * the flight a client writes ClientKeyExchange, ChangeCipherSpec and an encrypted Finished of up to
 * 2^14 + 2048 bytes, RFC 5246 §6.2.3), and its first bytes for when they are not TLS at all.
 */
interface ClientAnswer {
  readonly reader: RecordReader;
  first?: TlsRecord;
  changeCipherSpec: boolean;
  head: Buffer;
  total: number;
}

function hear(answer: ClientAnswer, d: Buffer): void {
  answer.total += d.length;
  if (answer.head.length < 8) answer.head = Buffer.concat([answer.head, d.subarray(0, 8 - answer.head.length)]);
  answer.reader.push(d);
  for (let read = answer.reader.next(); read.status === 'record'; read = answer.reader.next()) {
    answer.first ??= read.record;
    if (read.record.type === CONTENT_TYPE.changeCipherSpec) answer.changeCipherSpec = true;
  }
}

/** Reads what the client says to the imitated flight and puts it in words. */
function readAnswer(socket: Socket, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve) => {
    const answer: ClientAnswer = { reader: new RecordReader({ maxLength: MAX_CIPHERTEXT }), changeCipherSpec: false, head: Buffer.alloc(0), total: 0 };
    let settled = false;
    const finish = (how: 'closed' | 'timeout' | 'enough'): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onClosed);
      socket.off('close', onClosed);
      socket.off('error', onClosed);
      resolve(describeAnswer(answer, how, timeoutMs));
    };
    const onData = (d: Buffer): void => {
      hear(answer, d);
      // An alert, or a handshake record followed by ChangeCipherSpec, says all there is to say.
      if (answer.first?.type === CONTENT_TYPE.alert || answer.changeCipherSpec) finish('enough');
    };
    const onClosed = (): void => finish('closed');
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.on('data', onData);
    socket.on('end', onClosed);
    socket.on('close', onClosed);
    socket.on('error', onClosed);
    socket.resume();
    if (socket.destroyed) finish('closed');
  });
}

/** The type of the client's first handshake message: the first byte of its first record, whole or still arriving. */
function firstHandshakeType(answer: ClientAnswer): number | undefined {
  const first = answer.first;
  if (first) return first.type === CONTENT_TYPE.handshake ? first.fragment[0] : undefined;
  return answer.head[0] === CONTENT_TYPE.handshake ? answer.reader.peekFragment(1)[0] : undefined;
}

function describeAnswer(answer: ClientAnswer, how: 'closed' | 'timeout' | 'enough', timeoutMs: number): Answer {
  if (answer.total === 0) {
    return { text: how === 'timeout' ? `the client sent nothing within ${timeoutMs} ms` : 'the client closed the connection without an alert' };
  }
  const first = answer.first;
  if (first?.type === CONTENT_TYPE.alert) {
    const parsed = alertOfRecord(first);
    if ('alert' in parsed) {
      const a = parsed.alert;
      return { text: `the client refused it with a ${a.levelName} ${a.name} alert (${a.description})`, alert: { name: a.name, code: a.description, sent: false } };
    }
  }
  const messageType = firstHandshakeType(answer);
  if (messageType !== undefined) {
    const cipherSpec = answer.changeCipherSpec;
    const accepted = messageType === 16 ? ' (it accepted the suite and the certificate)' : '';
    return { text: `the client answered with ${handshakeTypeName(messageType)}${cipherSpec ? ', ChangeCipherSpec and its Finished' : ''}${accepted}` };
  }
  const head = [...answer.head].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return { text: `the client answered with ${answer.total} bytes that are neither an alert nor a handshake record (${head})` };
}
