import type { Socket } from 'node:net';

/** One thing read off a line-protocol stream. */
export type LineRead =
  /** A line without its CRLF (a bare LF also ends a line, as most servers accept). */
  | { readonly kind: 'line'; readonly bytes: Buffer }
  /**
   * The line passed the length limit. Reported as soon as the limit is passed, before its end has
   * arrived; the rest of that line, up to its LF, is dropped without another report.
   */
  | { readonly kind: 'overlong'; readonly limit: number; readonly bytes: number }
  /** Nothing arrived for `ms`. */
  | { readonly kind: 'timeout'; readonly ms: number }
  /** The stream ended; `partial` bytes of an unfinished line or literal were left. */
  | { readonly kind: 'end'; readonly partial: number; readonly error?: NodeJS.ErrnoException };

export type BytesRead = { readonly kind: 'bytes'; readonly bytes: Buffer } | Extract<LineRead, { kind: 'timeout' | 'end' }>;

export interface LineReaderOptions {
  /** Longest line accepted, CRLF not counted. */
  readonly maxLineBytes: number;
  /** How long a read waits for data before it reports a timeout. */
  readonly idleTimeoutMs: number;
  /** Bytes held before the socket is paused (a client that floods faster than we answer). @default maxLineBytes + 64 KiB */
  readonly highWaterBytes?: number;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into lines and counted literals and knows nothing of what they mean (the
 * role smtp-stream.js plays in smtp-server). Pull-based: an engine awaits the next line, answers, and
 * awaits again, so a pipelining client is answered in order. The reader can be detached from one
 * socket (STARTTLS) and attached to the next (the TLS socket).
 */
export class LineReader {
  readonly #o: LineReaderOptions;
  readonly #highWater: number;
  #socket?: Socket;
  #buf: Buffer = Buffer.alloc(0);
  /** Dropping the rest of an overlong line. */
  #discarding = false;
  #ended?: { error?: NodeJS.ErrnoException };
  #wake?: () => void;
  /** Bytes a pending readBytes() needs: the socket is not paused below this. */
  #want = 0;
  #paused = false;
  readonly #onData = (chunk: Buffer): void => this.#data(chunk);
  readonly #onEnd = (): void => this.#end();
  readonly #onClose = (): void => this.#end();
  readonly #onError = (err: NodeJS.ErrnoException): void => this.#end(err);

  constructor(options: LineReaderOptions) {
    this.#o = options;
    this.#highWater = options.highWaterBytes ?? options.maxLineBytes + 64 * 1024;
  }

  /** Bytes received and not read yet. */
  get buffered(): number {
    return this.#buf.length;
  }

  attach(socket: Socket): void {
    this.#socket = socket;
    this.#ended = undefined;
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('close', this.#onClose);
    socket.on('error', this.#onError);
    this.#paused = false;
    socket.resume();
    if (socket.destroyed) this.#end();
  }

  /**
   * Stops reading (the socket is left paused, with no listener of ours) and hands back what was
   * received and not read: for STARTTLS, bytes a client sent before it saw the answer.
   */
  detach(): Buffer {
    const socket = this.#socket;
    if (socket) {
      socket.pause();
      socket.off('data', this.#onData);
      socket.off('end', this.#onEnd);
      socket.off('close', this.#onClose);
      socket.off('error', this.#onError);
    }
    this.#socket = undefined;
    const rest = this.#buf;
    this.#buf = Buffer.alloc(0);
    this.#discarding = false;
    return rest;
  }

  /** The next line, an overlong report, a timeout, or the end. */
  nextLine(): Promise<LineRead> {
    return this.#wait(() => this.#takeLine());
  }

  /** Exactly `n` bytes (an IMAP literal), a timeout, or the end. */
  readBytes(n: number): Promise<BytesRead> {
    this.#want = n;
    return this.#wait<BytesRead>(() => {
      if (this.#buf.length < n) return undefined;
      const bytes = this.#buf.subarray(0, n);
      this.#buf = this.#buf.subarray(n);
      return { kind: 'bytes', bytes };
    }).finally(() => {
      this.#want = 0;
    });
  }

  #wait<T extends { kind: string }>(take: () => T | undefined): Promise<T | Extract<LineRead, { kind: 'timeout' | 'end' }>> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const arm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          this.#wake = undefined;
          resolve({ kind: 'timeout', ms: this.#o.idleTimeoutMs });
        }, this.#o.idleTimeoutMs);
      };
      const check = (fresh: boolean): void => {
        const got = take();
        if (got) {
          clearTimeout(timer);
          this.#wake = undefined;
          this.#maybeResume();
          resolve(got);
          return;
        }
        if (this.#ended) {
          clearTimeout(timer);
          this.#wake = undefined;
          resolve({ kind: 'end', partial: this.#buf.length, ...(this.#ended.error ? { error: this.#ended.error } : {}) });
          return;
        }
        // Any byte counts as activity: a slow line is not an idle client.
        if (fresh) arm();
        this.#maybeResume();
      };
      this.#wake = () => check(true);
      arm();
      check(false);
    });
  }

  #takeLine(): LineRead | undefined {
    if (this.#discarding) {
      const lf = this.#buf.indexOf(LF);
      if (lf < 0) {
        this.#buf = Buffer.alloc(0);
        return undefined;
      }
      this.#buf = this.#buf.subarray(lf + 1);
      this.#discarding = false;
    }
    const lf = this.#buf.indexOf(LF);
    const max = this.#o.maxLineBytes;
    if (lf >= 0) {
      const end = lf > 0 && this.#buf[lf - 1] === CR ? lf - 1 : lf;
      const line = this.#buf.subarray(0, end);
      this.#buf = this.#buf.subarray(lf + 1);
      if (line.length > max) return { kind: 'overlong', limit: max, bytes: line.length };
      return { kind: 'line', bytes: line };
    }
    // A CR may be the first half of the CRLF still to come: it does not count towards the limit.
    const length = this.#buf.length > 0 && this.#buf[this.#buf.length - 1] === CR ? this.#buf.length - 1 : this.#buf.length;
    if (length > max) {
      const bytes = this.#buf.length;
      this.#buf = Buffer.alloc(0);
      this.#discarding = true;
      return { kind: 'overlong', limit: max, bytes };
    }
    return undefined;
  }

  #data(chunk: Buffer): void {
    if (this.#discarding && !this.#buf.length) {
      const lf = chunk.indexOf(LF);
      if (lf < 0) {
        this.#wake?.();
        return;
      }
    }
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, chunk]) : chunk;
    if (this.#buf.length >= Math.max(this.#highWater, this.#want) && this.#socket && !this.#paused) {
      this.#paused = true;
      this.#socket.pause();
    }
    this.#wake?.();
  }

  #maybeResume(): void {
    if (this.#paused && this.#socket && this.#buf.length < Math.max(this.#highWater, this.#want)) {
      this.#paused = false;
      this.#socket.resume();
    }
  }

  #end(error?: NodeJS.ErrnoException): void {
    if (!this.#ended) this.#ended = error ? { error } : {};
    else if (error && !this.#ended.error) this.#ended.error = error;
    this.#wake?.();
  }
}
