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

/** The closest candidate, if it is close enough to be a plausible typo. */
export function didYouMean(got: string, candidates: readonly string[]): string | undefined {
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
  if (best === undefined) return undefined;
  if (bestScore <= Math.max(2, Math.floor(best.length / 3))) return best;
  // A shortened name (`tls10` for tls10-only, `exchange2019` for exchange-2019-ecdhe): the one
  // candidate that starts with what was typed, punctuation and case aside.
  const bare = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const typed = bare(got);
  if (typed.length < 3) return undefined;
  const prefixed = candidates.filter((c) => bare(c).startsWith(typed));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** `got "x", want one of a, b, c (did you mean "b"?)` — the house style for a bad choice. */
export function badChoice(what: string, got: string, choices: readonly string[]): string {
  const hint = didYouMean(got, choices);
  return `${what}: got "${got}", want one of ${choices.join(', ')}${hint ? ` (did you mean "${hint}"?)` : ''}`;
}
