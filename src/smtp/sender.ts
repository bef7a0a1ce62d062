import { setTimeout as setTimeoutPromise } from 'node:timers/promises';
import { PROJECT_CERTS_DIR } from '../certs/lab-ca-path.js';
import net from 'node:net';
import { EventBus } from '../events/event-bus.js';
import type { SessionEventBody } from '../events/events.js';
import { SessionEmitter } from '../events/session-emitter.js';
import type { SessionSink } from '../events/session-sink.js';
import { RecordBuilder } from '../record/builder.js';
import { getChain } from '../certs/factory.js';
import { chainName } from '../profiles/resolve.js';
import { describeChain } from '../tls/describe-session.js';
import type { CertificateSummary, CertificateVerdict, DeliveryAttempt, SessionRecord, SessionResult } from '../model/session-record.js';
import { alertFromError } from '../tls/alert-from-error.js';
import type { KeyLog } from '../tls/keylog.js';
import { isUpgrading, onTlsSocket, replaceTlsHandshake, SMTPConnection, tlsSocketOf } from './nodemailer-adapter.js';
import { isImitatedSender, legacyClientHello, legacyHandshake, type LegacyAnswer } from '../client/legacy-hello.js';
import { requiresTls } from '../model/client-policy.js';
import { describeClientTls } from '../client/client-tls.js';
import { planDelivery, type SendPlan, type SendSpec } from '../client/send-spec.js';
import { composeMessage } from './compose.js';

export { planDelivery, parseTarget, type SendPlan, type SendSpec, type SendTimeouts } from '../client/send-spec.js';

/**
 * mxlab's fake sending MTA. nodemailer's SMTPConnection speaks SMTP; the policy (docs/field-notes.md "Policies": Postfix
 * `smtp_tls_security_level`, Exchange send connector, Cisco ESA destination controls) is decided
 * here, because nodemailer never falls back after a failed handshake. One delivery is one
 * or two connections; each emits the lab events a receiver would (role 'client') and so gets its own
 * session record from the one RecordBuilder.
 */

/** The error shape SMTPConnection reports (nodemailer's NodemailerError plus what OpenSSL adds). */
interface SmtpError extends Error {
  code?: string;
  originalCode?: string;
  response?: string;
  responseCode?: number;
  command?: string;
  timeoutType?: string;
  /** OpenSSL's short reason, e.g. 'tlsv1 alert protocol version'. */
  reason?: string;
}


/** What a delivery may be given besides its spec. */
export interface DeliverOptions {
  /** Where the TLS secrets of every connection go (SSLKEYLOGFILE format). */
  readonly keylog?: KeyLog;
  /** Certificate cache for a certificate personality's client certificate. @default the project's certs/ */
  readonly certsDir?: string;
  /** Cuts a deferred plaintext retry's wait short (the lab stopping): the delivery ends deferred. */
  readonly signal?: AbortSignal;
}


/** The client certificate a certificate personality presents, and what the record says of it. */
interface ClientCertificate {
  readonly personality: string;
  readonly chain: readonly CertificateSummary[];
}

/**
 * A certificate personality as a sender (`md5-chain`, `tls10-only+expired`) presents its chain as the
 * client certificate, as a misconfigured sending MTA presents its own (Postfix smtp_tls_cert_file,
 * an Exchange send connector's certificate). A TLS personality alone presents none.
 */
async function withClientCertificate(plan: SendPlan, certsDir: string): Promise<{ plan: SendPlan; certificate?: ClientCertificate }> {
  const personality = chainName(plan.profile);
  if (personality === 'default' || !plan.profile.chain) return { plan };
  const material = await getChain(plan.profile.chain, { dir: certsDir, name: personality });
  return {
    plan: { ...plan, tls: { ...plan.tls, key: material.key, cert: material.cert } },
    certificate: { personality, chain: describeChain(material.cert) },
  };
}

/** A plan whose message is written out, ready for DATA. */
type ComposedPlan = SendPlan & { readonly message: Buffer };

interface AttemptResult {
  readonly record: SessionRecord;
  readonly summary: DeliveryAttempt;
  /** `may` after a failed STARTTLS handshake: deliver again without TLS on a new connection. */
  readonly fallback: boolean;
}

let deliveryCounter = 0;

/**
 * Delivers one message under a policy and returns the record of the last connection (with `attempts`
 * listing every connection of the delivery). Each connection's events go to `sink.bus` and its record
 * comes from `sink` (a Lab's record builder); bad input rejects with a UsageError before anything is sent.
 */
export async function deliver(spec: SendSpec, sink: SessionSink, options: DeliverOptions = {}): Promise<SessionRecord> {
  const withCert = await withClientCertificate(planDelivery(spec), options.certsDir ?? PROJECT_CERTS_DIR);
  const planned = withCert.plan;
  const certificate = withCert.certificate;
  const plan: ComposedPlan = { ...planned, message: Buffer.isBuffer(planned.message) ? planned.message : planned.probe ? Buffer.alloc(0) : await composeMessage(planned.message) };
  const delivery = `${plan.peer}-${++deliveryCounter}`;
  const extras = { ...(options.keylog ? { keylog: options.keylog } : {}), ...(certificate ? { certificate } : {}) };
  const first = await new Attempt(plan, sink, delivery, 1, true, [], extras).run();
  if (!first.fallback) return first.record;
  // Postfix defers the message and retries without TLS only once it is older than minimal_backoff_time.
  if (plan.fallback === 'deferred') {
    const waited = await setTimeoutPromise(plan.retryAfterMs, true, options.signal ? { signal: options.signal } : {}).catch(() => false);
    // Stopped before the retry was due: what the first connection recorded stands (a deferred delivery).
    if (!waited) return first.record;
  }
  const second = await new Attempt(plan, sink, delivery, 2, false, [first.summary], extras).run();
  return second.record;
}

/** The same without a lab: a private event bus and record builder (no run folder, no sessions.jsonl). */
export async function sendOnce(spec: SendSpec): Promise<SessionRecord> {
  const builder = new RecordBuilder(new EventBus());
  try {
    return await deliver(spec, builder);
  } finally {
    builder.close();
  }
}

const firstWord = (line: string): string => (line.split(/\s+/)[0] ?? '').toUpperCase();

class Attempt {
  readonly #plan: ComposedPlan;
  readonly #sink: SessionSink;
  readonly #events: SessionEmitter;
  readonly #id: string;
  readonly #delivery: string;
  readonly #number: number;
  readonly #tlsAllowed: boolean;
  readonly #previous: readonly DeliveryAttempt[];
  readonly #keylog?: KeyLog;
  readonly #certificate?: ClientCertificate;
  readonly #startedAt = Date.now();
  #started = false;
  #finished = false;
  #socket?: net.Socket;
  #conn?: SMTPConnection;
  #watchdog?: NodeJS.Timeout;
  #resolve!: (r: AttemptResult) => void;
  #record?: Promise<SessionRecord>;
  // What happened, in order:
  #greeted = false;
  #lastCommand = '';
  /** Commands sent and not answered yet, oldest first (PIPELINING sends MAIL, RCPT and DATA at once). */
  readonly #pending: string[] = [];
  #startTlsOffered?: boolean;
  #startTlsRefused?: string;
  #handshaking = false;
  #tls?: { version: string; cipher: string };
  #verdict?: CertificateVerdict;
  #refusal?: string;
  #serverRefusal?: string;
  #delivered?: string;
  #handshakeError?: SmtpError;
  #failure?: SmtpError;
  /** Probe mode: the session was set up and left without a message. */
  #probed = false;
  /** A legacy sender's hand-played handshake and the server's answer to it. */
  #legacy?: LegacyAnswer;

  constructor(plan: ComposedPlan, sink: SessionSink, delivery: string, attempt: number, tlsAllowed: boolean, previous: readonly DeliveryAttempt[], extras: { keylog?: KeyLog; certificate?: ClientCertificate }) {
    this.#plan = plan;
    this.#sink = sink;
    this.#delivery = delivery;
    this.#id = `${delivery}.${attempt}`;
    this.#events = new SessionEmitter(sink.bus, this.#id, plan.peer);
    this.#number = attempt;
    this.#tlsAllowed = tlsAllowed;
    this.#previous = previous;
    if (extras.keylog) this.#keylog = extras.keylog;
    if (extras.certificate) this.#certificate = extras.certificate;
  }

  run(): Promise<AttemptResult> {
    return new Promise((resolve) => {
      this.#resolve = resolve;
      this.#record = this.#sink.recordOf(this.#id);
      this.#watchdog = setTimeout(() => this.#abort(Object.assign(new Error(`no outcome within ${this.#plan.timeouts.totalMs} ms (timeouts.totalMs)`), { code: 'ETIMEDOUT', timeoutType: 'TOTAL_TIMEOUT' })), this.#plan.timeouts.totalMs);
      this.#connect();
    });
  }

  #emit(event: SessionEventBody): void {
    this.#events.emit(event);
  }

  #start(socket?: net.Socket): void {
    if (this.#started) return;
    this.#started = true;
    const p = this.#plan;
    this.#emit({
      type: 'session-start', role: 'client', protocol: 'smtp', tlsMode: p.implicit ? 'implicit' : 'explicit',
      profile: p.profile.name, policy: p.policy.policy,
      local: { address: socket?.localAddress ?? '', port: socket?.localPort ?? 0 },
      remote: { address: socket?.remoteAddress ?? p.host, port: socket?.remotePort ?? p.port },
      at: this.#startedAt,
    });
    if (this.#certificate && this.#tlsAllowed && p.policy.policy !== 'none') this.#emit({ type: 'client-certificate', ...this.#certificate, at: this.#startedAt });
  }

  /** TCP ourselves: a refused or unreachable target is told apart from an SMTP failure, and the record has both addresses. */
  #connect(): void {
    const p = this.#plan;
    const socket = net.connect({ host: p.host, port: p.port });
    this.#socket = socket;
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error(`no TCP connection within ${p.timeouts.connectMs} ms`), { code: 'ETIMEDOUT', timeoutType: 'CONNECT_TIMEOUT' })), p.timeouts.connectMs);
    const early = (err: SmtpError): void => {
      clearTimeout(timer);
      this.#failure ??= err;
      this.#finish();
    };
    socket.once('error', early);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', early);
      this.#start(socket);
      this.#smtp(socket);
    });
  }

  #smtp(socket: net.Socket): void {
    const p = this.#plan;
    const t = p.timeouts;
    const log = (entry: { tnx?: string } | undefined, message?: unknown): void => {
      this.#checkEstablished();
      if (typeof message !== 'string' || !entry) return;
      if (entry.tnx === 'client') this.#clientLine(message);
      else if (entry.tnx === 'server') this.#serverReply(message);
    };
    const logger = { trace: log, debug: log, info: log, warn: log, error: log, fatal: log };
    const conn = new SMTPConnection({
      host: p.host,
      port: p.port,
      connection: socket,
      secure: p.implicit,
      ...(p.servername ? { servername: p.servername } : {}),
      name: p.helo,
      // none, and the plaintext retry of `may`: never STARTTLS. `may`: a refused STARTTLS (454) goes on
      // in plaintext on the same connection. encrypt/verify/secure: a 454 is an error; no STARTTLS offered
      // is decided in #ready, where nothing but EHLO has been said.
      ignoreTLS: p.policy.policy === 'none' || !this.#tlsAllowed,
      opportunisticTLS: p.policy.policy === 'may',
      requireTLS: false,
      tls: p.tls,
      connectionTimeout: 3 * t.greetingMs,
      greetingTimeout: t.greetingMs,
      socketTimeout: t.commandMs,
      socketCloseTimeout: 2000,
      logger,
      // Commands and replies only (debug would log the whole message too).
      transactionLog: true,
    });
    this.#conn = conn;
    if (isImitatedSender(p.profile)) replaceTlsHandshake(conn, (plain) => this.#legacyHandshake(plain));
    else this.#logKeys(conn);
    if (p.implicit) this.#handshaking = true;
    conn.on('error', (err: SmtpError) => this.#onError(err));
    conn.once('end', () => this.#finish());
    conn.connect((err?: SmtpError) => {
      if (err) this.#onError(err);
      else this.#ready();
    });
  }

  /** The key log gets every TLS socket nodemailer makes, before any secret exists. */
  #logKeys(conn: SMTPConnection): void {
    const keylog = this.#keylog;
    if (keylog) onTlsSocket(conn, (socket) => keylog.attach(socket));
  }

  /**
   * The legacy sender's handshake (rc4-only, 3des-only, sslv3-only): its own hello, the server's
   * answer judged; nodemailer gets an error either way (there is no TLS socket to go on with).
   */
  async #legacyHandshake(plain: net.Socket): Promise<Error> {
    const hello = legacyClientHello(this.#plan.profile, this.#plan.servername);
    this.#emit({ type: 'client-hello', hello: hello.summary });
    const answer = await legacyHandshake(plain, hello, this.#plan.timeouts.greetingMs);
    this.#legacy = answer;
    if (answer.kind === 'server-hello') {
      this.#emit({ type: 'tls-imitated', version: answer.version, suite: answer.suite, note: answer.note });
      return new Error(answer.note);
    }
    this.#handshakeError ??= Object.assign(new Error(answer.message), { code: answer.errorCode, reason: answer.message });
    return this.#handshakeError;
  }

  #clientLine(line: string): void {
    this.#lastCommand = line;
    this.#pending.push(line);
    this.#emit({ type: 'line', dir: 'C', line });
    const helo = /^(?:EHLO|HELO|LHLO)\s+(\S+)/i.exec(line);
    if (helo) this.#emit({ type: 'helo', name: helo[1]! });
  }

  #serverReply(reply: string): void {
    const at = Date.now();
    const lines = reply.split(/\r?\n/).filter((l) => l.length);
    for (const line of lines) this.#emit({ type: 'line', dir: 'S', line, at });
    if (!this.#greeted) {
      this.#greeted = true;
      return;
    }
    const verb = firstWord(this.#pending.shift() ?? '');
    const ok = /^2\d\d/.test(lines[0] ?? '');
    if ((verb === 'EHLO' || verb === 'LHLO') && ok) {
      const capabilities = lines.slice(1).map((l) => l.replace(/^\d{3}[ -]/, '').trim());
      const secure = this.#tls !== undefined;
      this.#emit({ type: 'ehlo', secure, capabilities, at });
      if (!secure && !this.#plan.implicit) {
        this.#startTlsOffered = capabilities.some((c) => /^STARTTLS\b/i.test(c));
        this.#emit({ type: 'starttls-offered', offered: this.#startTlsOffered });
      }
    } else if (verb === 'STARTTLS') {
      if (ok) {
        this.#handshaking = true;
        this.#emit({ type: 'starttls', at });
      } else {
        this.#startTlsRefused = lines.join(' / ');
      }
    }
  }

  /** Called from every log call: the first one after the handshake sees the finished TLS socket. */
  #checkEstablished(): void {
    const conn = this.#conn;
    if (this.#tls || !conn || isUpgrading(conn)) return;
    const socket = tlsSocketOf(conn);
    if (!socket) return;
    if (!socket.getProtocol()) return;
    const described = describeClientTls(socket, this.#plan);
    this.#tls = { version: described.version, cipher: described.cipher };
    this.#handshaking = false;
    this.#verdict = described.verdict;
    const at = Date.now();
    this.#emit({ ...described.established, at });
    this.#emit({ type: 'tls-verdict', verdict: this.#verdict, at });
  }

  /** The SMTP session is set up (greeting, EHLO, STARTTLS and EHLO again when it came to that). */
  #ready(): void {
    this.#checkEstablished();
    const conn = this.#conn!;
    const p = this.#plan;
    const host = `${p.host}[${this.#socket?.remoteAddress ?? p.host}]`;
    if (this.#tls) {
      const v = this.#verdict;
      if (v && !v.passed) {
        // Postfix's words: "Server certificate not trusted" (chain) / "not verified" (name, level secure).
        this.#refusal = !v.chainValid
          ? `4.7.5 Server certificate not trusted: ${v.chainReason ?? v.summary} (host ${host}, policy ${p.policy.label})`
          : `4.7.5 Server certificate not verified: name mismatch: ${v.nameReason} (policy ${p.policy.label})`;
        conn.quit();
        return;
      }
    } else if (this.#tlsAllowed && requiresTls(p.policy.policy)) {
      this.#refusal = `4.7.5 TLS is required, but was not offered by host ${host} (policy ${p.policy.label}); nothing was sent in plaintext`;
      conn.quit();
      return;
    }
    if (p.probe) {
      this.#probed = true;
      conn.quit();
      return;
    }
    conn.send({ from: p.from, to: [...p.rcpt] }, p.message, (err, info) => {
      if (err) {
        const e = err as SmtpError;
        if (e.responseCode && !conn.destroyed) {
          this.#serverRefusal = `${e.command ?? 'the message'} refused by the server: ${e.response}`;
          // With PIPELINING the commands after a refused MAIL FROM get 503s; the first refusal is what decided.
          this.#emit({ type: 'policy-refused', reply: String(e.response) });
          conn.quit();
        } else {
          this.#failure ??= e;
        }
        return;
      }
      const response = info.response ?? '';
      // Postfix "queued as ID", Exim "OK id=ID", Exchange "[InternalId=N, Hostname=…]", Cisco ESA "Message MID accepted".
      const queued = /queued as ([^\s]+)/i.exec(response) ?? /\bid=([^\s]+)/i.exec(response) ?? /\[InternalId=(\d+)/.exec(response) ?? /\bMessage (\d+) accepted/.exec(response);
      this.#delivered = response;
      this.#emit({ type: 'message', id: queued?.[1] ?? '', from: p.from, to: info.accepted ?? [...p.rcpt], size: info.messageSize ?? p.message.length, reply: response });
      conn.quit();
    });
  }

  #onError(err: SmtpError): void {
    const conn = this.#conn;
    if ((conn && isUpgrading(conn)) || (this.#handshaking && !this.#tls)) {
      this.#handshakeError ??= err;
      return;
    }
    // encrypt/verify/secure: STARTTLS answered with 454 or another refusal.
    if (err.code === 'ETLS' && err.command === 'STARTTLS' && err.response) {
      this.#startTlsRefused ??= err.response;
      const p = this.#plan;
      this.#refusal ??= `4.7.5 TLS is required, but host ${p.host}[${this.#socket?.remoteAddress ?? p.host}] refused to start TLS: ${err.response} (policy ${p.policy.label}); nothing was sent in plaintext`;
      return;
    }
    this.#failure ??= err;
  }

  #abort(err: SmtpError): void {
    if (this.#finished) return;
    this.#failure ??= err;
    if (this.#conn) this.#conn.close();
    else this.#socket?.destroy();
    // close() emits 'end' once; a connection already gone will not, so finish here too.
    setImmediate(() => this.#finish());
  }

  /** Where in the dialogue the session is, for reasons: `before replying to "EHLO x"`, `after "DATA"`. */
  #where(): string {
    const mask = (line: string): string => line.replace(/^(AUTH\s+\S+)\s+.*/i, '$1 …');
    const waiting = this.#pending[0];
    if (waiting) return `before replying to "${mask(waiting)}"`;
    if (this.#lastCommand) return `after "${mask(this.#lastCommand)}"`;
    return this.#greeted ? 'after its greeting' : 'before its greeting';
  }

  #failureReason(err: SmtpError): string {
    const p = this.#plan;
    const code = err.originalCode ?? err.code;
    switch (err.timeoutType) {
      case 'CONNECT_TIMEOUT':
        return this.#started ? `the SMTP session was not set up within ${3 * p.timeouts.greetingMs} ms` : `no TCP connection to ${p.host}:${p.port} within ${p.timeouts.connectMs} ms`;
      case 'GREETING_TIMEOUT':
        return `no SMTP greeting from ${p.host}:${p.port} within ${p.timeouts.greetingMs} ms`;
      case 'SOCKET_TIMEOUT':
        // The idle timer runs from the start too: with commandMs <= greetingMs it is the one that fires.
        if (!this.#greeted) return `no SMTP greeting from ${p.host}:${p.port} within ${Math.min(p.timeouts.greetingMs, p.timeouts.commandMs)} ms`;
        return `the server went silent for ${p.timeouts.commandMs} ms ${this.#where()}`;
      case 'TOTAL_TIMEOUT':
        return err.message;
      default:
        break;
    }
    switch (code) {
      case 'ECONNREFUSED':
        return `connection refused by ${p.host}:${p.port} (nothing listens there)`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `cannot resolve ${p.host} (${code})`;
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        return `${p.host}:${p.port} is unreachable (${code})`;
      case 'ECONNRESET':
      case 'EPIPE':
        return `connection reset by the server ${this.#where()}`;
      case 'ECONNECTION':
        return /closed unexpectedly/i.test(err.message) ? `the server closed the connection ${this.#where()}${err.response ? `: ${err.response}` : ''}` : err.message;
      case 'EPROTOCOL':
        if (/^Invalid greeting/i.test(err.message)) return `not an SMTP greeting from ${p.host}:${p.port}: "${err.response ?? ''}"`;
        if (/^Unexpected Response/i.test(err.message)) return `unexpected reply ${this.#where()}: "${err.response ?? ''}"`;
        return `protocol error ${this.#where()}: ${err.message}`;
      default:
        return `${err.message}${code ? ` (${code})` : ''}`;
    }
  }

  #plaintextReason(): string {
    const p = this.#plan;
    if (p.policy.policy === 'none') return `policy ${p.policy.label}: STARTTLS not used${this.#startTlsOffered ? ' although the server offered it' : ''}; delivered in plaintext`;
    if (this.#startTlsRefused) return `the server refused STARTTLS (${this.#startTlsRefused}); delivered in plaintext on the same connection (policy ${p.policy.label})`;
    return `STARTTLS not offered by the server; delivered in plaintext (policy ${p.policy.label})`;
  }

  /** Turns what happened into the policy's outcome, emits the last events and hands back the record. */
  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    clearTimeout(this.#watchdog);
    this.#start(this.#socket);
    const p = this.#plan;
    const id = this.#id;
    let result: SessionResult;
    let reason: string;
    let fallback = false;
    let errorCode: string | undefined;
    if (this.#refusal) {
      result = 'refused';
      reason = this.#refusal;
    } else if (this.#delivered !== undefined) {
      if (this.#tls) {
        result = 'tls';
        reason = `delivered over ${this.#tls.version} with ${this.#tls.cipher}; certificate: ${this.#verdict?.summary ?? 'not examined'}${this.#verdict?.required === 'nothing' ? ' (not required)' : ''}`;
      } else if (this.#previous.length) {
        result = 'downgraded';
        const first = this.#previous[0]!;
        reason = `delivered in plaintext on a new connection after the TLS handshake failed on connection ${first.attempt} (${first.errorCode ?? first.reason}); policy ${p.policy.label}`;
      } else {
        result = 'plaintext';
        reason = this.#plaintextReason();
      }
    } else if (this.#probed) {
      result = this.#tls ? 'tls' : 'plaintext';
      reason = this.#tls
        ? `probe: TLS with ${this.#tls.version} ${this.#tls.cipher}; certificate: ${this.#verdict?.summary ?? 'not examined'}; no mail sent`
        : `probe: ${this.#plaintextReason().replace(/delivered in plaintext/, 'the session stayed in plaintext')}; no mail sent`;
    } else if (this.#serverRefusal) {
      result = 'refused';
      reason = this.#serverRefusal;
    } else if (this.#legacy?.kind === 'server-hello') {
      // The real sender would have gone on in TLS here; mxlab cannot, so nothing is sent and nothing
      // is retried: a plaintext retry would be something the real sender never did.
      const l = this.#legacy;
      result = 'handshake-failed';
      reason = `${l.note}; a real ${p.profile.name} sender would have delivered over ${l.version} with ${l.suite.openssl ?? l.suite.iana} (policy ${p.policy.label}); no mail was sent`;
    } else if (this.#handshakeError) {
      const err = this.#handshakeError;
      const timedOut = err.timeoutType === 'UPGRADE_TIMEOUT';
      const closed = !timedOut && err.code === 'ETLS' && !err.originalCode;
      const code = timedOut ? 'ERR_TLS_HANDSHAKE_TIMEOUT' : closed ? 'ECONNRESET' : (err.originalCode ?? err.code);
      const message = timedOut
        ? `TLS handshake not finished within ${p.timeouts.greetingMs} ms`
        : closed
          ? 'the server closed the connection during the TLS handshake'
          : (err.reason ?? err.message);
      errorCode = code;
      const alert = alertFromError(code);
      this.#emit({ type: 'tls-failed', ...(code ? { code } : {}), message, ...(alert ? { alert } : {}) });
      const detail = `${code ? `${code}: ` : ''}${message}${alert ? ` (${alert.sent ? 'we sent' : 'the server sent'} alert ${alert.name})` : ''}`;
      if (p.policy.policy === 'may' && !p.implicit && p.probe) {
        result = 'handshake-failed';
        reason = `TLS handshake failed (${detail}); a probe does not retry (policy ${p.policy.label} would, without TLS)`;
      } else if (p.policy.policy === 'may' && !p.implicit) {
        result = 'handshake-failed';
        reason = p.fallback === 'deferred'
          ? `TLS handshake failed (${detail}); deferred: policy ${p.policy.label} retries without TLS on a new connection after ${p.retryAfterMs / 1000} s (as Postfix, after minimal_backoff_time)`
          : `TLS handshake failed (${detail}); policy ${p.policy.label} retries without TLS on a new connection`;
        fallback = true;
      } else if (requiresTls(p.policy.policy)) {
        result = 'refused';
        reason = `4.7.0 TLS handshake failed (${detail}); policy ${p.policy.label} sends nothing in plaintext`;
      } else {
        result = 'handshake-failed';
        reason = `TLS handshake failed on an implicit-TLS port (${detail}); there is no plaintext to fall back to`;
      }
    } else {
      const err: SmtpError = this.#failure ?? Object.assign(new Error('the connection ended before the message was sent'), { code: 'ECONNECTION' });
      result = 'error';
      reason = this.#failureReason(err);
      errorCode = err.originalCode ?? err.code;
      const current = this.#pending[0] ?? this.#lastCommand;
      const stage = !this.#started || !this.#conn ? 'connect' : current ? (firstWord(current) === 'DATA' ? 'data' : 'command') : 'greeting';
      this.#emit({ type: 'session-error', ...(errorCode ? { code: errorCode } : {}), message: reason, stage });
    }
    const summary: DeliveryAttempt = {
      session: id,
      attempt: this.#number,
      result,
      reason,
      tlsAllowed: this.#tlsAllowed && p.policy.policy !== 'none',
      ...(this.#tls ? { version: this.#tls.version, cipher: this.#tls.cipher } : {}),
      ...(errorCode ? { errorCode } : {}),
    };
    // The policy's own 4.7.x decision is the session's deciding "reply" (what Postfix logs as the status text).
    if (result === 'refused' && this.#serverRefusal === undefined) this.#emit({ type: 'policy-refused', reply: reason });
    const attempts = [...this.#previous, summary];
    this.#emit({
      type: 'client-outcome', result, reason, policyLabel: p.policy.label, delivery: this.#delivery, attempt: this.#number,
      attempts,
    });
    this.#emit({ type: 'session-end' });
    void this.#record!.then((record) => this.#resolve({ record, summary, fallback }));
  }
}
