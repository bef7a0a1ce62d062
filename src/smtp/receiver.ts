import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import tls from 'node:tls';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { ChainMaterial } from '../certs/chain-spec.js';
import type { EventBus } from '../events/event-bus.js';
import { compileProfile } from '../profiles/compile.js';
import type { Profile } from '../profiles/profile.js';
import { receivedHeader } from '../record/received-header.js';
import { ServerTls, tlsFailedEvent, tlsSummary } from '../handshake/server-tls.js';
import type { ClientHelloSummary } from '../model/client-hello.js';
import { inspectHello } from '../handshake/inspect-hello.js';
import type { KeyLog } from '../tls/keylog.js';
import { SessionFaults } from '../profiles/session-faults.js';
import type { SmtpPersonality } from './personality.js';
import type { ServerPolicy } from '../model/server-policy.js';

export interface ReceiverListener {
  /** 'explicit': plaintext start with STARTTLS (25/587); 'implicit': SMTPS (465). */
  readonly tlsMode: 'explicit' | 'implicit';
  /** 0 lets the OS pick. */
  readonly port: number;
  /** @default '127.0.0.1' */
  readonly address?: string;
}

export interface SmtpReceiverOptions {
  /** Peer name in records and events. */
  readonly name: string;
  readonly profile: Profile;
  readonly material: ChainMaterial;
  readonly policy: ServerPolicy;
  readonly personality: SmtpPersonality;
  /** Name in the banner, EHLO reply and Received header. @default 'mx.mxlab.test' */
  readonly hostname?: string;
  readonly listeners: readonly ReceiverListener[];
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
}

export interface BoundListener {
  readonly tlsMode: 'explicit' | 'implicit';
  readonly address: string;
  readonly port: number;
}

/** What smtp-server keeps on a connection that the receiver needs to reach (smtp-server 3.21). */
interface ConnectionInternals {
  readonly id: string;
  readonly session: SMTPServerSession;
  _parser: NodeJS.WritableStream;
  upgrade(callback: () => void, secureCallback?: () => void): void;
  /** Arms the idle timer; smtp-server calls it with the new TLSSocket right after creating it for STARTTLS. */
  _armTimeout(socket?: net.Socket): void;
  connectionReady(next?: () => void): void;
  send(code: number, data?: string | string[], context?: unknown): void;
  on(event: 'error', listener: (err: NodeJS.ErrnoException & { meta?: { stage?: string } }) => void): void;
}

interface SessionState {
  readonly id: string;
  readonly raw: net.Socket;
  readonly tlsMode: 'explicit' | 'implicit';
  readonly remoteAddress: string;
  hello?: ClientHelloSummary;
  helloInvalid?: string;
  tls?: { version: string; cipher: string; bits: number };
  tlsFailed: boolean;
  /** SMTPS accepted or STARTTLS answered 220: a close before 'secure' is a failed handshake. */
  tlsStarted: boolean;
  /** The ClientHello went to OpenSSL. */
  handshaking: boolean;
  /** STARTTLS: smtp-server's TLS socket has only the idle timeout, so the handshake gets its own. */
  handshakeTimer?: NodeJS.Timeout;
  errored: boolean;
  quitSeen: boolean;
  greeted: boolean;
  lastCommand: string;
  inData: { bytes: number } | false;
  pending: Promise<unknown>[];
  ended: boolean;
  connectionId?: string;
  /** The session's TLS socket once the handshake is done (post-handshake faults close it). */
  secure?: tls.TLSSocket;
  /** inspectHello is running: the quirk gate may still record the session's failure itself. */
  inspecting?: boolean;
  /** Post-handshake quirks (closeAfterHandshake, closeAfterFirstCommand, closeInDataAfterBytes). */
  readonly faults: SessionFaults;
}

let sessionCounter = 0;

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

/** Postfix-like queue id: 10 upper-case hex characters. */
const queueId = (): string => randomBytes(5).toString('hex').toUpperCase();

/**
 * A fake receiving MTA: smtp-server as the SMTP engine, with mxlab's own listeners in front so the
 * ClientHello is read before OpenSSL sees it, both on SMTPS and after STARTTLS. Accepts every message
 * into the run directory and never relays.
 */
export class SmtpReceiver {
  readonly name: string;
  readonly #o: SmtpReceiverOptions;
  readonly #hostname: string;
  /** The compiled personality and the one description of its handshakes, shared with IMAP and POP3. */
  readonly #tls: ServerTls;
  readonly #servers: net.Server[] = [];
  readonly #engines = new Map<'explicit' | 'implicit', SMTPServer>();
  readonly #sessions = new Map<string, SessionState>();
  /** smtp-server connection id → our session id. */
  readonly #byConnection = new Map<string, SessionState>();
  #bound: BoundListener[] = [];
  #stopping = false;

  constructor(options: SmtpReceiverOptions) {
    this.#o = options;
    this.name = options.name;
    this.#hostname = options.hostname ?? 'mx.mxlab.test';
    this.#tls = new ServerTls(options.profile, options.material);
  }

  get listeners(): readonly BoundListener[] {
    return this.#bound;
  }

  async start(): Promise<readonly BoundListener[]> {
    for (const l of this.#o.listeners) {
      const engine = this.#engine(l.tlsMode);
      const server = net.createServer((socket) => this.#accept(socket, l.tlsMode, engine));
      server.on('error', () => undefined);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port: l.port, host: l.address ?? '127.0.0.1' }, () => {
          server.removeListener('error', reject);
          resolve();
        });
      }).catch((err: NodeJS.ErrnoException) => {
        const where = `${l.address ?? '127.0.0.1'}:${l.port}`;
        throw Object.assign(new Error(`${this.name}: cannot listen on ${where} (${l.tlsMode === 'implicit' ? 'smtps' : 'smtp'}): ${err.code ?? err.message}`), { code: err.code, peer: this.name, stage: 'listen' });
      });
      const addr = server.address() as net.AddressInfo;
      this.#servers.push(server);
      const bound = { tlsMode: l.tlsMode, address: addr.address, port: addr.port };
      this.#bound.push(bound);
      this.#o.bus.emit({ type: 'peer-listening', peer: this.name, protocol: 'smtp', tlsMode: l.tlsMode, address: addr.address, port: addr.port, profile: this.#o.profile.name, policy: this.#o.policy });
    }
    return this.#bound;
  }

  /** Stops listening, closes open sessions, and waits until every session has ended. */
  async stop(): Promise<void> {
    this.#stopping = true;
    // close() stops accepting at once, but its callback waits for every open connection: end the
    // sessions first, or a client that stays connected keeps the lab from ever stopping.
    const closed = Promise.all(this.#servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    for (const s of this.#sessions.values()) s.raw.destroy();
    await closed;
    while (this.#sessions.size) await new Promise((r) => setTimeout(r, 5));
    this.#o.bus.emit({ type: 'peer-stopped', peer: this.name });
  }

  #engine(tlsMode: 'explicit' | 'implicit'): SMTPServer {
    const existing = this.#engines.get(tlsMode);
    if (existing) return existing;
    const policy = this.#o.policy;
    const log = (entry: { tnx?: string; cid?: string }, marker: string, line: unknown): void => {
      const state = entry.cid ? this.#byConnection.get(entry.cid) : undefined;
      if (!state || typeof line !== 'string') return;
      if (marker === 'C:' && entry.tnx === 'command') this.#clientLine(state, line);
      if (marker === 'S:' && entry.tnx === 'send') this.#serverLines(state, line);
    };
    const engine = new SMTPServer({
      // Implicit connections reach the engine already wrapped in TLS by #accept.
      secure: tlsMode === 'implicit',
      name: this.#hostname,
      banner: 'mxlab',
      logger: { debug: log, info: () => undefined, warn: () => undefined, error: () => undefined, trace: () => undefined, fatal: () => undefined } as never,
      key: this.#o.material.key,
      cert: this.#o.material.cert,
      ...compileProfile(this.#o.profile, this.#o.material),
      // No DNS: the lab never sends traffic beyond loopback, and a reverse lookup delays the banner.
      disableReverseLookup: true,
      authOptional: true,
      authMethods: ['PLAIN', 'LOGIN'],
      size: this.#o.maxMessageBytes ?? 26214400,
      hideSTARTTLS: policy === 'off' || !!this.#o.profile.quirks?.hideStartTls,
      disabledCommands: policy === 'off' ? ['STARTTLS'] : [],
      hideENHANCEDSTATUSCODES: !this.#o.personality.enhancedStatusCodes,
      socketTimeout: this.#o.idleTimeoutMs ?? 60000,
      onAuth: (auth, _session, cb) => cb(null, { user: auth.username ?? 'anonymous' }),
      onMailFrom: (_address, session, cb) => {
        if (policy === 'required' && !session.secure) {
          const state = this.#byConnection.get(session.id);
          const err = Object.assign(new Error('Must issue a STARTTLS command first'), { responseCode: 530 });
          if (state) this.#o.bus.emit({ type: 'policy-refused', session: state.id, reply: '530 5.7.0 Must issue a STARTTLS command first' });
          return cb(err);
        }
        cb();
      },
      onRcptTo: (_address, _session, cb) => cb(),
      onSecure: (socket, session, cb) => {
        const state = this.#byConnection.get(session.id);
        // SMTPS sessions were described when their handshake finished; this hook runs after
        // smtp-server's greeting delay, when the client may already be gone.
        if (state && state.tlsMode === 'explicit' && socket instanceof tls.TLSSocket) {
          this.#established(state, socket);
          // Not calling back: smtp-server would start reading commands from a socket that is gone.
          if (this.#closeForFault(state, 'tls', state.faults.afterHandshake())) return;
        }
        cb();
      },
      onData: (stream, session, cb) => this.#onData(stream, session, cb),
      // The STARTTLS upgrade strips every listener off the raw socket, so the engine's own close
      // hook is what ends a hooked session.
      onClose: (session) => {
        const state = this.#byConnection.get(session.id);
        if (state) this.#end(state);
      },
    });
    engine.on('error', () => undefined);
    (engine as unknown as { connections: Set<unknown> }).connections = new LastAddedSet();
    this.#engines.set(tlsMode, engine);
    return engine;
  }

  #accept(raw: net.Socket, tlsMode: 'explicit' | 'implicit', engine: SMTPServer): void {
    const id = `${this.name}-${++sessionCounter}`;
    const state: SessionState = {
      id, raw, tlsMode, remoteAddress: raw.remoteAddress ?? '', tlsFailed: false, tlsStarted: false, handshaking: false, errored: false, quitSeen: false, greeted: false,
      lastCommand: '', inData: false, pending: [], ended: false, faults: new SessionFaults(this.#o.profile.quirks),
    };
    this.#sessions.set(id, state);
    const bus = this.#o.bus;
    bus.emit({
      type: 'session-start', session: id, peer: this.name, role: 'server', protocol: 'smtp', tlsMode,
      profile: this.#o.profile.name, policy: tlsMode === 'implicit' ? 'implicit' : this.#o.policy,
      local: { address: raw.localAddress ?? '', port: raw.localPort ?? 0 },
      remote: { address: raw.remoteAddress ?? '', port: raw.remotePort ?? 0 },
      at: Date.now(),
    });
    raw.on('error', (err: NodeJS.ErrnoException) => this.#socketError(state, err));
    raw.once('close', () => this.#end(state));
    if (tlsMode === 'explicit') {
      this.#hook(engine, raw, state);
      return;
    }
    void this.#implicit(raw, state, engine);
  }

  /** SMTPS: read the hello, hand the bytes back, handshake here, then give the TLS socket to the engine. */
  async #implicit(raw: net.Socket, state: SessionState, engine: SMTPServer): Promise<void> {
    const timeoutMs = this.#o.handshakeTimeoutMs ?? 10000;
    state.tlsStarted = true;
    const inspection = await this.#inspect(state, raw, timeoutMs);
    if (inspection.gone) {
      // The quirk gate has recorded its own precise failure; a close that #end saw is worded there.
      if (inspection.gated) state.tlsFailed = true;
      else if (!state.ended) this.#tlsFailed(state, { message: inspection.gone, code: 'ECONNRESET' });
      raw.destroy();
      return;
    }
    state.hello = inspection.hello;
    state.helloInvalid = inspection.invalid;
    state.handshaking = true;
    const secure = new tls.TLSSocket(raw, { isServer: true, secureContext: this.#tls.context, requestCert: false });
    this.#o.keylog?.attach(secure);
    // Kept on the state so that #end clears it when the client leaves mid-handshake.
    state.handshakeTimer = setTimeout(() => secure.destroy(Object.assign(new Error(`TLS handshake not finished within ${timeoutMs} ms`), { code: 'ERR_TLS_HANDSHAKE_TIMEOUT' })), timeoutMs);
    secure.once('secure', () => {
      clearTimeout(state.handshakeTimer);
      this.#established(state, secure);
      if (this.#closeForFault(state, 'tls', state.faults.afterHandshake())) return;
      if (!secure.destroyed) this.#hook(engine, secure, state);
    });
    secure.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(state.handshakeTimer);
      if (!state.tls) this.#tlsFailed(state, err);
      else this.#socketError(state, err);
      raw.destroy();
    });
  }

  /**
   * Reads the hello and runs the quirk gate. The session's end waits for it: a gate reaction (close,
   * reset, hang, an imitated flight) ends the connection itself and reports the failure just after.
   */
  #inspect(state: SessionState, raw: net.Socket, timeoutMs: number): ReturnType<typeof inspectHello> {
    state.inspecting = true;
    const inspection = inspectHello(raw, { session: state.id, bus: this.#o.bus, timeoutMs, profile: this.#o.profile, certPem: this.#o.material.cert });
    state.pending.push(inspection);
    return inspection.finally(() => {
      state.inspecting = false;
    });
  }

  /** Hands a socket to smtp-server and attaches the session to the connection it creates. */
  #hook(engine: SMTPServer, socket: net.Socket, state: SessionState): void {
    const connections = (engine as unknown as { connections: LastAddedSet<ConnectionInternals> }).connections;
    connections.takeLast();
    engine.connect(socket, {});
    const conn = connections.takeLast();
    if (!conn) return;
    this.#greetAfter(conn, this.#o.greetingDelayMs ?? 0);
    this.#byConnection.set(conn.id, state);
    state.connectionId = conn.id;
    const c = conn;
    const originalSend = c.send.bind(c);
    c.send = (code, data, context) => originalSend(code, this.#rewrite(state, code, data), context);
    c.on('error', (err) => {
      // smtp-server reports a failed STARTTLS handshake twice with the same object.
      if (state.tlsFailed) return;
      if (state.tlsMode === 'explicit' && !state.tls && (err.meta?.stage === 'upgrade' || /SSL|TLS/.test(String(err.code)) || state.lastCommand === 'STARTTLS')) {
        this.#tlsFailed(state, err);
      } else {
        this.#socketError(state, err);
      }
    });
    if (state.tlsMode !== 'explicit') return;
    if (this.#o.profile.quirks?.refuseStartTls) {
      // Postfix's answer when it cannot load its key (`454 4.7.0 TLS not available due to local
      // problem`): STARTTLS is advertised but refused, and the client must go on in plaintext or leave.
      // smtp-server's own handler would already have sent its 220, so the command is answered here.
      (c as unknown as { handler_STARTTLS: (command: Buffer, callback: () => void) => void }).handler_STARTTLS = (_command, callback) => {
        originalSend(454, 'TLS not available due to local problem');
        callback();
      };
    }
    const keylog = this.#o.keylog;
    if (keylog) {
      // smtp-server creates the STARTTLS TLSSocket itself and arms its idle timer on it at once,
      // before the handshake has read a byte: the one place to reach the socket in time.
      const arm = c._armTimeout.bind(c);
      c._armTimeout = (socket) => {
        if (socket instanceof tls.TLSSocket) keylog.attach(socket);
        arm(socket);
      };
    }
    const originalUpgrade = c.upgrade.bind(c);
    c.upgrade = (callback, secureCallback) => {
      this.#o.bus.emit({ type: 'starttls', session: state.id, at: Date.now() });
      state.tlsStarted = true;
      state.raw.unpipe(c._parser);
      void this.#inspect(state, state.raw, this.#o.handshakeTimeoutMs ?? 10000).then((inspection) => {
        if (inspection.gone) {
          if (inspection.gated) state.tlsFailed = true;
          else if (!state.ended) this.#tlsFailed(state, { message: inspection.gone, code: 'ECONNRESET' });
          state.raw.destroy();
          return;
        }
        state.hello = inspection.hello;
        state.helloInvalid = inspection.invalid;
        if (state.raw.destroyed) return;
        state.handshaking = true;
        const timeoutMs = this.#o.handshakeTimeoutMs ?? 10000;
        state.handshakeTimer = setTimeout(() => {
          if (state.tls || state.tlsFailed || state.ended) return;
          this.#tlsFailed(state, { code: 'ERR_TLS_HANDSHAKE_TIMEOUT', message: `TLS handshake not finished within ${timeoutMs} ms` });
          state.raw.destroy();
        }, timeoutMs);
        originalUpgrade(callback, secureCallback);
      });
    };
  }

  /** Personality wording for the greeting and the first EHLO line; the quirk that hides STARTTLS. */
  #rewrite(state: SessionState, code: number, data: string | string[] | undefined): string | string[] | undefined {
    const p = this.#o.personality;
    if (code === 220 && !state.greeted) {
      state.greeted = true;
      return p.greeting(this.#hostname, new Date());
    }
    if (code === 250 && Array.isArray(data) && /^EHLO\b/i.test(state.lastCommand)) {
      const client = state.lastCommand.split(/\s+/)[1] ?? '';
      return [p.ehloFirstLine(this.#hostname, client, state.remoteAddress), ...data.slice(1)];
    }
    return data;
  }

  #clientLine(state: SessionState, line: string): void {
    const at = Date.now();
    state.lastCommand = line;
    const verb = line.split(/\s+/)[0]!.toUpperCase();
    if (verb === 'QUIT') state.quitSeen = true;
    this.#o.bus.emit({ type: 'line', session: state.id, dir: 'C', line, at });
    // smtp-server logs a command before its handler runs: closing here means it is never answered.
    if (this.#closeForFault(state, 'command', state.faults.command(!!state.tls))) return;
    const helo = /^(?:EHLO|HELO|LHLO)\s+(\S+)/i.exec(line);
    if (helo) this.#o.bus.emit({ type: 'helo', session: state.id, name: helo[1]! });
  }

  #serverLines(state: SessionState, payload: string): void {
    const at = Date.now();
    const lines = payload.split('\r\n');
    for (const line of lines) this.#o.bus.emit({ type: 'line', session: state.id, dir: 'S', line, at });
    if (/^EHLO\b/i.test(state.lastCommand) && lines[0]?.startsWith('250') && state.tlsMode === 'explicit' && !state.tls) {
      this.#o.bus.emit({ type: 'starttls-offered', session: state.id, offered: lines.some((l) => /^250[ -]STARTTLS\b/i.test(l)) });
    }
    const last = lines[lines.length - 1] ?? '';
    if (/^421[ -]/.test(last)) {
      this.#o.bus.emit({ type: 'session-error', session: state.id, message: `server closed the session: ${last}`, stage: 'command', at });
      state.errored = true;
    }
  }

  /**
   * smtp-server holds every greeting back by a fixed 100 ms to catch early talkers; the receiver greets
   * after its own delay instead (0 by default; a personality such as postscreen's pregreet test can
   * set one).
   */
  #greetAfter(conn: ConnectionInternals, delayMs: number): void {
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

  #established(state: SessionState, socket: tls.TLSSocket): void {
    clearTimeout(state.handshakeTimer);
    if (state.tls) return;
    // Undefined once the client has gone (getCipher() is null): nothing to describe, #end records the close.
    const event = this.#tls.establishedEvent(state.id, socket, state.hello);
    if (!event) return;
    state.tls = tlsSummary(event);
    state.secure = socket;
    this.#o.bus.emit(event);
  }

  #tlsFailed(state: SessionState, err: { code?: string; message: string; reason?: string }): void {
    if (state.tlsFailed || state.tls) return;
    state.tlsFailed = true;
    this.#o.bus.emit(tlsFailedEvent(state.id, err, state.helloInvalid));
  }

  #socketError(state: SessionState, err: NodeJS.ErrnoException): void {
    if (state.errored || state.tlsFailed) return;
    // A reset after QUIT is how some clients say goodbye.
    if (state.quitSeen && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) return;
    if (state.tlsMode === 'explicit' && state.lastCommand.toUpperCase() === 'STARTTLS' && !state.tls) {
      this.#tlsFailed(state, err);
      return;
    }
    state.errored = true;
    this.#o.bus.emit({ type: 'session-error', session: state.id, ...(err.code ? { code: err.code } : {}), message: err.message, stage: state.inData ? 'data' : 'command', at: Date.now() });
  }

  #onData(stream: NodeJS.ReadableStream & { sizeExceeded?: boolean }, session: SMTPServerSession, cb: (err?: Error | null, message?: string) => void): void {
    const state = this.#byConnection.get(session.id);
    const chunks: Buffer[] = [];
    const inData = { bytes: 0 };
    if (state) state.inData = inData;
    stream.on('data', (chunk: Buffer) => {
      inData.bytes += chunk.length;
      chunks.push(chunk);
      if (state) this.#closeForFault(state, 'data', state.faults.messageBytes(inData.bytes));
    });
    stream.on('error', (err: Error) => {
      if (state && !state.errored) {
        state.errored = true;
        this.#o.bus.emit({ type: 'session-error', session: state.id, message: `client closed the connection in the middle of DATA (${inData.bytes} bytes received): ${err.message}`, stage: 'data', at: Date.now() });
      }
    });
    stream.on('end', () => {
      if (state) state.inData = false;
      if (stream.sizeExceeded) {
        return cb(Object.assign(new Error('Message size exceeds fixed limit'), { responseCode: 552 }));
      }
      const id = queueId();
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
      const reply = `250 2.0.0 Ok: queued as ${id}`;
      const write = writeFile(file, body).then(
        () => {
          if (state) this.#o.bus.emit({ type: 'message', session: state.id, id, from, to, size: body.length, file, reply });
          cb(null, `Ok: queued as ${id}`);
        },
        (err: Error) => cb(Object.assign(new Error(`Cannot store the message: ${err.message}`), { responseCode: 451 })),
      );
      state?.pending.push(write);
    });
  }

  /**
   * A post-handshake quirk (SessionFaults) said to cut the session here: record why and close both
   * the TLS socket and the TCP connection under it, without a reply. True when it did.
   */
  #closeForFault(state: SessionState, stage: 'tls' | 'command' | 'data', why: string | undefined): boolean {
    if (!why) return false;
    if (!state.errored) {
      state.errored = true;
      this.#o.bus.emit({ type: 'session-error', session: state.id, code: 'QUIRK_SESSION_FAULT', message: why, stage, at: Date.now() });
    }
    state.secure?.destroy();
    state.raw.destroy();
    return true;
  }

  #end(state: SessionState): void {
    if (state.ended) return;
    state.ended = true;
    clearTimeout(state.handshakeTimer);
    // Node reports no error on the server side when the client goes away in the middle of the
    // handshake (after its ClientHello), and a socket the lab itself closes on stop emits only
    // 'close', which can arrive before the hello reader reports: without this the session would
    // read as plaintext.
    const who = this.#stopping ? 'the lab stopped' : 'client closed the connection';
    const closedMidHandshake = (): void => {
      if (state.tlsStarted && !state.tls && !state.tlsFailed && !state.errored) {
        this.#tlsFailed(state, { code: 'ECONNRESET', message: state.handshaking ? `${who} during the TLS handshake (after its ClientHello)` : `${who} before the client sent a ClientHello` });
      }
    };
    // While the hello is being inspected the quirk gate may be the one that closed: let it speak first.
    if (state.inspecting) state.pending.push(Promise.allSettled(state.pending).then(closedMidHandshake));
    else closedMidHandshake();
    if (state.inData && !state.errored) {
      state.errored = true;
      this.#o.bus.emit({ type: 'session-error', session: state.id, message: `${who} in the middle of DATA (${state.inData.bytes} bytes received)`, stage: 'data', at: Date.now() });
    }
    void Promise.allSettled(state.pending).then(() => {
      this.#o.bus.emit({ type: 'session-end', session: state.id, at: Date.now() });
      this.#sessions.delete(state.id);
      if (state.connectionId) this.#byConnection.delete(state.connectionId);
    });
  }
}
