import net from 'node:net';
import tls from 'node:tls';
import type { SessionEventBody } from '../events/events.js';
import { SessionEmitter } from '../events/session-emitter.js';
import type { CertificateVerdict, Protocol } from '../model/session-record.js';
import { describeClientTls } from './client-tls.js';
import { connectTcp } from './tcp-connect.js';
import type { SendPlan } from './send-spec.js';
import { alertFromError } from '../tls/alert-from-error.js';
import type { KeyLog } from '../tls/keylog.js';
import { transcriptText } from '../line/connection.js';
import { type LineRead, LineReader } from '../line/line-reader.js';

/** A server line longer than this is a broken server, not a capability list. */
const MAX_SERVER_LINE = 64 * 1024;

export interface LineClientOptions {
  readonly id: string;
  readonly protocol: Protocol;
  /** The session's events, stamped with its id and peer. */
  readonly events: SessionEmitter;
  /** The validated target, TLS personality, policy and timeouts (send-spec.ts, shared with the SMTP sender). */
  readonly plan: SendPlan;
  readonly keylog?: KeyLog;
}

/**
 * The client side of a hand-written line protocol (the IMAP and POP3 probes): TCP, implicit TLS or
 * STARTTLS on the same socket with the probe's TLS personality, the server's lines, the transcript,
 * and the certificate verdict the SMTP sender gives (tls/verify-peer.ts).
 */
export class LineClient {
  readonly id: string;
  readonly #o: LineClientOptions;
  readonly #reader: LineReader;
  #socket?: net.Socket;
  #tls?: { version: string; cipher: string };
  #verdict?: CertificateVerdict;
  #started = false;
  #errored = false;

  constructor(options: LineClientOptions) {
    this.#o = options;
    this.id = options.id;
    this.#reader = new LineReader({ maxLineBytes: MAX_SERVER_LINE, idleTimeoutMs: options.plan.timeouts.commandMs });
  }

  get tls(): { version: string; cipher: string } | undefined {
    return this.#tls;
  }

  get verdict(): CertificateVerdict | undefined {
    return this.#verdict;
  }

  /** TCP; emits session-start either way (a refused connection is a session too). False on failure. */
  async connect(): Promise<boolean> {
    const p = this.#o.plan;
    const opened = await connectTcp(p.host, p.port, p.timeouts.connectMs);
    if ('error' in opened) {
      this.#start(undefined);
      const { code, message } = opened.error;
      this.error(code === 'ECONNREFUSED' ? `connection refused by ${p.host}:${p.port} (nothing listens there)` : message, 'connect', code);
      return false;
    }
    const socket = opened.socket;
    this.#socket = socket;
    this.#start(socket);
    if (!p.implicit) this.#reader.attach(socket);
    return true;
  }

  #start(socket: net.Socket | undefined): void {
    if (this.#started) return;
    this.#started = true;
    const p = this.#o.plan;
    this.#o.events.emit({
      type: 'session-start', role: 'client', protocol: this.#o.protocol, tlsMode: p.implicit ? 'implicit' : 'explicit',
      profile: p.profile.name, policy: p.policy.policy,
      local: { address: socket?.localAddress ?? '', port: socket?.localPort ?? 0 },
      remote: { address: socket?.remoteAddress ?? p.host, port: socket?.remotePort ?? p.port },
    });
  }

  nextLine(): Promise<LineRead> {
    return this.#reader.nextLine();
  }

  /** Reads a server line and records it; undefined (after recording why) when none came. */
  async line(): Promise<string | undefined> {
    const r = await this.#reader.nextLine();
    if (r.kind === 'line') {
      const text = r.bytes.toString('utf8');
      this.#o.events.emit({ type: 'line', dir: 'S', line: transcriptText(text) });
      return text;
    }
    if (r.kind === 'timeout') this.error(`the server went silent for ${r.ms} ms`, 'command', 'ETIMEDOUT');
    else if (r.kind === 'overlong') this.error(`the server sent a line longer than ${r.limit} bytes`, 'command', 'ELINETOOLONG');
    else this.error(r.error ? `${r.error.message}` : 'the server closed the connection', 'command', r.error?.code ?? 'ECONNRESET');
    return undefined;
  }

  /** Sends one command line; `shown` is its transcript form (secrets masked). */
  send(line: string, shown = line): void {
    this.#o.events.emit({ type: 'line', dir: 'C', line: transcriptText(shown) });
    if (this.#socket && !this.#socket.destroyed) this.#socket.write(`${line}\r\n`);
  }

  /** Protocol-specific events (capabilities, starttls-offered, policy-refused) from the probe. */
  emit(event: SessionEventBody): void {
    this.#o.events.emit(event);
  }

  /** Records the session's failure (the first one only). */
  error(message: string, stage: string, code?: string): void {
    if (this.#errored) return;
    this.#errored = true;
    this.#o.events.emit({ type: 'session-error', ...(code ? { code } : {}), message, stage });
  }

  /** Gives up: records why and closes, so whatever the probe awaits ends. */
  abort(message: string, code: string): void {
    this.error(message, 'command', code);
    this.#socket?.destroy();
  }

  /** Implicit TLS: the handshake right after TCP. */
  async startImplicit(): Promise<boolean> {
    return this.#handshake();
  }

  /** STARTTLS/STLS was accepted: handshake on the same socket. */
  async startTls(): Promise<boolean> {
    this.#reader.detach();
    this.#o.events.emit({ type: 'starttls' });
    return this.#handshake();
  }

  async #handshake(): Promise<boolean> {
    const p = this.#o.plan;
    const raw = this.#socket!;
    const secure = tls.connect({ ...p.tls, socket: raw });
    this.#o.keylog?.attach(secure);
    secure.on('error', () => undefined);
    const outcome = await new Promise<true | (NodeJS.ErrnoException & { reason?: string })>((resolve) => {
      const timer = setTimeout(() => resolve(Object.assign(new Error(`TLS handshake not finished within ${p.timeouts.greetingMs} ms`), { code: 'ERR_TLS_HANDSHAKE_TIMEOUT' })), p.timeouts.greetingMs);
      const done = (r: true | NodeJS.ErrnoException): void => {
        clearTimeout(timer);
        resolve(r);
      };
      secure.once('secureConnect', () => done(true));
      secure.once('error', (err: NodeJS.ErrnoException) => done(err));
      secure.once('close', () => done(Object.assign(new Error('the server closed the connection during the TLS handshake'), { code: 'ECONNRESET' })));
    });
    if (outcome !== true) {
      const code = outcome.code;
      const alert = alertFromError(code);
      this.#o.events.emit({ type: 'tls-failed', ...(code ? { code } : {}), message: outcome.reason ?? outcome.message, ...(alert ? { alert } : {}) });
      secure.destroy();
      raw.destroy();
      return false;
    }
    const described = describeClientTls(secure, p);
    this.#tls = { version: described.version, cipher: described.cipher };
    this.#verdict = described.verdict;
    const at = Date.now();
    this.#o.events.emit({ ...described.established, at });
    this.#o.events.emit({ type: 'tls-verdict', verdict: this.#verdict, at });
    this.#socket = secure;
    this.#reader.attach(secure);
    return true;
  }

  /** Ends the session: closes the socket and emits session-end. */
  async end(): Promise<void> {
    const socket = this.#socket;
    if (socket && !socket.destroyed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          socket.destroy();
          resolve();
        }, 1000);
        socket.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        socket.end();
      });
    }
    this.#reader.detach();
    this.#o.events.emit({ type: 'session-end' });
  }
}
