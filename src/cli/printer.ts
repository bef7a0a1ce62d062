import type { EventBus } from '../events/event-bus.js';
import type { LabEventOf } from '../events/events.js';
import { esaMailLog } from '../record/render-esa-log.js';
import { exchangeLog } from '../record/render-exchange-log.js';
import { postfixLog } from '../record/render-postfix-log.js';
import { recordJson } from '../record/record-json.js';
import { tableHeader, tableRow, type TableLayout } from '../record/render-table.js';
import { colourWanted } from '../text/colour.js';
import { badChoice } from '../text/did-you-mean.js';
import { UsageError } from '../usage-error.js';

export const FORMATS = ['table', 'jsonl', 'exchange', 'postfix', 'esa'] as const;
export type Format = (typeof FORMATS)[number];

export function parseFormat(value: string): Format {
  if (!(FORMATS as readonly string[]).includes(value)) throw new UsageError(badChoice('--format', value, FORMATS));
  return value as Format;
}

/** A lab-warning as one line. */
export function warningLine(e: LabEventOf<'lab-warning'>): string {
  return `mxlab: warning${e.peer ? ` (${e.peer})` : ''}: ${e.code}: ${e.message}`;
}

/** Prints the lab's warnings (a subscriber that failed, a listener that cannot accept, a record not written). */
export function printWarnings(bus: EventBus, warn: (s: string) => void = (s) => process.stderr.write(s)): () => void {
  return bus.on('lab-warning', (e) => warn(`${warningLine(e)}\n`));
}

/**
 * How table lines look on `stream`: on a terminal, fitted to its width (read again for every line, so
 * a resized window is followed) and coloured unless NO_COLOR; in a pipe, the fixed layout, coloured
 * only with FORCE_COLOR.
 */
export function terminalLayout(stream: { isTTY?: boolean; columns?: number } = process.stdout, env: NodeJS.ProcessEnv = process.env): () => TableLayout {
  const colour = colourWanted(env, stream);
  return () => (stream.isTTY && stream.columns ? { width: stream.columns, colour } : { colour });
}

/**
 * Prints each session as it ends, in the chosen format, and the lab's warnings on stderr (the core
 * never writes to the terminal itself). Returns the unsubscribe.
 */
export function printSessions(bus: EventBus, format: Format, write: (s: string) => void = (s) => process.stdout.write(s), warn: (s: string) => void = (s) => process.stderr.write(s), layout: () => TableLayout = () => ({})): () => void {
  if (format === 'table') write(tableHeader(layout()) + '\n');
  const warnings = printWarnings(bus, warn);
  const records = bus.on('record', ({ record }) => {
    switch (format) {
      case 'table':
        write(tableRow(record, layout()) + '\n');
        break;
      case 'jsonl':
        write(recordJson(record) + '\n');
        break;
      case 'exchange':
        write(exchangeLog(record).join('\n') + '\n');
        break;
      case 'postfix':
        write(postfixLog(record).join('\n') + '\n');
        break;
      case 'esa':
        write(esaMailLog(record).join('\n') + '\n');
        break;
    }
  });
  // The verdict on a sending MTA, when its delivery is judged (table only: jsonl stays one record per line; deliveries.jsonl has them).
  const deliveries = format === 'table' ? bus.on('delivery', ({ delivery: d }) => write(`delivery ${d.verdict.toUpperCase()} from ${d.client.helo ?? '?'} [${d.client.address}] to ${d.peer}: ${d.summary} [${d.sessions.join(', ')}]\n`)) : () => undefined;
  return () => {
    warnings();
    records();
    deliveries();
  };
}
