import type { MailboxMessage } from '../mailbox/mailbox.js';
import type { ImapValue } from './command.js';
import { inSet, parseSequenceSet } from './sequence-set.js';

/**
 * SEARCH (RFC 9051 §6.4.4) over the flags and numbers mxlab keeps: ALL, the flag keys (SEEN, UNSEEN,
 * NEW, OLD, RECENT, ANSWERED, DELETED, DRAFT, FLAGGED and their UN- forms), LARGER/SMALLER, UID, a
 * sequence set, NOT, OR and parenthesised groups. Keys that need the message text (FROM, SUBJECT,
 * BODY, dates) are refused with BAD rather than answered wrongly.
 */

type Test = (m: MailboxMessage, seq: number) => boolean;

export interface SearchContext {
  readonly count: number;
  readonly maxUid: number;
}

const FLAG_KEYS: Readonly<Record<string, [string, boolean]>> = {
  SEEN: ['\\Seen', true], UNSEEN: ['\\Seen', false],
  ANSWERED: ['\\Answered', true], UNANSWERED: ['\\Answered', false],
  DELETED: ['\\Deleted', true], UNDELETED: ['\\Deleted', false],
  DRAFT: ['\\Draft', true], UNDRAFT: ['\\Draft', false],
  FLAGGED: ['\\Flagged', true], UNFLAGGED: ['\\Flagged', false],
};

class Keys {
  #i = 0;
  readonly #args: readonly ImapValue[];
  readonly #ctx: SearchContext;
  constructor(args: readonly ImapValue[], ctx: SearchContext) {
    this.#args = args;
    this.#ctx = ctx;
  }

  get done(): boolean {
    return this.#i >= this.#args.length;
  }

  #atom(): string {
    const v = this.#args[this.#i++];
    if (!v || v.kind !== 'atom') throw new Error('search key expected');
    return v.value;
  }

  key(depth = 0): Test {
    if (depth > 16) throw new Error('search keys nested too deeply');
    const v = this.#args[this.#i];
    if (!v) throw new Error('search key expected');
    if (v.kind === 'list') {
      this.#i++;
      const inner = new Keys(v.items, this.#ctx);
      const tests: Test[] = [];
      while (!inner.done) tests.push(inner.key(depth + 1));
      if (!tests.length) throw new Error('empty search key list');
      return (m, s) => tests.every((t) => t(m, s));
    }
    const word = this.#atom();
    const upper = word.toUpperCase();
    if (upper === 'ALL') return () => true;
    if (upper === 'NEW' || upper === 'RECENT') return () => false; // no message is \Recent: every session sees them as known
    if (upper === 'OLD') return () => true;
    const flag = FLAG_KEYS[upper];
    if (flag) return (m) => m.flags.has(flag[0]) === flag[1];
    if (upper === 'NOT') {
      const t = this.key(depth + 1);
      return (m, s) => !t(m, s);
    }
    if (upper === 'OR') {
      const a = this.key(depth + 1);
      const b = this.key(depth + 1);
      return (m, s) => a(m, s) || b(m, s);
    }
    if (upper === 'LARGER' || upper === 'SMALLER') {
      const n = Number(this.#atom());
      if (!Number.isInteger(n) || n < 0) throw new Error(`${upper} needs a number`);
      return upper === 'LARGER' ? (m) => m.size > n : (m) => m.size < n;
    }
    if (upper === 'UID') {
      const set = parseSequenceSet(this.#atom());
      if (!set) throw new Error('UID needs a sequence set');
      return (m) => inSet(set, m.uid, this.#ctx.maxUid);
    }
    const set = parseSequenceSet(word);
    if (set) return (_m, s) => inSet(set, s, this.#ctx.count);
    throw new Error(`search key ${word} is not supported by mxlab`);
  }
}

/**
 * Compiles the SEARCH arguments (after an optional CHARSET) into a test; throws with the reason on
 * keys it does not know.
 */
export function compileSearch(args: readonly ImapValue[], ctx: SearchContext): Test {
  const keys = new Keys(args, ctx);
  const tests: Test[] = [];
  while (!keys.done) tests.push(keys.key());
  if (!tests.length) throw new Error('SEARCH needs a search key');
  return (m, s) => tests.every((t) => t(m, s));
}
