/**
 * Handshake messages over records (RFC 5246 §7.4, RFC 8446 §4): msg_type(1) length(3) body. The
 * record layer may split one message over several records and put several messages in one record
 * (RFC 8446 §5.1), so messages are reassembled from the fragments of the handshake records, in order.
 */
import { ByteQueue } from './byte-queue.js';

/** The handshake types mxlab writes or looks for (RFC 5246 §7.4, RFC 8446 §4). */
export const HANDSHAKE_TYPE = {
  clientHello: 1,
  serverHello: 2,
  newSessionTicket: 4,
  encryptedExtensions: 8,
  certificate: 11,
  serverKeyExchange: 12,
  certificateRequest: 13,
  serverHelloDone: 14,
  certificateStatus: 22,
} as const;

const HEADER = 4;
/** The 3-byte length field's own limit. */
const MAX_ENCODABLE = 0xffffff;

/** One handshake message: the 4-byte header and the body. */
export function writeHandshake(type: number, body: Uint8Array): Buffer {
  if (body.length > MAX_ENCODABLE) throw new RangeError(`a handshake body of ${body.length} bytes does not fit its 3-byte length`);
  const out = Buffer.allocUnsafe(HEADER + body.length);
  out[0] = type;
  out.writeUIntBE(body.length, 1, 3);
  out.set(body, HEADER);
  return out;
}

export interface HandshakeMessage {
  readonly type: number;
  readonly body: Buffer;
  /** Header and body as sent (what JA3/JA4 and transcript hashes are computed over). */
  readonly bytes: Buffer;
}

export type HandshakeRead =
  | { readonly status: 'message'; readonly message: HandshakeMessage }
  | { readonly status: 'incomplete' }
  | { readonly status: 'invalid'; readonly reason: string };

export interface ReassemblerOptions {
  /**
   * Longest message body accepted. OpenSSL's own limits are of this order: 131396 bytes for a
   * ClientHello (CLIENT_HELLO_MAX_LENGTH), 100 KiB for a certificate list (max_cert_list).
   * @default 131072
   */
  readonly maxLength?: number;
}

const INCOMPLETE = { status: 'incomplete' } as const;

/** Reassembles handshake messages from the fragments of consecutive handshake records. */
export class HandshakeReassembler {
  readonly #queue = new ByteQueue();
  readonly #maxLength: number;
  #broken: Extract<HandshakeRead, { status: 'invalid' }> | undefined;

  constructor(opts: ReassemblerOptions = {}) {
    this.#maxLength = opts.maxLength ?? 131072;
  }

  /** Bytes held that are not part of a returned message: a message still arriving, or one not yet taken. */
  get buffered(): number {
    return this.#queue.length;
  }

  /** The fragment of one handshake record. */
  push(fragment: Buffer): void {
    this.#queue.push(fragment);
  }

  /** Type of the message at the front, as soon as its first byte is in. */
  peekType(): number | undefined {
    return this.#queue.length > 0 ? this.#queue.byteAt(0) : undefined;
  }

  next(): HandshakeRead {
    if (this.#broken) return this.#broken;
    const q = this.#queue;
    if (q.length < HEADER) return INCOMPLETE;
    const length = q.u24At(1);
    if (length > this.#maxLength) {
      this.#broken = { status: 'invalid', reason: `handshake message of ${length} bytes exceeds ${this.#maxLength}` };
      return this.#broken;
    }
    if (q.length < HEADER + length) return INCOMPLETE;
    const bytes = q.take(HEADER + length);
    return { status: 'message', message: { type: bytes[0]!, body: bytes.subarray(HEADER), bytes } };
  }
}
