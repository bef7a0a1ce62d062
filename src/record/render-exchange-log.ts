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
 * `>` sent, `*` TLS, `-` disconnect.
 */
export function exchangeLog(r: SessionRecord): string[] {
  const connector = `${r.role !== 'client' ? 'Default Frontend' : 'Outbound to'} ${r.peer}`;
  const session = sessionHex(r.id);
  const local = `${r.local.address.replace(/^::ffff:/, '')}:${r.local.port}`;
  const remote = `${r.remote.address.replace(/^::ffff:/, '')}:${r.remote.port}`;
  const start = Date.parse(r.timings.start);
  let seq = 0;
  const line = (t: number, event: string, data: string, context = ''): string =>
    [new Date(start + t).toISOString(), csv(connector), session, String(seq++), local, remote, event, csv(data), csv(context)].join(',');
  const out = [line(0, '+', '', '')];
  const received = r.role !== 'client' ? 'C' : 'S';
  let tlsDone = false;
  for (const l of r.transcript) {
    if (l.dir === '*') {
      if (/^TLS (established|handshake failed)/.test(l.line) && !tlsDone) {
        tlsDone = true;
        const context = exchangeTlsContext(r);
        if (context) out.push(line(l.t, '*', '', context));
      }
      continue;
    }
    out.push(line(l.t, l.dir === received ? '<' : '>', l.line));
  }
  if (!tlsDone) {
    const context = exchangeTlsContext(r);
    if (context) out.push(line(0, '*', '', context));
  }
  out.push(line(r.timings.totalMs, '-', '', r.error ? `${r.error.stage}: ${r.error.message}` : 'Local'));
  return out;
}
