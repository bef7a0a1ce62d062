/**
 * The TLS record layer's framing (RFC 5246 §6.2.1, RFC 8446 §5.1): type(1) version(2) length(2)
 * fragment. Writing splits a payload into records of at most 2^14 bytes; reading takes bytes as they
 * come off a socket (records split across reads, several records in one read), hands back whole
 * records, and says precisely what is wrong with broken framing instead of throwing. Nothing here
 * decrypts: an encrypted record is returned as the opaque fragment it is.
 */
import { ByteQueue } from './byte-queue.js';
import { CONTENT_TYPES, contentTypeName } from './registry.js';

/** RFC 5246 §6.2.1 / RFC 8446 §5.1 content types. */
export const CONTENT_TYPE = {
  changeCipherSpec: 20,
  alert: 21,
  handshake: 22,
  applicationData: 23,
  heartbeat: 24,
} as const;

export const RECORD_HEADER_LENGTH = 5;
/** TLSPlaintext.length MUST NOT exceed 2^14 (RFC 5246 §6.2.1, RFC 8446 §5.1). */
export const MAX_PLAINTEXT = 16384;
/** TLSCiphertext.length MUST NOT exceed 2^14 + 2048 (RFC 5246 §6.2.3); TLS 1.3 allows only + 256 (§5.2). */
export const MAX_CIPHERTEXT = MAX_PLAINTEXT + 2048;

export interface TlsRecord {
  readonly type: number;
  /** Record-layer version, e.g. 0x0301: what the peer wrote, not what was negotiated. */
  readonly version: number;
  readonly fragment: Buffer;
}

// --- Writing ---

export interface RecordWriteOptions {
  /** Longest fragment. @default MAX_PLAINTEXT */
  readonly maxFragment?: number;
  /**
   * Sizes of the first fragments, taken as given (a 0 writes an empty record, a size over maxFragment
   * an oversized one: peers that break the rules on purpose); the rest goes in maxFragment pieces.
   */
  readonly split?: readonly number[];
}

/** The fragment sizes writeRecords uses for a payload of `length` bytes. */
export function fragmentSizes(length: number, opts: RecordWriteOptions): number[] {
  const max = opts.maxFragment ?? MAX_PLAINTEXT;
  const sizes: number[] = [];
  let left = length;
  for (const size of opts.split ?? []) {
    if (left === 0) break;
    const n = Math.min(size, left);
    sizes.push(n);
    left -= n;
  }
  while (left > 0) {
    const n = Math.min(max, left);
    sizes.push(n);
    left -= n;
  }
  // An empty payload is one empty record (legal for application_data, RFC 5246 §6.2.1).
  if (length === 0 && sizes.length === 0) sizes.push(0);
  return sizes;
}

/** The payload as records of one content type, written into a single buffer. */
export function writeRecords(type: number, version: number, payload: Uint8Array, opts: RecordWriteOptions = {}): Buffer {
  const sizes = fragmentSizes(payload.length, opts);
  const out = Buffer.allocUnsafe(payload.length + RECORD_HEADER_LENGTH * sizes.length);
  let at = 0;
  let from = 0;
  for (const size of sizes) {
    out[at] = type;
    out.writeUInt16BE(version & 0xffff, at + 1);
    out.writeUInt16BE(size, at + 3);
    out.set(payload.subarray(from, from + size), at + RECORD_HEADER_LENGTH);
    at += RECORD_HEADER_LENGTH + size;
    from += size;
  }
  return out;
}

/** One record around a fragment. */
export function writeRecord(type: number, version: number, fragment: Uint8Array): Buffer {
  return writeRecords(type, version, fragment, { maxFragment: Math.max(1, fragment.length) });
}

// --- Reading ---

/**
 * The common case without a reader: `bytes` are exactly one whole plaintext record of `type` (version
 * 3.x, 1 to 2^14 bytes). Its fragment, or undefined for anything else (the reader says what is wrong).
 */
export function wholeRecord(bytes: Buffer, type: number): TlsRecord | undefined {
  if (bytes.length <= RECORD_HEADER_LENGTH || bytes[0] !== type || bytes[1] !== 3) return undefined;
  const length = bytes.readUInt16BE(3);
  if (length > MAX_PLAINTEXT || length + RECORD_HEADER_LENGTH !== bytes.length) return undefined;
  return { type, version: bytes.readUInt16BE(1), fragment: bytes.subarray(RECORD_HEADER_LENGTH) };
}

export interface RecordReaderOptions {
  /**
   * The only content type the caller can take here (a ClientHello reader wants 22): any other is
   * refused at its first byte as 'record type 21 (alert), want 22 (handshake)'. Without it every
   * content type of RFC 8446 §5.1 (and tls12_cid) is framing, anything else is not.
   */
  readonly expect?: number;
  /** Longest record accepted: MAX_PLAINTEXT until the keys are in use, MAX_CIPHERTEXT after. @default MAX_PLAINTEXT */
  readonly maxLength?: number;
  /**
   * Most bytes held before another push is refused. A caller that calls next() until 'incomplete'
   * after every push holds less than one record (its length is checked against maxLength); this
   * catches one that does not.
   * @default 4 * (header + MAX_CIPHERTEXT)
   */
  readonly maxBuffered?: number;
}

export type RecordRead =
  | { readonly status: 'record'; readonly record: TlsRecord }
  | { readonly status: 'incomplete' }
  /** Broken framing; `record` is the 1-based number of the record at fault. The reader stays broken. */
  | { readonly status: 'invalid'; readonly reason: string; readonly record: number };

const INCOMPLETE = { status: 'incomplete' } as const;

function limitSource(max: number): string {
  if (max === MAX_PLAINTEXT) return ' (RFC 8446 §5.1)';
  if (max === MAX_CIPHERTEXT) return ' (RFC 5246 §6.2.3)';
  return '';
}

const hex8 = (b: number): string => b.toString(16).padStart(2, '0');

/** Reads records from a byte stream pushed in chunks of any size. */
export class RecordReader {
  readonly #queue = new ByteQueue();
  readonly #expect: number | undefined;
  readonly #maxBuffered: number;
  /** Longest record accepted from now on (a watcher raises it once the peers switch to encryption). */
  maxLength: number;
  #records = 0;
  #consumed = 0;
  #broken: Extract<RecordRead, { status: 'invalid' }> | undefined;

  constructor(opts: RecordReaderOptions = {}) {
    this.#expect = opts.expect;
    this.maxLength = opts.maxLength ?? MAX_PLAINTEXT;
    this.#maxBuffered = opts.maxBuffered ?? 4 * (RECORD_HEADER_LENGTH + MAX_CIPHERTEXT);
  }

  /** Records returned so far. */
  get count(): number {
    return this.#records;
  }

  /** Bytes of the records returned so far (headers included). */
  get consumed(): number {
    return this.#consumed;
  }

  /** Bytes held that are not part of a returned record. */
  get buffered(): number {
    return this.#queue.length;
  }

  /** The framing error, once there is one. */
  get error(): string | undefined {
    return this.#broken?.reason;
  }

  /**
   * Adds bytes read off the wire. One chunk may be as large as it comes (it may carry many records);
   * pushing more while over maxBuffered means records are not being taken, and breaks the reader.
   */
  push(chunk: Buffer): void {
    if (this.#broken) return;
    if (this.#queue.length > this.#maxBuffered) {
      this.#fail(`${this.#queue.length} bytes held without a whole record being taken (limit ${this.#maxBuffered})`);
      return;
    }
    this.#queue.push(chunk);
  }

  /** The next whole record, 'incomplete' until its last byte is in, or why the framing is broken. */
  next(): RecordRead {
    if (this.#broken) return this.#broken;
    const q = this.#queue;
    const have = q.length;
    if (have === 0) return INCOMPLETE;
    // Each field is judged as soon as its bytes are in, so garbage is refused early.
    const type = q.byteAt(0);
    if (this.#expect !== undefined ? type !== this.#expect : !CONTENT_TYPES.has(type)) {
      const want = this.#expect !== undefined ? `want ${this.#expect} (${contentTypeName(this.#expect)})` : 'not a TLS content type';
      return this.#fail(`record type ${type} (${contentTypeName(type)}), ${want}`);
    }
    if (have < 2) return INCOMPLETE;
    if (q.byteAt(1) !== 3) {
      const version = `${hex8(q.byteAt(1))}${have >= 3 ? hex8(q.byteAt(2)) : '??'}`;
      return this.#fail(`record version 0x${version}, want 0x03xx`);
    }
    if (have < RECORD_HEADER_LENGTH) return INCOMPLETE;
    const length = q.u16At(3);
    // RFC 8446 §5.1: "Implementations MUST NOT send zero-length fragments of Handshake types".
    if (length === 0 && type === CONTENT_TYPE.handshake) return this.#fail('empty handshake record (RFC 8446 §5.1 forbids them)');
    if (length > this.maxLength) return this.#fail(`record length ${length} exceeds ${this.maxLength}${limitSource(this.maxLength)}`);
    if (have < RECORD_HEADER_LENGTH + length) return INCOMPLETE;
    const version = q.u16At(1);
    q.skip(RECORD_HEADER_LENGTH);
    const fragment = q.take(length);
    this.#records += 1;
    this.#consumed += RECORD_HEADER_LENGTH + length;
    return { status: 'record', record: { type, version, fragment } };
  }

  /**
   * Up to n bytes of the fragment of the record still arriving (its header read, its body not whole),
   * for callers that judge a message by its first bytes before the record ends.
   */
  peekFragment(n: number): Buffer {
    if (this.#broken || this.#queue.length <= RECORD_HEADER_LENGTH) return Buffer.alloc(0);
    const length = this.#queue.u16At(3);
    return this.#queue.peek(RECORD_HEADER_LENGTH + Math.min(n, length)).subarray(RECORD_HEADER_LENGTH);
  }

  /** Content type of the record still arriving, once its first byte is in. */
  pendingType(): number | undefined {
    return this.#broken || this.#queue.length === 0 ? undefined : this.#queue.byteAt(0);
  }

  #fail(reason: string): Extract<RecordRead, { status: 'invalid' }> {
    this.#broken = { status: 'invalid', reason, record: this.#records + 1 };
    return this.#broken;
  }
}
