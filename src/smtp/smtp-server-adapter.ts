/**
 * Everything mxlab needs of smtp-server beyond its documented options and hooks, in one place, typed
 * against the package's own declarations (smtp-server ships them, private members included). The
 * receiver owns the TLS side of SMTP itself — SMTPS and STARTTLS both go through the one server
 * handshake path (handshake/server-handshake.ts) with the peer's one secure context — so it takes
 * over the STARTTLS command and installs the finished TLS socket into smtp-server's connection the
 * way smtp-server's own upgrade() would.
 *
 * If smtp-server changes, `requireInternals` names what is gone (and test/smtp/internals-canary.test.ts
 * fails saying so); nothing here fails silently.
 */
import type net from 'node:net';
import { PassThrough } from 'node:stream';
import type tls from 'node:tls';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

export type { SMTPConnection };

/** The members of smtp-server 3.21 that mxlab reaches, and why. */
export const SMTP_SERVER_INTERNALS: Readonly<Record<string, string>> = {
  'SMTPServer.connections': 'finding the connection SMTPServer.connect() made for a socket',
  'SMTPServer.logger': 'the transcript: every command before its handler runs, every reply as written',
  'SMTPConnection.connectionReady': 'greeting at once (or after a configured delay) instead of the fixed 100 ms',
  'SMTPConnection._sendGreeting': 'a session greeted by mxlab before the engine took the socket is not greeted twice',
  'SMTPConnection.send': 'personality wording of the greeting and EHLO reply; the 454 of refuse-STARTTLS',
  'SMTPConnection.handler_STARTTLS': 'owning STARTTLS: the handshake goes through mxlab\'s server handshake path',
  'SMTPConnection._socket': 'the socket the connection reads and writes (raw, then TLS)',
  'SMTPConnection._parser': 'retiring the command parser at STARTTLS (nothing sent before the handshake may run after it); BDAT reads its chunks through the parser (SMTPStream._write, _dataMode)',
  'SMTPConnection._transactionCounter': 'a message taken with BDAT counts as a transaction, as one taken with DATA',
  'SMTPConnection.handler_MAIL': 'BODY=BINARYMIME for a personality that advertises it (smtp-server knows only 7BIT and 8BITMIME)',
  'SMTPConnection._createParser': 'a fresh parser for the TLS session',
  'SMTPConnection._upgrading': 'suppressing replies while the handshake runs',
  'SMTPConnection._onCloseEvent': 'the TLS socket\'s close ends the connection',
  'SMTPConnection._onClose': 'tidying a connection whose STARTTLS handshake failed',
  'SMTPConnection._onError': 'errors of the TLS socket',
  'SMTPConnection._armTimeout': 'the idle timeout on the TLS socket',
  'SMTPConnection._resetSession': 'RFC 3207 §4.2: forgetting what was said before TLS',
  'SMTPConnection.secure': 'marking the session secure (SMTPS, after STARTTLS)',
  'SMTPConnection.tlsOptions': 'the cipher smtp-server reports to its hooks',
  'SMTPConnection.hostNameAppearsAs': 'RFC 3207 §4.2: the EHLO name is forgotten after STARTTLS',
  'SMTPConnection.openingCommand': 'RFC 3207 §4.2: likewise the opening command',
};

type ConnectionMember = keyof SMTPConnection;
const CONNECTION_METHODS: readonly ConnectionMember[] = ['connectionReady', '_sendGreeting', 'send', 'handler_STARTTLS', 'handler_MAIL', '_createParser', '_onCloseEvent', '_onClose', '_onError', '_armTimeout', '_resetSession'];
const CONNECTION_FIELDS: readonly ConnectionMember[] = ['_socket', '_parser', '_upgrading', 'secure', 'tlsOptions', 'hostNameAppearsAs', 'openingCommand', '_transactionCounter'];

/** The internals a live connection lacks, by name (empty when all are there). */
export function missingInternals(server: SMTPServer, conn: object | undefined): string[] {
  const missing: string[] = [];
  if (!(server.connections instanceof Set)) missing.push('SMTPServer.connections');
  if (typeof server.logger?.debug !== 'function') missing.push('SMTPServer.logger');
  if (!conn) return [...missing, 'SMTPServer.connect() adding its connection to SMTPServer.connections'];
  for (const m of CONNECTION_METHODS) if (typeof Reflect.get(conn, m) !== 'function') missing.push(`SMTPConnection.${String(m)}`);
  for (const m of CONNECTION_FIELDS) if (!(m in conn)) missing.push(`SMTPConnection.${String(m)}`);
  const parser = Reflect.get(conn, '_parser') as object | false | undefined;
  if (parser && (typeof Reflect.get(parser, '_write') !== 'function' || !('_dataMode' in parser))) missing.push('SMTPStream._write and _dataMode');
  return missing;
}

/** smtp-server's set of open connections, remembering the one added last (the one connect() made). */
class LastAddedSet<T> extends Set<T> {
  #last: T | undefined;
  override add(value: T): this {
    this.#last = value;
    return super.add(value);
  }
  takeLast(): T | undefined {
    const last = this.#last;
    this.#last = undefined;
    return last;
  }
}

/**
 * One smtp-server instance used as an SMTP engine only: mxlab listens, accepts and does TLS; the
 * engine speaks SMTP on the sockets it is handed. A peer makes a new engine when its settings change,
 * and sessions already open keep the engine they started on.
 */
export class SmtpEngine {
  readonly server: SMTPServer;
  readonly #connections = new LastAddedSet<SMTPConnection>();
  #checked = false;

  /**
   * `transcript` gets smtp-server's debug log calls: every command line before its handler runs
   * (`{tnx: 'command', cid}, 'C:', line`) and every reply as written (`{tnx: 'send', cid}, 'S:', payload`).
   */
  constructor(options: Omit<SMTPServerOptions, 'logger'>, transcript?: (entry: { tnx?: string; cid?: string }, marker: unknown, line: unknown) => void) {
    // secured: TLS is terminated outside smtp-server (by mxlab), so it neither handshakes nor warns
    // about its built-in certificate; STARTTLS is answered by the handler installed in attach().
    this.server = new SMTPServer({ ...options, secured: true, logger: false });
    this.server.on('error', () => undefined);
    this.server.connections = this.#connections;
    // smtp-server's own logger wraps every call (an object copy per line); the transcript needs none of it.
    const quiet = (): void => undefined;
    const debug = transcript ? (data?: unknown, marker?: unknown, line?: unknown): void => transcript(typeof data === 'object' && data !== null ? data : {}, marker, line) : quiet;
    this.server.logger = { trace: quiet, debug, info: quiet, warn: quiet, error: quiet, fatal: quiet };
  }

  /**
   * Hands a socket (raw, or TLS for SMTPS) to smtp-server and returns the connection it made, whose
   * id is `id`. Throws, naming what is gone, when smtp-server's internals no longer fit.
   */
  attach(socket: net.Socket, id: string): SMTPConnection {
    this.#connections.takeLast();
    this.server.connect(socket, { id });
    const conn = this.#connections.takeLast();
    if (!this.#checked || !conn) {
      const missing = missingInternals(this.server, conn);
      if (missing.length) throw Object.assign(new Error(`smtp-server's internals changed (mxlab needs: ${missing.join(', ')})`), { code: 'ESMTPSERVERINTERNALS' });
      this.#checked = true;
    }
    return conn!;
  }
}

/**
 * smtp-server greets 100 ms after accepting to catch early talkers (a fixed delay); mxlab greets at once,
 * or after the receiver's own delay (postscreen's pregreet test).
 */
export function greetAfter(conn: SMTPConnection, delayMs: number): void {
  const ready = conn.connectionReady.bind(conn);
  let greeted = false;
  conn.connectionReady = (next) => {
    if (greeted) return;
    greeted = true;
    ready(next);
  };
  if (delayMs <= 0) conn.connectionReady();
  else setTimeout(() => conn.connectionReady(), delayMs).unref();
}

/**
 * The greeting went out before the engine took the socket: the session is ready, and says nothing more.
 * Once only: smtp-server's own 100 ms early-talker timer calls connectionReady again, which would reset
 * the session (RSET) under a client that had sent MAIL and RCPT by then, so its DATA got `503 need RCPT`.
 */
export function readyWithoutGreeting(conn: SMTPConnection): void {
  conn._sendGreeting = () => undefined;
  greetAfter(conn, 0);
}

/** Marks a connection handed over already in TLS (SMTPS) as secure, as smtp-server's own implicit TLS would. */
export function markSecure(conn: SMTPConnection, socket: tls.TLSSocket): void {
  conn.session.secure = conn.secure = true;
  conn.tlsOptions = socket.getCipher();
  conn.session.tlsOptions = conn.tlsOptions;
  conn.session.servername = socket.servername || undefined;
}

/** Replaces smtp-server's STARTTLS handler (it would do the handshake itself, on its own context). */
export function onStartTls(conn: SMTPConnection, handler: (command: Buffer, callback: () => void) => void): void {
  conn.handler_STARTTLS = handler;
}

/**
 * The first half of smtp-server's upgrade(): stop reading commands from the plaintext socket, retire
 * the parser (whatever the client pipelined after STARTTLS is dropped unanswered: RFC 3207 §4.2, the
 * command-injection bug CVE-2011-0411), suppress replies while the handshake runs, and take
 * smtp-server's listeners off the raw socket. Returns the raw socket for the handshake.
 */
export function beginUpgrade(conn: SMTPConnection, resume: () => void): net.Socket {
  const raw = conn._socket;
  const parser = conn._parser;
  if (parser) {
    raw.unpipe(parser);
    parser.isClosed = true;
  }
  conn._parser = conn._createParser();
  conn._upgrading = true;
  // The retired parser drains what it holds without dispatching anything.
  setImmediate(resume);
  raw.removeAllListeners();
  raw.setTimeout(0);
  return raw;
}

/** The second half: the handshake is done; the session goes on over TLS with a clean slate. */
export function finishUpgrade(conn: SMTPConnection, socket: tls.TLSSocket): void {
  socket.once('close', (hadError: boolean) => conn._onCloseEvent(hadError));
  socket.on('error', (err: Error) => conn._onError(err));
  conn._armTimeout(socket);
  conn.session.secure = conn.secure = true;
  conn._socket = socket;
  conn._upgrading = false;
  // RFC 3207 §4.2: the server must discard any knowledge obtained from the client before TLS.
  conn.session.user = false;
  conn.hostNameAppearsAs = false;
  conn.openingCommand = false;
  conn._resetSession();
  conn.tlsOptions = socket.getCipher();
  conn.session.tlsOptions = conn.tlsOptions;
  conn.session.servername = socket.servername || undefined;
  const parser = conn._parser;
  if (parser) socket.pipe(parser);
}

/** The handshake failed: the connection is over (smtp-server forgets it and calls onClose). */
export function abandonUpgrade(conn: SMTPConnection): void {
  conn._onClose();
}

/** The message stream a BDAT transaction feeds, as smtp-server's DATA stream (byteLength counted). */
export type MessageStream = PassThrough & { byteLength?: number; sizeExceeded?: boolean; chunked?: boolean };

/**
 * RFC 3030 CHUNKING, which smtp-server lacks: `BDAT <size> [LAST]` followed by exactly `size` bytes.
 * The chunks of one transaction go into one stream handed to `onMessage` (the receiver's DATA
 * handler) at the first BDAT; the reply to LAST is the one that handler gives, written as a DATA_OK
 * reply. The bytes are taken off the command parser: while a chunk is pending, the parser's _write
 * hands them over instead of parsing them as commands, and whatever follows the chunk in the same
 * packet (pipelined commands) is parsed only once the chunk's reply is out.
 */
export function acceptBdat(
  conn: SMTPConnection,
  onMessage: (stream: MessageStream, session: SMTPConnection['session'], cb: (err?: Error | null, message?: string) => void) => void,
  chunkReply: (bytes: number) => { code: number; text: string },
): void {
  let tx: { stream: MessageStream; bytes: number; result: Promise<{ err?: Error | null; message?: string }> } | undefined;
  let pending: { remaining: number; take: (b: Buffer) => void; done: (resume: () => void) => void } | undefined;
  const hooked = new WeakSet<object>();
  const hookParser = (): void => {
    const parser = conn._parser;
    if (!parser || hooked.has(parser)) return;
    hooked.add(parser);
    const original = parser._write.bind(parser);
    parser._write = (chunk: Buffer, encoding: BufferEncoding | 'buffer', next: (err?: Error | null) => void): void => {
      const p = pending;
      if (!p) return original(chunk, encoding, next);
      const take = Math.min(p.remaining, chunk.length);
      if (take) p.take(chunk.subarray(0, take));
      p.remaining -= take;
      if (p.remaining > 0) return next();
      pending = undefined;
      parser._dataMode = false;
      const rest = chunk.subarray(take);
      p.done(() => (rest.length ? original(rest, encoding, next) : next()));
    };
  };
  conn.on('close', () => tx?.stream.destroy(new Error('connection closed')));
  Reflect.set(conn, 'handler_BDAT', (command: Buffer, callback: () => void) => {
    const m = /^BDAT\s+(\d{1,12})(\s+LAST)?\s*$/i.exec(command.toString().trim());
    if (!m) {
      conn.send(501, 'Error: syntax: BDAT size [LAST]');
      return callback();
    }
    const size = Number(m[1]);
    const last = !!m[2];
    // RFC 3030 §2: a BDAT without a valid transaction is refused, its chunk read and thrown away.
    const refusal = !conn.session.envelope.rcptTo.length ? 'Error: need RCPT command' : undefined;
    if (!refusal && !tx) {
      const stream: MessageStream = new PassThrough();
      stream.byteLength = 0;
      stream.chunked = true;
      const result = new Promise<{ err?: Error | null; message?: string }>((resolve) => onMessage(stream, conn.session, (err, message) => resolve({ err, ...(message !== undefined ? { message } : {}) })));
      tx = { stream, bytes: 0, result };
    }
    const current = refusal ? undefined : tx;
    const finish = (resume: () => void): void => {
      if (refusal) {
        conn.send(503, refusal);
        return resume();
      }
      if (!last) {
        const r = chunkReply(size);
        conn.send(r.code, r.text, 'PERSONALITY');
        return resume();
      }
      tx = undefined;
      current!.stream.end();
      void current!.result.then(({ err, message }) => {
        const limit = conn._server.options.size;
        if (limit && current!.bytes > limit) conn.send(552, `Error: message exceeds fixed maximum message size ${limit}`, 'MESSAGE_TOO_BIG');
        else if (err) conn.send((err as { responseCode?: number }).responseCode ?? 450, err.message);
        else conn.send(250, message ?? 'OK: message queued', 'DATA_OK');
        conn._transactionCounter++;
        conn._resetSession();
        resume();
      });
    };
    const take = (b: Buffer): void => {
      if (!current) return;
      current.bytes += b.length;
      current.stream.byteLength = current.bytes;
      current.stream.write(b);
    };
    if (size === 0) {
      finish(callback);
      return;
    }
    hookParser();
    pending = { remaining: size, take, done: finish };
    if (conn._parser) conn._parser._dataMode = true;
    callback();
  });
}

/**
 * MAIL FROM before HELO/EHLO, as a server without smtpd_helo_required takes it: smtp-server refuses
 * MAIL while no HELO name is known, so the connection gets the client's address literal as one (what
 * Postfix logs as helo for such a client). Again after STARTTLS, which forgets the name.
 */
export function allowMailWithoutHelo(conn: SMTPConnection, remoteAddress: string): void {
  if (!conn.hostNameAppearsAs) conn.hostNameAppearsAs = `[${remoteAddress.replace(/^::ffff:/, '')}]`;
}

/** Accepts BODY=BINARYMIME in MAIL FROM (as 8BITMIME to smtp-server, which refuses BINARYMIME; BDAT carries it unchanged). */
export function acceptBinaryMime(conn: SMTPConnection): void {
  const mail = conn.handler_MAIL.bind(conn);
  conn.handler_MAIL = (command, callback) => mail(Buffer.from(command.toString('binary').replace(/\bBODY=BINARYMIME\b/i, 'BODY=8BITMIME'), 'binary'), callback);
}
