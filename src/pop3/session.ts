import { type LineConnection, SECRET_MASK } from '../line/connection.js';
import type { LineRead } from '../line/line-reader.js';
import { checkLogin, type Credentials, decodePlain } from '../line/sasl-plain.js';
import type { Mailbox, MailboxMessage } from '../mailbox/mailbox.js';
import type { Quirks } from '../profiles/quirks.js';
import type { ServerPolicy } from '../model/server-policy.js';
import { dotStuff, topOf } from './message-data.js';

export interface Pop3EngineOptions {
  /** Name in the greeting. */
  readonly hostname: string;
  readonly policy: ServerPolicy;
  readonly quirks: Quirks;
  readonly mailbox: Mailbox;
  /** user → password; absent: any login is accepted. */
  readonly credentials?: Credentials;
}

type State = 'AUTHORIZATION' | 'TRANSACTION';

const AUTHORIZATION_ONLY = new Set(['USER', 'PASS', 'AUTH', 'APOP', 'STLS']);
const TRANSACTION_ONLY = new Set(['STAT', 'LIST', 'UIDL', 'RETR', 'TOP', 'DELE', 'RSET']);
const ANY = new Set(['CAPA', 'NOOP', 'QUIT']);

/** Transcript form of a command: passwords and SASL responses masked (USER names kept). */
function mask(line: string): string {
  const pass = /^(PASS|APOP \S+)( |$)/i.exec(line);
  if (pass) return `${pass[1]} ${SECRET_MASK}`;
  const auth = /^(AUTH \S+) \S/i.exec(line);
  if (auth) return `${auth[1]} ${SECRET_MASK}`;
  return line;
}

/** A message number argument: `1`, `2` … (RFC 1939 §5). */
const NUMBER = /^[1-9]\d{0,8}$/;

/**
 * One POP3 session (RFC 1939, CAPA from RFC 2449, STLS from RFC 2595, AUTH from RFC 5034, response
 * codes from RFC 3206) over a LineConnection. The maildrop is the lab's mailbox as it was at login.
 * A policy of `required` leaves USER and SASL PLAIN out of the plaintext CAPA and answers USER, PASS
 * and AUTH before STLS with `-ERR [AUTH] Plaintext authentication disallowed…` (Dovecot's words).
 */
export class Pop3Session {
  readonly #c: LineConnection;
  readonly #o: Pop3EngineOptions;
  #state: State = 'AUTHORIZATION';
  #user?: string;
  #drop: MailboxMessage[] = [];
  readonly #deleted = new Set<number>();

  constructor(conn: LineConnection, options: Pop3EngineOptions) {
    this.#c = conn;
    this.#o = options;
  }

  async run(): Promise<void> {
    const caps = this.#capabilities();
    this.#c.capabilities(caps, this.#loginAllowed(), caps.includes('STLS'));
    await this.#c.send(`+OK ${this.#o.hostname} mxlab POP3 server ready`);
    for (;;) {
      const r = await this.#c.nextLine();
      if (r.kind !== 'line') {
        if (await this.#notALine(r)) continue;
        return;
      }
      const line = r.bytes.toString('utf8');
      this.#c.client(mask(line));
      if (!(await this.#dispatch(line))) return;
    }
  }

  /** True when the session goes on. */
  async #notALine(r: Exclude<LineRead, { kind: 'line' }>, inside?: string): Promise<boolean> {
    const c = this.#c;
    if (r.kind === 'overlong') {
      // POP3 has no literals: the reader finds the next line on its own, so the session goes on.
      await c.send(`-ERR Line too long (limit ${r.limit} bytes)`);
      c.note(`client sent a line longer than ${r.limit} bytes; answered -ERR and skipped it`);
      return true;
    }
    if (r.kind === 'timeout') {
      // RFC 1939 §3: on the autologout timer the server closes without a response.
      c.error(`client idle for ${r.ms} ms${inside ? ` ${inside}` : ''}; the server closed the session (autologout)`, 'command', 'ETIMEDOUT');
      await c.close();
      return false;
    }
    c.ended(r, 'QUIT', inside);
    return false;
  }

  #loginAllowed(): boolean {
    return this.#c.secure || this.#o.policy !== 'required';
  }

  #capabilities(): string[] {
    const caps = ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING'];
    if (this.#loginAllowed()) caps.push('USER', 'SASL PLAIN');
    if (this.#state === 'AUTHORIZATION' && this.#c.tlsMode === 'explicit' && !this.#c.secure && this.#o.policy !== 'off' && !this.#o.quirks.hideStartTls) caps.push('STLS');
    caps.push('IMPLEMENTATION mxlab');
    return caps;
  }

  async #dispatch(line: string): Promise<boolean> {
    const c = this.#c;
    const sp = line.indexOf(' ');
    const keyword = (sp < 0 ? line : line.slice(0, sp)).toUpperCase();
    const arg = sp < 0 ? '' : line.slice(sp + 1);
    const known = ANY.has(keyword) || AUTHORIZATION_ONLY.has(keyword) || TRANSACTION_ONLY.has(keyword);
    if (!known) {
      await c.send(`-ERR Unknown command: ${keyword.slice(0, 40)}`);
      return true;
    }
    if (AUTHORIZATION_ONLY.has(keyword) && this.#state !== 'AUTHORIZATION') {
      await c.send(`-ERR ${keyword} is only valid before login (already logged in)`);
      return true;
    }
    if (TRANSACTION_ONLY.has(keyword) && this.#state !== 'TRANSACTION') {
      await c.send(`-ERR ${keyword} is not valid before login: USER/PASS or AUTH first`);
      return true;
    }
    switch (keyword) {
      case 'CAPA': {
        const caps = this.#capabilities();
        c.capabilities(caps, this.#loginAllowed(), caps.includes('STLS'));
        await c.send(['+OK Capability list follows', ...caps, '.']);
        return true;
      }
      case 'NOOP':
        await c.send('+OK');
        return true;
      case 'QUIT':
        return this.#quit();
      case 'STLS':
        return this.#stls(arg);
      case 'USER':
      case 'PASS':
        return this.#userPass(keyword, arg);
      case 'AUTH':
        return this.#auth(arg);
      case 'APOP':
        await c.send('-ERR APOP is not supported (no timestamp in the greeting)');
        return true;
      case 'STAT': {
        const live = this.#live();
        await c.send(`+OK ${live.length} ${live.reduce((n, [m]) => n + m.size, 0)}`);
        return true;
      }
      case 'LIST':
      case 'UIDL':
        return this.#listing(keyword, arg);
      case 'RETR':
      case 'TOP':
        return this.#retrieve(keyword, arg);
      case 'DELE': {
        const n = await this.#message(arg);
        if (n === undefined) return true;
        this.#deleted.add(n);
        await c.send(`+OK Message ${n} deleted`);
        return true;
      }
      case 'RSET':
        this.#deleted.clear();
        await c.send(`+OK ${this.#drop.length} messages`);
        return true;
      default:
        await c.send(`-ERR Unknown command: ${keyword}`);
        return true;
    }
  }

  /** Messages not marked deleted, with their numbers. */
  #live(): [MailboxMessage, number][] {
    return this.#drop.flatMap((m, i) => (this.#deleted.has(i + 1) ? [] : [[m, i + 1] as [MailboxMessage, number]]));
  }

  /** A message-number argument that names a message not deleted; undefined after the -ERR. */
  async #message(arg: string): Promise<number | undefined> {
    const word = arg.split(' ')[0] ?? '';
    if (!NUMBER.test(word)) {
      await this.#c.send(`-ERR Invalid message number ${JSON.stringify(word.slice(0, 20))}`);
      return undefined;
    }
    const n = Number(word);
    if (n > this.#drop.length) {
      await this.#c.send(`-ERR No such message (the maildrop has ${this.#drop.length})`);
      return undefined;
    }
    if (this.#deleted.has(n)) {
      await this.#c.send(`-ERR Message ${n} is deleted`);
      return undefined;
    }
    return n;
  }

  async #quit(): Promise<boolean> {
    const c = this.#c;
    c.farewell = true;
    let text = `+OK ${this.#o.hostname} mxlab POP3 server signing off`;
    if (this.#state === 'TRANSACTION') {
      // UPDATE state (RFC 1939 §6): the messages marked deleted leave the lab's mailbox.
      const uids = new Set([...this.#deleted].map((n) => this.#drop[n - 1]!.uid));
      this.#o.mailbox.remove(uids);
      text += ` (${uids.size} message${uids.size === 1 ? '' : 's'} deleted)`;
      if (uids.size) c.note(`${uids.size} message(s) deleted from the lab mailbox (the .eml files stay in the run folder)`);
    }
    await c.sendFinal(text);
    await c.close();
    return false;
  }

  async #stls(arg: string): Promise<boolean> {
    const c = this.#c;
    if (arg) {
      await c.send('-ERR STLS takes no argument');
      return true;
    }
    if (c.secure) {
      await c.send('-ERR Command not permitted when TLS active');
      return true;
    }
    if (c.tlsMode === 'implicit' || this.#o.policy === 'off') {
      await c.send('-ERR STLS is not available (server policy off)');
      return true;
    }
    if (this.#o.quirks.refuseStartTls) {
      await c.send('-ERR [SYS/TEMP] TLS not available due to local problem');
      return true;
    }
    // RFC 2595 §4: what the client said before TLS is forgotten.
    this.#user = undefined;
    return c.startTls('+OK Begin TLS negotiation');
  }

  async #refuseInPlaintext(): Promise<boolean> {
    if (this.#loginAllowed()) return false;
    const reply = '-ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.';
    this.#c.refused(reply);
    await this.#c.send(reply);
    return true;
  }

  async #userPass(keyword: 'USER' | 'PASS', arg: string): Promise<boolean> {
    const c = this.#c;
    if (await this.#refuseInPlaintext()) return true;
    if (keyword === 'USER') {
      if (!arg) {
        await c.send('-ERR USER needs a name');
        return true;
      }
      this.#user = arg;
      await c.send('+OK');
      return true;
    }
    if (this.#user === undefined) {
      await c.send('-ERR No user name given: USER first');
      return true;
    }
    const user = this.#user;
    this.#user = undefined;
    return this.#login(user, arg);
  }

  async #login(user: string, password: string): Promise<boolean> {
    const c = this.#c;
    if (!checkLogin(this.#o.credentials, user, password)) {
      await c.send('-ERR [AUTH] Authentication failed.');
      return true;
    }
    this.#state = 'TRANSACTION';
    this.#drop = [...this.#o.mailbox.list()];
    c.note(`logged in as ${JSON.stringify(user)}`);
    await c.send(`+OK Logged in (${this.#drop.length} messages, ${this.#drop.reduce((n, m) => n + m.size, 0)} octets)`);
    return true;
  }

  async #auth(arg: string): Promise<boolean> {
    const c = this.#c;
    const [mechanism, initial, extra] = arg.split(' ');
    if (!mechanism) {
      // The mechanism list some clients ask for before CAPA existed.
      await c.send(['+OK', ...(this.#loginAllowed() ? ['PLAIN'] : []), '.']);
      return true;
    }
    if (extra !== undefined) {
      await c.send('-ERR AUTH takes a mechanism and at most an initial response');
      return true;
    }
    if (mechanism.toUpperCase() !== 'PLAIN') {
      await c.send(`-ERR Unsupported authentication mechanism ${mechanism.slice(0, 40)} (PLAIN is)`);
      return true;
    }
    if (await this.#refuseInPlaintext()) return true;
    let response = initial;
    if (response === undefined) {
      const r = await c.saslContinue();
      if (r.kind !== 'line') return this.#notALine(r, 'in the middle of AUTH');
      response = r.bytes.toString('latin1');
    }
    if (response.trim() === '*') {
      await c.send('-ERR AUTH cancelled');
      return true;
    }
    const plain = decodePlain(response);
    if (!plain.ok) {
      await c.send(plain.reason === 'base64' ? '-ERR Invalid base64 data' : '-ERR [AUTH] Invalid PLAIN response (want authzid NUL user NUL password)');
      return true;
    }
    return this.#login(plain.user, plain.password);
  }

  async #listing(keyword: 'LIST' | 'UIDL', arg: string): Promise<boolean> {
    const c = this.#c;
    const value = (m: MailboxMessage): string => (keyword === 'LIST' ? String(m.size) : m.id);
    if (arg) {
      const n = await this.#message(arg);
      if (n === undefined) return true;
      await c.send(`+OK ${n} ${value(this.#drop[n - 1]!)}`);
      return true;
    }
    const live = this.#live();
    const head = keyword === 'LIST' ? `+OK ${live.length} messages (${live.reduce((n, [m]) => n + m.size, 0)} octets)` : '+OK';
    await c.send([head, ...live.map(([m, n]) => `${n} ${value(m)}`), '.']);
    return true;
  }

  async #retrieve(keyword: 'RETR' | 'TOP', arg: string): Promise<boolean> {
    const c = this.#c;
    const [, lines, extra] = arg.split(' ');
    if (keyword === 'TOP' && (lines === undefined || !/^\d{1,9}$/.test(lines) || extra !== undefined)) {
      await c.send('-ERR TOP needs a message number and a number of lines');
      return true;
    }
    const n = await this.#message(arg);
    if (n === undefined) return true;
    const m = this.#drop[n - 1]!;
    let data: Buffer;
    try {
      data = await this.#o.mailbox.read(m);
    } catch (err) {
      await c.send(`-ERR [SYS/TEMP] Cannot read message ${n}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return true;
    }
    if (keyword === 'TOP') data = topOf(data, Number(lines));
    const head = keyword === 'RETR' ? `+OK ${m.size} octets` : '+OK';
    await c.sendData([`${head}\r\n`, dotStuff(data), '.\r\n'], [head, `[${data.length} bytes of message${keyword === 'TOP' ? ` (header and ${lines} body lines)` : ''} not shown]`, '.']);
    return true;
  }
}
