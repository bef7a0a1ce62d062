import { extensionName, hex16 } from './registry.js';

/**
 * Reads TLS structures (RFC 8446 §3) out of a message with every length checked against its
 * container: a field that runs past its vector, or bytes left after the last field, become a
 * DecodeError that names the field and the container ('the hello ends inside random (14 of 32
 * bytes)'), which the parsers turn into an 'invalid' result, so a broken peer gets a precise reason
 * and never an exception.
 */

/** A reason why bytes are not the structure expected; thrown inside parsers only, never out of them. */
export class DecodeError extends Error {}

/**
 * Runs a parser and turns what it throws into an 'invalid' answer with the DecodeError's reason, so no
 * input can make a parser throw. Anything but a DecodeError is a bug in a bounds check, reported as such.
 */
export function invalidOnDecodeError<T>(parse: () => T): T | { readonly status: 'invalid'; readonly reason: string } {
  try {
    return parse();
  } catch (err) {
    if (err instanceof DecodeError) return { status: 'invalid', reason: err.message };
    return { status: 'invalid', reason: `parser error: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** '1 byte', '4 bytes'. */
export function byteCount(n: number): string {
  return n === 1 ? '1 byte' : `${n} bytes`;
}

/** Reads one container (the hello, the extensions block, one extension) with checked lengths. */
export class Cursor {
  constructor(
    private readonly buf: Buffer,
    private pos: number,
    private readonly end: number,
    /** How errors name this container: 'hello', 'key_share extension'… */
    readonly what: string,
  ) {}

  get left(): number {
    return this.end - this.pos;
  }

  private need(n: number, field: string): void {
    if (n > this.left) throw new DecodeError(`the ${this.what} ends inside ${field} (${this.left} of ${n} bytes)`);
  }

  u8(field: string): number {
    this.need(1, field);
    return this.buf[this.pos++]!;
  }

  u16(field: string): number {
    this.need(2, field);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u24(field: string): number {
    this.need(3, field);
    const v = this.buf.readUIntBE(this.pos, 3);
    this.pos += 3;
    return v;
  }

  skip(n: number, field: string): void {
    this.need(n, field);
    this.pos += n;
  }

  /** A vector with a 1-, 2- or 3-byte length prefix, as a cursor over its body. */
  vector(prefix: 1 | 2 | 3, field: string, what: string = field): Cursor {
    const n = prefix === 1 ? this.u8(`${field} length`) : prefix === 2 ? this.u16(`${field} length`) : this.u24(`${field} length`);
    return this.take(n, field, what);
  }

  /** The next n bytes as a cursor (n already read by the caller). */
  take(n: number, field: string, what: string): Cursor {
    if (n > this.left) throw new DecodeError(`${field} length ${n} overruns the ${this.what} (${byteCount(this.left)} left)`);
    const sub = new Cursor(this.buf, this.pos, this.pos + n, what);
    this.pos += n;
    return sub;
  }

  /** A vector of uint16 values (cipher suites, groups, schemes, versions); odd lengths refused. */
  u16List(prefix: 1 | 2, field: string): number[] {
    const n = prefix === 1 ? this.u8(`${field} length`) : this.u16(`${field} length`);
    if (n % 2 !== 0) throw new DecodeError(`${field} length ${n} is odd`);
    const list = this.take(n, field, field);
    const out: number[] = [];
    while (list.left > 0) out.push(list.u16(field));
    return out;
  }

  bytes(n: number, field: string): Buffer {
    this.need(n, field);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** Nothing may follow the last field of a container. */
  expectEnd(after: string): void {
    if (this.left > 0) throw new DecodeError(`${byteCount(this.left)} after ${after} in the ${this.what}`);
  }
}

/**
 * The extensions block that may end a hello (RFC 8446 §4.1.2 and §4.1.3; SSL 3.0 and many TLS 1.0
 * peers send none), read to the end of the container: each extension's type and body in order, no
 * type twice (RFC 8446 §4.2: "There MUST NOT be more than one extension of the same type"). Returns
 * the types in order.
 */
export function readExtensions(c: Cursor, each: (type: number, body: Cursor) => void): number[] {
  const types: number[] = [];
  if (c.left === 0) return types;
  const block = c.vector(2, 'extensions', c.what);
  c.expectEnd('extensions');
  while (block.left > 0) {
    const type = block.u16('extension type');
    const body = block.vector(2, `extension ${hex16(type)}`, `${extensionName(type)} extension`);
    if (types.includes(type)) throw new DecodeError(`extension ${hex16(type)} (${extensionName(type)}) sent twice`);
    types.push(type);
    each(type, body);
  }
  return types;
}
