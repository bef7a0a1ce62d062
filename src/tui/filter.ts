import type { SessionRow } from './session-row.js';

/**
 * The `/` filter language over session rows:
 *
 *   expr   := or
 *   or     := and ('|' and)*
 *   and    := unary ('&'? unary)*        (two terms side by side mean "and")
 *   unary  := '!' unary | '(' or ')' | term
 *   term   := FIELD ':' VALUE | WORD      (VALUE and WORD may be "quoted")
 *
 * Fields: result, version, protocol, peer, profile, client, delivery (the verdict on the sending MTA a
 * session belongs to, `none` before one is given). result/version/protocol/delivery match the whole
 * value (so `version:TLSv1` is not TLSv1.2); the others and free text match a part, case-insensitively.
 * Errors carry the 0-based position so the filter line can point at it while the user types.
 */

export const FILTER_FIELDS = ['result', 'version', 'protocol', 'peer', 'profile', 'client', 'delivery'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];

export type FilterNode =
  | { readonly kind: 'or' | 'and'; readonly left: FilterNode; readonly right: FilterNode }
  | { readonly kind: 'not'; readonly inner: FilterNode }
  | { readonly kind: 'field'; readonly field: FilterField; readonly value: string }
  | { readonly kind: 'text'; readonly value: string };

export class FilterError extends Error {
  constructor(message: string, readonly position: number) {
    super(`${message} at position ${position + 1}`);
  }
}

type Token = { readonly kind: '(' | ')' | '!' | '&' | '|' | ':' | 'end'; readonly pos: number } | { readonly kind: 'word'; readonly pos: number; readonly value: string };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if ('()!&|:'.includes(c)) {
      out.push({ kind: c as '(' | ')' | '!' | '&' | '|' | ':', pos: i });
      i++;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw new FilterError('unclosed quote', i);
      out.push({ kind: 'word', pos: i, value: text.slice(i + 1, end) });
      i = end + 1;
    } else {
      const start = i;
      while (i < text.length && !/[\s()!&|:"]/.test(text[i]!)) i++;
      out.push({ kind: 'word', pos: start, value: text.slice(start, i) });
    }
  }
  out.push({ kind: 'end', pos: text.length });
  return out;
}

/** Parses a filter; an empty or blank one is undefined (everything matches). Throws FilterError. */
export function parseFilter(text: string): FilterNode | undefined {
  const tokens = tokenize(text);
  let k = 0;
  const peek = (): Token => tokens[k]!;
  const next = (): Token => tokens[k++]!;
  const describe = (t: Token): string => (t.kind === 'end' ? 'end of filter' : t.kind === 'word' ? `"${t.value}"` : `"${t.kind}"`);

  const parseOr = (): FilterNode => {
    let left = parseAnd();
    while (peek().kind === '|') {
      next();
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): FilterNode => {
    let left = parseUnary();
    for (;;) {
      const t = peek();
      if (t.kind === '&') {
        next();
        left = { kind: 'and', left, right: parseUnary() };
      } else if (t.kind === 'word' || t.kind === '!' || t.kind === '(') {
        left = { kind: 'and', left, right: parseUnary() };
      } else {
        return left;
      }
    }
  };
  const parseUnary = (): FilterNode => {
    const t = next();
    if (t.kind === '!') return { kind: 'not', inner: parseUnary() };
    if (t.kind === '(') {
      const inner = parseOr();
      const close = next();
      if (close.kind !== ')') throw new FilterError(`expected ")" to close the "(" at position ${t.pos + 1}, got ${describe(close)}`, close.pos);
      return inner;
    }
    if (t.kind !== 'word') throw new FilterError(`expected a word, a field:value, "!" or "(", got ${describe(t)}`, t.pos);
    if (peek().kind !== ':') return { kind: 'text', value: t.value.toLowerCase() };
    const field = FILTER_FIELDS.find((f) => f === t.value.toLowerCase());
    if (!field) throw new FilterError(`unknown field "${t.value}", want one of ${FILTER_FIELDS.join(', ')}`, t.pos);
    const colon = next();
    const value = next();
    if (value.kind !== 'word') throw new FilterError(`expected a value after "${t.value}:"`, value.kind === 'end' ? colon.pos + 1 : value.pos);
    return { kind: 'field', field, value: value.value.toLowerCase() };
  };

  if (peek().kind === 'end') return undefined;
  const node = parseOr();
  const rest = peek();
  if (rest.kind !== 'end') throw new FilterError(`unexpected ${describe(rest)}`, rest.pos);
  return node;
}

const EXACT: ReadonlySet<FilterField> = new Set(['result', 'version', 'protocol', 'delivery']);

function fieldValue(row: SessionRow, field: FilterField): string {
  switch (field) {
    case 'result':
      return row.result ?? 'open';
    case 'version':
      return row.version ?? '';
    case 'protocol':
      return row.protocol;
    case 'peer':
      return row.peer;
    case 'profile':
      return row.profile;
    case 'client':
      return row.client ?? '';
    case 'delivery':
      return row.delivery?.slice(0, row.delivery.indexOf(':')) ?? 'none';
  }
}

/** Whether a row matches a parsed filter (undefined matches everything). */
export function matches(node: FilterNode | undefined, row: SessionRow): boolean {
  if (!node) return true;
  switch (node.kind) {
    case 'or':
      return matches(node.left, row) || matches(node.right, row);
    case 'and':
      return matches(node.left, row) && matches(node.right, row);
    case 'not':
      return !matches(node.inner, row);
    case 'field': {
      const v = fieldValue(row, node.field).toLowerCase();
      return EXACT.has(node.field) ? v === node.value : v.includes(node.value);
    }
    case 'text':
      return rowText(row).includes(node.value);
  }
}

/** What free text searches: every shown column plus the session id and remote address. */
function rowText(row: SessionRow): string {
  return [row.id, row.peer, row.protocol, row.profile, row.policy, row.client, row.version, row.cipher, row.kx, row.result ?? 'open', row.remote].join(' ').toLowerCase();
}
