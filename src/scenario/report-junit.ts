import { diagnostic } from './report-tap.js';
import { stringify } from 'yaml';
import type { RunSummary } from './runner.js';

const xml = (s: string): string =>
  s.replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * JUnit XML as Jenkins, GitLab and GitHub test reporters read it: one <testsuite> per scenario file,
 * one <testcase> per expectation, a <failure> with got/want and the record's key fields.
 */
export function reportJunit(summary: RunSummary): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="mxlab" tests="${summary.passed + summary.failed}" failures="${summary.failed}" time="${(summary.durationMs / 1000).toFixed(3)}">`);
  for (const s of summary.scenarios) {
    const failures = s.tests.filter((t) => !t.ok).length;
    out.push(`  <testsuite name="${xml(s.name)}" file="${xml(s.file)}" tests="${s.tests.length}" failures="${failures}" errors="0" time="${(s.durationMs / 1000).toFixed(3)}">`);
    for (const t of s.tests) {
      const head = `    <testcase name="${xml(t.name)}" classname="${xml(s.name)}" file="${xml(t.file)}" line="${t.line}"`;
      if (t.ok) {
        out.push(`${head}/>`);
        continue;
      }
      const message = t.mismatches.map((m) => `${m.field}: got ${m.got}, want ${m.want}`).join('; ') || t.error || 'failed';
      out.push(`${head}>`);
      out.push(`      <failure message="${xml(message)}" type="expectation">${xml(stringify(diagnostic(t), { lineWidth: 0 }))}</failure>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
