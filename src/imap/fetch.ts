import type { MailboxMessage } from '../mailbox/mailbox.js';
import type { ImapValue } from './command.js';

/**
 * FETCH data items (RFC 9051 §6.4.5, RFC 3501 §6.4.5) that mail clients and curl ask for: FLAGS, UID,
 * RFC822.SIZE, INTERNALDATE, BODY[…] and BODY.PEEK[…] with the whole message, HEADER, TEXT,
 * HEADER.FIELDS (.NOT) and partial ranges, the RFC822 forms, and the FAST macro. ENVELOPE and
 * BODYSTRUCTURE are not built: they are refused with BAD rather than answered wrongly.
 */

export type Section =
  | { readonly part: '' | 'HEADER' | 'TEXT' }
  | { readonly part: 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT'; readonly fields: readonly string[] };

export type FetchItem =
  | { readonly kind: 'FLAGS' | 'UID' | 'RFC822.SIZE' | 'INTERNALDATE' }
  | {
      readonly kind: 'body';
      /** BODY.PEEK and RFC822.HEADER leave \Seen alone. */
      readonly peek: boolean;
      readonly section: Section;
      readonly partial?: { readonly start: number; readonly count: number };
      /** The item's name in the response: BODY[HEADER], RFC822, … */
      readonly label: string;
    };

const SIMPLE = new Set(['FLAGS', 'UID', 'RFC822.SIZE', 'INTERNALDATE']);
const UNSUPPORTED = new Set(['ENVELOPE', 'BODYSTRUCTURE', 'BODY', 'ALL', 'FULL']);

function section(inner: string): Section | string {
  const upper = inner.toUpperCase();
  if (upper === '' || upper === 'HEADER' || upper === 'TEXT') return { part: upper };
  const m = /^(HEADER\.FIELDS(?:\.NOT)?) \(([^()]*)\)$/i.exec(inner);
  if (m) {
    const fields = m[2]!.split(' ').map((f) => f.replace(/^"(.*)"$/, '$1')).filter(Boolean);
    if (!fields.length) return 'HEADER.FIELDS needs at least one field name';
    return { part: m[1]!.toUpperCase() as 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT', fields };
  }
  return `section [${inner}] is not supported by mxlab (whole message, HEADER, TEXT, HEADER.FIELDS are)`;
}

function item(text: string): FetchItem | string {
  const upper = text.toUpperCase();
  if (SIMPLE.has(upper)) return { kind: upper as 'FLAGS' };
  if (upper === 'RFC822') return { kind: 'body', peek: false, section: { part: '' }, label: 'RFC822' };
  if (upper === 'RFC822.HEADER') return { kind: 'body', peek: true, section: { part: 'HEADER' }, label: 'RFC822.HEADER' };
  if (upper === 'RFC822.TEXT') return { kind: 'body', peek: false, section: { part: 'TEXT' }, label: 'RFC822.TEXT' };
  if (UNSUPPORTED.has(upper)) return `${upper} is not supported by mxlab`;
  const m = /^(BODY(?:\.PEEK)?)\[(.*)\](?:<(\d{1,10})\.(\d{1,10})>)?$/is.exec(text);
  if (!m) return `unknown FETCH item ${text}`;
  const s = section(m[2]!);
  if (typeof s === 'string') return s;
  const inner = s.part === 'HEADER.FIELDS' || s.part === 'HEADER.FIELDS.NOT' ? `${s.part} (${s.fields.join(' ')})` : s.part;
  const partial = m[3] !== undefined ? { start: Number(m[3]), count: Number(m[4]) } : undefined;
  if (partial && partial.count === 0) return 'a partial range needs a count above 0';
  return { kind: 'body', peek: m[1]!.toUpperCase() === 'BODY.PEEK', section: s, ...(partial ? { partial } : {}), label: `BODY[${inner}]${partial ? `<${partial.start}>` : ''}` };
}

/** The items of a FETCH command's last argument: one item, a macro, or a parenthesised list. */
export function parseFetchItems(arg: ImapValue | undefined): FetchItem[] | string {
  if (!arg) return 'FETCH needs data items';
  if (arg.kind === 'atom' && arg.value.toUpperCase() === 'FAST') return [{ kind: 'FLAGS' }, { kind: 'INTERNALDATE' }, { kind: 'RFC822.SIZE' }];
  const atoms = arg.kind === 'list' ? arg.items : [arg];
  if (!atoms.length) return 'FETCH needs data items';
  const out: FetchItem[] = [];
  for (const a of atoms) {
    if (a.kind !== 'atom') return 'FETCH data items are atoms';
    const it = item(a.value);
    if (typeof it === 'string') return it;
    out.push(it);
  }
  return out;
}

/** Where the header ends (after its blank line). */
function headerEnd(message: Buffer): number {
  const crlf = message.indexOf('\r\n\r\n');
  if (crlf >= 0) return crlf + 4;
  const lf = message.indexOf('\n\n');
  return lf >= 0 ? lf + 2 : message.length;
}

/** Header fields (with their continuation lines) kept or dropped by name, plus the blank line. */
function headerFields(header: Buffer, names: readonly string[], keep: boolean): Buffer {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const lines = header.toString('latin1').split(/(?<=\n)/);
  let out = '';
  let take = false;
  for (const line of lines) {
    if (line === '\r\n' || line === '\n') break;
    if (!/^[ \t]/.test(line)) {
      const name = line.slice(0, Math.max(0, line.indexOf(':'))).trim().toLowerCase();
      take = wanted.has(name) === keep;
    }
    if (take) out += line;
  }
  return Buffer.from(`${out}\r\n`, 'latin1');
}

/** The bytes a body item returns. */
export function bodyData(message: Buffer, it: Extract<FetchItem, { kind: 'body' }>): Buffer {
  const end = headerEnd(message);
  const s = it.section;
  let data: Buffer;
  if (s.part === '') data = message;
  else if (s.part === 'HEADER') data = message.subarray(0, end);
  else if (s.part === 'TEXT') data = message.subarray(end);
  else if ('fields' in s) data = headerFields(message.subarray(0, end), s.fields, s.part === 'HEADER.FIELDS');
  else data = message;
  if (it.partial) data = data.subarray(Math.min(it.partial.start, data.length), Math.min(it.partial.start + it.partial.count, data.length));
  return data;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** IMAP date-time: `"17-Jul-1996 02:44:25 +0000"`, the day padded with a space (`date-day-fixed`). */
export function internalDate(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `"${String(d.getUTCDate()).padStart(2, ' ')}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000"`;
}

export function flagList(m: MailboxMessage): string {
  return `(${[...m.flags].join(' ')})`;
}
