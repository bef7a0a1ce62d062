import { stringify } from 'yaml';
import type { TestResult } from './run-scenario.js';
import { closingLine, type RunSummary } from './runner.js';

/** The YAML diagnostic of a failed test (TAP 14 `---` block): got/want and the record's key fields. */
export function diagnostic(t: TestResult): Record<string, unknown> {
  return {
    at: `${t.file}:${t.line}`,
    ...(t.error ? { error: t.error } : {}),
    ...(t.why ? { why: t.why } : {}),
    got: Object.fromEntries(t.mismatches.map((m) => [m.field, m.got])),
    want: Object.fromEntries(t.mismatches.map((m) => [m.field, m.want])),
    ...(t.record ? { record: t.record } : {}),
  };
}

const escape = (s: string): string => s.replace(/\\/g, '\\\\').replace(/#/g, '\\#').replace(/[\r\n]+/g, ' ');

/** TAP version 14, one test point per expectation, failures with a YAML diagnostic block. */
export function reportTap(summary: RunSummary): string {
  const lines = ['TAP version 14'];
  let n = 0;
  for (const s of summary.scenarios) {
    lines.push(`# ${escape(s.name)} (${s.file}, ${s.durationMs} ms)`);
    for (const t of s.tests) {
      n++;
      lines.push(`${t.ok ? 'ok' : 'not ok'} ${n} - ${escape(`${s.name} › ${t.name}`)}`);
      if (!t.ok) {
        lines.push('  ---');
        for (const l of stringify(diagnostic(t), { lineWidth: 0 }).trimEnd().split('\n')) lines.push(`  ${l}`);
        lines.push('  ...');
      }
    }
  }
  lines.push(`1..${n}`);
  lines.push(`# ${closingLine(summary)}`);
  return `${lines.join('\n')}\n`;
}
