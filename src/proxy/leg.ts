import type net from 'node:net';
import { LineReader } from '../line/line-reader.js';

/** Longest line the proxy relays; it reads lines to rewrite them, and a longer one ends the session. */
export const MAX_PROXY_LINE = 1024 * 1024;
/** Largest IMAP literal or SMTP BDAT chunk the proxy holds while relaying it. */
export const MAX_PROXY_CHUNK = 64 * 1024 * 1024;

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

  constructor(name: 'client' | 'upstream', socket: net.Socket, idleMs: number, activity: Activity) {
    this.name = name;
    this.socket = socket;
    this.#idleMs = idleMs;
    this.#activity = activity;
    this.reader = new LineReader({ maxLineBytes: MAX_PROXY_LINE, idleTimeoutMs: idleMs });
    this.reader.attach(socket);
  }

  /** Set once a read found the leg closed, silent or broken. */
  get ended(): LegEnd | undefined {
    return this.#ended;
  }

  /** The next line without its line end, or undefined when the leg ended (`ended` says why). */
  async line(): Promise<Buffer | undefined> {
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

  /** Exactly n bytes (an IMAP literal, a BDAT chunk), or undefined when the leg ended. */
  async bytes(n: number): Promise<Buffer | undefined> {
    if (n > MAX_PROXY_CHUNK) {
      this.#ended = { partial: 0, overlong: MAX_PROXY_CHUNK };
      return undefined;
    }
    for (;;) {
      const r = await this.reader.readBytes(n);
      if (r.kind === 'bytes') {
        this.#activity.touch();
        return r.bytes;
      }
      if (r.kind === 'timeout') {
        if (this.#activity.idleMs < this.#idleMs) continue;
        this.#ended = { partial: this.reader.buffered, idleMs: this.#idleMs };
      } else {
        this.#ended = { partial: r.partial, ...(r.error ? { error: r.error } : {}) };
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
