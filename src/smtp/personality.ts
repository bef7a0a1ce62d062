import { randomBytes, randomUUID } from 'node:crypto';
import { badChoice } from '../text/did-you-mean.js';
import { UsageError } from '../usage-error.js';

/**
 * How the MTAs administrators meet talk: banner, EHLO list before and after STARTTLS, the wording and
 * enhanced status codes of every reply, so that the system under test sees what it would see in
 * production (senders key behaviour on the EHLO list, and administrators compare transcripts).
 *
 * smtp-server speaks the protocol; the receiver hands every reply it writes to the personality
 * (`reply`), which returns the product's line, also for the verbs smtp-server does not know (its
 * `500 command not recognized` to ETRN becomes Postfix's 459). Anything a personality does not name
 * keeps smtp-server's wording.
 */

/** What the EHLO reply depends on. */
export interface EhloContext {
  /** The server's name (banner, EHLO first line). */
  readonly hostname: string;
  /** The name the client gave in EHLO. */
  readonly client: string;
  /** The client's address (IPv4-mapped prefix removed). */
  readonly remoteAddress: string;
  /** The session is in TLS already (after STARTTLS, or SMTPS). */
  readonly secure: boolean;
  /** STARTTLS may be advertised now (policy not `off`, no quirk hiding it, not in TLS yet). */
  readonly startTls: boolean;
  /** SIZE limit in bytes. */
  readonly size: number;
}

/** What a reply depends on. */
export interface ReplyContext {
  readonly hostname: string;
  /** The client's command line this reply answers ('' for the greeting or a timeout). */
  readonly command: string;
  /** smtp-server's context for the enhanced status code: MAIL_FROM_OK, RCPT_TO_OK, DATA_OK, … */
  readonly context?: string | false;
}

/** A reply as written: `code` and the text after it, enhanced status code included. */
export interface Reply {
  readonly code: number;
  readonly text: string;
}

/** The message an accepted-message reply is about. */
export interface QueuedMessage {
  /** mxlab's queue id (the .eml file name). */
  readonly id: string;
  /** The message's Message-ID header, when it has one (Exchange quotes it). */
  readonly messageId?: string;
  /** The message came in BDAT chunks: its size in bytes (Postfix names it in the reply to LAST). */
  readonly chunkedBytes?: number;
}

export type PersonalityName = 'generic' | 'postfix' | 'exchange' | 'exim' | 'esa';

export interface SmtpPersonality {
  readonly name: PersonalityName;
  /** The product and version imitated, for listings. */
  readonly product: string;
  /** Where the wording comes from (documentation, or a capture of the real product). */
  readonly sources: readonly string[];
  /** The 220 greeting text after the code. */
  greeting(hostname: string, now: Date): string;
  /**
   * The whole EHLO reply, first line included, each line without its `250-`; `engine` is the keyword
   * list smtp-server would send (after its first line).
   */
  ehlo(ctx: EhloContext, engine: readonly string[]): string[];
  /** The HELO reply text after `250 `. */
  helo(hostname: string, client: string, remoteAddress: string): string;
  /** Whether AUTH (PLAIN, LOGIN) is offered and accepted; a product that has none out of the box refuses it. */
  readonly auth: 'always' | 'after-tls' | 'never';
  /** CHUNKING is advertised and BDAT (RFC 3030) accepted. */
  readonly chunking: boolean;
  /** MAIL FROM is refused before HELO/EHLO (Postfix's smtpd_helo_required is off by default). */
  readonly heloRequired: boolean;
  /** BODY=BINARYMIME is accepted in MAIL FROM (Exchange advertises BINARYMIME). */
  readonly binaryMime: boolean;
  /** Whether replies carry RFC 3463 enhanced status codes and ENHANCEDSTATUSCODES is advertised. */
  readonly enhancedStatusCodes: boolean;
  /** The product's words for a reply smtp-server is about to write (its code and text without enhanced code); undefined keeps smtp-server's. */
  reply(code: number, text: string, ctx: ReplyContext): Reply | undefined;
  /** The reply to the final dot (or BDAT LAST) of an accepted message. */
  queued(message: QueuedMessage, hostname: string): Reply;
  /** The reply to a BDAT chunk that is not the last one. */
  chunkOk(bytes: number): Reply;
  /** A queue id in the product's shape (the stored message is named by it); default Postfix's 10 hex digits. */
  newQueueId?(): string;
}

const verbOf = (line: string): string => (line.trim().split(/\s+/)[0] ?? '').toUpperCase();
const argumentOf = (line: string): string => line.trim().replace(/^\S+\s*/, '');
const ipOf = (address: string): string => address.replace(/^::ffff:/, '');

/** A reply table: smtp-server's `code text` (without enhanced code) → the product's line. */
function table(entries: Record<string, string>): (code: number, text: string) => Reply | undefined {
  return (code, text) => {
    const line = entries[`${code} ${text}`];
    if (line === undefined) return undefined;
    return parseReply(line);
  };
}

function parseReply(line: string): Reply {
  return { code: Number(line.slice(0, 3)), text: line.slice(4) };
}

/** smtp-server's own texts, named once (smtp-server 3.21's lib/smtp-connection.js). */
const SS = {
  mailOk: '250 Accepted',
  noop: '250 OK',
  rset: '250 Flushed',
  data: '354 End data with <CR><LF>.<CR><LF>',
  quit: '221 Bye',
  unknown: '500 Error: command not recognized',
  needMail: '503 Error: need MAIL command',
  needRcpt: '503 Error: need RCPT command',
  needHelo: '503 Error: send HELO/EHLO first',
  nested: '503 Error: nested MAIL command',
  badSender: '501 Error: Bad sender address syntax',
  badRcpt: '501 Error: Bad recipient address syntax',
  startTls: '220 Ready to start TLS',
  tlsActive: '503 Error: TLS already active',
  ehloSyntax: '501 Error: syntax: EHLO hostname',
  heloSyntax: '501 Error: Syntax: HELO hostname',
  timeout: '421 Timeout - closing connection',
} as const;

const GENERIC: SmtpPersonality = {
  name: 'generic',
  product: 'mxlab (smtp-server wording)',
  sources: [],
  greeting: (h) => `${h} ESMTP mxlab`,
  ehlo: (c, engine) => [`${c.hostname} Hello ${c.client}`, ...engine],
  helo: (h, client) => `${h} Nice to meet you, ${client}`,
  auth: 'always',
  chunking: false,
  heloRequired: true,
  binaryMime: false,
  enhancedStatusCodes: true,
  reply: () => undefined,
  queued: (m) => ({ code: 250, text: `2.6.0 Ok: queued as ${m.id}` }),
  chunkOk: (n) => ({ code: 250, text: `2.0.0 Ok: ${n} bytes` }),
};

/**
 * Postfix 3.7.11 as Debian 12 ships it (smtpd_banner from Debian's main.cf, no SASL configured).
 * Every line below was captured from a real Postfix 3.7.11 (test/interop/postfix-personality.test.ts
 * runs the same dialogue against a private Postfix instance and this personality and compares them
 * line by line); the EHLO order is smtpd.c's ehlo_cmd().
 */
const postfixReplies = table({
  [SS.mailOk]: '250 2.1.0 Ok',
  [SS.noop]: '250 2.0.0 Ok',
  [SS.rset]: '250 2.0.0 Ok',
  [SS.data]: '354 End data with <CR><LF>.<CR><LF>',
  [SS.quit]: '221 2.0.0 Bye',
  [SS.unknown]: '500 5.5.2 Error: command not recognized',
  [SS.needMail]: '503 5.5.1 Error: need MAIL command',
  [SS.needRcpt]: '503 5.5.1 Error: need RCPT command',
  [SS.needHelo]: '503 5.5.1 Error: send HELO/EHLO first',
  [SS.nested]: '503 5.5.1 Error: nested MAIL command',
  [SS.badSender]: '501 5.1.7 Bad sender address syntax',
  [SS.badRcpt]: '501 5.1.3 Bad recipient address syntax',
  [SS.startTls]: '220 2.0.0 Ready to start TLS',
  [SS.tlsActive]: '554 5.5.1 Error: TLS already active',
  [SS.ehloSyntax]: '501 Syntax: EHLO hostname',
  [SS.heloSyntax]: '501 Syntax: HELO hostname',
});

const POSTFIX: SmtpPersonality = {
  name: 'postfix',
  product: 'Postfix 3.7 (Debian 12 defaults)',
  sources: [
    'a real Postfix 3.7.11 (Debian 12), captured and compared line by line by test/interop/postfix-personality.test.ts',
    'Debian\'s /usr/share/postfix/main.cf.debian: smtpd_banner = $myhostname ESMTP $mail_name (Debian/GNU)',
  ],
  greeting: (h) => `${h} ESMTP Postfix (Debian/GNU)`,
  ehlo: (c) => [
    c.hostname,
    'PIPELINING',
    `SIZE ${c.size}`,
    'VRFY',
    'ETRN',
    ...(c.startTls ? ['STARTTLS'] : []),
    'ENHANCEDSTATUSCODES',
    '8BITMIME',
    'DSN',
    'SMTPUTF8',
    'CHUNKING',
  ],
  helo: (h) => h,
  auth: 'never',
  chunking: true,
  heloRequired: false,
  binaryMime: false,
  enhancedStatusCodes: true,
  reply(code, text, ctx) {
    const verb = verbOf(ctx.command);
    if (ctx.context === 'MAIL_FROM_OK') return { code: 250, text: '2.1.0 Ok' };
    if (ctx.context === 'RCPT_TO_OK') return { code: 250, text: '2.1.5 Ok' };
    if (verb === 'VRFY' && code === 252) return { code: 252, text: `2.0.0 ${argumentOf(ctx.command)}` };
    if (verb === 'AUTH') return { code: 503, text: '5.5.1 Error: authentication not enabled' };
    if (verb === 'HELP') return { code: 500, text: '5.5.2 Error: command not recognized' };
    if (code === 552 && /exceeds fixed maximum message size/.test(text)) return { code: 552, text: '5.3.4 Message size exceeds fixed limit' };
    if (code === 421 && /^Timeout/.test(text)) return { code: 421, text: `4.4.2 ${ctx.hostname} Error: timeout exceeded` };
    // No fast_flush_domains match: smtpd answers 459, without an enhanced code (captured).
    if (verb === 'ETRN' && code === 500) return { code: 459, text: `<${argumentOf(ctx.command).replace(/^@/, '')}>: service unavailable` };
    return postfixReplies(code, text);
  },
  queued: (m) => ({ code: 250, text: `2.0.0 Ok: ${m.chunkedBytes !== undefined ? `${m.chunkedBytes} bytes ` : ''}queued as ${m.id}` }),
  chunkOk: (n) => ({ code: 250, text: `2.0.0 Ok: ${n} bytes` }),
};

/** Exchange's InternalId: a decimal counter per transport database; a random one per message here. */
const internalId = (): string => String(100000000000 + (randomBytes(4).readUInt32BE(0) % 900000000000));

/**
 * Exchange Server 2016/2019, the Default Frontend receive connector (anonymous, port 25).
 * Sources: Microsoft's "Use Telnet to test SMTP communication on Exchange servers"
 * (https://learn.microsoft.com/en-us/exchange/mail-flow/test-smtp-telnet?view=exchserver-2019) for
 * the banner (`Microsoft ESMTP MAIL Service ready at <day-date-time>`), `250 <host> Hello [<ip>]`,
 * `250 2.1.0 Sender OK`, `250 2.1.5 Recipient OK`, `354 Start mail input; end with <CRLF>.<CRLF>`,
 * `250 2.6.0 <message id> [InternalId=…] Queued mail for delivery`, `221 2.0.0 Service closing
 * transmission channel`, `500 5.3.3 Unrecognized command` and `501 5.5.4 Invalid domain name`; the
 * EHLO keywords from the same page's EHLO example and Microsoft's receive-connector documentation
 * (MaxMessageSize 36 MB = SIZE 37748736; X-ANONYMOUSTLS, X-EXPS and XRDST are Exchange's own). The
 * remaining error texts (`503 5.5.2 Need mail command`, …) are Exchange's as its protocol logs show
 * them; they are not in Microsoft's documentation.
 */
const exchangeReplies = table({
  [SS.noop]: '250 2.0.0 OK',
  [SS.rset]: '250 2.0.0 Resetting',
  [SS.data]: '354 Start mail input; end with <CRLF>.<CRLF>',
  [SS.quit]: '221 2.0.0 Service closing transmission channel',
  [SS.unknown]: '500 5.3.3 Unrecognized command',
  [SS.needMail]: '503 5.5.2 Need mail command',
  [SS.needRcpt]: '503 5.5.2 Need rcpt command',
  [SS.needHelo]: '503 5.5.2 Send hello first',
  [SS.nested]: '503 5.5.2 Sender already specified',
  [SS.badSender]: '501 5.1.7 Invalid address',
  [SS.badRcpt]: '501 5.1.3 Invalid address',
  [SS.startTls]: '220 2.0.0 SMTP server ready',
  [SS.ehloSyntax]: '501 5.5.4 Invalid domain name',
  [SS.heloSyntax]: '501 5.5.4 Invalid domain name',
});

const EXCHANGE: SmtpPersonality = {
  name: 'exchange',
  product: 'Exchange Server 2016/2019 (Default Frontend receive connector)',
  sources: [
    'https://learn.microsoft.com/en-us/exchange/mail-flow/test-smtp-telnet?view=exchserver-2019',
    'https://learn.microsoft.com/en-us/exchange/mail-flow/connectors/receive-connectors?view=exchserver-2019',
  ],
  greeting: (h, now) => `${h} Microsoft ESMTP MAIL Service ready at ${exchangeDate(now)}`,
  ehlo: (c) => [
    `${c.hostname} Hello [${ipOf(c.remoteAddress)}]`,
    `SIZE ${c.size}`,
    'PIPELINING',
    'DSN',
    'ENHANCEDSTATUSCODES',
    ...(c.startTls ? ['STARTTLS', 'X-ANONYMOUSTLS'] : []),
    c.secure ? 'AUTH NTLM LOGIN' : 'AUTH NTLM',
    'X-EXPS GSSAPI NTLM',
    '8BITMIME',
    'BINARYMIME',
    'CHUNKING',
    'SMTPUTF8',
    'XRDST',
  ],
  helo: (h, _client, ip) => `${h} Hello [${ipOf(ip)}]`,
  auth: 'after-tls',
  chunking: true,
  heloRequired: true,
  binaryMime: true,
  enhancedStatusCodes: true,
  reply(code, text, ctx) {
    if (ctx.context === 'MAIL_FROM_OK') return { code: 250, text: '2.1.0 Sender OK' };
    if (ctx.context === 'RCPT_TO_OK') return { code: 250, text: '2.1.5 Recipient OK' };
    const verb = verbOf(ctx.command);
    if (verb === 'AUTH' && code >= 500) return { code: 504, text: '5.7.4 Unrecognized authentication type' };
    if (code === 421 && /^Timeout/.test(text)) return { code: 421, text: '4.4.1 Connection timed out' };
    if (code === 552 && /exceeds fixed maximum message size/.test(text)) return { code: 552, text: '5.3.4 Message size exceeds fixed maximum message size' };
    return exchangeReplies(code, text);
  },
  queued: (m, h) => ({ code: 250, text: `2.6.0 ${m.messageId ?? `<${randomUUID()}@${h}>`} [InternalId=${m.id}, Hostname=${h}] Queued mail for delivery` }),
  newQueueId: internalId,
  chunkOk: (n) => ({ code: 250, text: `2.0.0 ${n} bytes received` }),
};

/**
 * Exim 4.9x with its built-in defaults (smtp_banner `$smtp_active_hostname ESMTP Exim $version_number
 * $tod_full`, SIZE 52428800 from message_size_limit 50M, no ENHANCEDSTATUSCODES, no DSN, no AUTH without
 * authenticators). The wording is Exim's own test suite's expected output
 * (https://git.exim.org/exim.git, test/stdout/0485, 0559, 0300, 4002): `250-host Hello name [ip]`,
 * `250 OK`, `250 Accepted`, `354 Enter message, ending with "." on a line by itself`, `250 OK
 * id=10HmaX-0005vi-00`, `221 host closing connection`. CHUNKING (advertised by Exim 4.88 and later) is
 * left out: the wording of Exim's BDAT replies is not checked here.
 */
const eximReplies = table({
  [SS.noop]: '250 OK',
  [SS.rset]: '250 Reset OK',
  [SS.data]: '354 Enter message, ending with "." on a line by itself',
  [SS.unknown]: '500 unrecognized command',
  [SS.needMail]: '503 sender not yet given',
  [SS.needRcpt]: '503 valid RCPT command must precede DATA',
  [SS.startTls]: '220 TLS go ahead',
});

/** An MTA that out of the box has no AUTH, no CHUNKING, no BINARYMIME, no enhanced codes and no HELO requirement. */
const PLAIN_ESMTP = { auth: 'never', chunking: false, heloRequired: false, binaryMime: false, enhancedStatusCodes: false } as const;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const base62 = (n: number): string => [...randomBytes(n)].map((b) => BASE62[b % 62]).join('');

const EXIM: SmtpPersonality = {
  name: 'exim',
  product: 'Exim 4.9x (built-in defaults)',
  sources: ['https://git.exim.org/exim.git (test/stdout: expected SMTP replies)', 'https://www.exim.org/exim-html-current/doc/html/spec_html/ch-main_configuration.html (smtp_banner, message_size_limit)'],
  greeting: (h, now) => `${h} ESMTP Exim 4.96 ${exchangeDate(now)}`,
  ehlo: (c) => [`${c.hostname} Hello ${c.client} [${ipOf(c.remoteAddress)}]`, `SIZE ${c.size}`, '8BITMIME', 'PIPELINING', ...(c.startTls ? ['STARTTLS'] : []), 'HELP'],
  helo: (h, client, ip) => `${h} Hello ${client} [${ipOf(ip)}]`,
  ...PLAIN_ESMTP,
  reply(code, text, ctx) {
    if (ctx.context === 'MAIL_FROM_OK') return { code: 250, text: 'OK' };
    if (ctx.context === 'RCPT_TO_OK') return { code: 250, text: 'Accepted' };
    if (code === 221) return { code: 221, text: `${ctx.hostname} closing connection` };
    return eximReplies(code, text);
  },
  queued: (m) => ({ code: 250, text: `OK id=${m.id}` }),
  newQueueId: () => `${base62(6)}-${base62(6)}-${base62(2)}`,
  chunkOk: (n) => ({ code: 250, text: `${n} byte chunk received` }),
};

/**
 * Cisco Secure Email Gateway (ESA, AsyncOS) with a default listener, as Cisco's own tech notes show it
 * over telnet: tech note 118234 ("Test SMTP with telnet": `220 host ESMTP`, `250 host` to HELO, `250
 * sender <a> ok`, `250 recipient <b> ok`, `354 go ahead`, `250 ok:  Message 214 accepted`, `221 host`)
 * and tech note 214630 ("ESMTP commands supported by the ESA": the EHLO list `250-host`, `250-8BITMIME`,
 * `250 SIZE 10485760`, with STARTTLS/AUTH only when enabled; `500 #5.5.1 command not recognized`; VRFY
 * always 2xx). No ENHANCEDSTATUSCODES, no PIPELINING, DSN or CHUNKING in that list; the enhanced codes
 * it writes are in the `#5.5.1` style inside the text. The queue id is the MID, a number.
 */
// Only what the tech notes show; the other replies keep smtp-server's words (not checked against an ESA).
const esaReplies = table({
  [SS.data]: '354 go ahead',
  [SS.unknown]: '500 #5.5.1 command not recognized',
});

let esaMid = Math.floor(Date.now() / 1000) % 1000000;

const ESA: SmtpPersonality = {
  name: 'esa',
  product: 'Cisco Secure Email Gateway (ESA, AsyncOS) default listener',
  sources: [
    'https://www.cisco.com/c/en/us/support/docs/security/email-security-appliance/118234-technote-esa-00.html (telnet SMTP test: replies)',
    'https://www.cisco.com/c/en/us/support/docs/security/email-security-appliance/214630-esmtp-commands-supported-by-the-esa-ces.html (EHLO list, HELP, unknown command)',
  ],
  greeting: (h) => `${h} ESMTP`,
  ehlo: (c) => [c.hostname, '8BITMIME', ...(c.startTls ? ['STARTTLS'] : []), `SIZE ${c.size}`],
  helo: (h) => h,
  ...PLAIN_ESMTP,
  reply(code, text, ctx) {
    const address = /<[^>]*>/.exec(argumentOf(ctx.command))?.[0] ?? '<>';
    if (ctx.context === 'MAIL_FROM_OK') return { code: 250, text: `sender ${address} ok` };
    if (ctx.context === 'RCPT_TO_OK') return { code: 250, text: `recipient ${address} ok` };
    if (code === 221) return { code: 221, text: ctx.hostname };
    return esaReplies(code, text);
  },
  queued: (m) => ({ code: 250, text: `ok:  Message ${m.id} accepted` }),
  newQueueId: () => String((esaMid += 1)),
  chunkOk: (n) => ({ code: 250, text: `${n} bytes ok` }),
};

/** `Tue, 1 Dec 2026 14:03:22 +0000`: the RFC 5322 date Exchange puts in its banner (Exim's $tod_full too). */
function exchangeDate(now: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${days[now.getUTCDay()]}, ${now.getUTCDate()} ${months[now.getUTCMonth()]} ${now.getUTCFullYear()} ${p(now.getUTCHours())}:${p(now.getUTCMinutes())}:${p(now.getUTCSeconds())} +0000`;
}

export const PERSONALITIES: Record<PersonalityName, SmtpPersonality> = {
  generic: GENERIC,
  postfix: POSTFIX,
  exchange: EXCHANGE,
  exim: EXIM,
  esa: ESA,
};

export function personality(name: string): SmtpPersonality {
  const p = (PERSONALITIES as Record<string, SmtpPersonality>)[name];
  if (!p) throw new UsageError(badChoice('--personality', name, Object.keys(PERSONALITIES)));
  return p;
}
