/**
 * IMAP command syntax (RFC 9051 §9, RFC 3501 §9): a tag, a command name and arguments made of atoms,
 * quoted strings, literals and parenthesised lists. Section specs such as
 * `BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.512>` are one atom, brackets and all, as servers read them.
 */

export type ImapValue =
  | { readonly kind: 'atom'; readonly value: string }
  | { readonly kind: 'string'; readonly value: Buffer; readonly literal: boolean }
  | { readonly kind: 'list'; readonly items: readonly ImapValue[] };

export interface ImapCommand {
  readonly tag: string;
  /** Upper case; `UID FETCH` for the UID forms. */
  readonly name: string;
  readonly args: readonly ImapValue[];
}

/** A command as read off the wire: line texts with the literals between them (one more text than literals). */
export interface RawCommand {
  readonly texts: readonly Buffer[];
  readonly literals: readonly Buffer[];
}

/** A syntax error: the reply is a tagged BAD (or an untagged one when not even the tag was readable). */
export class ImapSyntaxError extends Error {
  readonly tag?: string;
  constructor(message: string, tag?: string) {
    super(message);
    this.name = 'ImapSyntaxError';
    if (tag !== undefined) this.tag = tag;
  }
}

/** `{123}` or `{123+}` (LITERAL+, RFC 7888) closing a line: a literal follows. */
export const LITERAL_AT_END = /\{(\d+)(\+?)\}$/;

const SP = 0x20;
const TAG_FORBIDDEN = new Set([...'(){ %*"\\]+'].map((c) => c.charCodeAt(0)));

/** The tag of a line, if it has a valid one (for replying BAD to a line the parser rejects). */
export function tagOf(line: Buffer): string | undefined {
  const sp = line.indexOf(SP);
  const tag = line.subarray(0, sp < 0 ? line.length : sp);
  if (!tag.length) return undefined;
  for (const b of tag) if (b <= 0x1f || b >= 0x7f || TAG_FORBIDDEN.has(b)) return undefined;
  return tag.toString('latin1');
}

class Cursor {
  #part = 0;
  #pos = 0;
  readonly #raw: RawCommand;
  constructor(raw: RawCommand) {
    this.#raw = raw;
  }

  get #text(): Buffer {
    return this.#raw.texts[this.#part]!;
  }

  peek(): number | undefined {
    return this.#pos < this.#text.length ? this.#text[this.#pos] : undefined;
  }

  atEnd(): boolean {
    return this.#part === this.#raw.texts.length - 1 && this.#pos >= this.#text.length;
  }

  next(): number {
    return this.#text[this.#pos++]!;
  }

  /** One SP between arguments. */
  space(tag: string): void {
    if (this.peek() !== SP) throw new ImapSyntaxError('expected a space between arguments', tag);
    this.#pos++;
  }

  /** At `{`: the literal marker must end this text, and the literal itself is the value. */
  literal(tag: string): Buffer {
    const rest = this.#text.subarray(this.#pos).toString('latin1');
    const m = /^\{(\d+)\+?\}$/.exec(rest);
    const literal = this.#raw.literals[this.#part];
    if (!m || !literal) throw new ImapSyntaxError(`bad literal "${rest.slice(0, 24)}": want {N} at the end of the line`, tag);
    this.#part++;
    this.#pos = 0;
    return literal;
  }

  /** An atom: up to a space or parenthesis, with [ … ] sections read whole. */
  atom(tag: string): string {
    const text = this.#text;
    const start = this.#pos;
    let depth = 0;
    while (this.#pos < text.length) {
      const c = text[this.#pos]!;
      if (c === 0x5b) depth++;
      else if (c === 0x5d) depth = Math.max(0, depth - 1);
      else if (depth === 0 && (c === SP || c === 0x28 || c === 0x29)) break;
      else if (depth === 0 && (c === 0x22 || c === 0x7b)) throw new ImapSyntaxError(`unexpected "${String.fromCharCode(c)}" inside an atom`, tag);
      if (c <= 0x1f || c === 0x7f) throw new ImapSyntaxError('control character in a command', tag);
      this.#pos++;
    }
    if (depth > 0) throw new ImapSyntaxError('unbalanced "[" in an argument', tag);
    if (this.#pos === start) throw new ImapSyntaxError('empty argument', tag);
    return text.subarray(start, this.#pos).toString('utf8');
  }

  quoted(tag: string): Buffer {
    const text = this.#text;
    this.#pos++;
    const out: number[] = [];
    while (this.#pos < text.length) {
      const c = text[this.#pos++]!;
      if (c === 0x22) return Buffer.from(out);
      if (c === 0x5c) {
        const e = text[this.#pos++];
        if (e !== 0x22 && e !== 0x5c) throw new ImapSyntaxError('bad escape in a quoted string (only \\" and \\\\ are allowed)', tag);
        out.push(e);
        continue;
      }
      out.push(c);
    }
    throw new ImapSyntaxError('unterminated quoted string', tag);
  }
}

function value(cur: Cursor, tag: string, depth: number): ImapValue {
  const c = cur.peek();
  if (c === undefined) throw new ImapSyntaxError('missing argument', tag);
  if (c === 0x28) {
    if (depth > 16) throw new ImapSyntaxError('lists nested too deeply', tag);
    cur.next();
    const items: ImapValue[] = [];
    while (cur.peek() !== 0x29) {
      if (cur.peek() === undefined) throw new ImapSyntaxError('unterminated list', tag);
      if (items.length) cur.space(tag);
      items.push(value(cur, tag, depth + 1));
    }
    cur.next();
    return { kind: 'list', items };
  }
  if (c === 0x22) return { kind: 'string', value: cur.quoted(tag), literal: false };
  if (c === 0x7b) return { kind: 'string', value: cur.literal(tag), literal: true };
  if (c === 0x29) throw new ImapSyntaxError('unexpected ")"', tag);
  if (c === SP) throw new ImapSyntaxError('two spaces in a row', tag);
  return { kind: 'atom', value: cur.atom(tag) };
}

export function parseCommand(raw: RawCommand): ImapCommand {
  const first = raw.texts[0] ?? Buffer.alloc(0);
  const tag = tagOf(first);
  if (tag === undefined) throw new ImapSyntaxError(first.length ? 'missing or invalid tag' : 'empty command line');
  const cur = new Cursor(raw);
  cur.atom(tag);
  if (cur.atEnd()) throw new ImapSyntaxError('missing command', tag);
  cur.space(tag);
  let name = cur.atom(tag).toUpperCase();
  if (name === 'UID') {
    if (cur.atEnd()) throw new ImapSyntaxError('UID needs a command (FETCH, SEARCH …)', tag);
    cur.space(tag);
    name = `UID ${cur.atom(tag).toUpperCase()}`;
  }
  const args: ImapValue[] = [];
  while (!cur.atEnd()) {
    cur.space(tag);
    args.push(value(cur, tag, 0));
  }
  return { tag, name, args };
}

/** An astring argument (atom, quoted or literal) as text. */
export function astring(v: ImapValue | undefined): string | undefined {
  if (!v) return undefined;
  if (v.kind === 'atom') return v.value;
  if (v.kind === 'string') return v.value.toString('utf8');
  return undefined;
}
