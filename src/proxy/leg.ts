import type net from 'node:net';
import { drainOrClose } from '../line/drain.js';
import { LineReader } from '../line/line-reader.js';

/** Longest line the proxy relays; it reads lines to rewrite them, and a longer one ends the session. */
export const MAX_PROXY_LINE = 1024 * 1024;
/** An IMAP literal or SMTP BDAT chunk is relayed in pieces of at most this many bytes, never held whole. */
export const PROXY_PIECE = 64 * 1024;
/**
 * Bytes the proxy lets wait in a leg's outgoing socket buffer (a peer slower to read than the other
 * side is to send): past it the proxy stops reading the other side until the buffer drains.
 */
export const PROXY_OUT_HIGH = 256 * 1024;

const CRLF = Buffer.from('\r\n');

/** The last time either leg of a session received anything. */
export class Activity {
  #at = Date.now();
  touch(): void {
    this.#at = Date.now();
  }
  get idleMs(): number {
    return Date.now() - this.#at;
  }
}

/** Why a leg stopped reading. */
export interface LegEnd {
  /** Bytes of an unfinished line or literal left over. */
  readonly partial: number;
  readonly error?: NodeJS.ErrnoException;
  /** A line passed MAX_PROXY_LINE. */
  readonly overlong?: number;
  /** Neither leg sent anything for this long. */
  readonly idleMs?: number;
}

/**
 * One side of a proxied session (the client's connection or the upstream's), read line by line with
 * the shared line reader while the proxy still reads plaintext. A read that waits longer than the
 * idle time goes on waiting as long as the other leg is busy: a client waiting for a slow server is
 * not idle.
 */
export class Leg {
  readonly name: 'client' | 'upstream';
  readonly socket: net.Socket;
  readonly reader: LineReader;
  readonly #idleMs: number;
  readonly #activity: Activity;
  #ended?: LegEnd;
  /** The leg this one's reads are written to: its reads wait while that leg's outgoing buffer is full. */
  #outlet?: Leg;

  constructor(name: 'client' | 'upstream', socket: net.Socket, idleMs: number, activity: Activity) {
    this.name = name;
    this.socket = socket;
    this.#idleMs = idleMs;
    this.#activity = activity;
    this.reader = new LineReader({ maxLineBytes: MAX_PROXY_LINE, idleTimeoutMs: idleMs });
    this.reader.attach(socket);
  }

  /** Names the leg that what this one reads is relayed to (backpressure: see `drained`). */
  pairWith(outlet: Leg): void {
    this.#outlet = outlet;
  }

  /**
   * Resolves once this leg's outgoing buffer is below PROXY_OUT_HIGH (or the socket is gone). A read
   * of the other leg waits for it, so a slow reader on one side slows the sender on the other (its
   * bytes wait in the kernel's buffers, and the line reader pauses its socket) instead of piling up in
   * the proxy's memory.
   */
  drained(): Promise<void> {
    const socket = this.socket;
    if (socket.destroyed || !socket.writable || socket.writableLength < PROXY_OUT_HIGH) return Promise.resolve();
    return drainOrClose(socket);
  }

  /** Set once a read found the leg closed, silent or broken. */
  get ended(): LegEnd | undefined {
    return this.#ended;
  }

  /** The next line without its line end, or undefined when the leg ended (`ended` says why). */
  async line(): Promise<Buffer | undefined> {
    await this.#outlet?.drained();
    for (;;) {
      const r = await this.reader.nextLine();
      if (r.kind === 'line') {
        this.#activity.touch();
        return r.bytes;
      }
      if (r.kind === 'timeout') {
        if (this.#activity.idleMs < this.#idleMs) continue;
        this.#ended = { partial: this.reader.buffered, idleMs: this.#idleMs };
      } else if (r.kind === 'overlong') {
        this.#ended = { partial: r.bytes, overlong: r.limit };
      } else {
        this.#ended = { partial: r.partial, ...(r.error ? { error: r.error } : {}) };
      }
      return undefined;
    }
  }

  /**
   * Relays exactly n bytes (an IMAP literal, a BDAT chunk) to `to`, in pieces of PROXY_PIECE, each
   * read only once `to` has room: whatever the size, the proxy holds at most a piece and a full
   * outgoing buffer of it. False when this leg ended first (`ended` says why).
   */
  async relayBytes(n: number, to: Leg): Promise<boolean> {
    let left = n;
    while (left > 0) {
      await to.drained();
      const piece = await this.#bytes(Math.min(left, PROXY_PIECE), n - left);
      if (!piece) return false;
      to.write(piece);
      left -= piece.length;
    }
    return true;
  }

  /** Exactly n bytes, or undefined when the leg ended; `got` bytes of the same chunk came before. */
  async #bytes(n: number, got: number): Promise<Buffer | undefined> {
    for (;;) {
      const r = await this.reader.readBytes(n);
      if (r.kind === 'bytes') {
        this.#activity.touch();
        return r.bytes;
      }
      if (r.kind === 'timeout') {
        if (this.#activity.idleMs < this.#idleMs) continue;
        this.#ended = { partial: got + this.reader.buffered, idleMs: this.#idleMs };
      } else {
        this.#ended = { partial: got + r.partial, ...(r.error ? { error: r.error } : {}) };
      }
      return undefined;
    }
  }

  write(data: Buffer | string): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(data);
  }

  /** A line with CRLF (the proxy re-terminates every line it reads). */
  writeLine(line: Buffer | string): void {
    this.write(Buffer.concat([typeof line === 'string' ? Buffer.from(line, 'utf8') : line, CRLF]));
  }
}
