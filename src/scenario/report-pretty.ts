import type { ScenarioResult } from './run-scenario.js';
import { closingLine, type RunSummary } from './runner.js';

/** One scenario for a terminal: a line per expectation, failures with got/want and the record. */
export function prettyScenario(s: ScenarioResult): string {
  const failed = s.tests.filter((t) => !t.ok).length;
  const lines = [`${failed ? 'FAIL' : 'PASS'}  ${s.name}  (${s.file}, ${s.durationMs} ms)`];
  for (const t of s.tests) {
    lines.push(`  ${t.ok ? 'ok  ' : 'FAIL'}  ${t.name}`);
    if (t.ok) continue;
    lines.push(`        at      ${t.file}:${t.line}`);
    if (t.why) lines.push(`        why     ${t.why}`);
    if (t.error) lines.push(`        error   ${t.error}`);
    for (const m of t.mismatches) {
      lines.push(`        ${m.field}`);
      lines.push(`          got   ${m.got}`);
      lines.push(`          want  ${m.want}`);
    }
    if (t.record) lines.push(`        record  ${Object.entries(t.record).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join('  ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Every scenario, then the closing line, last on stdout. */
export function reportPretty(summary: RunSummary): string {
  return `${summary.scenarios.map(prettyScenario).join('')}\n${closingLine(summary)}\n`;
}
