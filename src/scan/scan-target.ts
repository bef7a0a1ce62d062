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
