import type { SessionRow } from './session-row.js';

/** Cuts or pads to exactly `w` characters, the last one a space between columns (an ellipsis marks a cut). */
export function fit(s: string, w: number): string {
  if (w <= 0) return '';
  return s.length > w - 1 ? `${s.slice(0, Math.max(0, w - 2))}… ` : s.padEnd(w);
}

const time = (ms: number): string => new Date(ms).toISOString().slice(11, 19);

function starttls(r: SessionRow): string {
  if (r.tlsMode === 'implicit') return 'impl';
  if (r.startTlsUsed) return 'used';
  if (r.startTlsOffered) return 'offer';
  return r.startTlsOffered === false ? 'no' : '-';
}

/** The Sessions view's columns: header and width; CIPHER takes what the terminal has left. */
export const SESSION_COLUMNS = [
  ['TIME', 9], ['PEER', 18], ['PROTO:PORT', 11], ['CLIENT', 21], ['STLS', 6], ['VERSION', 8], ['CIPHER', 0], ['KX', 12], ['RESULT', 17], ['DUR', 7],
] as const;

const FIXED = SESSION_COLUMNS.reduce((n, [, w]) => n + w, 0);

export function cipherWidth(columns: number): number {
  return Math.max(8, Math.min(30, columns - FIXED - 2));
}

export function sessionHeader(columns: number): string {
  return SESSION_COLUMNS.map(([h, w]) => fit(h, w || cipherWidth(columns))).join('');
}

/** One row's cells, the result last so that it can be coloured on its own. */
export function sessionCells(r: SessionRow, columns: number): { before: string; result: string; after: string } {
  const cells = [
    time(r.start), r.peer, `${r.protocol}:${r.port}`, r.client ?? '-', starttls(r), r.version ?? '-', r.cipher ?? '-', r.kx ?? '-',
  ];
  const before = cells.map((c, i) => fit(c, SESSION_COLUMNS[i]![1] || cipherWidth(columns))).join('');
  const result = fit(r.result ?? 'open', 17);
  const after = r.durationMs === undefined ? '' : `${r.durationMs}ms`;
  return { before, result, after };
}
