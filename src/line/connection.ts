import type net from 'node:net';
import type { SessionEmitter } from '../events/session-emitter.js';
import { serverHandshake } from '../handshake/server-handshake.js';
import type { ServerTls, TlsSummary } from '../handshake/server-tls.js';
import { SessionFaults } from '../profiles/session-faults.js';
import type { KeyLog } from '../tls/keylog.js';
import { drainOrClose } from './drain.js';
import { type BytesRead, type LineRead, LineReader } from './line-reader.js';

/** What replaces a secret (password, SASL response) in every transcript, as in the SMTP records. */
export const SECRET_MASK = '/* secret masked */';

/** Transcript lines longer than this are cut (a fuzzer's megabyte line is not worth keeping). */
const TRANSCRIPT_MAX = 512;

export interface LineConnectionOptions {
  readonly id: string;
  readonly raw: net.Socket;
  readonly tlsMode: 'explicit' | 'implicit';
  /** The session's events, stamped with its id and peer. */
  readonly events: SessionEmitter;
  /** The peer's TLS personality as it was when the session started. */
  readonly tls: ServerTls;
  readonly maxLineBytes: number;
  readonly idleTimeoutMs: number;
  readonly handshakeTimeoutMs: number;
  /** Where the session's TLS secrets go (SSLKEYLOGFILE format). */
  readonly keylog?: KeyLog;
}

/** A line for the transcript: UTF-8 (IMAP4rev2 allows it), control characters shown, long lines cut. */
export function transcriptText(bytes: Buffer | string): string {
  const text = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
  // eslint-disable-next-line no-control-regex
  const shown = text.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return shown.length > TRANSCRIPT_MAX ? `${shown.slice(0, TRANSCRIPT_MAX)}… (${text.length} characters)` : shown;
}

/**
 * One server-side connection of a hand-written line protocol (IMAP, POP3): the socket (plaintext,
 * then TLS after STARTTLS/STLS, or TLS from the start), the line reader, the transcript and the TLS
 * upgrade with the ClientHello read before OpenSSL. The protocol engine holds one of these and
 * contains only its protocol.
 */
export class LineConnection {
  readonly id: string;
  readonly tlsMode: 'explicit' | 'implicit';
  readonly raw: net.Socket;
  readonly remoteAddress: string;
  readonly #o: LineConnectionOptions;
  readonly #reader: LineReader;
  #socket: net.Socket;
  #tls?: TlsSummary;
  #errored = false;
  #tlsDone = false;
  #handshaking = false;
  #serverClosed?: string;
  /** Post-handshake quirks of the profile (closeAfterHandshake, closeAfterFirstCommand). */
  readonly #faults: SessionFaults;
  readonly #capsReported = new Set<boolean>();
  #sessionEnded = false;
  /** The client said goodbye (LOGOUT, QUIT): a reset after it is no error. */
  farewell = false;

  constructor(options: LineConnectionOptions) {
    this.#o = options;
    this.id = options.id;
    this.tlsMode = options.tlsMode;
    this.raw = options.raw;
    this.remoteAddress = options.raw.remoteAddress ?? '';
    this.#socket = options.raw;
    this.#reader = new LineReader({ maxLineBytes: options.maxLineBytes, idleTimeoutMs: options.idleTimeoutMs });
    this.#faults = new SessionFaults(options.tls.profile.quirks);
  }

  /** The negotiated TLS, once the handshake is done. */
  get tls(): TlsSummary | undefined {
    return this.#tls;
  }

  get secure(): boolean {
    return this.#tls !== undefined;
  }

  get closed(): boolean {
    return this.#socket.destroyed || !this.#socket.writable;
  }

  /** Starts reading plaintext commands (explicit TLS: 143/110 style). */
  startPlain(): void {
    this.#reader.attach(this.#socket);
  }

  /** Implicit TLS (993/995): the handshake comes first. False when it failed (the event says why). */
  async startImplicit(): Promise<boolean> {
    return this.#handshake();
  }

  /**
   * The next command line. The quirk closeAfterFirstCommand cuts the session here, before the first
   * command over TLS is answered (the end is what the engine then reads).
   */
  async nextLine(): Promise<LineRead> {
    const read = await this.#reader.nextLine();
    if (read.kind === 'line' && this.#fault('command', this.#faults.command(this.secure))) return { kind: 'end', partial: 0 };
    return read;
  }

  /** A post-handshake quirk said to cut the session: record why and close without a word. */
  #fault(stage: 'tls' | 'command', why: string | undefined): boolean {
    if (!why) return false;
    this.error(why, stage, 'QUIRK_SESSION_FAULT');
    this.#serverClosed = why;
    this.#socket.destroy();
    this.raw.destroy();
    return true;
  }

  readBytes(n: number): Promise<BytesRead> {
    return this.#reader.readBytes(n);
  }

  /** Records a client line (the engine masks secrets first). */
  client(text: string): void {
    this.#o.events.emit({ type: 'line', dir: 'C', line: transcriptText(text) });
  }

  /** Sends reply lines (CRLF added) and records them. */
  send(lines: string | readonly string[]): Promise<void> {
    const list = typeof lines === 'string' ? [lines] : lines;
    const at = Date.now();
    for (const line of list) this.#o.events.emit({ type: 'line', dir: 'S', line: transcriptText(line), at });
    return this.#write(Buffer.from(list.map((l) => `${l}\r\n`).join(''), 'utf8'));
  }

  /**
   * Sends the reply that ends the session (IMAP `* BYE` + `OK LOGOUT`, POP3 `+OK` to QUIT): the lines go
   * into the transcript and the session ends (its record is appended to sessions.jsonl by the lab's
   * recorder, a write(2) done) before they are written, so a crash after the client saw them cannot lose
   * the record. The close follows.
   */
  sendFinal(lines: string | readonly string[]): Promise<void> {
    const list = typeof lines === 'string' ? [lines] : lines;
    const at = Date.now();
    for (const line of list) this.#o.events.emit({ type: 'line', dir: 'S', line: transcriptText(line), at });
    this.endSession();
    return this.#write(Buffer.from(list.map((l) => `${l}\r\n`).join(''), 'utf8'));
  }

  /** Emits session-end, once: at the final reply, or when the connection has closed. */
  endSession(): void {
    if (this.#sessionEnded) return;
    this.#sessionEnded = true;
    this.#o.events.emit({ type: 'session-end' });
  }

  /**
   * Sends bulk data (a message body inside a FETCH or RETR reply) recorded as the `shown` lines
   * only: the transcript keeps the protocol, not the mail.
   */
  sendData(parts: readonly (string | Buffer)[], shown: readonly string[]): Promise<void> {
    const at = Date.now();
    for (const line of shown) this.#o.events.emit({ type: 'line', dir: 'S', line: transcriptText(line), at });
    return this.#write(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p))));
  }

  /**
   * SASL continuation (IMAP AUTHENTICATE, POP3 AUTH; RFC 4422 via RFC 9051 / RFC 5034): `+ prompt`,
   * then one line from the client, masked in the transcript unless it is the `*` that cancels.
   */
  async saslContinue(prompt = ''): Promise<LineRead> {
    await this.send(prompt ? `+ ${prompt}` : '+ ');
    const read = await this.nextLine();
    if (read.kind === 'line') this.client(read.bytes.toString('latin1').trim() === '*' ? '*' : SECRET_MASK);
    return read;
  }

  /**
   * The capability list as offered on this connection now (IMAP CAPABILITY, POP3 CAPA), once per
   * side of the TLS upgrade; `loginAllowed` and `startTlsOffered` go with the plaintext list of an
   * explicit session (LOGINDISABLED / no USER; STARTTLS / STLS listed).
   */
  capabilities(list: readonly string[], loginAllowed: boolean, startTlsOffered: boolean): void {
    const secure = this.secure;
    if (this.#capsReported.has(secure)) return;
    this.#capsReported.add(secure);
    const plaintext = !secure && this.tlsMode === 'explicit';
    this.#o.events.emit({ type: 'capabilities', secure, capabilities: list, ...(plaintext ? { loginAllowed } : {}) });
    if (plaintext) this.#o.events.emit({ type: 'starttls-offered', offered: startTlsOffered });
  }

  /** A note in the transcript: what happened that is neither a command nor a reply. */
  note(text: string): void {
    this.#o.events.emit({ type: 'note', text });
  }

  /** The server's policy refused a command (LOGIN before STARTTLS under `required`): the record's reply. */
  refused(reply: string): void {
    this.#o.events.emit({ type: 'policy-refused', reply });
  }

  /** The session failed (first failure only): the record's error. */
  error(message: string, stage: string, code?: string): void {
    if (this.#errored) return;
    this.#errored = true;
    this.#o.events.emit({ type: 'session-error', ...(code ? { code } : {}), message, stage });
  }

  /**
   * STARTTLS / STLS: answer with `reply`, then handshake on the same connection. Whatever the client
   * sent after the command and before it could have seen the answer is thrown away unread (RFC 2595
   * §3.1, RFC 3207 §4.2; the command-injection bug CVE-2011-0411). False when the handshake failed.
   */
  async startTls(reply: string): Promise<boolean> {
    const early = this.#reader.detach();
    if (early.length) this.note(`${early.length} bytes sent after the command and before the TLS handshake were discarded (RFC 2595 3.1; STARTTLS command injection)`);
    await this.send(reply);
    this.#o.events.emit({ type: 'starttls' });
    return this.#handshake();
  }

  /** Closes after what was sent has been written. */
  async close(): Promise<void> {
    const socket = this.#socket;
    if (socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        socket.destroy();
        resolve();
      }, 2000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.end();
    });
  }

  /** Closes at once; `reason` (the lab stopping) is what the record says when the engine notices. */
  destroy(reason?: string): void {
    if (reason && !this.#socket.destroyed) this.#serverClosed ??= reason;
    this.#socket.destroy();
    this.raw.destroy();
  }

  /**
   * The lab is stopping: say `farewell` (IMAP `* BYE`, POP3 `-ERR`) where a line can be sent (not in the
   * middle of a handshake), then close; `reason` is what the record says.
   */
  shutDown(reason: string, farewell: string): void {
    const socket = this.#socket;
    if (this.#handshaking || socket.destroyed || !socket.writable) {
      this.destroy(reason);
      return;
    }
    this.#serverClosed ??= reason;
    this.#o.events.emit({ type: 'line', dir: 'S', line: farewell });
    socket.end(`${farewell}\r\n`);
    setTimeout(() => this.destroy(), 200).unref();
  }

  /**
   * Records how the stream ended when the engine was waiting for the client: the lab stopping, a
   * goodbye, a vanished client between commands (a note: nothing was lost) or in the middle of a line
   * or literal, or a socket error (both errors). `farewell` names the command that should have come.
   */
  ended(read: Extract<LineRead, { kind: 'end' }>, farewell: string, inside?: string): void {
    if (this.#serverClosed) {
      if (!this.#errored) this.note(this.#serverClosed);
      return;
    }
    if (read.error && !(this.farewell && (read.error.code === 'ECONNRESET' || read.error.code === 'EPIPE'))) {
      this.error(`${read.error.message}${inside ? ` (${inside})` : ''}`, 'command', read.error.code);
      return;
    }
    if (inside) {
      this.error(`client closed the connection ${inside}`, 'command', 'ECONNRESET');
      return;
    }
    if (read.partial > 0) {
      this.error(`client closed the connection in the middle of a command line (${read.partial} bytes without CRLF)`, 'command', 'ECONNRESET');
      return;
    }
    if (!this.farewell) this.note(`client closed the connection without ${farewell}`);
  }

  /** Socket errors outside the handshake: a reset after LOGOUT/QUIT is how some clients say goodbye. */
  socketError(err: NodeJS.ErrnoException): void {
    // During and after a failed handshake the tls-failed event tells the story.
    if (this.#handshaking || (this.#tlsDone && !this.#tls)) return;
    if (this.farewell && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) return;
    this.error(err.message, 'command', err.code);
  }

  #write(data: Buffer): Promise<void> {
    const socket = this.#socket;
    if (socket.destroyed || !socket.writable) return Promise.resolve();
    return socket.write(data) ? Promise.resolve() : drainOrClose(socket);
  }

  /** Reads the ClientHello before OpenSSL and handshakes with the peer's context (handshake/server-handshake.ts). */
  async #handshake(): Promise<boolean> {
    this.#handshaking = true;
    try {
      const done = await serverHandshake(this.raw, {
        events: this.#o.events, tls: this.#o.tls, timeoutMs: this.#o.handshakeTimeoutMs, faults: this.#faults,
        closedBy: () => this.#serverClosed,
        ...(this.#o.keylog ? { keylog: this.#o.keylog } : {}),
      });
      this.#tlsDone = true;
      if (!done.ok) {
        this.destroy();
        return false;
      }
      this.#tls = done.summary;
      this.#socket = done.socket;
      done.socket.on('error', (err: NodeJS.ErrnoException) => this.socketError(err));
      this.#reader.attach(done.socket);
      return true;
    } finally {
      this.#handshaking = false;
    }
  }
}
