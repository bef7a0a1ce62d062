import { Box, Text } from 'ink';
import type { ScanReport, SuiteRating } from '../model/scan-report.js';
import { fit } from './format.js';
import { SCAN_VERSIONS, type ScanState } from './scan-state.js';

interface Props {
  readonly scan: ScanState | undefined;
  /** How many scans the console has seen (the view shows the newest). */
  readonly count: number;
  readonly scroll: number;
  readonly height: number;
}

const RATING_COLOUR: Record<SuiteRating, string> = { insecure: 'red', weak: 'yellow', ok: 'green' };

/** The report's rating of a suite (any version), when the scan has ended. */
function ratingOf(report: ScanReport | undefined, name: string): SuiteRating | undefined {
  for (const v of report?.versions ?? []) {
    const s = v.suites.find((x) => (x.openssl ?? x.iana) === name);
    if (s) return s.rating;
  }
  return undefined;
}

/** What the report says beside the matrix: versions refused, groups, DH, chain verdict, intolerance. */
export function scanFooter(r: ScanReport): string[] {
  const out: string[] = [];
  if (r.unreachable) return [`not scanned: ${r.unreachable.failure}: ${r.unreachable.detail}`];
  for (const v of r.versions) {
    if (!v.supported) out.push(`${v.version}: no${v.refusal ? ` (${v.refusal})` : ''}`);
    else if (v.serverOrder !== undefined) out.push(`${v.version}: ${v.suites.length} suites, ${v.serverOrder ? 'server order' : 'client order'}`);
  }
  out.push(`groups: ${r.groups.join(', ') || '-'}${r.dhBits ? `; DH ${r.dhBits} bits` : ''}`);
  if (r.chain[0]) out.push(`leaf: ${r.chain[0].subject}; ${r.chain[0].signatureAlgorithm}; ${r.chain[0].key}`);
  if (r.verdict) out.push(`verdict: ${r.verdict.summary}`);
  for (const i of r.intolerance) out.push(`${i.test}: ${i.failed ? 'FAILED' : 'ok'} (${i.reaction})`);
  for (const a of r.anomalies) out.push(`anomaly: ${a.what}: ${a.detail}`);
  return out;
}

/**
 * The newest scan as a version × suite matrix that fills in as the scan's connections are answered;
 * when the scan ends, the suites take their rating's colour and the report's findings follow.
 */
export function ScanView({ scan, count, scroll, height }: Props) {
  if (!scan) {
    return (
      <Box flexDirection="column" height={height}>
        <Text bold>scan</Text>
        <Text>no scan yet: `:scan PEER` or `:scan smtp|imap|pop3|smtps|imaps|pop3s|tls HOST:PORT [--fail-on …]`</Text>
      </Box>
    );
  }
  const report = scan.report;
  const state = report ? `done in ${report.timings.totalMs} ms` : `running: ${scan.answers} answers`;
  const rows = [...scan.matrix.entries()];
  const lines: { text: string; colour?: string }[] = rows.map(([suite, versions]) => {
    const rating = ratingOf(report, suite);
    const cells = SCAN_VERSIONS.map((v) => fit(versions.has(v) ? '  ✓' : '  ·', 9)).join('');
    return { text: `${fit(suite, 40)}${cells}${rating ? rating : ''}`, ...(rating ? { colour: RATING_COLOUR[rating] } : {}) };
  });
  if (report) lines.push({ text: '' }, ...scanFooter(report).map((text) => ({ text })));
  const body = Math.max(1, height - 2);
  const top = Math.max(0, Math.min(scroll, lines.length - body));
  return (
    <Box flexDirection="column" height={height}>
      <Text bold wrap="truncate">{`scan ${scan.target} · ${scan.connections} connections · ${rows.length} suites accepted · ${state}${count > 1 ? ` · newest of ${count}` : ''}`}</Text>
      <Text bold wrap="truncate">{`${fit('SUITE', 40)}${SCAN_VERSIONS.map((v) => fit(v, 9)).join('')}RATING`}</Text>
      {lines.slice(top, top + body).map((l, i) => (
        <Text key={top + i} wrap="truncate" {...(l.colour ? { color: l.colour } : {})}>{l.text || ' '}</Text>
      ))}
    </Box>
  );
}
