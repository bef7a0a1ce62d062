import type { EventBus } from '../events/event-bus.js';
import { esaLog } from '../record/render-esa-log.js';
import { exchangeLog } from '../record/render-exchange-log.js';
import { postfixLog } from '../record/render-postfix-log.js';
import { tableHeader, tableRow } from '../record/render-table.js';
import { badChoice } from '../text/did-you-mean.js';
import { UsageError } from '../usage-error.js';

export const FORMATS = ['table', 'jsonl', 'exchange', 'postfix', 'esa'] as const;
export type Format = (typeof FORMATS)[number];

export function parseFormat(value: string): Format {
  if (!(FORMATS as readonly string[]).includes(value)) throw new UsageError(badChoice('--format', value, FORMATS));
  return value as Format;
}

/**
 * Prints each session as it ends, in the chosen format, and the lab's warnings on stderr (the core
 * never writes to the terminal itself). Returns the unsubscribe.
 */
export function printSessions(bus: EventBus, format: Format, write: (s: string) => void = (s) => process.stdout.write(s), warn: (s: string) => void = (s) => process.stderr.write(s)): () => void {
  if (format === 'table') write(tableHeader() + '\n');
  const warnings = bus.on('lab-warning', (e) => warn(`mxlab: warning${e.peer ? ` (${e.peer})` : ''}: ${e.code}: ${e.message}\n`));
  const records = bus.on('record', ({ record }) => {
    switch (format) {
      case 'table':
        write(tableRow(record) + '\n');
        break;
      case 'jsonl':
        write(JSON.stringify(record) + '\n');
        break;
      case 'exchange':
        write(exchangeLog(record).join('\n') + '\n');
        break;
      case 'postfix':
        write(postfixLog(record).join('\n') + '\n');
        break;
      case 'esa':
        write(esaLog(record) + '\n');
        break;
    }
  });
  return () => {
    warnings();
    records();
  };
}
