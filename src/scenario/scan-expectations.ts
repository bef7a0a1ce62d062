import type { ScanReport } from '../model/scan-report.js';
import { CHECKS, type Check, runChecks } from '../scan/policy-checks.js';
import type { Mismatch } from './expectations.js';
import type { ScanChecks } from './scenario.js';

const names = (xs: readonly string[]): string => (xs.length ? xs.join(', ') : 'none');
const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));

/** Checks of a `scan:` expectation against the scan's report; each one that does not hold is a mismatch. */
export function judgeScan(e: ScanChecks, r: ScanReport): Mismatch[] {
  const out: Mismatch[] = [];
  if (e.reachable !== undefined && e.reachable === !!r.unreachable) {
    out.push({ field: 'scan.reachable', got: r.unreachable ? `not scanned: ${r.unreachable.failure}: ${r.unreachable.detail}` : 'scanned', want: e.reachable ? 'scanned' : 'not scanned' });
  }
  if (r.unreachable && e.reachable !== false) {
    // Nothing else can be judged; say why once rather than under every check.
    if (e.reachable === undefined) out.push({ field: 'scan.reachable', got: `not scanned: ${r.unreachable.failure}: ${r.unreachable.detail}`, want: 'scanned' });
    return out;
  }
  const versions = r.versions.filter((v) => v.supported).map((v) => v.version);
  if (e.versions && !same(versions, e.versions)) out.push({ field: 'scan.versions', got: names(versions), want: names(e.versions) });
  const accepted = new Set(r.versions.flatMap((v) => v.suites.flatMap((s) => [s.iana, ...(s.openssl ? [s.openssl] : [])])));
  for (const s of e.suites?.includes ?? []) if (!accepted.has(s)) out.push({ field: 'scan.suites.includes', got: `${s} not accepted`, want: `${s} accepted` });
  for (const s of e.suites?.excludes ?? []) if (accepted.has(s)) out.push({ field: 'scan.suites.excludes', got: `${s} accepted`, want: `${s} refused` });
  if (e.checks) {
    const failed = new Set(runChecks(r, CHECKS).map((f) => f.check as string));
    for (const c of e.checks.failed ?? []) if (!failed.has(c)) out.push({ field: 'scan.checks.failed', got: `${c} passed`, want: `${c} failed` });
    for (const c of e.checks.passed ?? []) if (failed.has(c)) out.push({ field: 'scan.checks.passed', got: `${c} failed: ${runChecks(r, [c as Check])[0]?.detail ?? ''}`, want: `${c} passed` });
  }
  if (e.intolerant) {
    const failed = r.intolerance.filter((i) => i.failed).map((i) => i.test);
    if (!same(failed, e.intolerant)) out.push({ field: 'scan.intolerant', got: names(r.intolerance.filter((i) => i.failed).map((i) => `${i.test} (${i.reaction})`)), want: names(e.intolerant) });
  }
  if (e.dhBits) {
    const bits = r.dhBits;
    const { atLeast, atMost } = e.dhBits;
    if (bits === undefined || (atLeast !== undefined && bits < atLeast) || (atMost !== undefined && bits > atMost)) {
      out.push({ field: 'scan.dhBits', got: bits === undefined ? 'no DHE suite accepted' : String(bits), want: [atLeast !== undefined ? `≥ ${atLeast}` : '', atMost !== undefined ? `≤ ${atMost}` : ''].filter(Boolean).join(' and ') });
    }
  }
  return out;
}

/** A test name for a scan expectation without one. */
export function describeScanChecks(e: ScanChecks): string {
  const parts: string[] = [];
  if (e.reachable !== undefined) parts.push(`reachable=${e.reachable}`);
  if (e.versions) parts.push(`versions=${names(e.versions)}`);
  if (e.suites?.includes) parts.push(`accepts ${e.suites.includes.join(', ')}`);
  if (e.suites?.excludes) parts.push(`refuses ${e.suites.excludes.join(', ')}`);
  if (e.checks?.failed) parts.push(`fails ${e.checks.failed.join(', ')}`);
  if (e.checks?.passed) parts.push(`passes ${e.checks.passed.join(', ')}`);
  if (e.intolerant) parts.push(`intolerant=${names(e.intolerant)}`);
  if (e.dhBits) parts.push(`dhBits=${JSON.stringify(e.dhBits)}`);
  return parts.join(' ') || 'scanned';
}
