import type { SessionRecord, SessionResult } from '../model/session-record.js';
import { type Colour, paint } from '../text/colour.js';

const COLUMNS = [
  ['TIME', 13], ['PEER', 22], ['MODE', 9], ['REMOTE', 22], ['RESULT', 17], ['VERSION', 8], ['CIPHER', 30], ['REPLY / REASON', 0],
] as const;
type Column = (typeof COLUMNS)[number][0];

/**
 * On a narrow terminal, columns go in this order until the line fits (the reason is elided first,
 * down to MIN_REASON characters); PEER, RESULT and the reason stay.
 */
const DROP_ORDER: readonly Column[] = ['CIPHER', 'REMOTE', 'MODE', 'TIME', 'VERSION'];
const MIN_REASON = 24;

/** A session's result as a colour: TLS green, plaintext and downgrades yellow, failures red. */
export const RESULT_COLOUR: Readonly<Record<SessionResult, Colour>> = {
  tls: 'green', plaintext: 'yellow', downgraded: 'yellow', refused: 'red', 'handshake-failed': 'red', error: 'red',
};

export interface TableLayout {
  /** Terminal columns: the line is fitted to them (columns drop, cells elide). Unset: the fixed layout. */
  readonly width?: number;
  /** Colour the RESULT cell by the result. */
  readonly colour?: boolean;
}

const fit = (s: string, w: number): string => (w === 0 ? s : s.length > w - 1 ? `${s.slice(0, w - 2)}… ` : s.padEnd(w));

/** `s` cut to `w` characters, the last one an ellipsis when anything was cut. */
const elide = (s: string, w: number): string => (s.length <= w ? s : w <= 0 ? '' : `${s.slice(0, w - 1)}…`);

/** The columns shown at `width` (all of them without a width). */
function columnsFor(width: number | undefined): (typeof COLUMNS)[number][] {
  let shown: (typeof COLUMNS)[number][] = [...COLUMNS];
  if (width === undefined) return shown;
  const fixed = (): number => shown.reduce((sum, [, w]) => sum + w, 0);
  for (const drop of DROP_ORDER) {
    if (fixed() + MIN_REASON <= width) break;
    shown = shown.filter(([name]) => name !== drop);
  }
  return shown;
}

function line(cells: Readonly<Record<Column, string>>, layout: TableLayout, result?: SessionResult): string {
  const { width } = layout;
  const shown = columnsFor(width);
  let text = '';
  let resultAt = -1;
  for (const [name, w] of shown) {
    if (name === 'RESULT') resultAt = text.length;
    text += fit(cells[name], w);
  }
  text = text.trimEnd();
  if (width !== undefined) text = elide(text, width);
  if (!layout.colour || result === undefined || resultAt < 0 || resultAt >= text.length) return text;
  // Only the result word is painted (padding and the rest stay plain), after the fitting, so the
  // escape codes never count towards the width.
  const word = /^\S+/.exec(text.slice(resultAt))?.[0] ?? '';
  return text.slice(0, resultAt) + paint(word, RESULT_COLOUR[result]) + text.slice(resultAt + word.length);
}

export function tableHeader(layout: TableLayout = {}): string {
  return line(Object.fromEntries(COLUMNS.map(([h]) => [h, h])) as Record<Column, string>, { ...layout, colour: false });
}

/**
 * One line per session, as `mxlab serve` prints them live: fixed-width columns, or with a width, the
 * columns that fit it and never a character more.
 */
export function tableRow(r: SessionRecord, layout: TableLayout = {}): string {
  const time = r.timings.start.slice(11, 23);
  const mode = r.tlsMode === 'implicit' ? 'implicit' : r.startTlsAttempted ? 'starttls' : 'plain';
  const error = r.error ? `${r.error.code ? `${r.error.code}: ` : ''}${r.error.message}` : undefined;
  // A proxy row's question is what the client did once STARTTLS was attacked: the verdict first.
  const reason = r.interception ? [r.interception.summary, error].filter(Boolean).join('; ') : (error ?? r.reply ?? '');
  // One line, whatever the peer sent: a line break would wrap, an escape code would count as text.
  // eslint-disable-next-line no-control-regex
  const oneLine = (s: string): string => (layout.width === undefined ? s : s.replace(/[\x00-\x1f\x7f]+/g, ' '));
  const cells: Record<Column, string> = {
    TIME: time,
    PEER: r.peer,
    MODE: mode,
    REMOTE: `${r.remote.address.replace(/^::ffff:/, '')}:${r.remote.port}`,
    RESULT: r.result,
    VERSION: r.version ?? '-',
    CIPHER: r.cipher?.openssl ?? '-',
    'REPLY / REASON': oneLine(reason),
  };
  return line(cells, layout, r.result);
}
