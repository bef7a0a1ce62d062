/**
 * IMAP sequence sets (RFC 9051 §9 `sequence-set`): `1`, `2:4`, `5:*`, `1,3,7:9`. For message sequence
 * numbers a number beyond the mailbox is the client's error (BAD, as Dovecot answers "Invalid
 * messageset"); for UIDs, UIDs that do not exist are simply not there (RFC 9051 §6.4.9).
 */

export type SequenceSet = readonly { readonly from: number | '*'; readonly to: number | '*' }[];

const NUMBER = /^[1-9]\d{0,9}$/;

function seqNumber(text: string): number | '*' | undefined {
  if (text === '*') return '*';
  if (!NUMBER.test(text)) return undefined;
  const n = Number(text);
  return n <= 0xffffffff ? n : undefined;
}

/** Parses a set; undefined when the text is not one. */
export function parseSequenceSet(text: string): SequenceSet | undefined {
  if (!text) return undefined;
  const out: { from: number | '*'; to: number | '*' }[] = [];
  for (const part of text.split(',')) {
    const [a, b, extra] = part.split(':');
    if (extra !== undefined || a === undefined) return undefined;
    const from = seqNumber(a);
    const to = b === undefined ? from : seqNumber(b);
    if (from === undefined || to === undefined) return undefined;
    out.push({ from, to });
  }
  return out;
}

/** Whether `n` is in the set, `*` standing for `largest`. */
export function inSet(set: SequenceSet, n: number, largest: number): boolean {
  return set.some(({ from, to }) => {
    const a = from === '*' ? largest : from;
    const b = to === '*' ? largest : to;
    return n >= Math.min(a, b) && n <= Math.max(a, b);
  });
}

/** The highest number the set names explicitly (`*` not counted), to tell a too-high sequence number. */
export function highest(set: SequenceSet): number {
  let max = 0;
  for (const { from, to } of set) for (const v of [from, to]) if (v !== '*' && v > max) max = v;
  return max;
}
