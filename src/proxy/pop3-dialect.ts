import { SECRET_MASK } from '../line/connection.js';
import type { Dialect, ProxySession } from './proxy-session.js';

/** Commands that do not yet commit the client to plaintext. */
const HARMLESS = new Set(['CAPA', 'STLS', 'QUIT', 'NOOP']);

/** The refusal reply-454 gives: `-ERR` with RFC 3206's code for a temporary failure. */
export const POP3_REFUSAL = '-ERR [SYS/TEMP] TLS not available due to temporary reason';
const MANGLED = 'STLX';

interface Sent {
  readonly verb: string;
  readonly hasArg: boolean;
}

/** Commands whose +OK starts a multi-line reply ending in "." (RFC 1939, RFC 2449 CAPA, RFC 5034 AUTH). */
function multiLine(c: Sent | undefined): boolean {
  if (!c) return false;
  if (c.verb === 'CAPA' || c.verb === 'RETR' || c.verb === 'TOP') return true;
  return !c.hasArg && (c.verb === 'LIST' || c.verb === 'UIDL' || c.verb === 'AUTH');
}

/** Transcript form of a command: passwords and SASL responses masked (user names kept). */
function mask(line: string, verb: string): { shown: string; credentials: boolean } {
  if (verb === 'PASS') return { shown: `PASS ${SECRET_MASK}`, credentials: true };
  // APOP sends an MD5 of the server's timestamp and the password (RFC 1939 §7): crackable offline.
  if (verb === 'APOP') return { shown: `${/^APOP \S+/i.exec(line)?.[0] ?? 'APOP'} ${SECRET_MASK}`, credentials: true };
  const auth = /^(AUTH \S+) \S/i.exec(line);
  if (auth) return { shown: `${auth[1]} ${SECRET_MASK}`, credentials: true };
  return { shown: line, credentials: false };
}

/**
 * POP3 through the proxy (RFC 1939; CAPA and PIPELINING RFC 2449; STLS RFC 2595 §4; AUTH RFC 5034).
 * A queue of the commands sent upstream says what each reply answers and whether it is multi-line;
 * SASL challenges (`+ …`) answer nothing; a retrieved message is relayed line by line and kept out of
 * the transcript.
 */
export class Pop3Dialect implements Dialect {
  readonly #s: ProxySession;
  readonly #pending: (Sent | undefined)[] = [undefined];
  /** An AUTH exchange in progress: the client's lines until the final reply are SASL responses. */
  #sasl = false;
  #inMessage = false;

  constructor(session: ProxySession) {
    this.#s = session;
  }

  stage(): 'command' | 'data' {
    return this.#inMessage ? 'data' : 'command';
  }

  unanswered(): string | undefined {
    if (!this.#pending.length) return undefined;
    return this.#pending[0] ? `the reply to ${this.#pending[0].verb}` : 'the greeting';
  }

  async client(): Promise<'relay' | 'ended'> {
    const s = this.#s;
    for (;;) {
      const bytes = await s.client.line();
      if (!bytes) return 'ended';
      const line = bytes.toString('utf8');
      if (this.#sasl) {
        s.relaySaslResponse(bytes);
        continue;
      }
      const m = /^(\S*)(?:\s+(\S.*))?$/.exec(line)!;
      const verb = m[1]!.toUpperCase();
      const sent: Sent = { verb, hasArg: m[2] !== undefined };
      s.command(verb, HARMLESS);
      if (verb === 'STLS') {
        const next = await s.clientStartTls({
          bytes, line,
          refusal: { reply: POP3_REFUSAL, note: 'answered STLS itself with -ERR; the upstream never saw it' },
          corruption: { line: MANGLED, note: `sent ${MANGLED} to the upstream instead of STLS` },
          sent: (corrupted) => this.#pending.push(corrupted ? { verb: MANGLED, hasArg: false } : sent),
        });
        if (next) return next;
        continue;
      }
      const masked = mask(line, verb);
      if (masked.credentials) s.flags.credentialsInClear = true;
      if (verb === 'AUTH' && sent.hasArg) this.#sasl = true;
      if (verb === 'QUIT') s.farewell = true;
      s.clientLine(masked.shown);
      s.upstream.writeLine(bytes);
      this.#pending.push(sent);
    }
  }

  async upstream(): Promise<'relay' | 'ended'> {
    const s = this.#s;
    for (;;) {
      const bytes = await s.upstream.line();
      if (!bytes) return 'ended';
      const line = bytes.toString('utf8');
      const sent = this.#pending[0];
      if (sent?.verb === 'AUTH' && this.#sasl && /^\+( |$)/.test(line)) {
        // A SASL challenge: the exchange goes on, the command is not answered yet.
        s.toClient([line]);
        continue;
      }
      this.#pending.shift();
      if (sent?.verb === 'AUTH') this.#sasl = false;
      if (sent?.verb === MANGLED) s.flags.mangledAnswer = line;
      if (sent?.verb === 'STLS') {
        if (s.upstreamStartTlsReply([line], line.startsWith('+OK'))) return 'relay';
        continue;
      }
      if (sent?.verb === 'QUIT') s.upstreamBye = { line, expected: true };
      if (!line.startsWith('+OK') || !multiLine(sent)) {
        s.toClient([line]);
        continue;
      }
      if (sent!.verb === 'CAPA') {
        const list: string[] = [];
        for (;;) {
          const next = await s.upstream.line();
          if (!next) return 'ended';
          const text = next.toString('utf8');
          if (text === '.') break;
          list.push(text);
        }
        const isStls = (l: string): boolean => /^STLS\b/i.test(l);
        if (list.some(isStls)) s.flags.startTlsOfferedByUpstream = true;
        let shown = list;
        if (s.plan.strip === 'capability' && list.some(isStls)) {
          shown = list.filter((l) => !isStls(l));
          s.flags.stripped = true;
          s.rewrite('removed STLS from the CAPA list');
        }
        s.capabilitiesShown(shown, shown.some(isStls), shown.some((l) => /^USER\b/i.test(l) || /^SASL\b.*\bPLAIN\b/i.test(l)));
        s.toClient([line, ...shown, '.']);
        continue;
      }
      // RETR, TOP, LIST, UIDL: relayed as they come; a message stays out of the transcript.
      const message = sent!.verb === 'RETR' || sent!.verb === 'TOP';
      s.toClient([line]);
      let lines = 0;
      let size = 0;
      this.#inMessage = message;
      for (;;) {
        const next = await s.upstream.line();
        if (!next) return 'ended';
        if (next.length === 1 && next[0] === 0x2e) break;
        lines++;
        size += next.length + 2;
        if (message) s.client.writeLine(next);
        else s.toClient([next.toString('utf8')]);
      }
      this.#inMessage = false;
      if (message) {
        s.flags.mailInClear = true;
        s.note(`message content: ${lines} lines, ${size} bytes, in the clear`);
      }
      s.toClient(['.']);
    }
  }
}
