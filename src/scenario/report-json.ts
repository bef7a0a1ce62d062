import type { RunSummary } from './runner.js';

/** The whole summary as one JSON document (scenarios, tests with got/want and record fields, counts). */
export function reportJson(summary: RunSummary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}
