import { type LineConnection, SECRET_MASK } from '../line/connection.js';
import type { LineRead } from '../line/line-reader.js';
import { checkLogin, type Credentials, decodePlain } from '../line/sasl-plain.js';
import type { Mailbox, MailboxMessage } from '../mailbox/mailbox.js';
import type { Quirks } from '../profiles/quirks.js';
import type { ServerPolicy } from '../model/server-policy.js';
import { astring, type ImapCommand, ImapSyntaxError, LITERAL_AT_END, parseCommand, type RawCommand, tagOf } from './command.js';
import { bodyData, type FetchItem, flagList, internalDate, parseFetchItems } from './fetch.js';
import { compileSearch } from './search.js';
import { highest, inSet, parseSequenceSet } from './sequence-set.js';

export interface ImapEngineOptions {
  /** Name in the greeting. */
  readonly hostname: string;
  readonly policy: ServerPolicy;
  readonly quirks: Quirks;
  readonly mailbox: Mailbox;
  /** user → password; absent: any login is accepted. */
  readonly credentials?: Credentials;
  /** Largest literal accepted in a command. */
  readonly maxLiteralBytes: number;
}

type State = 'not authenticated' | 'authenticated' | 'selected';

/** Commands by the states they are valid in (RFC 9051 §6). */
const ANY = new Set(['CAPABILITY', 'NOOP', 'LOGOUT', 'ID']);
const NOT_AUTHENTICATED = new Set(['STARTTLS', 'LOGIN', 'AUTHENTICATE']);
const AUTHENTICATED = new Set(['SELECT', 'EXAMINE', 'LIST', 'LSUB', 'STATUS', 'NAMESPACE', 'SUBSCRIBE', 'UNSUBSCRIBE']);
const SELECTED = new Set(['FETCH', 'UID FETCH', 'SEARCH', 'UID SEARCH', 'CLOSE', 'UNSELECT', 'CHECK', 'EXPUNGE']);
/** Real IMAP commands a read-only lab mailbox does not do: NO [CANNOT] rather than BAD. */
const NOT_SUPPORTED = new Set(['STORE', 'UID STORE', 'COPY', 'UID COPY', 'MOVE', 'UID MOVE', 'APPEND', 'CREATE', 'DELETE', 'RENAME', 'IDLE', 'ENABLE', 'UID EXPUNGE', 'GETQUOTAROOT', 'GETQUOTA', 'GETACL', 'MYRIGHTS']);
const MAX_LITERALS = 64;
const SYSTEM_FLAGS = '(\\Answered \\Flagged \\Deleted \\Seen \\Draft)';

/** Transcript form of a command's first line: LOGIN and AUTHENTICATE lose their secrets. */
function maskFirstLine(line: string): { shown: string; secret: boolean } {
  const login = /^(\S+ LOGIN)(?: ("(?:[^"\\]|\\.)*"|[^\s{"]+))?(?: .*)?$/i.exec(line);
  if (login) return { shown: `${login[1]}${login[2] ? ` ${login[2]}` : ''} ${SECRET_MASK}`, secret: true };
  const auth = /^(\S+ AUTHENTICATE \S+) \S/i.exec(line);
  if (auth) return { shown: `${auth[1]} ${SECRET_MASK}`, secret: true };
  return { shown: line, secret: /^\S+ AUTHENTICATE\b/i.test(line) };
}

/**
 * One IMAP4rev1 session (RFC 3501, with the RFC 9051 response codes): the subset mail clients and
 * curl need, over a LineConnection that does the reading, writing, TLS and transcript. A policy of
 * `required` puts LOGINDISABLED in the plaintext capabilities and refuses LOGIN and AUTHENTICATE
 * before STARTTLS with `NO [PRIVACYREQUIRED]`, Dovecot's words.
 */
export class ImapSession {
  readonly #c: LineConnection;
  readonly #o: ImapEngineOptions;
  #state: State = 'not authenticated';
  #readOnly = false;
  #view: MailboxMessage[] = [];

  constructor(conn: LineConnection, options: ImapEngineOptions) {
    this.#c = conn;
    this.#o = options;
  }

  async run(): Promise<void> {
    const caps = this.#capabilities();
    this.#c.capabilities(caps, this.#loginAllowed(), caps.includes('STARTTLS'));
    await this.#c.send(`* OK [CAPABILITY ${caps.join(' ')}] ${this.#o.hostname} mxlab IMAP4rev1 server ready`);
    for (;;) {
      const raw = await this.#read();
      if (raw === 'stop') return;
      if (raw === 'skip') continue;
      let cmd: ImapCommand;
      try {
        cmd = parseCommand(raw);
      } catch (err) {
        if (!(err instanceof ImapSyntaxError)) throw err;
        await this.#c.send(`${err.tag ?? '*'} BAD ${err.message}`);
        continue;
      }
      if (!(await this.#dispatch(cmd))) return;
    }
  }

  #loginAllowed(): boolean {
    return this.#c.secure || this.#o.policy !== 'required';
  }

  #capabilities(): string[] {
    const caps = ['IMAP4rev1'];
    if (this.#c.tlsMode === 'explicit' && !this.#c.secure && this.#o.policy !== 'off' && !this.#o.quirks.hideStartTls) caps.push('STARTTLS');
    // RFC 3501 §6.2.3 / RFC 9051 §6.2.3: no plaintext mechanism offered where login is disabled.
    caps.push(...(this.#loginAllowed() ? ['AUTH=PLAIN'] : ['LOGINDISABLED']));
    caps.push('SASL-IR', 'LITERAL+', 'ID', 'NAMESPACE', 'UNSELECT');
    return caps;
  }

  /**
   * Handles what the reader gave instead of a line. Returns false when the session is over.
   * `inside`: where in a command the client was.
   */
  async #notALine(r: Exclude<LineRead, { kind: 'line' }>, inside?: string): Promise<false> {
    const c = this.#c;
    if (r.kind === 'overlong') {
      // The rest of the line may hold a literal we cannot find the start of again: say why and close,
      // as Dovecot does with "* BYE Too long argument".
      await c.send(`* BYE [LIMIT] Command line too long (more than ${r.limit} bytes)`);
      c.error(`client sent a command line longer than ${r.limit} bytes (${r.bytes} bytes without CRLF); the server closed the session`, 'command', 'ELINETOOLONG');
    } else if (r.kind === 'timeout') {
      await c.send('* BYE Autologout; idle for too long');
      c.error(`client idle for ${r.ms} ms${inside ? ` ${inside}` : ''}; the server closed the session`, 'command', 'ETIMEDOUT');
    } else {
      c.ended(r, 'LOGOUT', inside);
      return false;
    }
    await c.close();
    return false;
  }

  /** A whole command: its lines and the literals between them (RFC 9051 §4.3, LITERAL+ of RFC 7888). */
  async #read(): Promise<RawCommand | 'skip' | 'stop'> {
    const c = this.#c;
    const texts: Buffer[] = [];
    const literals: Buffer[] = [];
    let secret = false;
    let tag: string | undefined;
    for (;;) {
      const r = await c.nextLine();
      if (r.kind !== 'line') {
        await this.#notALine(r, texts.length ? 'in the middle of a command with literals' : undefined);
        return 'stop';
      }
      const text = r.bytes.toString('latin1');
      if (!texts.length) {
        tag = tagOf(r.bytes);
        const masked = maskFirstLine(r.bytes.toString('utf8'));
        secret = masked.secret;
        c.client(masked.shown);
      } else {
        c.client(secret ? SECRET_MASK : r.bytes.toString('utf8'));
      }
      texts.push(r.bytes);
      const m = LITERAL_AT_END.exec(text);
      if (!m) return { texts, literals };
      const size = Number(m[1]);
      const sync = m[2] !== '+';
      if (literals.length >= MAX_LITERALS || size > this.#o.maxLiteralBytes) {
        const why = literals.length >= MAX_LITERALS ? `more than ${MAX_LITERALS} literals in one command` : `literal of ${m[1]} bytes is larger than ${this.#o.maxLiteralBytes}`;
        if (sync) {
          // The client waits for "+" before it sends the literal: refusing leaves the stream in step.
          await c.send(`${tag ?? '*'} BAD [TOOBIG] ${why}`);
          return 'skip';
        }
        // A LITERAL+ literal is on its way whatever we answer, and we will not read it.
        await c.send(`* BYE [TOOBIG] ${why}`);
        c.error(`client sent a non-synchronizing ${why}; the server closed the session`, 'command', 'ELITERALTOOBIG');
        await c.close();
        return 'stop';
      }
      if (sync) await c.send('+ Ready for literal data');
      const data = await c.readBytes(size);
      if (data.kind !== 'bytes') {
        await this.#notALine(data, `in the middle of a literal (${data.kind === 'end' ? data.partial : 'some'} of ${size} bytes received)`);
        return 'stop';
      }
      literals.push(data.bytes);
      c.client(secret ? SECRET_MASK : `{literal, ${size} bytes} ${data.bytes.toString('utf8')}`);
    }
  }

  async #dispatch(cmd: ImapCommand): Promise<boolean> {
    const c = this.#c;
    const { tag, name } = cmd;
    const state = this.#state;
    if (NOT_SUPPORTED.has(name)) {
      await c.send(`${tag} NO [CANNOT] ${name} is not supported by mxlab (its mailbox is the lab's received mail, read-only)`);
      return true;
    }
    const known = ANY.has(name) || NOT_AUTHENTICATED.has(name) || AUTHENTICATED.has(name) || SELECTED.has(name);
    if (!known) {
      await c.send(`${tag} BAD Unknown command ${name.slice(0, 40)}`);
      return true;
    }
    if (NOT_AUTHENTICATED.has(name) && state !== 'not authenticated') {
      await c.send(`${tag} BAD ${name} is only valid before login (already authenticated)`);
      return true;
    }
    if (AUTHENTICATED.has(name) && state === 'not authenticated') {
      await c.send(`${tag} BAD ${name} is not valid before login: LOGIN or AUTHENTICATE first`);
      return true;
    }
    if (SELECTED.has(name) && state !== 'selected') {
      await c.send(`${tag} BAD ${name} needs a selected mailbox: ${state === 'not authenticated' ? 'log in and ' : ''}SELECT or EXAMINE first`);
      return true;
    }
    switch (name) {
      case 'CAPABILITY':
        return this.#capability(cmd);
      case 'NOOP':
      case 'CHECK':
        return this.#noop(cmd);
      case 'LOGOUT':
        return this.#logout(cmd);
      case 'ID':
        await c.send(['* ID ("name" "mxlab")', `${tag} OK ID completed`]);
        return true;
      case 'STARTTLS':
        return this.#startTls(cmd);
      case 'LOGIN':
        return this.#login(cmd);
      case 'AUTHENTICATE':
        return this.#authenticate(cmd);
      case 'SELECT':
      case 'EXAMINE':
        return this.#select(cmd);
      case 'LIST':
      case 'LSUB':
        return this.#list(cmd);
      case 'STATUS':
        return this.#status(cmd);
      case 'NAMESPACE':
        await c.send(['* NAMESPACE (("" "/")) NIL NIL', `${tag} OK NAMESPACE completed`]);
        return true;
      case 'SUBSCRIBE':
      case 'UNSUBSCRIBE':
        await c.send(`${tag} OK ${name} completed`);
        return true;
      case 'FETCH':
      case 'UID FETCH':
        return this.#fetch(cmd);
      case 'SEARCH':
      case 'UID SEARCH':
        return this.#search(cmd);
      case 'CLOSE':
      case 'UNSELECT':
        this.#state = 'authenticated';
        this.#view = [];
        await c.send(`${tag} OK ${name} completed`);
        return true;
      case 'EXPUNGE':
        await c.send(`${tag} OK EXPUNGE completed (nothing is deleted in a lab mailbox)`);
        return true;
      default:
        await c.send(`${tag} BAD Unknown command ${name}`);
        return true;
    }
  }

  async #noArgs(cmd: ImapCommand): Promise<boolean> {
    if (!cmd.args.length) return true;
    await this.#c.send(`${cmd.tag} BAD ${cmd.name} takes no arguments`);
    return false;
  }

  async #capability(cmd: ImapCommand): Promise<boolean> {
    if (!(await this.#noArgs(cmd))) return true;
    const caps = this.#capabilities();
    this.#c.capabilities(caps, this.#loginAllowed(), caps.includes('STARTTLS'));
    await this.#c.send([`* CAPABILITY ${caps.join(' ')}`, `${cmd.tag} OK CAPABILITY completed`]);
    return true;
  }

  async #noop(cmd: ImapCommand): Promise<boolean> {
    if (!(await this.#noArgs(cmd))) return true;
    const lines: string[] = [];
    if (this.#state === 'selected') {
      // Mail the lab received since SELECT shows up here, as on a real server.
      const known = this.#view.length ? this.#view[this.#view.length - 1]!.uid : 0;
      const fresh = this.#o.mailbox.list().filter((m) => m.uid > known);
      if (fresh.length) {
        this.#view.push(...fresh);
        lines.push(`* ${this.#view.length} EXISTS`);
      }
    }
    await this.#c.send([...lines, `${cmd.tag} OK ${cmd.name} completed`]);
    return true;
  }

  async #logout(cmd: ImapCommand): Promise<boolean> {
    if (!(await this.#noArgs(cmd))) return true;
    this.#c.farewell = true;
    await this.#c.sendFinal(['* BYE mxlab IMAP4rev1 server logging out', `${cmd.tag} OK LOGOUT completed`]);
    await this.#c.close();
    return false;
  }

  async #startTls(cmd: ImapCommand): Promise<boolean> {
    const c = this.#c;
    if (!(await this.#noArgs(cmd))) return true;
    if (c.secure) {
      await c.send(`${cmd.tag} BAD TLS is already active`);
      return true;
    }
    if (c.tlsMode === 'implicit' || this.#o.policy === 'off') {
      await c.send(`${cmd.tag} BAD STARTTLS is not available (server policy off)`);
      return true;
    }
    if (this.#o.quirks.refuseStartTls) {
      await c.send(`${cmd.tag} NO [UNAVAILABLE] TLS not available due to local problem`);
      return true;
    }
    // RFC 9051 §6.2.1: no greeting after the handshake; the client asks for CAPABILITY again.
    return c.startTls(`${cmd.tag} OK Begin TLS negotiation now`);
  }

  /** Under `required`, before TLS: RFC 9051 §6.2.3 `NO [PRIVACYREQUIRED]`, recorded as the policy's refusal. */
  async #refuseInPlaintext(cmd: ImapCommand): Promise<boolean> {
    if (this.#loginAllowed()) return false;
    const reply = `${cmd.tag} NO [PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.`;
    this.#c.refused(reply);
    await this.#c.send(reply);
    return true;
  }

  async #loggedIn(cmd: ImapCommand, user: string, password: string, what: string): Promise<void> {
    if (!checkLogin(this.#o.credentials, user, password)) {
      await this.#c.send(`${cmd.tag} NO [AUTHENTICATIONFAILED] Authentication failed.`);
      return;
    }
    this.#state = 'authenticated';
    this.#c.note(`logged in as ${JSON.stringify(user)}`);
    await this.#c.send(`${cmd.tag} OK [CAPABILITY ${this.#capabilities().join(' ')}] ${what} completed`);
  }

  async #login(cmd: ImapCommand): Promise<boolean> {
    if (await this.#refuseInPlaintext(cmd)) return true;
    const user = astring(cmd.args[0]);
    const password = astring(cmd.args[1]);
    if (user === undefined || password === undefined || cmd.args.length !== 2) {
      await this.#c.send(`${cmd.tag} BAD LOGIN needs a user name and a password`);
      return true;
    }
    await this.#loggedIn(cmd, user, password, 'LOGIN');
    return true;
  }

  async #authenticate(cmd: ImapCommand): Promise<boolean> {
    const c = this.#c;
    const mechanism = cmd.args[0];
    if (!mechanism || mechanism.kind !== 'atom' || cmd.args.length > 2) {
      await c.send(`${cmd.tag} BAD AUTHENTICATE needs a mechanism name (and at most an initial response)`);
      return true;
    }
    if (mechanism.value.toUpperCase() !== 'PLAIN') {
      await c.send(`${cmd.tag} NO [CANNOT] Unsupported authentication mechanism ${mechanism.value.slice(0, 40)} (PLAIN is)`);
      return true;
    }
    if (await this.#refuseInPlaintext(cmd)) return true;
    let response: string;
    if (cmd.args[1]) {
      // SASL-IR (RFC 4959): the response on the command line; "=" is an empty one.
      const ir = cmd.args[1];
      if (ir.kind !== 'atom') {
        await c.send(`${cmd.tag} BAD the initial response must be base64 (an atom)`);
        return true;
      }
      response = ir.value;
    } else {
      const r = await c.saslContinue();
      if (r.kind !== 'line') return this.#notALine(r, 'in the middle of AUTHENTICATE');
      response = r.bytes.toString('latin1');
    }
    if (response.trim() === '*') {
      await c.send(`${cmd.tag} BAD AUTHENTICATE cancelled`);
      return true;
    }
    const plain = decodePlain(response);
    if (!plain.ok) {
      await c.send(plain.reason === 'base64' ? `${cmd.tag} BAD Invalid base64 data` : `${cmd.tag} NO [AUTHENTICATIONFAILED] Invalid PLAIN response (want authzid NUL user NUL password)`);
      return true;
    }
    await this.#loggedIn(cmd, plain.user, plain.password, 'AUTHENTICATE');
    return true;
  }

  #isInbox(v: Parameters<typeof astring>[0]): boolean {
    return astring(v)?.toUpperCase() === 'INBOX';
  }

  async #select(cmd: ImapCommand): Promise<boolean> {
    const c = this.#c;
    const name = astring(cmd.args[0]);
    if (name === undefined || cmd.args.length > 2) {
      await c.send(`${cmd.tag} BAD ${cmd.name} needs a mailbox name`);
      return true;
    }
    if (!this.#isInbox(cmd.args[0])) {
      // RFC 9051 §6.3.2: a failed SELECT leaves no mailbox selected.
      this.#state = 'authenticated';
      this.#view = [];
      await c.send(`${cmd.tag} NO [NONEXISTENT] Mailbox doesn't exist: ${name.slice(0, 100)} (the lab has only INBOX)`);
      return true;
    }
    const box = this.#o.mailbox;
    this.#view = [...box.list()];
    this.#readOnly = cmd.name === 'EXAMINE';
    this.#state = 'selected';
    const firstUnseen = this.#view.findIndex((m) => !m.flags.has('\\Seen'));
    await c.send([
      `* FLAGS ${SYSTEM_FLAGS}`,
      `* OK [PERMANENTFLAGS ${this.#readOnly ? '()' : '(\\Seen)'}] Flags permitted.`,
      `* ${this.#view.length} EXISTS`,
      '* 0 RECENT',
      ...(firstUnseen >= 0 ? [`* OK [UNSEEN ${firstUnseen + 1}] First unseen.`] : []),
      `* OK [UIDVALIDITY ${box.uidValidity}] UIDs valid`,
      `* OK [UIDNEXT ${box.uidNext}] Predicted next UID`,
      `${cmd.tag} OK [${this.#readOnly ? 'READ-ONLY' : 'READ-WRITE'}] ${cmd.name} completed`,
    ]);
    return true;
  }

  async #list(cmd: ImapCommand): Promise<boolean> {
    const c = this.#c;
    // LIST-EXTENDED (RFC 5258) selection options before the reference, RETURN options after: ignored.
    const args = cmd.args[0]?.kind === 'list' ? cmd.args.slice(1) : cmd.args;
    const reference = astring(args[0]);
    const pattern = args[1]?.kind === 'list' ? astring(args[1].items[0]) : astring(args[1]);
    if (reference === undefined || pattern === undefined) {
      await c.send(`${cmd.tag} BAD ${cmd.name} needs a reference and a mailbox pattern`);
      return true;
    }
    const lines: string[] = [];
    if (pattern === '') {
      // RFC 9051 §6.3.9: an empty pattern asks for the hierarchy delimiter.
      lines.push(`* ${cmd.name} (\\Noselect) "/" ""`);
    } else {
      const glob = `${reference}${pattern}`;
      const re = new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/%/g, '[^/]*')}$`, 'i');
      if (re.test('INBOX')) lines.push(`* ${cmd.name} (\\HasNoChildren) "/" INBOX`);
    }
    await c.send([...lines, `${cmd.tag} OK ${cmd.name} completed`]);
    return true;
  }

  async #status(cmd: ImapCommand): Promise<boolean> {
    const c = this.#c;
    const items = cmd.args[1];
    if (astring(cmd.args[0]) === undefined || !items || items.kind !== 'list' || cmd.args.length !== 2) {
      await c.send(`${cmd.tag} BAD STATUS needs a mailbox and a list of items`);
      return true;
    }
    if (!this.#isInbox(cmd.args[0])) {
      await c.send(`${cmd.tag} NO [NONEXISTENT] Mailbox doesn't exist (the lab has only INBOX)`);
      return true;
    }
    const box = this.#o.mailbox;
    const all = box.list();
    const values: Record<string, number> = {
      MESSAGES: all.length, RECENT: 0, UIDNEXT: box.uidNext, UIDVALIDITY: box.uidValidity,
      UNSEEN: all.filter((m) => !m.flags.has('\\Seen')).length, SIZE: all.reduce((n, m) => n + m.size, 0),
    };
    const out: string[] = [];
    for (const it of items.items) {
      const key = it.kind === 'atom' ? it.value.toUpperCase() : '';
      if (!(key in values)) {
        await c.send(`${cmd.tag} BAD unknown STATUS item ${it.kind === 'atom' ? it.value.slice(0, 40) : ''}`);
        return true;
      }
      out.push(`${key} ${values[key]}`);
    }
    await c.send([`* STATUS INBOX (${out.join(' ')})`, `${cmd.tag} OK STATUS completed`]);
    return true;
  }

  async #fetch(cmd: ImapCommand): Promise<boolean> {
    const c = this.#c;
    const byUid = cmd.name === 'UID FETCH';
    const [setArg, itemsArg, ...rest] = cmd.args;
    if (!setArg || setArg.kind !== 'atom' || rest.length) {
      await c.send(`${cmd.tag} BAD ${cmd.name} needs a sequence set and data items`);
      return true;
    }
    const set = parseSequenceSet(setArg.value);
    if (!set) {
      await c.send(`${cmd.tag} BAD Invalid sequence set ${setArg.value.slice(0, 40)}`);
      return true;
    }
    const parsed = parseFetchItems(itemsArg);
    if (typeof parsed === 'string') {
      await c.send(`${cmd.tag} BAD ${parsed}`);
      return true;
    }
    const view = this.#view;
    if (!byUid && (view.length === 0 || highest(set) > view.length)) {
      await c.send(`${cmd.tag} BAD Invalid message sequence number (the mailbox has ${view.length} message${view.length === 1 ? '' : 's'})`);
      return true;
    }
    const items: FetchItem[] = byUid && !parsed.some((i) => i.kind === 'UID') ? [{ kind: 'UID' }, ...parsed] : parsed;
    const maxUid = view.length ? view[view.length - 1]!.uid : 0;
    for (const [i, m] of view.entries()) {
      const seq = i + 1;
      if (!(byUid ? inSet(set, m.uid, maxUid) : inSet(set, seq, view.length))) continue;
      const ok = await this.#fetchOne(cmd, m, seq, items);
      if (!ok) return true;
    }
    await c.send(`${cmd.tag} OK ${cmd.name} completed`);
    return true;
  }

  /** One `* n FETCH (…)` response; false (after a tagged NO) when the message cannot be read. */
  async #fetchOne(cmd: ImapCommand, m: MailboxMessage, seq: number, items: readonly FetchItem[]): Promise<boolean> {
    const c = this.#c;
    let message: Buffer | undefined;
    if (items.some((i) => i.kind === 'body')) {
      try {
        message = await this.#o.mailbox.read(m);
      } catch (err) {
        await c.send(`${cmd.tag} NO [UNAVAILABLE] Cannot read message ${seq}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        return false;
      }
    }
    // RFC 9051 §6.4.5: BODY[…] without .PEEK sets \Seen, and the response then carries the new FLAGS.
    const setsSeen = !this.#readOnly && !m.flags.has('\\Seen') && items.some((i) => i.kind === 'body' && !i.peek);
    if (setsSeen) m.flags.add('\\Seen');
    const list = setsSeen && !items.some((i) => i.kind === 'FLAGS') ? [...items, { kind: 'FLAGS' } as const] : items;
    const parts: (string | Buffer)[] = [];
    let text = `* ${seq} FETCH (`;
    let shown = text;
    list.forEach((it, k) => {
      const sep = k ? ' ' : '';
      if (it.kind === 'body') {
        const data = bodyData(message!, it);
        parts.push(`${text}${sep}${it.label} {${data.length}}\r\n`, data);
        shown += `${sep}${it.label} {${data.length}} [${data.length} bytes not shown]`;
        text = '';
        return;
      }
      const value = it.kind === 'FLAGS' ? flagList(m) : it.kind === 'UID' ? String(m.uid) : it.kind === 'RFC822.SIZE' ? String(m.size) : internalDate(m.received);
      text += `${sep}${it.kind} ${value}`;
      shown += `${sep}${it.kind} ${value}`;
    });
    parts.push(`${text})\r\n`);
    await c.sendData(parts, [`${shown})`]);
    return true;
  }

  async #search(cmd: ImapCommand): Promise<boolean> {
    const c = this.#c;
    let args = cmd.args;
    if (args[0]?.kind === 'atom' && args[0].value.toUpperCase() === 'CHARSET') {
      const charset = astring(args[1])?.toUpperCase();
      if (charset !== 'US-ASCII' && charset !== 'UTF-8') {
        await c.send(`${cmd.tag} NO [BADCHARSET (US-ASCII UTF-8)] Unsupported charset`);
        return true;
      }
      args = args.slice(2);
    }
    const view = this.#view;
    let test: ReturnType<typeof compileSearch>;
    try {
      test = compileSearch(args, { count: view.length, maxUid: view.length ? view[view.length - 1]!.uid : 0 });
    } catch (err) {
      await c.send(`${cmd.tag} BAD ${(err as Error).message}`);
      return true;
    }
    const hits = view.flatMap((m, i) => (test(m, i + 1) ? [cmd.name === 'UID SEARCH' ? m.uid : i + 1] : []));
    await c.send([`* SEARCH${hits.map((n) => ` ${n}`).join('')}`, `${cmd.tag} OK ${cmd.name} completed`]);
    return true;
  }
}
