import type { SessionRecord } from '../model/session-record.js';
import { receivedHeader } from '../record/received-header.js';
import { esaMailLog } from '../record/render-esa-log.js';
import { exchangeLog } from '../record/render-exchange-log.js';
import { postfixLog } from '../record/render-postfix-log.js';
import type { SessionRow } from './session-row.js';

export const DETAIL_TABS = ['Outcome', 'Transcript', 'ClientHello', 'Certificate', 'Logs', 'JSON'] as const;
export type DetailTab = (typeof DETAIL_TABS)[number];

/**
 * A tab's content as plain lines, kept out of the components so it can be tested and scrolled
 * without React. A session still open has no record yet: the tabs say so and show what the row knows.
 */
export function tabLines(tab: DetailTab, row: SessionRow, record: SessionRecord | undefined): string[] {
  if (!record) {
    return [
      `session ${row.id} on ${row.peer} is still open (or its record is no longer readable)`,
      `protocol ${row.protocol}:${row.port}  client ${row.client ?? '-'}  STARTTLS ${row.startTlsUsed ? 'used' : row.startTlsOffered ? 'offered' : '-'}`,
      `version ${row.version ?? '-'}  cipher ${row.cipher ?? '-'}  kx ${row.kx ?? '-'}`,
    ];
  }
  switch (tab) {
    case 'Outcome':
      return outcome(record, row);
    case 'Transcript':
      return record.transcript.map((l) => `${`+${l.t}ms`.padStart(9)} ${l.dir === '*' ? '*' : `${l.dir}:`} ${l.line}`);
    case 'ClientHello':
      return clientHello(record);
    case 'Certificate':
      return certificate(record);
    case 'Logs':
      return logs(record);
    case 'JSON':
      return JSON.stringify(record, null, 2).split('\n');
  }
}

const kv = (k: string, v: string | number | boolean | undefined): string[] => (v === undefined || v === '' ? [] : [`${k.padEnd(18)}${String(v)}`]);

function outcome(r: SessionRecord, row: SessionRow): string[] {
  return [
    ...kv('result', r.result),
    ...kv('delivery', row.delivery),
    ...kv('reason', r.reason),
    ...kv('reply', r.reply),
    ...(r.error ? kv('error', `${r.error.code ? `${r.error.code}: ` : ''}${r.error.message} (stage ${r.error.stage}${r.error.alert ? `, alert ${r.error.alert.name} ${r.error.alert.sent ? 'sent' : 'received'}` : ''})`) : []),
    ...kv('peer', `${r.peer} (${r.role})`),
    ...kv('profile', r.profile),
    ...kv('policy', r.policyLabel ?? r.policy),
    ...kv('protocol', `${r.protocol} ${r.tlsMode === 'implicit' ? 'implicit TLS' : 'STARTTLS'}`),
    ...kv('local', `${r.local.address}:${r.local.port}`),
    ...kv('remote', `${r.remote.address}:${r.remote.port}`),
    ...kv('helo', r.helo),
    ...kv('STARTTLS offered', r.startTlsOffered),
    ...kv('STARTTLS used', r.startTlsAttempted),
    ...kv('version', r.version ?? (r.imitated ? `${r.imitated.version} (imitated)` : undefined)),
    ...kv('cipher', r.cipher ? `${r.cipher.openssl} / ${r.cipher.iana} (${r.cipher.bits} bits)` : r.imitated?.suite),
    ...kv('key exchange', r.keyExchange ? `${r.keyExchange.type}${r.keyExchange.group ? ` ${r.keyExchange.group}` : ''}${r.keyExchange.bits ? ` ${r.keyExchange.bits} bits` : ''} (${r.keyExchange.source})` : undefined),
    ...kv('SNI', r.sni),
    ...kv('certificate', r.verification?.summary),
    ...kv('client cert', r.clientCertificate ? `${r.clientCertificate.personality}: ${r.clientCertificate.chain.map((c) => `${c.subject} [${c.signatureAlgorithm}, ${c.key}]`).join(' ← ')}` : undefined),
    ...kv('interception', r.interception?.summary),
    ...kv('imitated', r.imitated?.note),
    ...kv('messages', r.messages.length ? r.messages.map((m) => `${m.id} ${m.from} → ${m.to.join(',')} ${m.size} bytes`).join('; ') : undefined),
    ...kv('timings', `start ${r.timings.start}, total ${r.timings.totalMs} ms${r.timings.handshakeMs !== undefined ? `, handshake ${r.timings.handshakeMs} ms` : ''}`),
    ...(r.attempts?.length ? ['attempts:', ...r.attempts.map((a) => `  #${a.attempt} ${a.session} ${a.result} ${a.version ?? ''} ${a.reason}`)] : []),
  ];
}

const hex = (n: number): string => `0x${n.toString(16).toUpperCase().padStart(4, '0')}`;

function clientHello(r: SessionRecord): string[] {
  const h = r.clientHello;
  if (!h) return ['no ClientHello was seen in this session'];
  const chosen = r.cipher?.iana ?? r.imitated?.suite;
  return [
    ...kv('client', h.client ?? '(not a known client)'),
    ...kv('versions', h.offeredVersions.join(', ')),
    ...kv('record / legacy', `${h.recordVersion} / ${h.legacyVersion}${h.format === 'sslv2' ? ' (SSLv2-compatible hello)' : ''}`),
    ...kv('SNI', h.sni ?? '-'),
    ...kv('JA3', h.ja3Hash ? `${h.ja3Hash}  ${h.ja3 ?? ''}` : undefined),
    ...kv('JA4', h.ja4),
    ...kv('groups', h.groups?.join(', ')),
    ...kv('key shares', h.keyShares?.join(', ')),
    ...kv('signature algs', h.signatureAlgorithms?.join(', ')),
    ...kv('ALPN', h.alpn?.join(', ')),
    ...kv('extensions', h.extensions.map((e) => hex(e)).join(' ')),
    `cipher suites (${h.ciphers.length}, * = chosen):`,
    ...h.ciphers.map((c) => `${c.name === chosen ? '*' : ' '} ${hex(c.code)} ${c.name}`),
  ];
}

function certificate(r: SessionRecord): string[] {
  const out: string[] = [];
  if (!r.chain?.length) out.push('no certificate chain in this session');
  r.chain?.forEach((c, i) => {
    out.push(`#${i} ${c.subject}`, `   issuer    ${c.issuer}`, `   signature ${c.signatureAlgorithm}   key ${c.key}`, `   valid     ${c.notBefore} … ${c.notAfter}`, `   sha256    ${c.fingerprint256}`);
    if (c.dnsNames?.length) out.push(`   names     ${c.dnsNames.join(', ')}`);
  });
  const v = r.verification;
  if (v) {
    out.push('', `verdict: ${v.passed ? 'passed' : 'FAILED'} (${v.summary})`, `  trust ${v.trust}; chain ${v.chainValid ? 'valid' : `invalid: ${v.chainReason ?? v.chainCode ?? ''}`}; name ${v.name} ${v.nameValid ? 'matches' : `does not match${v.nameReason ? `: ${v.nameReason}` : ''}`}; required ${v.required}`);
  } else if (r.role === 'server' && r.chain?.length) {
    out.push('', 'the chain this peer served (a receiving peer does not judge its own certificate)');
  }
  return out;
}

function logs(r: SessionRecord): string[] {
  const out = ['Exchange (SMTP receive/send protocol log):', ...exchangeLog(r).map((l) => `  ${l}`), '', 'Postfix:', ...postfixLog(r).map((l) => `  ${l}`), '', 'Cisco ESA (mail_logs):', ...esaMailLog(r).map((l) => `  ${l}`)];
  const m = r.messages[0];
  if (r.protocol === 'smtp' && r.role === 'server' && m) {
    const header = receivedHeader({
      helo: r.helo ?? '', remoteAddress: r.remote.address, hostname: 'mx', id: m.id, rcpt: m.to[0] ?? '', date: new Date(r.timings.end),
      ...(r.version && r.cipher ? { tls: { version: r.version, cipher: r.cipher.openssl, bits: r.cipher.bits } } : {}),
    });
    out.push('', 'Received header:', ...header.trimEnd().split('\r\n').map((l) => `  ${l.replace(/\t/g, '    ')}`));
  }
  return out;
}
