/**
 * `--fail-on`: the checks a scan result can fail, and the Mozilla server-side TLS configurations
 * (https://ssl-config.mozilla.org, guidelines v5.7) as bundles of them.
 */
import type { ScanReport } from '../model/scan-report.js';

export const CHECKS = ['sslv3', 'tls1.0', 'tls1.1', 'rc4', '3des', 'des', 'export', 'anon', 'null', 'dh-2048', 'rsa-2048', 'md5', 'sha1', 'expired', 'wrong-name', 'untrusted', 'intolerance', 'mozilla-modern', 'mozilla-intermediate', 'mozilla-old'] as const;
export type Check = (typeof CHECKS)[number];

/** The default of `--fail-on`: what RFC 9325 forbids or what breaks mail delivery outright. */
export const DEFAULT_CHECKS: readonly Check[] = ['sslv3', 'rc4', 'export', 'anon', 'null', 'des', 'md5', 'expired'];

/** Mozilla "intermediate" TLS 1.2 suites (v5.7), by IANA name. */
const INTERMEDIATE_12 = new Set([
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
]);

export interface CheckFailure {
  readonly check: Check;
  readonly detail: string;
}

export function runChecks(report: ScanReport, checks: readonly Check[]): CheckFailure[] {
  const out: CheckFailure[] = [];
  const has = (v: string): boolean => report.versions.some((x) => x.version === v && x.supported);
  const suites = report.versions.flatMap((v) => v.suites.map((s) => ({ ...s, version: v.version })));
  const named = (pred: (s: (typeof suites)[number]) => boolean): string => [...new Set(suites.filter(pred).map((s) => s.openssl ?? s.iana))].join(', ');
  const suiteCheck = (check: Check, pred: (s: (typeof suites)[number]) => boolean, what: string): void => {
    const list = named(pred);
    if (list) out.push({ check, detail: `${what}: ${list}` });
  };
  const rsaBits = report.chain.map((c) => /^RSA(?:-PSS)? (\d+)$/.exec(c.key)).filter((m) => m).map((m) => Number(m![1]));
  const signed = report.chain.filter((c) => c.subject !== c.issuer);
  for (const check of checks) {
    switch (check) {
      case 'sslv3': if (has('SSLv3')) out.push({ check, detail: 'SSL 3.0 accepted (RFC 7568)' }); break;
      case 'tls1.0': if (has('TLSv1')) out.push({ check, detail: 'TLS 1.0 accepted (RFC 8996)' }); break;
      case 'tls1.1': if (has('TLSv1.1')) out.push({ check, detail: 'TLS 1.1 accepted (RFC 8996)' }); break;
      case 'rc4': suiteCheck(check, (s) => /RC4/.test(s.iana), 'RC4 suites (RFC 7465)'); break;
      case '3des': suiteCheck(check, (s) => /3DES/.test(s.iana), '3DES suites (Sweet32)'); break;
      case 'des': suiteCheck(check, (s) => /_DES(40)?_CBC/.test(s.iana), 'DES suites'); break;
      case 'export': suiteCheck(check, (s) => /EXPORT/.test(s.iana), 'export suites'); break;
      case 'anon': suiteCheck(check, (s) => /_anon_/.test(s.iana), 'anonymous suites'); break;
      case 'null': suiteCheck(check, (s) => /_WITH_NULL_/.test(s.iana), 'NULL-cipher suites'); break;
      case 'dh-2048': if (report.dhBits !== undefined && report.dhBits < 2048) out.push({ check, detail: `DHE with a ${report.dhBits}-bit prime (Logjam)` }); break;
      case 'rsa-2048': if (rsaBits.some((b) => b < 2048)) out.push({ check, detail: `RSA key of ${Math.min(...rsaBits)} bits in the chain` }); break;
      case 'md5': { const c = signed.find((c) => /md5/i.test(c.signatureAlgorithm)); if (c) out.push({ check, detail: `${c.signatureAlgorithm} on ${c.subject}` }); break; }
      case 'sha1': { const c = signed.find((c) => /sha1/i.test(c.signatureAlgorithm)); if (c) out.push({ check, detail: `${c.signatureAlgorithm} on ${c.subject}` }); break; }
      case 'expired': if (report.verdict?.expired) out.push({ check, detail: report.verdict.reason ?? 'a certificate has expired' }); break;
      case 'wrong-name': if (report.verdict && !report.verdict.nameValid) out.push({ check, detail: `the certificate is not for ${report.verdict.name}` }); break;
      case 'untrusted': if (report.verdict && !report.verdict.chainValid) out.push({ check, detail: report.verdict.reason ?? 'chain not trusted' }); break;
      case 'intolerance': for (const i of report.intolerance.filter((i) => i.failed)) out.push({ check, detail: `${i.test}: ${i.reaction} (${i.hello})` }); break;
      case 'mozilla-modern': {
        const old = report.versions.filter((v) => v.supported && v.version !== 'TLSv1.3').map((v) => v.version);
        if (old.length) out.push({ check, detail: `modern is TLS 1.3 only; also accepted: ${old.join(', ')}` });
        break;
      }
      case 'mozilla-intermediate': {
        const old = report.versions.filter((v) => v.supported && !['TLSv1.2', 'TLSv1.3'].includes(v.version)).map((v) => v.version);
        if (old.length) out.push({ check, detail: `intermediate is TLS 1.2-1.3; also accepted: ${old.join(', ')}` });
        suiteCheck(check, (s) => s.version === 'TLSv1.2' && !INTERMEDIATE_12.has(s.iana), 'TLS 1.2 suites outside intermediate');
        if (report.dhBits !== undefined && report.dhBits < 2048) out.push({ check, detail: `DH ${report.dhBits} bits (intermediate wants ffdhe2048 or more)` });
        break;
      }
      case 'mozilla-old': {
        if (has('SSLv3')) out.push({ check, detail: 'old is TLS 1.0-1.3; SSL 3.0 accepted' });
        // Old allows CBC and DES-CBC3-SHA; it never allowed RC4, export, anonymous, NULL or single DES.
        suiteCheck(check, (s) => /RC4|EXPORT|_anon_|_WITH_NULL_|_DES(40)?_CBC/.test(s.iana), 'suites outside old');
        if (report.dhBits !== undefined && report.dhBits < 1024) out.push({ check, detail: `DH ${report.dhBits} bits (old wants 1024 or more)` });
        break;
      }
    }
  }
  return out;
}
