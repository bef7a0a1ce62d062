import type { EventBus } from '../events/event-bus.js';
import type { LabEvent, LabEventOf } from '../events/events.js';
import type { SessionSink } from '../events/session-sink.js';
import type { Protocol, SessionRecord, SessionResult, TranscriptLine } from '../model/session-record.js';

interface Draft {
  start: LabEventOf<'session-start'>;
  helo?: string;
  startTlsOffered?: boolean;
  startTlsAt?: number;
  hello?: LabEventOf<'client-hello'>['hello'];
  helloInvalid?: string;
  established?: LabEventOf<'tls-established'>;
  failed?: LabEventOf<'tls-failed'>;
  imitated?: LabEventOf<'tls-imitated'>;
  scan?: LabEventOf<'scan-answer'>;
  refused?: string;
  error?: LabEventOf<'session-error'>;
  messages: LabEventOf<'message'>[];
  transcript: Transcript;
  lastReply?: string;
  decisiveReply?: string;
  /** A 334 was the last server line: the next client line is a SASL secret. */
  secretNext: boolean;
  /**
   * An AUTH command was the last client command: whatever the server answered (a 334, or a 538 before
   * STARTTLS that the client ignores), the client's next base64-looking lines are its secrets.
   */
  afterAuth: boolean;
  /* Client role: */
  ehloBefore?: readonly string[];
  ehloAfter?: readonly string[];
  capsBefore?: readonly string[];
  capsAfter?: readonly string[];
  loginBeforeTls?: boolean;
  verdict?: LabEventOf<'tls-verdict'>['verdict'];
  clientCertificate?: LabEventOf<'client-certificate'>;
  outcome?: LabEventOf<'client-outcome'>;
  /* Proxy role: */
  interception?: LabEventOf<'interception'>['interception'];
}

/** Transcript lines a record keeps: the first TRANSCRIPT_HEAD and the last TRANSCRIPT_TAIL. */
export const TRANSCRIPT_HEAD = 1000;
export const TRANSCRIPT_TAIL = 200;
/** Characters of one transcript line kept (an SMTP command may be 16 KiB). */
export const TRANSCRIPT_LINE_MAX = 2048;

/**
 * A session's transcript while it is open, bounded: a client that sends a million NOOPs in one session
 * cannot fill memory. Past the head, only the last lines are kept (the end of a session says how it
 * ended), and the record says how many were left out between them.
 */
class Transcript {
  readonly #head: TranscriptLine[] = [];
  /** A ring of the last lines once the head is full; #next is the oldest. */
  readonly #tail: TranscriptLine[] = [];
  #next = 0;
  #dropped = 0;

  push(entry: TranscriptLine): void {
    const line = entry.line.length > TRANSCRIPT_LINE_MAX ? { ...entry, line: `${entry.line.slice(0, TRANSCRIPT_LINE_MAX)}… (${entry.line.length} characters)` } : entry;
    if (this.#head.length < TRANSCRIPT_HEAD) this.#head.push(line);
    else if (this.#tail.length < TRANSCRIPT_TAIL) this.#tail.push(line);
    else {
      this.#tail[this.#next] = line;
      this.#next = (this.#next + 1) % TRANSCRIPT_TAIL;
      this.#dropped += 1;
    }
  }

  lines(): TranscriptLine[] {
    if (!this.#tail.length) return this.#head;
    const tail = [...this.#tail.slice(this.#next), ...this.#tail.slice(0, this.#next)];
    const gap: TranscriptLine[] = this.#dropped ? [{ t: tail[0]!.t, dir: '*', line: `… ${this.#dropped} transcript lines not kept (a record keeps the first ${TRANSCRIPT_HEAD} and the last ${TRANSCRIPT_TAIL})` }] : [];
    return [...this.#head, ...gap, ...tail];
  }
}

/** Replies that decide a session: an accepted message, a TLS answer, or any refusal. */
function isDecisive(line: string, protocol: Protocol = 'smtp'): boolean {
  // IMAP: a tagged NO/BAD, an untagged BYE, the STARTTLS go-ahead, a login; POP3 the same in its words.
  if (protocol === 'imap') return /^[^\s*+]+ (NO|BAD)\b/i.test(line) || /^\* BYE\b(?!.*logging out)/i.test(line) || /^[^\s*+]+ OK\b.*(Begin TLS|LOGIN completed|AUTHENTICATE completed)/i.test(line);
  if (protocol === 'pop3') return /^-ERR\b/.test(line) || /^\+OK\b.*(Begin TLS|Logged in)/i.test(line);
  const code = Number(line.slice(0, 3));
  return code >= 400 || /^250[ -].*(queued|accepted|Ok)/i.test(line) || /^220[ -](2\.0\.0 )?Ready to start TLS/i.test(line);
}

/** Command words a client may send right after AUTH that are not SASL responses (they are shown). */
const COMMAND_WORDS = /^(QUIT|NOOP|RSET|HELP|DATA|STARTTLS|EHLO|HELO|LHLO|MAIL|RCPT|VRFY|EXPN|AUTH|CAPA|STLS|USER|PASS|LIST|STAT|RETR)$/i;
/** A SASL response line: base64, or `=` (empty). A `*` (cancel, RFC 4954) is no secret and is shown. */
const SASL_RESPONSE = /^([A-Za-z0-9+/]+={0,2}|=)$/;

function maskClientLine(line: string, draft: Draft): string {
  if (draft.secretNext) return '/* secret masked */';
  if (draft.afterAuth && SASL_RESPONSE.test(line) && !COMMAND_WORDS.test(line)) return '/* secret masked */';
  // AUTH PLAIN <initial response>, AUTH LOGIN <user>: keep the mechanism, mask the rest.
  const m = /^(AUTH\s+\S+)\s+\S+/i.exec(line);
  if (m) return `${m[1]} /* secret masked */`;
  return line;
}

/**
 * Turns the event stream into one SessionRecord per connection and emits it as a 'record' event.
 * The only place that decides a session's result.
 */
export class RecordBuilder implements SessionSink {
  readonly #drafts = new Map<string, Draft>();
  readonly bus: EventBus;
  readonly #unsubscribe: () => void;
  /** Client peers waiting for their session's record (SessionSink.recordOf). */
  readonly #waiting = new Map<string, (record: SessionRecord) => void>();

  constructor(bus: EventBus) {
    this.bus = bus;
    this.#unsubscribe = bus.subscribe((e) => this.#on(e));
  }

  recordOf(session: string): Promise<SessionRecord> {
    return new Promise((resolve) => this.#waiting.set(session, resolve));
  }

  /** Sessions still open. */
  get open(): number {
    return this.#drafts.size;
  }

  close(): void {
    this.#unsubscribe();
  }

  #on(e: LabEvent): void {
    if (e.type === 'session-start') {
      this.#drafts.set(e.session, { start: e, messages: [], transcript: new Transcript(), secretNext: false, afterAuth: false });
      return;
    }
    if (e.type === 'record' || !('session' in e) || e.session === undefined) return;
    const d = this.#drafts.get(e.session);
    if (!d) return;
    const t0 = d.start.at;
    switch (e.type) {
      case 'line': {
        const line = e.dir === 'C' ? maskClientLine(e.line, d) : e.line;
        d.transcript.push({ t: Math.max(0, e.at - t0), dir: e.dir, line });
        if (e.dir === 'S') {
          d.secretNext = /^334[ -]/.test(e.line);
          d.lastReply = e.line;
          if (isDecisive(e.line, d.start.protocol)) d.decisiveReply = e.line;
        } else {
          d.secretNext = false;
          if (/^AUTH(\s|$)/i.test(e.line)) d.afterAuth = true;
          else if (!SASL_RESPONSE.test(e.line) || COMMAND_WORDS.test(e.line)) d.afterAuth = false;
        }
        break;
      }
      case 'helo':
        d.helo = e.name;
        break;
      case 'starttls-offered':
        d.startTlsOffered = e.offered;
        break;
      case 'starttls':
        d.startTlsAt = e.at;
        break;
      case 'client-hello':
        d.hello = e.hello;
        d.transcript.push({ t: Math.max(0, e.at - t0), dir: '*', line: `ClientHello: ${e.hello.offeredVersions.join('/')} ${e.hello.ciphers.length} suites${e.hello.sni ? ` SNI ${e.hello.sni}` : ''}` });
        break;
      case 'client-hello-invalid':
        d.helloInvalid = e.reason;
        d.transcript.push({ t: Math.max(0, e.at - t0), dir: '*', line: `not a ClientHello: ${e.reason}` });
        break;
      case 'tls-established':
        d.established = e;
        d.transcript.push({ t: Math.max(0, e.at - t0), dir: '*', line: `TLS established: ${e.version} ${e.cipher.openssl}` });
        break;
      case 'tls-imitated':
        d.imitated = e;
        d.transcript.push({ t: Math.max(0, e.at - t0), dir: '*', line: `imitated ServerHello: ${e.version} ${e.suite.iana}${e.suite.openssl ? ` (${e.suite.openssl})` : ''}` });
        break;
      case 'scan-answer':
        d.scan = e;
        d.transcript.push({ t: Math.max(0, e.at - t0), dir: '*', line: `scan: ${e.hello} → ${e.answer}` });
        break;
      case 'tls-failed':
        d.failed = e;
        d.transcript.push({ t: Math.max(0, e.at - t0), dir: '*', line: `TLS handshake failed: ${e.code ? `${e.code}: ` : ''}${e.message}` });
        break;
      case 'policy-refused':
        d.refused = e.reply;
        break;
      case 'message':
        d.messages.push(e);
        break;
      case 'session-error':
        if (!d.error) d.error = e;
        d.transcript.push({ t: Math.max(0, e.at - t0), dir: '*', line: `error (${e.stage}): ${e.message}` });
        break;
      case 'ehlo':
        if (e.secure) d.ehloAfter = e.capabilities;
        else d.ehloBefore = e.capabilities;
        break;
      case 'tls-verdict':
        d.verdict = e.verdict;
        d.transcript.push({ t: Math.max(0, e.at - t0), dir: '*', line: `certificate: ${e.verdict.summary}${e.verdict.required === 'nothing' ? ' (not required by the policy)' : e.verdict.passed ? '' : ' (required by the policy: refused)'}` });
        break;
      case 'client-outcome':
        d.outcome = e;
        break;
      case 'client-certificate':
        d.clientCertificate = e;
        break;
      case 'interception':
        d.interception = e.interception;
        break;
      case 'note':
        d.transcript.push({ t: Math.max(0, e.at - t0), dir: '*', line: e.text });
        break;
      case 'capabilities':
        if (e.secure) d.capsAfter = e.capabilities;
        else d.capsBefore = e.capabilities;
        if (e.loginAllowed !== undefined && !e.secure) d.loginBeforeTls = e.loginAllowed;
        break;
      case 'session-end': {
        this.#drafts.delete(e.session);
        const record = build(d, e.at);
        const waiter = this.#waiting.get(e.session);
        if (waiter) {
          this.#waiting.delete(e.session);
          waiter(record);
        }
        this.bus.emit({ type: 'record', session: e.session, peer: e.peer, at: e.at, record });
        break;
      }
      default:
        break;
    }
  }
}

function resultOf(d: Draft): SessionResult {
  // A sending peer's result is its policy's decision (smtp/sender.ts), e.g. refused after a failed handshake.
  if (d.outcome) return d.outcome.result;
  if (d.failed || d.scan) return 'handshake-failed';
  if (d.error) return 'error';
  if (d.refused) return 'refused';
  if (d.established) return 'tls';
  return 'plaintext';
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** The record of a finished session; optional fields are set only when there is something to say. */
function build(d: Draft, endAt: number): SessionRecord {
  const s = d.start;
  const tlsStartAt = s.tlsMode === 'implicit' ? s.at : d.startTlsAt;
  const timings: Writable<SessionRecord['timings']> = { start: new Date(s.at).toISOString(), end: new Date(endAt).toISOString(), totalMs: endAt - s.at };
  if (tlsStartAt !== undefined) {
    timings.tlsStartMs = tlsStartAt - s.at;
    const tlsEnd = d.established ?? d.failed;
    if (tlsEnd) timings.handshakeMs = tlsEnd.at - tlsStartAt;
  }
  const r: Writable<SessionRecord> = {
    id: s.session, peer: s.peer, role: s.role, protocol: s.protocol, profile: s.profile, policy: s.policy, tlsMode: s.tlsMode,
    local: s.local, remote: s.remote, result: resultOf(d), messages: [], timings, transcript: d.transcript.lines(),
  };
  if (d.helo !== undefined) r.helo = d.helo;
  if (s.tlsMode === 'explicit') {
    r.startTlsOffered = d.startTlsOffered ?? false;
    r.startTlsAttempted = d.startTlsAt !== undefined;
  }
  if (d.hello) r.clientHello = d.hello;
  if (d.scan) r.scanProbe = { hello: d.scan.hello, answer: d.scan.answer, serverHello: d.scan.serverHello };
  if (d.imitated) {
    const { suite, version, note } = d.imitated;
    r.imitated = { suite: suite.iana, code: suite.code, ...(suite.openssl ? { openssl: suite.openssl } : {}), version, note };
  }
  const e = d.established;
  if (e) {
    r.version = e.version;
    r.cipher = e.cipher;
    if (e.keyExchange) r.keyExchange = e.keyExchange;
    r.chain = e.chain;
    if (e.sni) r.sni = e.sni;
  } else if (d.hello?.sni) {
    r.sni = d.hello.sni;
  }
  const reply = d.refused ?? d.decisiveReply ?? d.lastReply;
  if (reply !== undefined) r.reply = reply;
  if (d.failed) r.error = { code: d.failed.code, message: d.failed.message, stage: 'handshake', ...(d.failed.alert ? { alert: d.failed.alert } : {}) };
  else if (d.error) r.error = { code: d.error.code, message: d.error.message, stage: d.error.stage };
  if (d.messages.length) r.messages = d.messages.map((m) => ({ id: m.id, from: m.from, to: m.to, size: m.size, ...(m.file ? { file: m.file } : {}) }));
  const o = d.outcome;
  if (o) {
    r.policyLabel = o.policyLabel;
    r.reason = o.reason;
    r.delivery = o.delivery;
    r.attempt = o.attempt;
    if (o.attempts) r.attempts = o.attempts;
  }
  if (d.ehloBefore || d.ehloAfter) r.ehlo = { ...(d.ehloBefore ? { beforeTls: d.ehloBefore } : {}), ...(d.ehloAfter ? { afterTls: d.ehloAfter } : {}) };
  if (d.ehloBefore) r.authBeforeTls = d.ehloBefore.some((c) => /^AUTH\b/i.test(c));
  if (d.clientCertificate) r.clientCertificate = { personality: d.clientCertificate.personality, chain: d.clientCertificate.chain };
  if (d.verdict) r.verification = d.verdict;
  if (d.capsBefore || d.capsAfter) r.capabilities = { ...(d.capsBefore ? { beforeTls: d.capsBefore } : {}), ...(d.capsAfter ? { afterTls: d.capsAfter } : {}) };
  if (d.loginBeforeTls !== undefined) r.loginBeforeTls = d.loginBeforeTls;
  if (d.interception) r.interception = d.interception;
  return r;
}
