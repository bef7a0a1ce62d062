import { randomBytes } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import type net from 'node:net';
import type tls from 'node:tls';
import type { SMTPServerSession } from 'smtp-server';
import type { ChainMaterial } from '../certs/chain-spec.js';
import type { EventBus } from '../events/event-bus.js';
import type { PeerSettingsView } from '../events/events.js';
import type { SessionEmitter } from '../events/session-emitter.js';
import { serverHandshake } from '../handshake/server-handshake.js';
import { ServerTls, type TlsSummary } from '../handshake/server-tls.js';
import type { ServerPolicy } from '../model/server-policy.js';
import type { Endpoint, PeerReconfiguration } from '../peer/peer.js';
import type { ConnectionLimits, ListenerSpec, SessionHandle } from '../peer/listening-peer.js';
import { ServerPeer, type ServerSettings } from '../peer/server-peer.js';
import type { Profile } from '../profiles/profile.js';
import { SessionFaults } from '../profiles/session-faults.js';
import { receivedHeader } from '../record/received-header.js';
import type { KeyLog } from '../tls/keylog.js';
import { personality as findPersonality, type SmtpPersonality } from './personality.js';
import { abandonUpgrade, acceptBdat, acceptBinaryMime, allowMailWithoutHelo, beginUpgrade, finishUpgrade, greetAfter, markSecure, onStartTls, readyWithoutGreeting, type SMTPConnection, SmtpEngine } from './smtp-server-adapter.js';

export interface SmtpReceiverOptions {
  /** Peer name in records and events. */
  readonly name: string;
  readonly profile: Profile;
  readonly material: ChainMaterial;
  readonly policy: ServerPolicy;
  readonly personality: SmtpPersonality;
  /** Name in the banner, EHLO reply and Received header. @default 'mx.mxlab.test' */
  readonly hostname?: string;
  readonly listeners: readonly ListenerSpec[];
  readonly bus: EventBus;
  /** Where accepted messages are written (the lab's run folder). */
  readonly runDir: { messageFile(id: string): string };
  /** How long to wait for a ClientHello and for the handshake. @default 10000 */
  readonly handshakeTimeoutMs?: number;
  /** Idle timeout between commands. @default 60000 */
  readonly idleTimeoutMs?: number;
  /** Milliseconds before the 220 greeting. @default 0 */
  readonly greetingDelayMs?: number;
  /** Largest message accepted (SIZE). @default 26214400 */
  readonly maxMessageBytes?: number;
  /** Where every TLS session's secrets go (SSLKEYLOGFILE format). */
  readonly keylog?: KeyLog;
  /** Connections at once, in all and per client address; the session deadline. */
  readonly limits?: ConnectionLimits;
  /**
   * Slowest DATA accepted, bytes per second on average once `dataRateGraceMs` has passed (Postfix 3.7's
   * smtpd_min_data_rate): a client trickling a message in is closed and recorded. @default 500
   */
  readonly minDataRate?: number;
  /** @default 10000 */
  readonly dataRateGraceMs?: number;
}

/**
 * The settings a session starts with and keeps, whatever the peer is changed to meanwhile: one
 * compiled TLS personality (one secure context for STARTTLS and SMTPS alike) and the SMTP engine
 * configured for the policy and personality.
 */
interface Settings extends ServerSettings {
  readonly personality: SmtpPersonality;
  readonly engine: SmtpEngine;
}

interface SessionState {
  readonly id: string;
  readonly raw: net.Socket;
  readonly tlsMode: 'explicit' | 'implicit';
  readonly settings: Settings;
  readonly events: SessionEmitter;
  readonly remoteAddress: string;
  conn?: SMTPConnection;
  tls?: TlsSummary;
  /** The TLS socket once the handshake is done (post-handshake faults close it). */
  secure?: tls.TLSSocket;
  /** A handshake is running: socket errors and closes are its to report. */
  handshaking: boolean;
  errored: boolean;
  quitSeen: boolean;
  greeted: boolean;
  lastCommand: string;
  inData: { bytes: number } | false;
  /** What the session's end waits for: the handshake, a message being written. */
  pending: Promise<unknown>[];
  /** How many of `pending` are not settled yet. */
  unsettled: number;
  finished: boolean;
  /** Set when the lab (not the client) closed the session. */
  closedBy?: string;
  /** Post-handshake quirks (closeAfterHandshake, closeAfterFirstCommand, closeInDataAfterBytes). */
  readonly faults: SessionFaults;
  /** Resolves the session handle's `ended` once session-end is out. */
  readonly ended: () => void;
}

/** smtp-server's and Postfix's default message_size_limit region: 25 MiB. */
const DEFAULT_MAX_MESSAGE_BYTES = 26214400;

/** Postfix-like queue id: 10 upper-case hex characters. */
const queueId = (): string => randomBytes(5).toString('hex').toUpperCase();

/**
 * A fake receiving MTA: smtp-server speaks SMTP; mxlab listens, accepts and does TLS itself, so the
 * ClientHello is read before OpenSSL sees it on SMTPS and after STARTTLS alike, through the one server
 * handshake path. Accepts every message into the run directory and never relays.
 */
export class SmtpReceiver extends ServerPeer<Settings> {
  declare readonly protocol: 'smtp';
  readonly #o: SmtpReceiverOptions;
  readonly #hostname: string;
  readonly #sessions = new Map<string, SessionState>();

  constructor(options: SmtpReceiverOptions) {
    super({ name: options.name, protocol: 'smtp', bus: options.bus, listeners: options.listeners, ...(options.limits ? { limits: options.limits } : {}) });
    this.#o = options;
    this.#hostname = options.hostname ?? 'mx.mxlab.test';
    this.current = this.#makeSettings(new ServerTls(options.profile, options.material), options.policy, options.personality);
  }

  protected busyLine(): string {
    // Postfix's words for smtpd_client_connection_count_limit.
    return `421 4.7.0 ${this.#hostname} Error: too many connections`;
  }

  protected override viewExtras(): Partial<PeerSettingsView> {
    return { personality: this.current.personality.name };
  }

  async reconfigure(change: PeerReconfiguration): Promise<void> {
    const before = this.settings;
    const { tls: serverTls, policy } = this.nextServerSettings(change);
    const personality = change.personality !== undefined ? findPersonality(change.personality) : this.current.personality;
    this.current = this.#makeSettings(serverTls, policy, personality);
    this.changed(before);
  }

  #makeSettings(serverTls: ServerTls, policy: ServerPolicy, personality: SmtpPersonality): Settings {
    const quirks = serverTls.profile.quirks ?? {};
    const log = (entry: { tnx?: string; cid?: string }, marker: unknown, line: unknown): void => {
      const state = entry.cid ? this.#sessions.get(entry.cid) : undefined;
      if (!state || typeof line !== 'string') return;
      if (marker === 'C:' && entry.tnx === 'command') this.#clientLine(state, line);
      if (marker === 'S:' && entry.tnx === 'send') this.#serverLines(state, line);
    };
    const engine = new SmtpEngine({
      name: this.#hostname,
      banner: 'mxlab',
      // No DNS: the lab never sends traffic beyond loopback, and a reverse lookup delays the banner.
      disableReverseLookup: true,
      authOptional: true,
      // A product without AUTH out of the box (Postfix) does not know the verb; its refusal is the personality's.
      authMethods: personality.auth === 'never' ? [] : ['PLAIN', 'LOGIN'],
      size: this.#o.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      // Past SIZE smtp-server answers 552 5.3.4 at the final dot, as Postfix does past message_size_limit.
      rejectOversized: true,
      hideSTARTTLS: policy === 'off' || !!quirks.hideStartTls,
      disabledCommands: [...(policy === 'off' ? ['STARTTLS'] : []), ...(personality.auth === 'never' ? ['AUTH'] : [])],
      hideENHANCEDSTATUSCODES: !personality.enhancedStatusCodes,
      socketTimeout: this.#o.idleTimeoutMs ?? 60000,
      onAuth: (auth, session, cb) => {
        // Exchange's Default Frontend offers basic authentication only over TLS.
        if (personality.auth === 'after-tls' && !session.secure) return cb(Object.assign(new Error('Unrecognized authentication type'), { responseCode: 504 }));
        cb(null, { user: auth.username ?? 'anonymous' });
      },
      onMailFrom: (_address, session, cb) => {
        if (policy === 'required' && !session.secure) {
          const state = this.#sessions.get(session.id);
          state?.events.emit({ type: 'policy-refused', reply: '530 5.7.0 Must issue a STARTTLS command first' });
          return cb(Object.assign(new Error('Must issue a STARTTLS command first'), { responseCode: 530 }));
        }
        cb();
      },
      onRcptTo: (_address, _session, cb) => cb(),
      onData: (stream, session, cb) => this.#onData(stream, session, cb),
      // At once, not on the next turn (smtp-server's defaults): the session is ready before the first
      // command it may already hold is parsed, and no turn of the event loop is spent per connection.
      onConnect: (_session, cb) => cb(),
      onSecure: (_socket, _session, cb) => cb(),
    }, log);
    return { tls: serverTls, policy, personality, engine };
  }

  protected accept(raw: net.Socket, endpoint: Endpoint, id: string): SessionHandle {
    const settings = this.current;
    const tlsMode = endpoint.tlsMode;
    const events = this.openSession(raw, endpoint, id, { profile: settings.tls.profile.name, policy: settings.policy });
    let resolveEnded!: () => void;
    const ended = new Promise<void>((resolve) => (resolveEnded = resolve));
    const state: SessionState = {
      id, raw, tlsMode, settings, events, remoteAddress: raw.remoteAddress ?? '', handshaking: false, errored: false, quitSeen: false, greeted: false,
      lastCommand: '', inData: false, pending: [], unsettled: 0, finished: false, faults: new SessionFaults(settings.tls.profile.quirks), ended: resolveEnded,
    };
    this.#sessions.set(id, state);
    this.#listen(state);
    if (tlsMode === 'explicit') this.#serve(raw, state);
    else void this.#implicit(state);
    return {
      ended,
      stop: (reason) => this.#closeWith(state, reason, `421 4.3.2 ${this.#hostname} Service shutting down`),
      expire: (why) => {
        if (!state.errored) {
          state.errored = true;
          state.events.emit({ type: 'session-error', code: 'ETIMEDOUT', message: why, stage: state.inData ? 'data' : 'command' });
        }
        this.#closeWith(state, why, `421 4.4.2 ${this.#hostname} Error: timeout exceeded`);
      },
    };
  }

  /**
   * Closes a session the server ends (the lab stopping, a deadline): RFC 5321 §3.8, a server says 421
   * before it closes where a reply can be sent (not in the middle of a handshake; in DATA the client
   * is not listening, so it is just closed).
   */
  #closeWith(state: SessionState, reason: string, reply: string): void {
    state.closedBy ??= reason;
    const socket = state.secure ?? state.raw;
    if (!state.handshaking && !state.inData && socket.writable && !socket.destroyed) {
      state.events.emit({ type: 'line', dir: 'S', line: reply });
      socket.end(`${reply}\r\n`);
      setTimeout(() => {
        state.secure?.destroy();
        state.raw.destroy();
      }, 200).unref();
      return;
    }
    state.secure?.destroy();
    state.raw.destroy();
  }

  /** Our own listeners on the raw socket (attached again after STARTTLS takes smtp-server's off). */
  #listen(state: SessionState): void {
    state.raw.on('error', (err: NodeJS.ErrnoException) => this.#socketError(state, err));
    state.raw.once('close', () => this.#end(state));
  }

  /** SMTPS: the handshake first, then the session is served over the TLS socket. */
  async #implicit(state: SessionState): Promise<void> {
    const socket = await this.#handshake(state);
    if (!socket || socket.destroyed) return;
    this.#serve(socket, state);
  }

  /**
   * Greets the client, and hands the socket to the SMTP engine when the client first speaks. Many
   * connections to an MTA never say a word (scanners, load balancer checks, a client that gives up
   * after the handshake): those cost no smtp-server connection. With a greeting delay (the pregreet
   * test) the engine takes the socket at once, since it is the one that catches early talkers.
   */
  #serve(socket: net.Socket, state: SessionState): void {
    if ((this.#o.greetingDelayMs ?? 0) > 0) {
      this.#hook(socket, state, false);
      return;
    }
    const p = state.settings.personality;
    const greeting = `220 ${p.greeting(this.#hostname, new Date())}`;
    state.greeted = true;
    state.events.emit({ type: 'line', dir: 'S', line: greeting });
    socket.write(`${greeting}\r\n`);
    const idleMs = this.#o.idleTimeoutMs ?? 60000;
    const attach = (): void => {
      socket.off('readable', onReadable);
      socket.off('timeout', idle);
      socket.setTimeout(0);
      if (!socket.destroyed) this.#hook(socket, state, true);
    };
    // 'readable' also comes at the end of the stream: a client that leaves without a word needs no engine.
    const onReadable = (): void => {
      if (socket.readableLength > 0) attach();
      // Take the end of the stream, so the socket ends its side and closes.
      else socket.read();
    };
    // A client silent for the idle time gets the engine's own timeout reply (421, then the close).
    const idle = (): void => {
      attach();
      socket.emit('timeout');
    };
    socket.on('readable', onReadable);
    socket.setTimeout(idleMs, idle);
  }

  /** One TLS attempt through the server handshake path; the TLS socket, or undefined when it failed. */
  #handshake(state: SessionState): Promise<tls.TLSSocket | undefined> {
    state.handshaking = true;
    const attempt = serverHandshake(state.raw, {
      events: state.events, tls: state.settings.tls, timeoutMs: this.#o.handshakeTimeoutMs ?? 10000, faults: state.faults,
      closedBy: () => state.closedBy,
      ...(this.#o.keylog ? { keylog: this.#o.keylog } : {}),
    }).then((done) => {
      state.handshaking = false;
      if (!done.ok) {
        state.errored = true;
        return undefined;
      }
      state.tls = done.summary;
      state.secure = done.socket;
      return done.socket;
    });
    this.#track(state, attempt);
    return attempt;
  }

  /**
   * Hands a socket to the session's SMTP engine and wires the connection it makes to the session;
   * `greeted`: the 220 is out already (the engine must not send another).
   */
  #hook(socket: net.Socket, state: SessionState, greeted: boolean): void {
    let conn: SMTPConnection;
    try {
      conn = state.settings.engine.attach(socket, state.id);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      state.errored = true;
      state.events.emit({ type: 'session-error', code: e.code ?? 'EINTERNAL', message: e.message, stage: 'connect' });
      this.bus.emit({ type: 'lab-warning', at: Date.now(), peer: this.name, session: state.id, code: e.code ?? 'EINTERNAL', message: e.message });
      socket.destroy();
      state.raw.destroy();
      return;
    }
    state.conn = conn;
    if (state.secure) markSecure(conn, state.secure);
    if (greeted) readyWithoutGreeting(conn);
    else greetAfter(conn, this.#o.greetingDelayMs ?? 0);
    const originalSend = conn.send.bind(conn);
    conn.send = (code, data, context) => {
      const r = this.#rewrite(state, code, data, context);
      // The reply to QUIT ends the session: its record goes to sessions.jsonl before the 221 is written.
      // As smtp-server writes it: its enhanced code (2.0.0 for a 221) only when the reply carries none of its own (context false).
      if (r.code === 221 && state.quitSeen) this.#finishBefore(state, `221 ${state.settings.personality.enhancedStatusCodes && r.context !== false ? '2.0.0 ' : ''}${typeof r.data === 'string' ? r.data : 'Bye'}`);
      originalSend(r.code, r.data, r.context);
    };
    conn.on('error', (err: NodeJS.ErrnoException) => this.#socketError(state, err));
    const p = state.settings.personality;
    if (p.chunking) acceptBdat(conn, (stream, session, cb) => this.#onData(stream, session, cb), (bytes) => p.chunkOk(bytes));
    if (p.binaryMime) acceptBinaryMime(conn);
    if (!p.heloRequired) allowMailWithoutHelo(conn, state.remoteAddress);
    if (state.tlsMode !== 'explicit') return;
    onStartTls(conn, (command, callback) => {
      // RFC 3207: STARTTLS takes no parameters.
      if (command.toString().trim().split(/\s+/).length > 1) {
        conn.send(501, 'Error: syntax: STARTTLS');
        return callback();
      }
      if (conn.secure) {
        conn.send(503, 'Error: TLS already active');
        return callback();
      }
      if (state.settings.tls.profile.quirks?.refuseStartTls) {
        // Postfix's answer when it cannot load its key: STARTTLS is advertised but refused, and the
        // client must go on in plaintext or leave.
        originalSend(454, 'TLS not available due to local problem');
        return callback();
      }
      conn.send(220, 'Ready to start TLS');
      state.events.emit({ type: 'starttls' });
      beginUpgrade(conn, callback);
      this.#listen(state);
      void this.#handshake(state).then((socket) => {
        if (socket && !socket.destroyed) {
          finishUpgrade(conn, socket);
          if (!state.settings.personality.heloRequired) allowMailWithoutHelo(conn, state.remoteAddress);
        }
        else abandonUpgrade(conn);
      });
    });
  }

  /**
   * Every reply smtp-server writes, in the personality's words: the greeting, the EHLO list (its
   * keywords in the product's order, STARTTLS where smtp-server would offer it), HELO, and the
   * personality's wording and enhanced code for the rest. Replies the receiver composed in the
   * personality's words already (the accepted-message reply, BDAT chunks) pass unchanged.
   */
  #rewrite(state: SessionState, code: number, data: string | string[] | null | undefined, context: string | false | undefined): { code: number; data: string | string[] | null | undefined; context: string | false | undefined } {
    const p = state.settings.personality;
    if (code === 220 && !state.greeted) {
      state.greeted = true;
      return { code, data: p.greeting(this.#hostname, new Date()), context: false };
    }
    if (context === 'DATA_OK' || context === 'PERSONALITY') return { code, data, context: false };
    const verb = state.lastCommand.split(/\s+/)[0]!.toUpperCase();
    if (code === 250 && Array.isArray(data) && verb === 'EHLO') {
      const engine = data.slice(1);
      const lines = p.ehlo({
        hostname: this.#hostname, client: state.lastCommand.split(/\s+/)[1] ?? '', remoteAddress: state.remoteAddress, secure: !!state.tls,
        startTls: engine.includes('STARTTLS'), size: this.#o.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      }, engine);
      return { code, data: lines, context: false };
    }
    if (code === 250 && verb === 'HELO' && typeof data === 'string') {
      return { code, data: p.helo(this.#hostname, state.lastCommand.split(/\s+/)[1] ?? '', state.remoteAddress), context: false };
    }
    const r = p.reply(code, typeof data === 'string' ? data : '', { hostname: this.#hostname, command: state.lastCommand, ...(context !== undefined ? { context } : {}) });
    return r ? { code: r.code, data: r.text, context: false } : { code, data, context };
  }

  #clientLine(state: SessionState, line: string): void {
    state.lastCommand = line;
    const verb = line.split(/\s+/)[0]!.toUpperCase();
    if (verb === 'QUIT') state.quitSeen = true;
    state.events.emit({ type: 'line', dir: 'C', line });
    // smtp-server logs a command before its handler runs: closing here means it is never answered.
    if (this.#closeForFault(state, 'command', state.faults.command(!!state.tls))) return;
    const helo = /^(?:EHLO|HELO|LHLO)\s+(\S+)/i.exec(line);
    if (helo) state.events.emit({ type: 'helo', name: helo[1]! });
  }

  #serverLines(state: SessionState, payload: string): void {
    const at = Date.now();
    const lines = payload.split('\r\n');
    for (const line of lines) state.events.emit({ type: 'line', dir: 'S', line, at });
    if (/^EHLO\b/i.test(state.lastCommand) && lines[0]?.startsWith('250') && state.tlsMode === 'explicit' && !state.tls) {
      state.events.emit({ type: 'starttls-offered', offered: lines.some((l) => /^250[ -]STARTTLS\b/i.test(l)) });
    }
    const last = lines[lines.length - 1] ?? '';
    if (/^421[ -]/.test(last)) {
      state.events.emit({ type: 'session-error', message: `server closed the session: ${last}`, stage: 'command', at });
      state.errored = true;
    }
  }

  #socketError(state: SessionState, err: NodeJS.ErrnoException): void {
    // During a handshake (and after a failed one) the handshake's tls-failed event tells the story.
    if (state.errored || state.handshaking) return;
    // A reset after QUIT is how some clients say goodbye.
    if (state.quitSeen && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) return;
    state.errored = true;
    state.events.emit({ type: 'session-error', ...(err.code ? { code: err.code } : {}), message: err.message, stage: state.inData ? 'data' : 'command' });
  }

  #onData(stream: NodeJS.ReadableStream & { sizeExceeded?: boolean; chunked?: boolean }, session: SMTPServerSession, cb: (err?: Error | null, message?: string) => void): void {
    const state = this.#sessions.get(session.id);
    const limit = this.#o.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    const chunks: Buffer[] = [];
    const inData = { bytes: 0 };
    // Past the limit nothing more is kept (it is counted): a client that ignores SIZE cannot fill memory.
    let over = false;
    if (state) state.inData = inData;
    const minRate = this.#o.minDataRate ?? 500;
    const grace = this.#o.dataRateGraceMs ?? 10000;
    const dataStarted = Date.now();
    const rateCheck = setInterval(() => {
      const seconds = (Date.now() - dataStarted) / 1000;
      if (!state || seconds * 1000 < grace || inData.bytes / seconds >= minRate) return;
      clearInterval(rateCheck);
      this.#closeForFault(state, 'data', `client sent ${inData.bytes} bytes of DATA in ${seconds.toFixed(1)} s, slower than the minimum of ${minRate} bytes/s (smtpd_min_data_rate)`, 'ETIMEDOUT');
    }, Math.min(1000, Math.max(50, grace / 2)));
    rateCheck.unref();
    stream.on('end', () => clearInterval(rateCheck));
    stream.on('error', () => clearInterval(rateCheck));
    stream.on('data', (chunk: Buffer) => {
      inData.bytes += chunk.length;
      if (!over && inData.bytes > limit) {
        over = true;
        chunks.length = 0;
      }
      if (!over) chunks.push(chunk);
      if (state) this.#closeForFault(state, 'data', state.faults.messageBytes(inData.bytes));
    });
    stream.on('error', (err: Error) => {
      if (state && !state.errored) {
        state.errored = true;
        state.events.emit({ type: 'session-error', message: `client closed the connection in the middle of DATA (${inData.bytes} bytes received): ${err.message}`, stage: 'data' });
      }
    });
    stream.on('end', () => {
      if (state) state.inData = false;
      if (over || stream.sizeExceeded) {
        state?.events.emit({ type: 'note', text: `message of ${inData.bytes} bytes refused: over the limit of ${limit} bytes (SIZE); nothing was stored` });
        // smtp-server answers 552 5.3.4 itself (rejectOversized).
        return cb();
      }
      const p = state?.settings.personality ?? this.current.personality;
      const id = p.newQueueId?.() ?? queueId();
      const messageId = /^Message-ID:[ \t]*(<[^>\r\n]+>)/im.exec(Buffer.concat(chunks.slice(0, 8)).toString('latin1').split(/\r?\n\r?\n/)[0] ?? '')?.[1];
      const queued = p.queued({ id, ...(messageId ? { messageId } : {}), ...(stream.chunked ? { chunkedBytes: inData.bytes } : {}) }, this.#hostname);
      const envelope = session.envelope;
      const from = envelope.mailFrom ? envelope.mailFrom.address : '';
      const to = envelope.rcptTo.map((r) => r.address);
      const header = receivedHeader({
        helo: session.hostNameAppearsAs || '',
        remoteAddress: session.remoteAddress,
        hostname: this.#hostname,
        id,
        ...(to.length === 1 ? { rcpt: to[0]! } : {}),
        date: new Date(),
        ...(state?.tls ? { tls: state.tls } : {}),
        authenticated: !!session.user,
      });
      const body = Buffer.concat([Buffer.from(header), ...chunks]);
      const file = this.#o.runDir.messageFile(id);
      const reply = `${queued.code} ${queued.text}`;
      // Written whole to a temporary name, then renamed: a crash never leaves a truncated .eml, and the
      // 250 goes out only once the message is complete on disk.
      const write = writeFile(`${file}.part`, body).then(() => rename(`${file}.part`, file)).then(
        () => {
          state?.events.emit({ type: 'message', id, from, to, size: body.length, file, reply });
          cb(null, queued.text);
        },
        (err: Error) => cb(Object.assign(new Error(`Cannot store the message: ${err.message}`), { responseCode: 451 })),
      );
      if (state) this.#track(state, write);
    });
  }

  /**
   * A post-handshake quirk (SessionFaults) said to cut the session here: record why and close both
   * the TLS socket and the TCP connection under it, without a reply. True when it did.
   */
  #closeForFault(state: SessionState, stage: 'tls' | 'command' | 'data', why: string | undefined, code = 'QUIRK_SESSION_FAULT'): boolean {
    if (!why) return false;
    if (!state.errored) {
      state.errored = true;
      state.events.emit({ type: 'session-error', code, message: why, stage });
    }
    state.secure?.destroy();
    state.raw.destroy();
    return true;
  }

  /**
   * Ends the session before its final reply is written (durability, issue 12): the reply is put in the
   * transcript, then session-end makes the record, which the lab's recorder appends to sessions.jsonl
   * with a write(2) before this returns. A crash after the client saw the reply cannot lose the record.
   * Only when nothing is still pending (a handshake, a message being written); otherwise the session
   * ends when the connection closes, as before.
   */
  #finishBefore(state: SessionState, reply: string): void {
    if (state.finished || state.unsettled > 0) return;
    state.finished = true;
    state.events.emit({ type: 'line', dir: 'S', line: reply });
    state.events.emit({ type: 'session-end' });
    this.#sessions.delete(state.id);
    state.ended();
  }

  /** Something the session's end must wait for (a handshake, a message being written). */
  #track(state: SessionState, p: Promise<unknown>): void {
    state.unsettled++;
    // Waited for, never read: a rejection is the tracked promise's own to report.
    state.pending.push(p.finally(() => state.unsettled--).catch(() => undefined));
  }

  #end(state: SessionState): void {
    if (state.finished) return;
    state.finished = true;
    if (state.inData && !state.errored) {
      state.errored = true;
      state.events.emit({ type: 'session-error', message: `${state.closedBy ?? 'client closed the connection'} in the middle of DATA (${state.inData.bytes} bytes received)`, stage: 'data' });
    }
    // A handshake still running reports its own end (tls-failed) first; a message still being written, its message event.
    void Promise.allSettled(state.pending).then(() => {
      state.events.emit({ type: 'session-end' });
      this.#sessions.delete(state.id);
      state.ended();
    });
  }
}
