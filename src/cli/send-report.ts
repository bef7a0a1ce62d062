import type { SessionRecord } from '../model/session-record.js';
import { labCaHint } from '../certs/lab-ca-path.js';

/** The verdict as the policy saw it: not checked (none/may/encrypt), passed, or what failed. */
function verdictText(v: NonNullable<SessionRecord['verification']>): string {
  if (v.required === 'nothing') return `not required by the policy (${v.summary})`;
  return `${v.passed ? 'passed' : 'FAILED'} ${v.required === 'chain' ? 'chain check' : 'chain and name check'}: ${v.summary}`;
}

/** The client certificate a certificate personality offers: `md5-chain: CN=… [md5WithRSAEncryption, RSA 2048]`. */
function clientCertText(c: NonNullable<SessionRecord['clientCertificate']>): string {
  const leaf = c.chain[0];
  const signers = c.chain.slice(1).map((x) => x.signatureAlgorithm);
  return `${c.personality}: ${leaf ? `${leaf.subject} [${leaf.signatureAlgorithm}, ${leaf.key}, until ${leaf.notAfter.slice(0, 10)}]` : 'no certificate'}${signers.length ? ` + ${signers.length} CA (${signers.join(', ')})` : ''}, presented when the server asks`;
}

/** The matrix's last column: what decided the row, with the imitation and the client certificate when there are. */
const field = (name: string, value: string | undefined): string => (value ? `  ${name.padEnd(14)}${value}\n` : '');

/** What `mxlab send` prints for one delivery: the outcome first, then the evidence. */
export function renderDelivery(r: SessionRecord): string {
  let out = `${r.result.toUpperCase()}  ${r.remote.address}:${r.remote.port} (${r.tlsMode === 'implicit' ? 'implicit TLS' : 'STARTTLS'})\n`;
  out += field('reason', r.reason ?? r.error?.message);
  out += field('policy', r.policyLabel ?? r.policy);
  out += field('profile', r.profile);
  out += field('reply', r.reply);
  if (r.version) {
    const kx = r.keyExchange ? ` ${r.keyExchange.type}${r.keyExchange.group ? ` ${r.keyExchange.group}` : ''}${r.keyExchange.bits ? ` ${r.keyExchange.bits} bits` : ''}` : '';
    out += field('negotiated', `${r.version} ${r.cipher?.openssl ?? ''} (${r.cipher?.iana ?? ''}, ${r.cipher?.bits ?? 0} bits)${kx}`);
  }
  if (r.error?.alert) out += field('alert', `${r.error.alert.name} (${r.error.alert.code}) ${r.error.alert.sent ? 'sent' : 'received'}`);
  if (r.verification) {
    out += field('certificate', verdictText(r.verification));
    out += field('', labCaHint(r.chain, r.verification.chainValid, r.verification.chainReason));
  }
  if (r.clientCertificate) out += field('client cert', clientCertText(r.clientCertificate));
  if (r.imitated) out += field('imitated', `${r.imitated.version} ${r.imitated.openssl ?? r.imitated.suite} (${r.imitated.suite})`);
  for (const [i, c] of (r.chain ?? []).entries()) {
    out += field(i === 0 ? 'chain' : '', `${i}: ${c.subject}  [${c.signatureAlgorithm}, ${c.key}, until ${c.notAfter.slice(0, 10)}]`);
  }
  if (r.ehlo?.beforeTls) out += field('EHLO (plain)', r.ehlo.beforeTls.join(' '));
  if (r.ehlo?.afterTls) out += field('EHLO (TLS)', r.ehlo.afterTls.join(' '));
  if (r.authBeforeTls !== undefined) out += field('AUTH pre-TLS', r.authBeforeTls ? 'offered (credentials could be sent in the clear)' : 'not offered');
  for (const a of r.attempts ?? []) {
    out += field(a.attempt === 1 ? 'attempts' : '', `#${a.attempt} ${a.tlsAllowed ? 'TLS allowed' : 'plaintext retry'}: ${a.result}${a.version ? ` ${a.version} ${a.cipher ?? ''}` : ''} — ${a.reason}`);
  }
  for (const m of r.messages) out += field('delivered', `${m.id} ${m.from} → ${m.to.join(', ')} (${m.size} bytes)`);
  return out;
}

/**
 * The matrix columns, named for what they hold: the policy's outcome, whether the mail went, what was
 * negotiated, the certificate check, and why a row failed (or how it got through).
 */
const COLS = [['SENDER PROFILE', 24], ['RESULT', 17], ['MAIL', 5], ['VERSION', 9], ['CIPHER', 31], ['CERT CHECK', 12], ['REASON', 0]] as const;
const cell = (s: string, w: number): string => (w === 0 ? s : s.length >= w ? `${s.slice(0, w - 2)}… ` : s.padEnd(w));

/** The certificate column: what the policy asked of the chain and whether it held. */
function certCheck(v: SessionRecord['verification']): string {
  if (!v) return '-';
  if (v.required === 'nothing') return 'not checked';
  return v.passed ? 'passed' : 'FAILED';
}

/** `mxlab send --matrix`: "which peers can reach my server, and how?" — one row per sender profile. */
export function renderMatrix(records: readonly SessionRecord[], profiles: readonly string[], meta: { target: string; policy: string; wallMs: number; jobs: number; delivered: (r: SessionRecord) => boolean; reportOnly: boolean }): string {
  let out = `sender matrix → ${meta.target}, policy ${meta.policy}\n`;
  out += COLS.map(([h, w]) => cell(h, w)).join('').trimEnd() + '\n';
  records.forEach((r, i) => {
    const v = r.verification;
    const imitated = r.imitated ? `imitated: would negotiate ${r.imitated.openssl ?? r.imitated.suite} (${r.imitated.version}); no mail sent` : undefined;
    const reason = imitated ?? r.reason ?? r.error?.message ?? (v && v.required !== 'nothing' && !v.passed ? v.summary : '');
    const withCert = r.clientCertificate ? `${reason ? `${reason}; ` : ''}client cert ${clientCertText(r.clientCertificate)}` : reason;
    const cipher = r.cipher?.openssl ?? (r.imitated ? `${r.imitated.openssl ?? r.imitated.suite} (imitated)` : '-');
    const row = [profiles[i]!, r.result, meta.delivered(r) ? 'sent' : 'no', r.version ?? r.imitated?.version ?? '-', cipher, certCheck(v), withCert];
    out += row.map((c, j) => cell(c, COLS[j]![1])).join('').trimEnd() + '\n';
  });
  const byResult = new Map<string, number>();
  for (const r of records) byResult.set(r.result, (byResult.get(r.result) ?? 0) + 1);
  const sent = records.filter(meta.delivered).length;
  out += `${records.length} senders (${[...byResult].map(([k, v]) => `${v} ${k}`).join(', ')}) in ${(meta.wallMs / 1000).toFixed(2)} s, ${meta.jobs} at a time\n`;
  out += sent === records.length
    ? `all ${sent} senders got the mail through under the policy: exit 0\n`
    : `${records.length - sent} of ${records.length} senders did not get the mail through under the policy: exit ${meta.reportOnly ? '0 (--report-only)' : '1 (--report-only for 0)'}\n`;
  return out;
}
