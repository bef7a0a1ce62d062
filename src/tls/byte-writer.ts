/**
 * A big-endian writer for TLS structures (RFC 8446 §3, "Presentation Language"): integers, and vectors
 * whose 1-, 2- or 3-byte length prefix is filled in when the vector closes. Everything goes into one
 * growing buffer, so a ClientHello or a server flight is written without a Buffer per field.
 */
export class ByteWriter {
  #buf: Buffer;
  #pos = 0;
  /** Open vectors: where each length prefix starts, and its size. */
  readonly #open: number[] = [];

  constructor(capacity = 512) {
    this.#buf = Buffer.allocUnsafe(Math.max(16, capacity));
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#pos;
  }

  #room(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#pos + n));
    this.#buf.copy(grown, 0, 0, this.#pos);
    this.#buf = grown;
  }

  u8(v: number): this {
    this.#room(1);
    this.#buf[this.#pos++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.#room(2);
    this.#buf.writeUInt16BE(v & 0xffff, this.#pos);
    this.#pos += 2;
    return this;
  }

  u24(v: number): this {
    this.#room(3);
    this.#buf.writeUIntBE(v & 0xffffff, this.#pos, 3);
    this.#pos += 3;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.#room(b.length);
    this.#buf.set(b, this.#pos);
    this.#pos += b.length;
    return this;
  }

  zeros(n: number): this {
    this.#room(n);
    this.#buf.fill(0, this.#pos, this.#pos + n);
    this.#pos += n;
    return this;
  }

  /** Latin-1 text (host names, ALPN protocol ids are bytes, RFC 6066 §3 / RFC 7301 §3.1). */
  latin1(s: string): this {
    this.#room(s.length);
    this.#pos += this.#buf.write(s, this.#pos, 'latin1');
    return this;
  }

  /** Starts a vector with a `prefix`-byte length; close() fills the length in. Vectors nest. */
  open(prefix: 1 | 2 | 3): this {
    this.#open.push(this.#pos, prefix);
    this.#room(prefix);
    this.#pos += prefix;
    return this;
  }

  /** Ends the innermost open vector. A body too long for its prefix is a RangeError, never a wrapped length. */
  close(): this {
    const prefix = this.#open.pop();
    const at = this.#open.pop();
    if (prefix === undefined || at === undefined) throw new RangeError('close() without open()');
    const length = this.#pos - at - prefix;
    if (length >= 2 ** (8 * prefix)) throw new RangeError(`a vector of ${length} bytes does not fit a ${prefix}-byte length`);
    this.#buf.writeUIntBE(length, at, prefix);
    return this;
  }

  /** The bytes written, as a view of the writer's buffer (the writer must not be written to afterwards). */
  finish(): Buffer {
    if (this.#open.length > 0) throw new RangeError(`${this.#open.length / 2} vector(s) still open`);
    return this.#buf.subarray(0, this.#pos);
  }
}
