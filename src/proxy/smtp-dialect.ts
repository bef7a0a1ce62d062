import { SECRET_MASK } from '../line/connection.js';
import type { Dialect, ProxySession } from './proxy-session.js';

/** Commands that do not yet commit the client to plaintext: greeting, capabilities, STARTTLS, goodbye. */
const HARMLESS = new Set(['EHLO', 'HELO', 'LHLO', 'STARTTLS', 'QUIT', 'NOOP', 'RSET']);

/**
 * Postfix's wording when STARTTLS is advertised but cannot be had (`454 4.7.0 TLS not available due to
 * local problem`), with "temporary reason" as RFC 3207 §4 has it: what a STARTTLS-refusing middlebox
 * or a broken server answers.
 */
export const SMTP_REFUSAL = '454 4.7.0 TLS not available due to temporary reason';
/** What corrupt-command sends instead of STARTTLS: an unknown verb of the same length (Cisco ASA's ESMTP inspection sent XXXXXXXX). */
const MANGLED = 'STARTTLX';

const STARTTLS_LINE = /^250[ -]STARTTLS\b/i;

/**
 * The EHLO reply without its STARTTLS line, still well-formed: every line but the last `250-`, the
 * last `250 ` (RFC 5321 §4.2.1), also when STARTTLS was the last line.
 */
export function stripEhlo(lines: readonly string[]): string[] {
  const kept = lines.filter((l) => !STARTTLS_LINE.test(l));
  return kept.map((l, i) => `${l.slice(0, 3)}${i === kept.length - 1 ? ' ' : '-'}${l.slice(4)}`);
}

/**
 * SMTP through the proxy (RFC 5321, STARTTLS RFC 3207, PIPELINING RFC 2920, CHUNKING RFC 3030). Every
 * client line gets exactly one reply, so a queue of the lines sent upstream says what each reply
 * answers; the greeting is the reply to nothing. Message content (after 354, and BDAT chunks) is
 * relayed, counted, and kept out of the transcript.
 */
export class SmtpDialect implements Dialect {
  readonly #s: ProxySession;
  readonly #pending: string[] = ['the greeting'];
  #data?: { lines: number; bytes: number };
  /** A 334 went to the client: its next line is a SASL response. */
  #secretNext = false;

  constructor(session: ProxySession) {
    this.#s = session;
  }

  stage(): 'command' | 'data' {
    return this.#data ? 'data' : 'command';
  }

  unanswered(): string | undefined {
    const next = this.#pending[0];
    return next === undefined || next === 'the greeting' ? next : `the reply to ${next}`;
  }

  async client(): Promise<'relay' | 'ended'> {
    const s = this.#s;
    for (;;) {
      const bytes = await s.client.line();
      if (!bytes) return 'ended';
      if (this.#data) {
        this.#dataLine(bytes);
        continue;
      }
      const line = bytes.toString('utf8');
      if (this.#secretNext) {
        this.#secretNext = false;
        s.relaySaslResponse(bytes);
        this.#pending.push('a SASL response');
        continue;
      }
      const verb = (/^\S*/.exec(line)![0]).toUpperCase();
      s.command(verb, HARMLESS);
      if (verb === 'STARTTLS') {
        const next = await s.clientStartTls({
          bytes, line,
          refusal: { reply: SMTP_REFUSAL, note: 'answered STARTTLS itself; the upstream never saw it' },
          corruption: { line: MANGLED, note: `sent ${MANGLED} to the upstream instead of STARTTLS` },
          sent: (corrupted) => this.#pending.push(corrupted ? MANGLED : 'STARTTLS'),
        });
        if (next) return next;
        continue;
      }
      if (verb === 'AUTH') {
        // AUTH PLAIN <initial response>: the secret is on the command line itself.
        const m = /^(AUTH\s+\S+)\s+\S/i.exec(line);
        if (m) s.flags.credentialsInClear = true;
        s.clientLine(m ? `${m[1]} ${SECRET_MASK}` : line);
      } else {
        s.clientLine(line);
      }
      if (verb === 'QUIT') s.farewell = true;
      s.upstream.writeLine(bytes);
      this.#pending.push(verb);
      if (verb === 'BDAT') {
        const m = /^BDAT\s+(\d+)/i.exec(line);
        if (!m) continue;
        const size = Number(m[1]);
        if (!(await s.client.relayBytes(size, s.upstream))) return 'ended';
        s.flags.mailInClear = true;
        s.note(`message content: a BDAT chunk of ${size} bytes, in the clear`);
      }
    }
  }

  #dataLine(bytes: Buffer): void {
    const s = this.#s;
    const data = this.#data!;
    s.flags.mailInClear = true;
    s.upstream.writeLine(bytes);
    if (bytes.length === 1 && bytes[0] === 0x2e) {
      s.note(`message content: ${data.lines} lines, ${data.bytes} bytes, in the clear`);
      s.clientLine('.');
      this.#data = undefined;
      this.#pending.push('the end of the message');
      return;
    }
    data.lines++;
    data.bytes += bytes.length + 2;
  }

  async upstream(): Promise<'relay' | 'ended'> {
    const s = this.#s;
    for (;;) {
      // One reply: `250-…` lines up to the one with a space after the code.
      const lines: string[] = [];
      for (;;) {
        const bytes = await s.upstream.line();
        if (!bytes) return 'ended';
        const line = bytes.toString('utf8');
        lines.push(line);
        if (!/^\d{3}-/.test(line)) break;
      }
      const answers = this.#pending.shift() ?? 'nothing (an unsolicited reply)';
      const last = lines[lines.length - 1]!;
      const code = last.slice(0, 3);
      let shown = lines;
      if ((answers === 'EHLO' || answers === 'LHLO') && code === '250') {
        const offered = lines.some((l) => STARTTLS_LINE.test(l));
        if (offered) s.flags.startTlsOfferedByUpstream = true;
        if (offered && s.plan.strip === 'capability') {
          shown = stripEhlo(lines);
          s.flags.stripped = true;
          s.rewrite(`removed "${lines.find((l) => STARTTLS_LINE.test(l))}" from the EHLO reply`);
        }
        s.capabilitiesShown(shown.slice(1).map((l) => l.slice(4)), shown.some((l) => STARTTLS_LINE.test(l)), true);
      }
      if (answers === MANGLED) s.flags.mangledAnswer = last;
      if (answers === 'STARTTLS') {
        if (s.upstreamStartTlsReply(shown, code === '220')) return 'relay';
        continue;
      }
      // Set before the reply goes out: the client's next line may come at once.
      if (answers === 'DATA' && code === '354') this.#data = { lines: 0, bytes: 0 };
      if (code === '334') this.#secretNext = true;
      if (code === '221' || code === '421') s.upstreamBye = { line: last, expected: answers === 'QUIT' };
      s.toClient(shown);
    }
  }
}
