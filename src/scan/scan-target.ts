/**
 * What `mxlab scan` points at: a mail protocol (with its STARTTLS verb, or implicit TLS on the
 * submission/IMAPS/POP3S ports) or bare TLS, and HOST:PORT.
 */
export const SCAN_PROTOCOLS = ['smtp', 'smtps', 'imap', 'imaps', 'pop3', 'pop3s', 'tls'] as const;
export type ScanProtocol = (typeof SCAN_PROTOCOLS)[number];

export interface ScanTarget {
  readonly protocol: ScanProtocol;
  readonly host: string;
  readonly port: number;
}

/** The plaintext dialogue before the handshake, or none for implicit TLS. */
export function starttlsDialect(protocol: ScanProtocol): 'smtp' | 'imap' | 'pop3' | undefined {
  return protocol === 'smtp' || protocol === 'imap' || protocol === 'pop3' ? protocol : undefined;
}

/** HOST:PORT or [IPv6]:PORT; a string saying what is wrong otherwise. */
export function parseScanTarget(value: string): { host: string; port: number } | string {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(value) ?? /^([^:[\]\s]+):(\d+)$/.exec(value);
  if (!m) return `got "${value}", want HOST:PORT (e.g. mx.example.net:25, [::1]:25)`;
  const port = Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return `port ${m[2]} is not between 1 and 65535`;
  return { host: m[1]!, port };
}
