/** Levenshtein distance, for "did you mean" hints on mistyped names. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/**
 * The candidates the user probably meant: the closest one if it is a plausible typo; else the names
 * that start with what was typed, punctuation and case aside (`tls10` for tls10-only, `md5` for
 * md5-chain and md5-intermediate), when there are at most four of them.
 */
export function didYouMeanAll(got: string, candidates: readonly string[]): string[] {
  const lower = got.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const d = distance(lower, c.toLowerCase());
    if (d < bestScore) {
      bestScore = d;
      best = c;
    }
  }
  if (best === undefined) return [];
  if (bestScore <= Math.max(2, Math.floor(best.length / 3))) return [best];
  const bare = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const typed = bare(got);
  if (typed.length < 3) return [];
  const prefixed = candidates.filter((c) => bare(c).startsWith(typed));
  return prefixed.length <= 4 ? prefixed : [];
}

/** The closest candidate, if it is close enough to be a plausible typo (or the one name it shortens). */
export function didYouMean(got: string, candidates: readonly string[]): string | undefined {
  const all = didYouMeanAll(got, candidates);
  return all.length === 1 ? all[0] : undefined;
}

/** `"a"`, `"a" or "b"`, `"a", "b" or "c"`. */
function orList(names: readonly string[]): string {
  const q = names.map((n) => `"${n}"`);
  return q.length > 1 ? `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}` : q[0] ?? '';
}

/** `got "x", want one of a, b, c (did you mean "b"?)` — the house style for a bad choice. */
export function badChoice(what: string, got: string, choices: readonly string[]): string {
  const hints = didYouMeanAll(got, choices);
  return `${what}: got "${got}", want one of ${choices.join(', ')}${hints.length ? ` (did you mean ${orList(hints)}?)` : ''}`;
}
