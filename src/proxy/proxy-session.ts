import net from 'node:net';
import type { EventBus } from '../events/event-bus.js';
import { SessionEmitter } from '../events/session-emitter.js';
import { connectTcp } from '../client/tcp-connect.js';
import { SECRET_MASK, transcriptText } from '../line/connection.js';
import { suiteByCode, suiteName } from '../tls/cipher-suites.js';
import type { ClientHelloSummary } from '../model/client-hello.js';
import { alertName, alertLevelName, versionName } from '../tls/registry.js';
import { LINGER_MS, relayBytes } from './byte-relay.js';
import { Activity, Leg } from './leg.js';
import type { ProxyPlan } from './proxy-spec.js';
import { type TlsWatchReport, TlsWatch } from './tls-watch.js';
import { interception, type InterceptionFlags, newFlags } from './verdict.js';

/** A protocol's half of a proxied session: the two read loops of its plaintext phase. */
export interface Dialect {
  /** Relays the client's commands until it leaves ('ended') or STARTTLS went through ('relay'). */
  client(): Promise<'relay' | 'ended'>;
  /** Relays the upstream's replies until it leaves ('ended') or it said go ahead to STARTTLS ('relay'). */
  upstream(): Promise<'relay' | 'ended'>;
  /** Where the session is, for the reason when a side vanishes: 'data' inside a message, else 'command'. */
  stage(): 'command' | 'data';
  /** What the client still waits for, if anything: 'the greeting', 'the reply to MAIL'. */
  unanswered(): string | undefined;
}

export type StartTlsAnswer = 'go' | 'refused' | 'closed';

/** A client's STARTTLS (STLS) command and what the proxy says and sends for it under each strip mode. */
export interface StartTlsCommand {
  /** The command as the client sent it. */
  readonly bytes: Buffer;
  readonly line: string;
  /** reply-454: the refusal the proxy answers with, and the rewrite note saying so. */
  readonly refusal: { readonly reply: string; readonly note: string };
  /** corrupt-command: the line sent upstream instead, and the rewrite note saying so. */
  readonly corruption: { readonly line: string; readonly note: string };
  /** A line went upstream (`corrupted`: the corruption's): what the dialect keeps to match its reply. */
  readonly sent: (corrupted: boolean) => void;
}

/**
 * One client connection through the MITM proxy: the upstream connection made for it, both legs read
 * line by line while the session is plaintext (the dialect rewrites what the strip mode says), then,
 * once STARTTLS went through end to end, a blind byte relay with the TLS handshake watched from the
 * outside. Emits the session's events; the verdict goes out just before session-end.
 */
export class ProxySession {
  readonly id: string;
  readonly plan: ProxyPlan;
  readonly flags: InterceptionFlags = newFlags();
  readonly #events: SessionEmitter;
  readonly #raw: net.Socket;
  readonly #dialect: (s: ProxySession) => Dialect;
  readonly #activity = new Activity();
  readonly #rewrites: string[] = [];
  #client?: Leg;
  #upstream?: Leg;
  #startTls?: { promise: Promise<StartTlsAnswer>; resolve: (a: StartTlsAnswer) => void };
  #firstEnd?: 'client' | 'upstream';
  #errored = false;
  #tlsFailed = false;
  /** The lab is stopping: the sides closing is its doing, not theirs. */
  #stopping = false;
  #capsReported = false;
  #hello?: ClientHelloSummary;
  #serverHello?: { version: number; suite: number };
  /** The client said goodbye (QUIT, LOGOUT): a close after it is no error. */
  farewell = false;
  /** The upstream's closing line (221, 421, `* BYE`, +OK to QUIT): why it hung up. */
  upstreamBye?: { line: string; expected: boolean };

  constructor(o: { id: string; peer: string; plan: ProxyPlan; bus: EventBus; raw: net.Socket; dialect: (s: ProxySession) => Dialect }) {
    this.id = o.id;
    this.plan = o.plan;
    this.#events = new SessionEmitter(o.bus, o.id, o.peer);
    this.#raw = o.raw;
    this.#dialect = o.dialect;
  }

  get client(): Leg {
    return this.#client!;
  }

  get upstream(): Leg {
    return this.#upstream!;
  }

  /* Transcript: the client's leg, with '*' lines where the upstream's leg differed. */

  /** What the client sent (secrets already masked by the dialect). */
  clientLine(shown: string): void {
    this.#events.emit({ type: 'line', dir: 'C', line: transcriptText(shown) });
  }

  /** Lines to the client: written (CRLF added) and recorded. */
  toClient(lines: readonly string[]): void {
    const at = Date.now();
    for (const line of lines) this.#events.emit({ type: 'line', dir: 'S', line: transcriptText(line), at });
    this.client.write(Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'utf8'));
  }

  note(text: string): void {
    this.#events.emit({ type: 'note', text });
  }

  /** The proxy changed something on the wire: in the verdict's list and in the transcript. */
  rewrite(text: string): void {
    this.#rewrites.push(text);
    this.note(`proxy: ${text}`);
  }

  error(message: string, stage: string, code?: string): void {
    if (this.#errored) return;
    this.#errored = true;
    this.#events.emit({ type: 'session-error', ...(code ? { code } : {}), message, stage });
  }

  /** A capability list reached the client (before TLS): what it then believed of STARTTLS and login. */
  capabilitiesShown(list: readonly string[], startTlsVisible: boolean, loginAllowed: boolean): void {
    if (startTlsVisible) this.flags.startTlsSeenByClient = true;
    // Sticky: an IMAP server leaves STARTTLS out of the list it sends after login.
    this.#events.emit({ type: 'starttls-offered', offered: this.flags.startTlsSeenByClient });
    if (this.plan.protocol === 'smtp' || this.#capsReported) return;
    this.#capsReported = true;
    this.#events.emit({ type: 'capabilities', secure: false, capabilities: list, loginAllowed });
  }

  /** The client sent a command: anything past greeting, capabilities and STARTTLS is going on in plaintext. */
  command(verb: string, harmless: ReadonlySet<string>): void {
    if (!harmless.has(verb)) this.flags.continuedInPlaintext = true;
  }

  /** A line of a SASL exchange from the client: relayed, and masked unless it is the `*` that cancels. */
  relaySaslResponse(bytes: Buffer): void {
    const cancel = bytes.toString('utf8').trim() === '*';
    if (!cancel) this.flags.credentialsInClear = true;
    this.clientLine(cancel ? '*' : SECRET_MASK);
    this.upstream.writeLine(bytes);
  }

  /* The STARTTLS gate: the client's loop waits here for the upstream's answer. */

  /**
   * The client asked for TLS (STARTTLS, STLS): done as the strip mode says — refused by the proxy
   * itself (reply-454), sent upstream corrupted (corrupt-command), or sent as it came and its answer
   * awaited. `sent` is the dialect's bookkeeping once a line went upstream. The client's loop goes on
   * reading on undefined, else returns what this returns.
   */
  async clientStartTls(c: StartTlsCommand): Promise<'relay' | 'ended' | undefined> {
    this.flags.clientSentStartTls = true;
    this.clientLine(c.line);
    const strip = this.plan.strip;
    if (strip === 'reply-454') {
      this.rewrite(c.refusal.note);
      this.toClient([c.refusal.reply]);
      return undefined;
    }
    if (strip === 'corrupt-command') {
      this.rewrite(c.corruption.note);
      this.upstream.writeLine(c.corruption.line);
      c.sent(true);
      return undefined;
    }
    this.upstream.writeLine(c.bytes);
    c.sent(false);
    const answer = await this.startTlsAnswer();
    if (answer === 'go') return 'relay';
    if (answer === 'closed') return 'ended';
    return undefined;
  }

  /** The upstream's reply to the STARTTLS it was sent: relayed, and the client's loop told; true when TLS goes ahead. */
  upstreamStartTlsReply(lines: readonly string[], accepted: boolean): boolean {
    this.toClient(lines);
    this.answerStartTls(accepted ? 'go' : 'refused');
    return accepted;
  }


  startTlsAnswer(): Promise<StartTlsAnswer> {
    if (!this.#startTls) {
      let resolve!: (a: StartTlsAnswer) => void;
      const promise = new Promise<StartTlsAnswer>((r) => (resolve = r));
      this.#startTls = { promise, resolve };
    }
    return this.#startTls.promise;
  }

  answerStartTls(answer: StartTlsAnswer): void {
    const gate = this.#startTls;
    if (!gate) return;
    this.#startTls = undefined;
    gate.resolve(answer);
  }

  /** Runs the session to its end; never rejects. */
  async run(): Promise<void> {
    const raw = this.#raw;
    const { upstream, protocol } = this.plan;
    raw.on('error', () => undefined);
    const clientClosed = closed(raw);
    this.#events.emit({
      type: 'session-start', role: 'proxy', protocol, tlsMode: 'explicit',
      profile: '-', policy: `strip=${this.plan.strip}`,
      local: { address: raw.localAddress ?? '', port: raw.localPort ?? 0 },
      remote: { address: raw.remoteAddress ?? '', port: raw.remotePort ?? 0 },
    });
    this.note(`proxy: upstream ${upstream.host}:${upstream.port}, strip=${this.plan.strip}`);
    try {
      const socket = await this.#connect();
      if (!socket) {
        raw.destroy();
        await clientClosed;
        return;
      }
      const upstreamClosed = closed(socket);
      this.#client = new Leg('client', raw, this.plan.idleTimeoutMs, this.#activity);
      this.#upstream = new Leg('upstream', socket, this.plan.idleTimeoutMs, this.#activity);
      this.#client.pairWith(this.#upstream);
      this.#upstream.pairWith(this.#client);
      const dialect = this.#dialect(this);
      const [c, u] = await Promise.all([
        dialect.client().then((r) => (r === 'ended' ? this.#ended('client', dialect) : r)),
        dialect.upstream().then((r) => (r === 'ended' ? this.#ended('upstream', dialect) : r)),
      ]);
      if (c === 'relay' && u === 'relay') await this.#relay(raw, socket);
      await Promise.all([clientClosed, upstreamClosed]);
    } catch (err) {
      this.error(`internal error in the proxy: ${(err as Error).message}`, 'command', 'EINTERNAL');
      raw.destroy();
      this.#upstream?.socket.destroy();
    } finally {
      this.#events.emit({ type: 'interception', interception: interception(this.plan.strip, protocol, upstream, this.flags, this.#rewrites) });
      this.#events.emit({ type: 'session-end' });
    }
  }

  /** Stops the session at once (the lab stops). */
  destroy(why: string): void {
    if (!this.#firstEnd && !this.#errored) this.note(why);
    this.#stopping = true;
    this.#raw.destroy();
    this.#upstream?.socket.destroy();
  }

  async #connect(): Promise<net.Socket | undefined> {
    const { host, port } = this.plan.upstream;
    // The client may give up while the upstream is still being reached.
    const clientLeft = new Promise<{ code: string; message: string }>((resolve) => this.#raw.once('close', () => resolve({ code: 'ECONNRESET', message: 'the client left before the upstream answered the connection' })));
    const opened = await connectTcp(host, port, this.plan.connectTimeoutMs, clientLeft);
    if ('socket' in opened) return opened.socket;
    const result = opened.error;
    const why = result.code === 'ECONNREFUSED' ? 'connection refused (nothing listens there)' : result.message;
    this.error(`cannot reach the upstream ${host}:${port}: ${why}`, 'connect', result.code);
    return undefined;
  }

  /**
   * One side stopped reading: say why (an error when it vanished in the middle of something, a note
   * when it just left), give the other side a moment to finish, and close it.
   */
  #ended(side: 'client' | 'upstream', dialect: Dialect): 'ended' {
    this.answerStartTls('closed');
    if (this.#firstEnd) return 'ended';
    this.#firstEnd = side;
    const leg = side === 'client' ? this.client : this.upstream;
    const other = side === 'client' ? this.upstream : this.client;
    const why = leg.ended;
    const stage = dialect.stage();
    const who = side === 'client' ? 'the client' : 'the upstream';
    if (this.#stopping) return 'ended';
    if (why?.idleMs) {
      this.error(`neither side sent anything for ${why.idleMs} ms; the proxy closed the session`, stage, 'ETIMEDOUT');
      leg.socket.destroy();
      other.socket.destroy();
      return 'ended';
    }
    if (why?.overlong) {
      this.error(`${who} sent a line or chunk longer than ${why.overlong} bytes; the proxy relays line by line before TLS and gave up`, stage, 'ELINETOOLONG');
      leg.socket.destroy();
      other.socket.destroy();
      return 'ended';
    }
    const unanswered = dialect.unanswered();
    const midway = stage === 'data' ? ' in the middle of the message content' : (why?.partial ?? 0) > 0 ? ` in the middle of a line (${why!.partial} bytes)` : '';
    const detail = why?.error ? ` (${why.error.code ?? why.error.message})` : '';
    if (side === 'client') {
      if (this.farewell && !midway) {
        // QUIT / LOGOUT, then a close: how a session should end.
      } else if (midway || why?.error) {
        this.error(`the client vanished${midway}${detail}`, stage, why?.error?.code ?? 'ECONNRESET');
      } else if (unanswered) {
        this.error(`the client vanished while waiting for ${unanswered}${detail}`, stage, 'ECONNRESET');
      } else {
        this.note(`the client closed the connection without ${this.plan.protocol === 'imap' ? 'LOGOUT' : 'QUIT'}`);
      }
    } else if ((this.upstreamBye?.expected || this.farewell) && !midway) {
      // The upstream answered QUIT / LOGOUT (or was told it) and hung up.
    } else if (this.upstreamBye) {
      this.error(`the upstream closed the session: ${this.upstreamBye.line}`, stage);
    } else {
      this.error(`the upstream vanished${midway}${unanswered ? ` before ${unanswered}` : ''}${detail}`, stage, why?.error?.code ?? 'ECONNRESET');
    }
    // Whatever the other side still sends (a 221 after QUIT) may go; then it is closed.
    other.socket.end();
    setTimeout(() => other.socket.destroy(), LINGER_MS).unref();
    return 'ended';
  }

  /** STARTTLS went through: relay bytes both ways, watching the handshake from the outside. */
  async #relay(client: net.Socket, upstream: net.Socket): Promise<void> {
    this.#events.emit({ type: 'starttls' });
    const watch = new TlsWatch((r) => this.#watched(r));
    const first = await relayBytes({
      client, upstream,
      early: { client: this.client.reader.detach(), upstream: this.upstream.reader.detach() },
      see: { client: (d) => watch.fromClient(d), upstream: (d) => watch.fromUpstream(d) },
    });
    if (!watch.established && !this.#tlsFailed) {
      const who = first === 'upstream' ? 'the upstream' : 'the client';
      this.#failed(`${who} closed the connection during the TLS handshake (${watch.serverHelloSeen ? 'after the ServerHello' : 'before any ServerHello'})`, 'ECONNRESET');
    }
  }

  #failed(message: string, code?: string, alert?: { name: string; code: number }): void {
    if (this.#tlsFailed) return;
    this.#tlsFailed = true;
    this.#events.emit({ type: 'tls-failed', ...(code ? { code } : {}), message, ...(alert ? { alert: { ...alert, sent: false } } : {}) });
  }

  #watched(r: TlsWatchReport): void {
    const at = Date.now();
    switch (r.kind) {
      case 'client-hello':
        this.#hello = r.hello;
        this.#events.emit({ type: 'client-hello', hello: r.hello, at });
        break;
      case 'client-hello-invalid':
        this.#events.emit({ type: 'client-hello-invalid', reason: r.reason, at });
        break;
      case 'server-hello':
        this.#serverHello = { version: r.version, suite: r.suite };
        this.note(`proxy: the upstream's ${r.helloRetry ? 'HelloRetryRequest' : 'ServerHello'} chose ${versionName(r.version)} ${suiteName(r.suite)}`);
        break;
      case 'established': {
        const sh = this.#serverHello!;
        const suite = suiteByCode(sh.suite);
        this.flags.tlsEndToEnd = true;
        this.#events.emit({
          type: 'tls-established', version: versionName(sh.version),
          cipher: { openssl: suite?.openssl ?? suiteName(sh.suite), iana: suiteName(sh.suite), bits: suite?.bits ?? 0 },
          // The chain is encrypted in TLS 1.3, and the proxy describes only what it can read in every version.
          chain: [],
          ...(this.#hello?.sni ? { sni: this.#hello.sni } : {}),
          at,
        });
        break;
      }
      case 'alert': {
        const who = r.from === 'client' ? 'the client' : 'the upstream';
        if (r.encrypted) {
          this.#failed(`${who} answered the server's handshake flight with an encrypted alert (TLS 1.3): it refused the handshake, most often the certificate`);
        } else if (r.level === 2) {
          const name = alertName(r.description!);
          this.#failed(`${who} sent a fatal ${name} alert (${r.description})`, undefined, { name, code: r.description! });
        } else {
          this.note(`${who} sent a ${alertLevelName(r.level!)} alert ${alertName(r.description!)}`);
        }
        break;
      }
      case 'not-tls':
        this.#failed(`the ${r.from === 'client' ? "client's" : "upstream's"} answer to STARTTLS is not TLS: ${r.reason}`);
        break;
    }
  }
}

function closed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    else socket.once('close', () => resolve());
  });
}
