import { SECRET_MASK } from '../line/connection.js';
import type { Dialect, ProxySession } from './proxy-session.js';

/** Commands that do not yet commit the client to plaintext (RFC 9051 §6.1: any state). */
const HARMLESS = new Set(['CAPABILITY', 'STARTTLS', 'LOGOUT', 'NOOP', 'ID']);

/**
 * The refusal reply-454 gives: a tagged NO (RFC 9051 §6.2.1 leaves the words free; UNAVAILABLE is
 * RFC 5530's code for a temporary failure).
 */
export const imapRefusal = (tag: string): string => `${tag} NO [UNAVAILABLE] TLS not available due to temporary reason`;
const MANGLED = 'STARTTLX';

/** A literal at the end of a line: `{123}`, `{123+}` (LITERAL+, RFC 7888), `~{123}` (BINARY, RFC 3516). */
const LITERAL = /~?\{(\d+)\+?\}$/;

/**
 * The capability list in a line, and how to write the line back with another list: the untagged
 * `* CAPABILITY …` response and the `[CAPABILITY …]` response code in a greeting or a tagged OK
 * (RFC 9051 §7.2.2, §7.1).
 */
function capabilityList(line: string): { tokens: string[]; rebuild: (kept: readonly string[]) => string } | undefined {
  const untagged = /^(\* CAPABILITY)(?: (.*))?$/i.exec(line);
  if (untagged) return { tokens: words(untagged[2]), rebuild: (kept) => `${untagged[1]} ${kept.join(' ')}` };
  const code = /^(\S+ (?:OK|PREAUTH|NO|BAD|BYE) \[CAPABILITY)([^\]]*)(\].*)$/i.exec(line);
  if (code) return { tokens: words(code[2]), rebuild: (kept) => `${code[1]} ${kept.join(' ')}${code[3]}` };
  return undefined;
}

const words = (s: string | undefined): string[] => (s ?? '').trim().split(/\s+/).filter(Boolean);

/**
 * Removed from the client's view under `capability`: STARTTLS, and LOGINDISABLED too — a server that
 * forbids plaintext login says LOGINDISABLED before TLS (RFC 9051 §6.2.3), and a client that sees it
 * would not send its password; without it the client believes plaintext login is fine and tries.
 */
const STRIPPED = new Set(['STARTTLS', 'LOGINDISABLED']);

/** Transcript form of a command's first line: LOGIN and AUTHENTICATE lose their secrets. */
function maskCommand(line: string, command: string): { shown: string; credentials: boolean } {
  if (command === 'LOGIN') {
    const m = /^(\S+ LOGIN)(?: ("(?:[^"\\]|\\.)*"|[^\s{"]+))?/i.exec(line);
    return { shown: `${m?.[1] ?? line}${m?.[2] ? ` ${m[2]}` : ''} ${SECRET_MASK}`, credentials: true };
  }
  if (command === 'AUTHENTICATE') {
    // SASL-IR (RFC 4959): the first response on the command line.
    const m = /^(\S+ AUTHENTICATE \S+) \S/i.exec(line);
    if (m) return { shown: `${m[1]} ${SECRET_MASK}`, credentials: true };
  }
  return { shown: line, credentials: false };
}

/**
 * IMAP through the proxy (RFC 9051 / 3501; STARTTLS §6.2.1). Tags say which reply ends which command,
 * literals are relayed as counted bytes in both directions (never read as lines), and a message body
 * in a FETCH response or an APPEND marks mail in the clear without entering the transcript.
 */
export class ImapDialect implements Dialect {
  readonly #s: ProxySession;
  /** Tags sent upstream and not yet answered. */
  readonly #open: string[] = [];
  #greeted = false;
  #startTlsTag?: string;
  /** An AUTHENTICATE in progress: the client's lines until its tagged reply are SASL responses. */
  #authTag?: string;
  /** The tag of a STARTTLS sent mangled: its answer goes in the verdict. */
  #mangledTag?: string;
  #inLiteral = false;

  constructor(session: ProxySession) {
    this.#s = session;
  }

  stage(): 'command' | 'data' {
    return this.#inLiteral ? 'data' : 'command';
  }

  unanswered(): string | undefined {
    if (!this.#greeted) return 'the greeting';
    return this.#open.length ? `the reply to the command tagged ${this.#open[0]}` : undefined;
  }

  async client(): Promise<'relay' | 'ended'> {
    const s = this.#s;
    for (;;) {
      const bytes = await s.client.line();
      if (!bytes) return 'ended';
      const line = bytes.toString('utf8');
      if (this.#authTag) {
        s.relaySaslResponse(bytes);
        continue;
      }
      const m = /^(\S+) +(\S+)(?: +(\S+))?/.exec(line);
      const tag = m?.[1] ?? '';
      let command = (m?.[2] ?? '').toUpperCase();
      if (command === 'UID' && m?.[3]) command = `UID ${m[3].toUpperCase()}`;
      s.command(command, HARMLESS);
      if (command === 'STARTTLS') {
        const next = await s.clientStartTls({
          bytes, line,
          refusal: { reply: imapRefusal(tag), note: 'answered STARTTLS itself with a tagged NO; the upstream never saw it' },
          corruption: { line: `${tag} ${MANGLED}`, note: `sent "${tag} ${MANGLED}" to the upstream instead of STARTTLS` },
          sent: (corrupted) => {
            this.#open.push(tag);
            this.#startTlsTag = corrupted ? undefined : tag;
            if (corrupted) this.#mangledTag = tag;
          },
        });
        if (next) return next;
        continue;
      }
      const masked = maskCommand(line, command);
      if (masked.credentials) s.flags.credentialsInClear = true;
      if (command === 'AUTHENTICATE') this.#authTag = tag;
      if (command === 'LOGOUT') s.farewell = true;
      if (command === 'APPEND') s.flags.mailInClear = true;
      this.#open.push(tag);
      s.clientLine(masked.shown);
      s.upstream.writeLine(bytes);
      // A command goes on after each literal (RFC 9051 §4.3): relay the counted bytes, then the next line.
      let current = line;
      for (let lit = LITERAL.exec(current); lit; lit = LITERAL.exec(current)) {
        const size = Number(lit[1]);
        this.#inLiteral = true;
        if (!(await s.client.relayBytes(size, s.upstream))) return 'ended';
        this.#inLiteral = false;
        const next = await s.client.line();
        if (!next) return 'ended';
        s.upstream.writeLine(next);
        current = next.toString('utf8');
        // A LOGIN's literals are its user name and password: masked whole.
        s.clientLine(command === 'LOGIN' ? SECRET_MASK : `{${command === 'APPEND' ? 'message content' : 'literal'}: ${size} bytes} ${current}`);
      }
    }
  }

  async upstream(): Promise<'relay' | 'ended'> {
    const s = this.#s;
    for (;;) {
      const bytes = await s.upstream.line();
      if (!bytes) return 'ended';
      let line = bytes.toString('utf8');
      if (!this.#greeted && line.startsWith('* ')) this.#greeted = true;
      const caps = capabilityList(line);
      if (caps) {
        const upper = caps.tokens.map((t) => t.toUpperCase());
        if (upper.includes('STARTTLS')) s.flags.startTlsOfferedByUpstream = true;
        let shown = caps.tokens;
        if (s.plan.strip === 'capability') {
          shown = caps.tokens.filter((t) => !STRIPPED.has(t.toUpperCase()));
          if (shown.length !== caps.tokens.length) {
            line = caps.rebuild(shown);
            s.flags.stripped = true;
            s.rewrite(`removed ${caps.tokens.filter((t) => STRIPPED.has(t.toUpperCase())).join(' and ')} from a capability list`);
          }
        }
        const shownUpper = shown.map((t) => t.toUpperCase());
        s.capabilitiesShown(shown, shownUpper.includes('STARTTLS'), !shownUpper.includes('LOGINDISABLED'));
      }
      const tagged = /^(\S+) (OK|NO|BAD)\b/i.exec(line);
      const tag = tagged && tagged[1] !== '*' && tagged[1] !== '+' ? tagged[1]! : undefined;
      if (tag) {
        const i = this.#open.indexOf(tag);
        if (i >= 0) this.#open.splice(i, 1);
        if (tag === this.#authTag) this.#authTag = undefined;
        if (tag === this.#mangledTag) {
          this.#mangledTag = undefined;
          s.flags.mangledAnswer = line;
        }
      }
      if (tag && tag === this.#startTlsTag) {
        this.#startTlsTag = undefined;
        if (s.upstreamStartTlsReply([line], tagged![2]!.toUpperCase() === 'OK')) return 'relay';
        continue;
      }
      if (/^\* BYE\b/i.test(line)) s.upstreamBye = { line, expected: s.farewell };
      s.toClient([line]);
      // A response goes on after each literal: a message body in a FETCH, a quoted string sent as one.
      let current = line;
      for (let lit = LITERAL.exec(current); lit; lit = LITERAL.exec(current)) {
        const size = Number(lit[1]);
        const body = /\b(BODY|BINARY|RFC822)(\.TEXT|\.PEEK)?\[[^\]]*\](<\d+>)?\s*~?\{\d+\}$|\bRFC822(\.TEXT)?\s*\{\d+\}$/i.test(current);
        if (!(await s.upstream.relayBytes(size, s.client))) return 'ended';
        if (body) {
          s.flags.mailInClear = true;
          s.note(`message content: ${size} bytes, in the clear`);
        }
        const next = await s.upstream.line();
        if (!next) return 'ended';
        current = next.toString('utf8');
        s.toClient([current]);
      }
    }
  }
}
