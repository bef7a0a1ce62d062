import { suiteByIana } from '../tls/cipher-suites.js';
import type { SessionRecord } from '../model/session-record.js';

/** SP_PROT_* names Schannel logs for each version, server or client side. */
function spProt(version: string, role: 'server' | 'client'): string {
  const v = { TLSv1: 'TLS1_0', 'TLSv1.1': 'TLS1_1', 'TLSv1.2': 'TLS1_2', 'TLSv1.3': 'TLS1_3', SSLv3: 'SSL3' }[version] ?? version;
  return `SP_PROT_${v}_${role === 'server' ? 'SERVER' : 'CLIENT'}`;
}

function calgBulk(enc: string, bits: number): string {
  if (/AES/i.test(enc)) return `CALG_AES_${bits}`;
  if (/3DES|DES-CBC3/i.test(enc)) return 'CALG_3DES';
  if (/RC4/i.test(enc)) return 'CALG_RC4';
  if (/CHACHA/i.test(enc)) return 'CALG_CHACHA20';
  return `CALG_${enc.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
}

function calgMac(iana: string): { name: string; bits: number } {
  if (/SHA384$/.test(iana)) return { name: 'CALG_SHA_384', bits: 384 };
  if (/SHA256$/.test(iana)) return { name: 'CALG_SHA_256', bits: 256 };
  if (/MD5$/.test(iana)) return { name: 'CALG_MD5', bits: 128 };
  return { name: 'CALG_SHA1', bits: 160 };
}

const KX: Record<string, string> = { ECDHE: 'CALG_ECDHE', DHE: 'CALG_DH_EPHEM', RSA: 'CALG_RSA_KEYX', PSK: 'CALG_PSK', unknown: 'CALG_UNKNOWN' };

/** SSPI status names Exchange prints after "TLS negotiation failed with error". */
function sspiReason(r: SessionRecord): string {
  const code = r.error?.code ?? '';
  const alert = r.error?.alert?.name ?? '';
  if (/NO_SHARED_CIPHER|HANDSHAKE_FAILURE|NO_SHARED_GROUPS|DH_KEY_TOO_SMALL/.test(code) || alert === 'handshake_failure') return 'AlgorithmMismatch';
  if (/PROTOCOL|VERSION_TOO_LOW|UNSUPPORTED_PROTOCOL/.test(code) || alert === 'protocol_version') return 'UnsupportedFunction';
  if (/WRONG_VERSION_NUMBER|UNEXPECTED_MESSAGE|RECORD/.test(code)) return 'IllegalMessage';
  if (/ECONNRESET|EPIPE|ETIMEDOUT|TIMEOUT/.test(code)) return 'SocketError';
  if (/UNKNOWN_CA|UNABLE_TO_GET_ISSUER|SELF_SIGNED/.test(code)) return 'UntrustedRoot';
  if (/EXPIRED/.test(code)) return 'CertExpired';
  if (/ALTNAME|HOSTNAME/.test(code)) return 'WrongPrincipal';
  return 'InternalError';
}

/** 16 hex digits derived from the session id, standing in for Exchange's session GUID part. */
function sessionHex(id: string): string {
  let h = 0xcbf29ce484222325n;
  for (const ch of id) h = ((h ^ BigInt(ch.charCodeAt(0))) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).toUpperCase().padStart(16, '0');
}

const csv = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The TLS context line alone: success or `TLS negotiation failed with error …`, or undefined. */
export function exchangeTlsContext(r: SessionRecord): string | undefined {
  if (r.result === 'handshake-failed') return `TLS negotiation failed with error ${sspiReason(r)}`;
  if (!r.version || !r.cipher) return undefined;
  const suite = suiteByIana(r.cipher.iana);
  const bulk = calgBulk(suite?.enc ?? r.cipher.openssl, r.cipher.bits);
  const mac = calgMac(r.cipher.iana);
  const kx = r.keyExchange;
  return `TLS protocol ${spProt(r.version, r.role === 'client' ? 'client' : 'server')} negotiation succeeded using bulk encryption algorithm ${bulk} with strength ${r.cipher.bits} bits, MAC hash algorithm ${mac.name} with strength ${mac.bits} bits and key exchange algorithm ${KX[kx?.type ?? 'unknown']} with strength ${kx?.bits ?? 0} bits`;
}

/**
 * The session as Exchange's SMTP protocol log (CSV: date-time, connector-id, session-id,
 * sequence-number, local-endpoint, remote-endpoint, event, data, context): `+` connect, `<` received,
 * `>` sent, `*` information, `-` disconnect (Microsoft's "Protocol logging" documentation,
 * https://learn.microsoft.com/en-us/exchange/mail-flow/connectors/protocol-logging). As Exchange
 * writes them: a receive session starts with the anonymous permissions of the Default Frontend
 * connector (`Set Session Permissions`), a multi-line reply is one `>` event (`250  host Hello [ip]
 * SIZE … XRDST`), MAIL FROM gets a `receiving message` event, the TLS negotiation line follows
 * `Sending certificate` and the certificate's subject, issuer and names, and the disconnect says
 * who closed (`Local` after QUIT, `Remote` when the client left).
 */
export function exchangeLog(r: SessionRecord): string[] {
  const server = r.role !== 'client';
  const connector = server ? `${r.peer}\\Default Frontend ${r.peer}` : `Outbound to ${r.peer}`;
  const session = sessionHex(r.id);
  const local = `${r.local.address.replace(/^::ffff:/, '')}:${r.local.port}`;
  const remote = `${r.remote.address.replace(/^::ffff:/, '')}:${r.remote.port}`;
  const start = Date.parse(r.timings.start);
  let seq = 0;
  const line = (t: number, event: string, data: string, context = ''): string =>
    [new Date(start + t).toISOString(), csv(connector), session, String(seq++), local, remote, event, csv(data), csv(context)].join(',');
  const out = [line(0, '+', '', '')];
  if (server) out.push(line(0, '*', 'SMTPSubmit SMTPAcceptAnySender SMTPAcceptAuthoritativeDomainSender AcceptRoutingHeaders', 'Set Session Permissions'));
  const received = server ? 'C' : 'S';
  let tlsDone = false;
  let messages = 0;
  const tls = (t: number): void => {
    tlsDone = true;
    const leaf = r.chain?.[0];
    if (leaf && r.version) {
      out.push(line(t, '*', '', server ? 'Sending certificate' : 'Received certificate'));
      out.push(line(t, '*', leaf.subject, 'Certificate subject'));
      out.push(line(t, '*', leaf.issuer, 'Certificate issuer name'));
      if (leaf.dnsNames?.length) out.push(line(t, '*', leaf.dnsNames.join(';'), 'Certificate alternate names'));
    }
    const context = exchangeTlsContext(r);
    if (context) out.push(line(t, '*', '', context));
  };
  const t = r.transcript;
  for (let i = 0; i < t.length; i++) {
    const l = t[i]!;
    if (l.dir === '*') {
      if (/^TLS (established|handshake failed)/.test(l.line) && !tlsDone) tls(l.t);
      continue;
    }
    // A multi-line reply is one event: "250-a", "250-b", "250 c" → "250  a b c".
    if (l.dir !== received && /^\d{3}-/.test(l.line)) {
      const parts = [l.line.slice(4)];
      while (i + 1 < t.length && t[i + 1]!.dir === l.dir && /^\d{3}[- ]/.test(t[i + 1]!.line)) {
        i++;
        parts.push(t[i]!.line.slice(4));
        if (t[i]!.line[3] === ' ') break;
      }
      out.push(line(l.t, '>', `${l.line.slice(0, 3)}  ${parts.join(' ')}`));
      continue;
    }
    out.push(line(l.t, l.dir === received ? '<' : '>', l.line));
    if (server && l.dir === 'S' && /^250 /.test(l.line) && /^MAIL FROM:/i.test([...t.slice(0, i)].reverse().find((x) => x.dir === 'C')?.line ?? '')) {
      out.push(line(l.t, '*', `${session};${new Date(start + l.t).toISOString()};${++messages}`, 'receiving message'));
    }
  }
  if (!tlsDone) {
    const context = exchangeTlsContext(r);
    if (context) out.push(line(0, '*', '', context));
  }
  const quit = t.some((l) => l.dir === (server ? 'C' : 'S') && (server ? /^QUIT\b/i.test(l.line) : /^221 /.test(l.line)));
  out.push(line(r.timings.totalMs, '-', '', quit ? 'Local' : 'Remote'));
  return out;
}
