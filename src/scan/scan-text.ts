/** The text report of `mxlab scan`: a table of suites per version, then groups, chain, intolerance and checks. */
import type { CheckFailure } from './policy-checks.js';
import type { ScanReport } from '../model/scan-report.js';

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function renderScan(r: ScanReport, failures: readonly CheckFailure[]): string {
  const out: string[] = [];
  const t = r.target;
  out.push(`scan ${t.protocol} ${t.host}:${t.port}${t.sni ? ` (SNI ${t.sni})` : ''}`);
  if (r.unreachable) {
    out.push(`  not scanned: ${r.unreachable.failure}: ${r.unreachable.detail}`);
    return out.join('\n') + '\n';
  }
  if (r.noTls) out.push('  no TLS: no version answered any hello');
  for (const v of r.versions) {
    if (!v.supported) {
      out.push(`\n${pad(v.version, 8)} no${v.refusal ? ` (${v.refusal})` : ''}`);
      continue;
    }
    const order = v.serverOrder === undefined ? '' : v.serverOrder ? ', server order' : ', client order';
    out.push(`\n${pad(v.version, 8)} yes: ${v.suites.length} suite${v.suites.length === 1 ? '' : 's'}${order}`);
    const rows = v.serverOrder && v.order ? v.order.map((iana) => v.suites.find((s) => s.iana === iana)!) : v.suites;
    for (const s of rows) {
      out.push(`  ${s.hex}  ${pad(s.iana, 48)} ${pad(s.openssl ?? '-', 32)} ${pad(s.kx, 14)} ${pad(String(s.bits), 4)} ${s.rating}${s.why ? ` (${s.why})` : ''}`);
    }
  }
  out.push('');
  out.push(`groups: ${r.groups.length ? r.groups.join(', ') : '-'}`);
  if (r.dhBits) out.push(`DH: ${r.dhBits} bits`);
  if (r.chain.length) {
    out.push('chain:');
    r.chain.forEach((c, i) => {
      out.push(`  ${i} ${c.subject}`);
      out.push(`    issuer ${c.issuer}; ${c.signatureAlgorithm}; ${c.key}; ${c.notBefore} .. ${c.notAfter}${c.dnsNames?.length ? `; ${c.dnsNames.join(', ')}` : ''}`);
    });
  }
  if (r.verdict) out.push(`verdict (${r.verdict.trust} trust, name ${r.verdict.name}): ${r.verdict.summary}`);
  for (const i of r.intolerance) out.push(`${pad(i.test, 13)} ${i.failed ? 'FAILED' : 'ok'}: ${i.reaction}; ${i.detail}${i.failed ? ` [hello: ${i.hello}]` : ''}`);
  for (const a of r.anomalies) out.push(`anomaly: ${a.what}: ${a.detail}`);
  out.push(`${r.suitesTested} suites tested, ${r.connections} connections, ${r.timings.totalMs} ms`);
  for (const f of failures) out.push(`FAIL ${f.check}: ${f.detail}`);
  return out.join('\n') + '\n';
}

/** One line for a finished scan: what each version offers, then the checks' verdict (the console's status line). */
export function scanSummary(r: ScanReport, failures: readonly CheckFailure[]): string {
  const t = r.target;
  const head = `scan ${t.protocol} ${t.host}:${t.port}`;
  if (r.unreachable) return `${head}: not scanned: ${r.unreachable.failure}: ${r.unreachable.detail}`;
  if (r.noTls) return `${head}: no TLS (no version answered any hello)`;
  const versions = r.versions.filter((v) => v.supported).map((v) => `${v.version} ${v.suites.length}`).join(', ');
  const checks = failures.length ? `${failures.length} check(s) failed: ${failures.map((f) => f.check).join(', ')}` : 'checks passed';
  return `${head}: ${versions} suites; ${checks} (${r.connections} connections, ${r.timings.totalMs} ms)`;
}
