import type { ChainSpec } from '../certs/chain-spec.js';
import type { Quirks } from './quirks.js';

export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
export const TLS_VERSIONS: readonly TlsVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/**
 * A TLS personality as data. Only compile.ts turns it into node `tls` options; nothing else knows
 * OpenSSL strings. Two kinds exist: a TLS personality (versions, suites, groups) and a certificate
 * personality (a chain spec); `tls10-only+md5-chain` combines one of each.
 */
export interface Profile {
  readonly name: string;
  /** One line naming the real system this imitates. */
  readonly summary: string;
  /** 'tls': versions/suites personality; 'cert': certificate personality. */
  readonly kind: 'tls' | 'cert';
  /** Lowest version accepted/offered. @default 'TLSv1.2' */
  readonly minVersion?: TlsVersion;
  /** Highest version accepted/offered. @default 'TLSv1.3' */
  readonly maxVersion?: TlsVersion;
  /**
   * TLS ≤ 1.2 suites in preference order, IANA names (TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384). The
   * compiler maps them to OpenSSL names. Absent: OpenSSL's defaults for the versions.
   */
  readonly ciphers?: readonly string[];
  /** TLS 1.3 suites, IANA names. Absent: OpenSSL's defaults. */
  readonly tls13Ciphers?: readonly string[];
  /** Named groups in preference order (X25519, P-256, P-384, ffdhe2048…). Absent: OpenSSL's defaults. */
  readonly groups?: readonly string[];
  /**
   * Finite-field DH parameter size for DHE suites. 'auto': OpenSSL picks by strength, as Postfix ≥ 3.7
   * and Dovecot 2.3 leave it (SSL_CTX_set_dh_auto): the leaf key's security for authenticated DHE
   * (RSA-2048 → 2048 bits), 3072 for anonymous 256-bit suites and 1024 for the other anonymous ones.
   * @default 2048
   */
  readonly dhBits?: 1024 | 2048 | 3072 | 4096 | 'auto';
  /**
   * Server picks by its own order rather than the client's (testssl.sh's "Has server cipher order?").
   * Postfix and Dovecot leave the choice to the client by default; Schannel and the ESA use their own.
   * @default true
   */
  readonly serverPreference?: boolean;
  /**
   * encrypt_then_mac (RFC 7366, 2014): answered when a client asks. A TLS 1.0-era stack (Schannel,
   * OpenSSL before 1.1.0) never sends it. Off compiles to SSL_OP_NO_ENCRYPT_THEN_MAC. @default true
   */
  readonly encryptThenMac?: boolean;
  /**
   * extended_master_secret (RFC 7627, 2015): answered when a client asks. Schannel has it since the
   * 2015-2016 updates of Windows 8.1/Server 2012 R2 and later; Server 2008 R2 and older stacks never
   * send it. Off compiles to SSL_OP_NO_EXTENDED_MASTER_SECRET. @default true
   */
  readonly extendedMasterSecret?: boolean;
  /**
   * RFC 5077 session tickets in TLS ≤ 1.2 (an empty session_ticket extension, then a NewSessionTicket).
   * Schannel servers do not issue them by default; OpenSSL-based MTAs do (Postfix since 2.11). Off
   * compiles to SSL_OP_NO_TICKET. (OpenSSL still answers a client's max_fragment_length, RFC 6066, and
   * Node has no option to stop it: no profile can leave that extension out.) @default true
   */
  readonly sessionTickets?: boolean;
  /**
   * OpenSSL security level the peer runs at. Legacy personalities need 0 (TLS 1.0/1.1, SHA-1/MD5
   * chains, 1024-bit keys). Absent: the compiler chooses the lowest level the profile needs.
   */
  readonly securityLevel?: 0 | 1 | 2;
  /** Certificate chain this peer serves (server) or presents (client certificate). */
  readonly chain?: ChainSpec;
  readonly quirks?: Quirks;
}
