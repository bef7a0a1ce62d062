/**
 * TLS cipher suites by their two-byte code (IANA "TLS Cipher Suites" registry), with the OpenSSL name
 * and the key exchange / authentication / cipher / MAC split that `openssl ciphers -v` prints.
 *
 * The table is data committed to the repository, never computed at run time, so a report reads the
 * same on every machine. Two parts:
 * - OPENSSL3_SUITES: generated from OpenSSL 3.0 (the version Node 20 bundles and Debian 12 ships) with
 *     openssl ciphers -V -stdname 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'
 *     openssl ciphers -V -stdname -s -tls1_3 -ciphersuites <all five RFC 8446 suites>
 *   `kx` is derived from the IANA name rather than copied from OpenSSL's `Kx=` column, because OpenSSL
 *   prints `DH`/`ECDH` for the ephemeral (DHE/ECDHE) suites.
 * - LEGACY_SUITES: written by hand from the IANA registry for suites OpenSSL 3 cannot negotiate at all
 *   (RC4, DES, 3DES, IDEA, SEED, EXPORT, static DH/ECDH), under their OpenSSL 1.0.2 names, which is
 *   what the old peers we imitate call them. Peers that offer these are the point of mxlab.
 * - IANA_ONLY_SUITES: the rest of the registry's TLS ≤ 1.2 suites (Kerberos, static-DH/ECDH ARIA and
 *   CAMELLIA, …), named by the IANA only, so that `mxlab scan` offers them.
 * - SIGNALLING_SUITES: the two SCSVs, which are flags in the cipher list, not ciphers.
 */

/**
 * Key exchange. Anonymous suites (DH_anon, ECDH_anon) are ephemeral, so they are DHE/ECDHE with
 * `au: 'None'`; `DH`/`ECDH` are the static (certificate-key) exchanges; TLS 1.3 suites leave the key
 * exchange to the key_share extension ('TLS13').
 */
export type KeyExchange =
  | 'TLS13'
  | 'RSA'
  | 'DHE'
  | 'ECDHE'
  | 'DH'
  | 'ECDH'
  | 'PSK'
  | 'DHEPSK'
  | 'ECDHEPSK'
  | 'RSAPSK'
  | 'SRP'
  /** Kerberos (RFC 2712): OpenSSL dropped it in 1.1.0. */
  | 'KRB5'
  | 'NULL'
  | 'SCSV';

export interface CipherSuite {
  /** Two-byte code as sent on the wire, e.g. 0xC02F. */
  readonly code: number;
  /** IANA name, e.g. 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'. */
  readonly iana: string;
  /** OpenSSL name, e.g. 'ECDHE-RSA-AES128-GCM-SHA256'; absent when OpenSSL never had one (SCSVs). */
  readonly openssl?: string;
  readonly kx: KeyExchange;
  /** Authentication as OpenSSL prints it: 'RSA', 'ECDSA', 'DSS', 'PSK', 'SRP', 'DH', 'ECDH', 'None', 'any'. */
  readonly au: string;
  /** Bulk cipher as OpenSSL prints it without the bits: 'AESGCM', 'CHACHA20/POLY1305', '3DES', 'None'… */
  readonly enc: string;
  /** Cipher key bits as OpenSSL prints them (3DES is 168, EXPORT ciphers 40). */
  readonly bits: number;
  /** 'SHA1', 'SHA256', 'SHA384', 'MD5' or 'AEAD'. */
  readonly mac: string;
  /** A TLS 1.3 suite (RFC 8446 §B.4): usable only in TLS 1.3, and only there. */
  readonly tls13?: boolean;
  /** OpenSSL 3 (so Node 20) cannot negotiate it: only a hand-written peer can answer with it. */
  readonly legacy?: boolean;
  /** An EXPORT suite (40-bit or 512-bit-RSA limited, RFC 2246 §A.5), removed in TLS 1.1. */
  readonly export?: boolean;
  /** A signalling value, not a cipher: renegotiation_info (RFC 5746) or downgrade (RFC 7507). */
  readonly scsv?: boolean;
}

/** Generated from OpenSSL 3.0 (see the file comment); do not edit by hand. */
const OPENSSL3_SUITES: readonly CipherSuite[] = [
  { code: 0x0001, iana: 'TLS_RSA_WITH_NULL_MD5', openssl: 'NULL-MD5', kx: 'RSA', au: 'RSA', enc: 'None', bits: 0, mac: 'MD5' },
  { code: 0x0002, iana: 'TLS_RSA_WITH_NULL_SHA', openssl: 'NULL-SHA', kx: 'RSA', au: 'RSA', enc: 'None', bits: 0, mac: 'SHA1' },
  { code: 0x002C, iana: 'TLS_PSK_WITH_NULL_SHA', openssl: 'PSK-NULL-SHA', kx: 'PSK', au: 'PSK', enc: 'None', bits: 0, mac: 'SHA1' },
  { code: 0x002D, iana: 'TLS_DHE_PSK_WITH_NULL_SHA', openssl: 'DHE-PSK-NULL-SHA', kx: 'DHEPSK', au: 'PSK', enc: 'None', bits: 0, mac: 'SHA1' },
  { code: 0x002E, iana: 'TLS_RSA_PSK_WITH_NULL_SHA', openssl: 'RSA-PSK-NULL-SHA', kx: 'RSAPSK', au: 'RSA', enc: 'None', bits: 0, mac: 'SHA1' },
  { code: 0x002F, iana: 'TLS_RSA_WITH_AES_128_CBC_SHA', openssl: 'AES128-SHA', kx: 'RSA', au: 'RSA', enc: 'AES', bits: 128, mac: 'SHA1' },
  { code: 0x0032, iana: 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA', openssl: 'DHE-DSS-AES128-SHA', kx: 'DHE', au: 'DSS', enc: 'AES', bits: 128, mac: 'SHA1' },
  { code: 0x0033, iana: 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA', openssl: 'DHE-RSA-AES128-SHA', kx: 'DHE', au: 'RSA', enc: 'AES', bits: 128, mac: 'SHA1' },
  { code: 0x0034, iana: 'TLS_DH_anon_WITH_AES_128_CBC_SHA', openssl: 'ADH-AES128-SHA', kx: 'DHE', au: 'None', enc: 'AES', bits: 128, mac: 'SHA1' },
  { code: 0x0035, iana: 'TLS_RSA_WITH_AES_256_CBC_SHA', openssl: 'AES256-SHA', kx: 'RSA', au: 'RSA', enc: 'AES', bits: 256, mac: 'SHA1' },
  { code: 0x0038, iana: 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA', openssl: 'DHE-DSS-AES256-SHA', kx: 'DHE', au: 'DSS', enc: 'AES', bits: 256, mac: 'SHA1' },
  { code: 0x0039, iana: 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA', openssl: 'DHE-RSA-AES256-SHA', kx: 'DHE', au: 'RSA', enc: 'AES', bits: 256, mac: 'SHA1' },
  { code: 0x003A, iana: 'TLS_DH_anon_WITH_AES_256_CBC_SHA', openssl: 'ADH-AES256-SHA', kx: 'DHE', au: 'None', enc: 'AES', bits: 256, mac: 'SHA1' },
  { code: 0x003B, iana: 'TLS_RSA_WITH_NULL_SHA256', openssl: 'NULL-SHA256', kx: 'RSA', au: 'RSA', enc: 'None', bits: 0, mac: 'SHA256' },
  { code: 0x003C, iana: 'TLS_RSA_WITH_AES_128_CBC_SHA256', openssl: 'AES128-SHA256', kx: 'RSA', au: 'RSA', enc: 'AES', bits: 128, mac: 'SHA256' },
  { code: 0x003D, iana: 'TLS_RSA_WITH_AES_256_CBC_SHA256', openssl: 'AES256-SHA256', kx: 'RSA', au: 'RSA', enc: 'AES', bits: 256, mac: 'SHA256' },
  { code: 0x0040, iana: 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA256', openssl: 'DHE-DSS-AES128-SHA256', kx: 'DHE', au: 'DSS', enc: 'AES', bits: 128, mac: 'SHA256' },
  { code: 0x0041, iana: 'TLS_RSA_WITH_CAMELLIA_128_CBC_SHA', openssl: 'CAMELLIA128-SHA', kx: 'RSA', au: 'RSA', enc: 'Camellia', bits: 128, mac: 'SHA1' },
  { code: 0x0044, iana: 'TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA', openssl: 'DHE-DSS-CAMELLIA128-SHA', kx: 'DHE', au: 'DSS', enc: 'Camellia', bits: 128, mac: 'SHA1' },
  { code: 0x0045, iana: 'TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA', openssl: 'DHE-RSA-CAMELLIA128-SHA', kx: 'DHE', au: 'RSA', enc: 'Camellia', bits: 128, mac: 'SHA1' },
  { code: 0x0046, iana: 'TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA', openssl: 'ADH-CAMELLIA128-SHA', kx: 'DHE', au: 'None', enc: 'Camellia', bits: 128, mac: 'SHA1' },
  { code: 0x0067, iana: 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256', openssl: 'DHE-RSA-AES128-SHA256', kx: 'DHE', au: 'RSA', enc: 'AES', bits: 128, mac: 'SHA256' },
  { code: 0x006A, iana: 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA256', openssl: 'DHE-DSS-AES256-SHA256', kx: 'DHE', au: 'DSS', enc: 'AES', bits: 256, mac: 'SHA256' },
  { code: 0x006B, iana: 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256', openssl: 'DHE-RSA-AES256-SHA256', kx: 'DHE', au: 'RSA', enc: 'AES', bits: 256, mac: 'SHA256' },
  { code: 0x006C, iana: 'TLS_DH_anon_WITH_AES_128_CBC_SHA256', openssl: 'ADH-AES128-SHA256', kx: 'DHE', au: 'None', enc: 'AES', bits: 128, mac: 'SHA256' },
  { code: 0x006D, iana: 'TLS_DH_anon_WITH_AES_256_CBC_SHA256', openssl: 'ADH-AES256-SHA256', kx: 'DHE', au: 'None', enc: 'AES', bits: 256, mac: 'SHA256' },
  { code: 0x0084, iana: 'TLS_RSA_WITH_CAMELLIA_256_CBC_SHA', openssl: 'CAMELLIA256-SHA', kx: 'RSA', au: 'RSA', enc: 'Camellia', bits: 256, mac: 'SHA1' },
  { code: 0x0087, iana: 'TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA', openssl: 'DHE-DSS-CAMELLIA256-SHA', kx: 'DHE', au: 'DSS', enc: 'Camellia', bits: 256, mac: 'SHA1' },
  { code: 0x0088, iana: 'TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA', openssl: 'DHE-RSA-CAMELLIA256-SHA', kx: 'DHE', au: 'RSA', enc: 'Camellia', bits: 256, mac: 'SHA1' },
  { code: 0x0089, iana: 'TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA', openssl: 'ADH-CAMELLIA256-SHA', kx: 'DHE', au: 'None', enc: 'Camellia', bits: 256, mac: 'SHA1' },
  { code: 0x008C, iana: 'TLS_PSK_WITH_AES_128_CBC_SHA', openssl: 'PSK-AES128-CBC-SHA', kx: 'PSK', au: 'PSK', enc: 'AES', bits: 128, mac: 'SHA1' },
  { code: 0x008D, iana: 'TLS_PSK_WITH_AES_256_CBC_SHA', openssl: 'PSK-AES256-CBC-SHA', kx: 'PSK', au: 'PSK', enc: 'AES', bits: 256, mac: 'SHA1' },
  { code: 0x0090, iana: 'TLS_DHE_PSK_WITH_AES_128_CBC_SHA', openssl: 'DHE-PSK-AES128-CBC-SHA', kx: 'DHEPSK', au: 'PSK', enc: 'AES', bits: 128, mac: 'SHA1' },
  { code: 0x0091, iana: 'TLS_DHE_PSK_WITH_AES_256_CBC_SHA', openssl: 'DHE-PSK-AES256-CBC-SHA', kx: 'DHEPSK', au: 'PSK', enc: 'AES', bits: 256, mac: 'SHA1' },
  { code: 0x0094, iana: 'TLS_RSA_PSK_WITH_AES_128_CBC_SHA', openssl: 'RSA-PSK-AES128-CBC-SHA', kx: 'RSAPSK', au: 'RSA', enc: 'AES', bits: 128, mac: 'SHA1' },
  { code: 0x0095, iana: 'TLS_RSA_PSK_WITH_AES_256_CBC_SHA', openssl: 'RSA-PSK-AES256-CBC-SHA', kx: 'RSAPSK', au: 'RSA', enc: 'AES', bits: 256, mac: 'SHA1' },
  { code: 0x009C, iana: 'TLS_RSA_WITH_AES_128_GCM_SHA256', openssl: 'AES128-GCM-SHA256', kx: 'RSA', au: 'RSA', enc: 'AESGCM', bits: 128, mac: 'AEAD' },
  { code: 0x009D, iana: 'TLS_RSA_WITH_AES_256_GCM_SHA384', openssl: 'AES256-GCM-SHA384', kx: 'RSA', au: 'RSA', enc: 'AESGCM', bits: 256, mac: 'AEAD' },
  { code: 0x009E, iana: 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', openssl: 'DHE-RSA-AES128-GCM-SHA256', kx: 'DHE', au: 'RSA', enc: 'AESGCM', bits: 128, mac: 'AEAD' },
  { code: 0x009F, iana: 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', openssl: 'DHE-RSA-AES256-GCM-SHA384', kx: 'DHE', au: 'RSA', enc: 'AESGCM', bits: 256, mac: 'AEAD' },
  { code: 0x00A2, iana: 'TLS_DHE_DSS_WITH_AES_128_GCM_SHA256', openssl: 'DHE-DSS-AES128-GCM-SHA256', kx: 'DHE', au: 'DSS', enc: 'AESGCM', bits: 128, mac: 'AEAD' },
  { code: 0x00A3, iana: 'TLS_DHE_DSS_WITH_AES_256_GCM_SHA384', openssl: 'DHE-DSS-AES256-GCM-SHA384', kx: 'DHE', au: 'DSS', enc: 'AESGCM', bits: 256, mac: 'AEAD' },
  { code: 0x00A6, iana: 'TLS_DH_anon_WITH_AES_128_GCM_SHA256', openssl: 'ADH-AES128-GCM-SHA256', kx: 'DHE', au: 'None', enc: 'AESGCM', bits: 128, mac: 'AEAD' },
  { code: 0x00A7, iana: 'TLS_DH_anon_WITH_AES_256_GCM_SHA384', openssl: 'ADH-AES256-GCM-SHA384', kx: 'DHE', au: 'None', enc: 'AESGCM', bits: 256, mac: 'AEAD' },
  { code: 0x00A8, iana: 'TLS_PSK_WITH_AES_128_GCM_SHA256', openssl: 'PSK-AES128-GCM-SHA256', kx: 'PSK', au: 'PSK', enc: 'AESGCM', bits: 128, mac: 'AEAD' },
  { code: 0x00A9, iana: 'TLS_PSK_WITH_AES_256_GCM_SHA384', openssl: 'PSK-AES256-GCM-SHA384', kx: 'PSK', au: 'PSK', enc: 'AESGCM', bits: 256, mac: 'AEAD' },
  { code: 0x00AA, iana: 'TLS_DHE_PSK_WITH_AES_128_GCM_SHA256', openssl: 'DHE-PSK-AES128-GCM-SHA256', kx: 'DHEPSK', au: 'PSK', enc: 'AESGCM', bits: 128, mac: 'AEAD' },
  { code: 0x00AB, iana: 'TLS_DHE_PSK_WITH_AES_256_GCM_SHA384', openssl: 'DHE-PSK-AES256-GCM-SHA384', kx: 'DHEPSK', au: 'PSK', enc: 'AESGCM', bits: 256, mac: 'AEAD' },
  { code: 0x00AC, iana: 'TLS_RSA_PSK_WITH_AES_128_GCM_SHA256', openssl: 'RSA-PSK-AES128-GCM-SHA256', kx: 'RSAPSK', au: 'RSA', enc: 'AESGCM', bits: 128, mac: 'AEAD' },
  { code: 0x00AD, iana: 'TLS_RSA_PSK_WITH_AES_256_GCM_SHA384', openssl: 'RSA-PSK-AES256-GCM-SHA384', kx: 'RSAPSK', au: 'RSA', enc: 'AESGCM', bits: 256, mac: 'AEAD' },
  { code: 0x00AE, iana: 'TLS_PSK_WITH_AES_128_CBC_SHA256', openssl: 'PSK-AES128-CBC-SHA256', kx: 'PSK', au: 'PSK', enc: 'AES', bits: 128, mac: 'SHA256' },
  { code: 0x00AF, iana: 'TLS_PSK_WITH_AES_256_CBC_SHA384', openssl: 'PSK-AES256-CBC-SHA384', kx: 'PSK', au: 'PSK', enc: 'AES', bits: 256, mac: 'SHA384' },
  { code: 0x00B0, iana: 'TLS_PSK_WITH_NULL_SHA256', openssl: 'PSK-NULL-SHA256', kx: 'PSK', au: 'PSK', enc: 'None', bits: 0, mac: 'SHA256' },
  { code: 0x00B1, iana: 'TLS_PSK_WITH_NULL_SHA384', openssl: 'PSK-NULL-SHA384', kx: 'PSK', au: 'PSK', enc: 'None', bits: 0, mac: 'SHA384' },
  { code: 0x00B2, iana: 'TLS_DHE_PSK_WITH_AES_128_CBC_SHA256', openssl: 'DHE-PSK-AES128-CBC-SHA256', kx: 'DHEPSK', au: 'PSK', enc: 'AES', bits: 128, mac: 'SHA256' },
  { code: 0x00B3, iana: 'TLS_DHE_PSK_WITH_AES_256_CBC_SHA384', openssl: 'DHE-PSK-AES256-CBC-SHA384', kx: 'DHEPSK', au: 'PSK', enc: 'AES', bits: 256, mac: 'SHA384' },
  { code: 0x00B4, iana: 'TLS_DHE_PSK_WITH_NULL_SHA256', openssl: 'DHE-PSK-NULL-SHA256', kx: 'DHEPSK', au: 'PSK', enc: 'None', bits: 0, mac: 'SHA256' },
  { code: 0x00B5, iana: 'TLS_DHE_PSK_WITH_NULL_SHA384', openssl: 'DHE-PSK-NULL-SHA384', kx: 'DHEPSK', au: 'PSK', enc: 'None', bits: 0, mac: 'SHA384' },
  { code: 0x00B6, iana: 'TLS_RSA_PSK_WITH_AES_128_CBC_SHA256', openssl: 'RSA-PSK-AES128-CBC-SHA256', kx: 'RSAPSK', au: 'RSA', enc: 'AES', bits: 128, mac: 'SHA256' },
  { code: 0x00B7, iana: 'TLS_RSA_PSK_WITH_AES_256_CBC_SHA384', openssl: 'RSA-PSK-AES256-CBC-SHA384', kx: 'RSAPSK', au: 'RSA', enc: 'AES', bits: 256, mac: 'SHA384' },
  { code: 0x00B8, iana: 'TLS_RSA_PSK_WITH_NULL_SHA256', openssl: 'RSA-PSK-NULL-SHA256', kx: 'RSAPSK', au: 'RSA', enc: 'None', bits: 0, mac: 'SHA256' },
  { code: 0x00B9, iana: 'TLS_RSA_PSK_WITH_NULL_SHA384', openssl: 'RSA-PSK-NULL-SHA384', kx: 'RSAPSK', au: 'RSA', enc: 'None', bits: 0, mac: 'SHA384' },
  { code: 0x00BA, iana: 'TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256', openssl: 'CAMELLIA128-SHA256', kx: 'RSA', au: 'RSA', enc: 'Camellia', bits: 128, mac: 'SHA256' },
  { code: 0x00BD, iana: 'TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256', openssl: 'DHE-DSS-CAMELLIA128-SHA256', kx: 'DHE', au: 'DSS', enc: 'Camellia', bits: 128, mac: 'SHA256' },
  { code: 0x00BE, iana: 'TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256', openssl: 'DHE-RSA-CAMELLIA128-SHA256', kx: 'DHE', au: 'RSA', enc: 'Camellia', bits: 128, mac: 'SHA256' },
  { code: 0x00BF, iana: 'TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256', openssl: 'ADH-CAMELLIA128-SHA256', kx: 'DHE', au: 'None', enc: 'Camellia', bits: 128, mac: 'SHA256' },
  { code: 0x00C0, iana: 'TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256', openssl: 'CAMELLIA256-SHA256', kx: 'RSA', au: 'RSA', enc: 'Camellia', bits: 256, mac: 'SHA256' },
  { code: 0x00C3, iana: 'TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256', openssl: 'DHE-DSS-CAMELLIA256-SHA256', kx: 'DHE', au: 'DSS', enc: 'Camellia', bits: 256, mac: 'SHA256' },
  { code: 0x00C4, iana: 'TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256', openssl: 'DHE-RSA-CAMELLIA256-SHA256', kx: 'DHE', au: 'RSA', enc: 'Camellia', bits: 256, mac: 'SHA256' },
  { code: 0x00C5, iana: 'TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256', openssl: 'ADH-CAMELLIA256-SHA256', kx: 'DHE', au: 'None', enc: 'Camellia', bits: 256, mac: 'SHA256' },
  { code: 0x1301, iana: 'TLS_AES_128_GCM_SHA256', openssl: 'TLS_AES_128_GCM_SHA256', kx: 'TLS13', au: 'any', enc: 'AESGCM', bits: 128, mac: 'AEAD', tls13: true },
  { code: 0x1302, iana: 'TLS_AES_256_GCM_SHA384', openssl: 'TLS_AES_256_GCM_SHA384', kx: 'TLS13', au: 'any', enc: 'AESGCM', bits: 256, mac: 'AEAD', tls13: true },
  { code: 0x1303, iana: 'TLS_CHACHA20_POLY1305_SHA256', openssl: 'TLS_CHACHA20_POLY1305_SHA256', kx: 'TLS13', au: 'any', enc: 'CHACHA20/POLY1305', bits: 256, mac: 'AEAD', tls13: true },
  { code: 0x1304, iana: 'TLS_AES_128_CCM_SHA256', openssl: 'TLS_AES_128_CCM_SHA256', kx: 'TLS13', au: 'any', enc: 'AESCCM', bits: 128, mac: 'AEAD', tls13: true },
  { code: 0x1305, iana: 'TLS_AES_128_CCM_8_SHA256', openssl: 'TLS_AES_128_CCM_8_SHA256', kx: 'TLS13', au: 'any', enc: 'AESCCM8', bits: 128, mac: 'AEAD', tls13: true },
  { code: 0xC006, iana: 'TLS_ECDHE_ECDSA_WITH_NULL_SHA', openssl: 'ECDHE-ECDSA-NULL-SHA', kx: 'ECDHE', au: 'ECDSA', enc: 'None', bits: 0, mac: 'SHA1' },
  { code: 0xC009, iana: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', openssl: 'ECDHE-ECDSA-AES128-SHA', kx: 'ECDHE', au: 'ECDSA', enc: 'AES', bits: 128, mac: 'SHA1' },
  { code: 0xC00A, iana: 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', openssl: 'ECDHE-ECDSA-AES256-SHA', kx: 'ECDHE', au: 'ECDSA', enc: 'AES', bits: 256, mac: 'SHA1' },
  { code: 0xC010, iana: 'TLS_ECDHE_RSA_WITH_NULL_SHA', openssl: 'ECDHE-RSA-NULL-SHA', kx: 'ECDHE', au: 'RSA', enc: 'None', bits: 0, mac: 'SHA1' },
  { code: 0xC013, iana: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', openssl: 'ECDHE-RSA-AES128-SHA', kx: 'ECDHE', au: 'RSA', enc: 'AES', bits: 128, mac: 'SHA1' },
  { code: 0xC014, iana: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', openssl: 'ECDHE-RSA-AES256-SHA', kx: 'ECDHE', au: 'RSA', enc: 'AES', bits: 256, mac: 'SHA1' },
  { code: 0xC015, iana: 'TLS_ECDH_anon_WITH_NULL_SHA', openssl: 'AECDH-NULL-SHA', kx: 'ECDHE', au: 'None', enc: 'None', bits: 0, mac: 'SHA1' },
  { code: 0xC018, iana: 'TLS_ECDH_anon_WITH_AES_128_CBC_SHA', openssl: 'AECDH-AES128-SHA', kx: 'ECDHE', au: 'None', enc: 'AES', bits: 128, mac: 'SHA1' },
  { code: 0xC019, iana: 'TLS_ECDH_anon_WITH_AES_256_CBC_SHA', openssl: 'AECDH-AES256-SHA', kx: 'ECDHE', au: 'None', enc: 'AES', bits: 256, mac: 'SHA1' },
  { code: 0xC01D, iana: 'TLS_SRP_SHA_WITH_AES_128_CBC_SHA', openssl: 'SRP-AES-128-CBC-SHA', kx: 'SRP', au: 'SRP', enc: 'AES', bits: 128, mac: 'SHA1' },
  { code: 0xC01E, iana: 'TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA', openssl: 'SRP-RSA-AES-128-CBC-SHA', kx: 'SRP', au: 'RSA', enc: 'AES', bits: 128, mac: 'SHA1' },
  { code: 0xC01F, iana: 'TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA', openssl: 'SRP-DSS-AES-128-CBC-SHA', kx: 'SRP', au: 'DSS', enc: 'AES', bits: 128, mac: 'SHA1' },
  { code: 0xC020, iana: 'TLS_SRP_SHA_WITH_AES_256_CBC_SHA', openssl: 'SRP-AES-256-CBC-SHA', kx: 'SRP', au: 'SRP', enc: 'AES', bits: 256, mac: 'SHA1' },
  { code: 0xC021, iana: 'TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA', openssl: 'SRP-RSA-AES-256-CBC-SHA', kx: 'SRP', au: 'RSA', enc: 'AES', bits: 256, mac: 'SHA1' },
  { code: 0xC022, iana: 'TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA', openssl: 'SRP-DSS-AES-256-CBC-SHA', kx: 'SRP', au: 'DSS', enc: 'AES', bits: 256, mac: 'SHA1' },
  { code: 0xC023, iana: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', openssl: 'ECDHE-ECDSA-AES128-SHA256', kx: 'ECDHE', au: 'ECDSA', enc: 'AES', bits: 128, mac: 'SHA256' },
  { code: 0xC024, iana: 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', openssl: 'ECDHE-ECDSA-AES256-SHA384', kx: 'ECDHE', au: 'ECDSA', enc: 'AES', bits: 256, mac: 'SHA384' },
  { code: 0xC027, iana: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', openssl: 'ECDHE-RSA-AES128-SHA256', kx: 'ECDHE', au: 'RSA', enc: 'AES', bits: 128, mac: 'SHA256' },
  { code: 0xC028, iana: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', openssl: 'ECDHE-RSA-AES256-SHA384', kx: 'ECDHE', au: 'RSA', enc: 'AES', bits: 256, mac: 'SHA384' },
  { code: 0xC02B, iana: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', openssl: 'ECDHE-ECDSA-AES128-GCM-SHA256', kx: 'ECDHE', au: 'ECDSA', enc: 'AESGCM', bits: 128, mac: 'AEAD' },
  { code: 0xC02C, iana: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', openssl: 'ECDHE-ECDSA-AES256-GCM-SHA384', kx: 'ECDHE', au: 'ECDSA', enc: 'AESGCM', bits: 256, mac: 'AEAD' },
  { code: 0xC02F, iana: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', openssl: 'ECDHE-RSA-AES128-GCM-SHA256', kx: 'ECDHE', au: 'RSA', enc: 'AESGCM', bits: 128, mac: 'AEAD' },
  { code: 0xC030, iana: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', openssl: 'ECDHE-RSA-AES256-GCM-SHA384', kx: 'ECDHE', au: 'RSA', enc: 'AESGCM', bits: 256, mac: 'AEAD' },
  { code: 0xC035, iana: 'TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA', openssl: 'ECDHE-PSK-AES128-CBC-SHA', kx: 'ECDHEPSK', au: 'PSK', enc: 'AES', bits: 128, mac: 'SHA1' },
  { code: 0xC036, iana: 'TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA', openssl: 'ECDHE-PSK-AES256-CBC-SHA', kx: 'ECDHEPSK', au: 'PSK', enc: 'AES', bits: 256, mac: 'SHA1' },
  { code: 0xC037, iana: 'TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256', openssl: 'ECDHE-PSK-AES128-CBC-SHA256', kx: 'ECDHEPSK', au: 'PSK', enc: 'AES', bits: 128, mac: 'SHA256' },
  { code: 0xC038, iana: 'TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384', openssl: 'ECDHE-PSK-AES256-CBC-SHA384', kx: 'ECDHEPSK', au: 'PSK', enc: 'AES', bits: 256, mac: 'SHA384' },
  { code: 0xC039, iana: 'TLS_ECDHE_PSK_WITH_NULL_SHA', openssl: 'ECDHE-PSK-NULL-SHA', kx: 'ECDHEPSK', au: 'PSK', enc: 'None', bits: 0, mac: 'SHA1' },
  { code: 0xC03A, iana: 'TLS_ECDHE_PSK_WITH_NULL_SHA256', openssl: 'ECDHE-PSK-NULL-SHA256', kx: 'ECDHEPSK', au: 'PSK', enc: 'None', bits: 0, mac: 'SHA256' },
  { code: 0xC03B, iana: 'TLS_ECDHE_PSK_WITH_NULL_SHA384', openssl: 'ECDHE-PSK-NULL-SHA384', kx: 'ECDHEPSK', au: 'PSK', enc: 'None', bits: 0, mac: 'SHA384' },
  { code: 0xC050, iana: 'TLS_RSA_WITH_ARIA_128_GCM_SHA256', openssl: 'ARIA128-GCM-SHA256', kx: 'RSA', au: 'RSA', enc: 'ARIAGCM', bits: 128, mac: 'AEAD' },
  { code: 0xC051, iana: 'TLS_RSA_WITH_ARIA_256_GCM_SHA384', openssl: 'ARIA256-GCM-SHA384', kx: 'RSA', au: 'RSA', enc: 'ARIAGCM', bits: 256, mac: 'AEAD' },
  { code: 0xC052, iana: 'TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256', openssl: 'DHE-RSA-ARIA128-GCM-SHA256', kx: 'DHE', au: 'RSA', enc: 'ARIAGCM', bits: 128, mac: 'AEAD' },
  { code: 0xC053, iana: 'TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384', openssl: 'DHE-RSA-ARIA256-GCM-SHA384', kx: 'DHE', au: 'RSA', enc: 'ARIAGCM', bits: 256, mac: 'AEAD' },
  { code: 0xC056, iana: 'TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256', openssl: 'DHE-DSS-ARIA128-GCM-SHA256', kx: 'DHE', au: 'DSS', enc: 'ARIAGCM', bits: 128, mac: 'AEAD' },
  { code: 0xC057, iana: 'TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384', openssl: 'DHE-DSS-ARIA256-GCM-SHA384', kx: 'DHE', au: 'DSS', enc: 'ARIAGCM', bits: 256, mac: 'AEAD' },
  { code: 0xC05C, iana: 'TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256', openssl: 'ECDHE-ECDSA-ARIA128-GCM-SHA256', kx: 'ECDHE', au: 'ECDSA', enc: 'ARIAGCM', bits: 128, mac: 'AEAD' },
  { code: 0xC05D, iana: 'TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384', openssl: 'ECDHE-ECDSA-ARIA256-GCM-SHA384', kx: 'ECDHE', au: 'ECDSA', enc: 'ARIAGCM', bits: 256, mac: 'AEAD' },
  { code: 0xC060, iana: 'TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256', openssl: 'ECDHE-ARIA128-GCM-SHA256', kx: 'ECDHE', au: 'RSA', enc: 'ARIAGCM', bits: 128, mac: 'AEAD' },
  { code: 0xC061, iana: 'TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384', openssl: 'ECDHE-ARIA256-GCM-SHA384', kx: 'ECDHE', au: 'RSA', enc: 'ARIAGCM', bits: 256, mac: 'AEAD' },
  { code: 0xC06A, iana: 'TLS_PSK_WITH_ARIA_128_GCM_SHA256', openssl: 'PSK-ARIA128-GCM-SHA256', kx: 'PSK', au: 'PSK', enc: 'ARIAGCM', bits: 128, mac: 'AEAD' },
  { code: 0xC06B, iana: 'TLS_PSK_WITH_ARIA_256_GCM_SHA384', openssl: 'PSK-ARIA256-GCM-SHA384', kx: 'PSK', au: 'PSK', enc: 'ARIAGCM', bits: 256, mac: 'AEAD' },
  { code: 0xC06C, iana: 'TLS_DHE_PSK_WITH_ARIA_128_GCM_SHA256', openssl: 'DHE-PSK-ARIA128-GCM-SHA256', kx: 'DHEPSK', au: 'PSK', enc: 'ARIAGCM', bits: 128, mac: 'AEAD' },
  { code: 0xC06D, iana: 'TLS_DHE_PSK_WITH_ARIA_256_GCM_SHA384', openssl: 'DHE-PSK-ARIA256-GCM-SHA384', kx: 'DHEPSK', au: 'PSK', enc: 'ARIAGCM', bits: 256, mac: 'AEAD' },
  { code: 0xC06E, iana: 'TLS_RSA_PSK_WITH_ARIA_128_GCM_SHA256', openssl: 'RSA-PSK-ARIA128-GCM-SHA256', kx: 'RSAPSK', au: 'RSA', enc: 'ARIAGCM', bits: 128, mac: 'AEAD' },
  { code: 0xC06F, iana: 'TLS_RSA_PSK_WITH_ARIA_256_GCM_SHA384', openssl: 'RSA-PSK-ARIA256-GCM-SHA384', kx: 'RSAPSK', au: 'RSA', enc: 'ARIAGCM', bits: 256, mac: 'AEAD' },
  { code: 0xC072, iana: 'TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256', openssl: 'ECDHE-ECDSA-CAMELLIA128-SHA256', kx: 'ECDHE', au: 'ECDSA', enc: 'Camellia', bits: 128, mac: 'SHA256' },
  { code: 0xC073, iana: 'TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384', openssl: 'ECDHE-ECDSA-CAMELLIA256-SHA384', kx: 'ECDHE', au: 'ECDSA', enc: 'Camellia', bits: 256, mac: 'SHA384' },
  { code: 0xC076, iana: 'TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256', openssl: 'ECDHE-RSA-CAMELLIA128-SHA256', kx: 'ECDHE', au: 'RSA', enc: 'Camellia', bits: 128, mac: 'SHA256' },
  { code: 0xC077, iana: 'TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384', openssl: 'ECDHE-RSA-CAMELLIA256-SHA384', kx: 'ECDHE', au: 'RSA', enc: 'Camellia', bits: 256, mac: 'SHA384' },
  { code: 0xC094, iana: 'TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256', openssl: 'PSK-CAMELLIA128-SHA256', kx: 'PSK', au: 'PSK', enc: 'Camellia', bits: 128, mac: 'SHA256' },
  { code: 0xC095, iana: 'TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384', openssl: 'PSK-CAMELLIA256-SHA384', kx: 'PSK', au: 'PSK', enc: 'Camellia', bits: 256, mac: 'SHA384' },
  { code: 0xC096, iana: 'TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256', openssl: 'DHE-PSK-CAMELLIA128-SHA256', kx: 'DHEPSK', au: 'PSK', enc: 'Camellia', bits: 128, mac: 'SHA256' },
  { code: 0xC097, iana: 'TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384', openssl: 'DHE-PSK-CAMELLIA256-SHA384', kx: 'DHEPSK', au: 'PSK', enc: 'Camellia', bits: 256, mac: 'SHA384' },
  { code: 0xC098, iana: 'TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256', openssl: 'RSA-PSK-CAMELLIA128-SHA256', kx: 'RSAPSK', au: 'RSA', enc: 'Camellia', bits: 128, mac: 'SHA256' },
  { code: 0xC099, iana: 'TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384', openssl: 'RSA-PSK-CAMELLIA256-SHA384', kx: 'RSAPSK', au: 'RSA', enc: 'Camellia', bits: 256, mac: 'SHA384' },
  { code: 0xC09A, iana: 'TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256', openssl: 'ECDHE-PSK-CAMELLIA128-SHA256', kx: 'ECDHEPSK', au: 'PSK', enc: 'Camellia', bits: 128, mac: 'SHA256' },
  { code: 0xC09B, iana: 'TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384', openssl: 'ECDHE-PSK-CAMELLIA256-SHA384', kx: 'ECDHEPSK', au: 'PSK', enc: 'Camellia', bits: 256, mac: 'SHA384' },
  { code: 0xC09C, iana: 'TLS_RSA_WITH_AES_128_CCM', openssl: 'AES128-CCM', kx: 'RSA', au: 'RSA', enc: 'AESCCM', bits: 128, mac: 'AEAD' },
  { code: 0xC09D, iana: 'TLS_RSA_WITH_AES_256_CCM', openssl: 'AES256-CCM', kx: 'RSA', au: 'RSA', enc: 'AESCCM', bits: 256, mac: 'AEAD' },
  { code: 0xC09E, iana: 'TLS_DHE_RSA_WITH_AES_128_CCM', openssl: 'DHE-RSA-AES128-CCM', kx: 'DHE', au: 'RSA', enc: 'AESCCM', bits: 128, mac: 'AEAD' },
  { code: 0xC09F, iana: 'TLS_DHE_RSA_WITH_AES_256_CCM', openssl: 'DHE-RSA-AES256-CCM', kx: 'DHE', au: 'RSA', enc: 'AESCCM', bits: 256, mac: 'AEAD' },
  { code: 0xC0A0, iana: 'TLS_RSA_WITH_AES_128_CCM_8', openssl: 'AES128-CCM8', kx: 'RSA', au: 'RSA', enc: 'AESCCM8', bits: 128, mac: 'AEAD' },
  { code: 0xC0A1, iana: 'TLS_RSA_WITH_AES_256_CCM_8', openssl: 'AES256-CCM8', kx: 'RSA', au: 'RSA', enc: 'AESCCM8', bits: 256, mac: 'AEAD' },
  { code: 0xC0A2, iana: 'TLS_DHE_RSA_WITH_AES_128_CCM_8', openssl: 'DHE-RSA-AES128-CCM8', kx: 'DHE', au: 'RSA', enc: 'AESCCM8', bits: 128, mac: 'AEAD' },
  { code: 0xC0A3, iana: 'TLS_DHE_RSA_WITH_AES_256_CCM_8', openssl: 'DHE-RSA-AES256-CCM8', kx: 'DHE', au: 'RSA', enc: 'AESCCM8', bits: 256, mac: 'AEAD' },
  { code: 0xC0A4, iana: 'TLS_PSK_WITH_AES_128_CCM', openssl: 'PSK-AES128-CCM', kx: 'PSK', au: 'PSK', enc: 'AESCCM', bits: 128, mac: 'AEAD' },
  { code: 0xC0A5, iana: 'TLS_PSK_WITH_AES_256_CCM', openssl: 'PSK-AES256-CCM', kx: 'PSK', au: 'PSK', enc: 'AESCCM', bits: 256, mac: 'AEAD' },
  { code: 0xC0A6, iana: 'TLS_DHE_PSK_WITH_AES_128_CCM', openssl: 'DHE-PSK-AES128-CCM', kx: 'DHEPSK', au: 'PSK', enc: 'AESCCM', bits: 128, mac: 'AEAD' },
  { code: 0xC0A7, iana: 'TLS_DHE_PSK_WITH_AES_256_CCM', openssl: 'DHE-PSK-AES256-CCM', kx: 'DHEPSK', au: 'PSK', enc: 'AESCCM', bits: 256, mac: 'AEAD' },
  { code: 0xC0A8, iana: 'TLS_PSK_WITH_AES_128_CCM_8', openssl: 'PSK-AES128-CCM8', kx: 'PSK', au: 'PSK', enc: 'AESCCM8', bits: 128, mac: 'AEAD' },
  { code: 0xC0A9, iana: 'TLS_PSK_WITH_AES_256_CCM_8', openssl: 'PSK-AES256-CCM8', kx: 'PSK', au: 'PSK', enc: 'AESCCM8', bits: 256, mac: 'AEAD' },
  { code: 0xC0AA, iana: 'TLS_PSK_DHE_WITH_AES_128_CCM_8', openssl: 'DHE-PSK-AES128-CCM8', kx: 'PSK', au: 'PSK', enc: 'AESCCM8', bits: 128, mac: 'AEAD' },
  { code: 0xC0AB, iana: 'TLS_PSK_DHE_WITH_AES_256_CCM_8', openssl: 'DHE-PSK-AES256-CCM8', kx: 'PSK', au: 'PSK', enc: 'AESCCM8', bits: 256, mac: 'AEAD' },
  { code: 0xC0AC, iana: 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM', openssl: 'ECDHE-ECDSA-AES128-CCM', kx: 'ECDHE', au: 'ECDSA', enc: 'AESCCM', bits: 128, mac: 'AEAD' },
  { code: 0xC0AD, iana: 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM', openssl: 'ECDHE-ECDSA-AES256-CCM', kx: 'ECDHE', au: 'ECDSA', enc: 'AESCCM', bits: 256, mac: 'AEAD' },
  { code: 0xC0AE, iana: 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8', openssl: 'ECDHE-ECDSA-AES128-CCM8', kx: 'ECDHE', au: 'ECDSA', enc: 'AESCCM8', bits: 128, mac: 'AEAD' },
  { code: 0xC0AF, iana: 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8', openssl: 'ECDHE-ECDSA-AES256-CCM8', kx: 'ECDHE', au: 'ECDSA', enc: 'AESCCM8', bits: 256, mac: 'AEAD' },
  { code: 0xCCA8, iana: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', openssl: 'ECDHE-RSA-CHACHA20-POLY1305', kx: 'ECDHE', au: 'RSA', enc: 'CHACHA20/POLY1305', bits: 256, mac: 'AEAD' },
  { code: 0xCCA9, iana: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', openssl: 'ECDHE-ECDSA-CHACHA20-POLY1305', kx: 'ECDHE', au: 'ECDSA', enc: 'CHACHA20/POLY1305', bits: 256, mac: 'AEAD' },
  { code: 0xCCAA, iana: 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', openssl: 'DHE-RSA-CHACHA20-POLY1305', kx: 'DHE', au: 'RSA', enc: 'CHACHA20/POLY1305', bits: 256, mac: 'AEAD' },
  { code: 0xCCAB, iana: 'TLS_PSK_WITH_CHACHA20_POLY1305_SHA256', openssl: 'PSK-CHACHA20-POLY1305', kx: 'PSK', au: 'PSK', enc: 'CHACHA20/POLY1305', bits: 256, mac: 'AEAD' },
  { code: 0xCCAC, iana: 'TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256', openssl: 'ECDHE-PSK-CHACHA20-POLY1305', kx: 'ECDHEPSK', au: 'PSK', enc: 'CHACHA20/POLY1305', bits: 256, mac: 'AEAD' },
  { code: 0xCCAD, iana: 'TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256', openssl: 'DHE-PSK-CHACHA20-POLY1305', kx: 'DHEPSK', au: 'PSK', enc: 'CHACHA20/POLY1305', bits: 256, mac: 'AEAD' },
  { code: 0xCCAE, iana: 'TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256', openssl: 'RSA-PSK-CHACHA20-POLY1305', kx: 'RSAPSK', au: 'RSA', enc: 'CHACHA20/POLY1305', bits: 256, mac: 'AEAD' },
];

/**
 * By hand from the IANA registry: suites OpenSSL 3 cannot negotiate (no RC4, DES, 3DES, IDEA, SEED,
 * EXPORT or static DH/ECDH in its TLS code), named as OpenSSL 1.0.2 named them. Static ECDH suites are
 * here because Java 7/8 and old Windows clients still list them.
 */
const LEGACY_SUITES: readonly CipherSuite[] = [
  { code: 0x0000, iana: 'TLS_NULL_WITH_NULL_NULL', kx: 'NULL', au: 'None', enc: 'None', bits: 0, mac: 'None', legacy: true },
  { code: 0x0003, iana: 'TLS_RSA_EXPORT_WITH_RC4_40_MD5', openssl: 'EXP-RC4-MD5', kx: 'RSA', au: 'RSA', enc: 'RC4', bits: 40, mac: 'MD5', legacy: true, export: true },
  { code: 0x0004, iana: 'TLS_RSA_WITH_RC4_128_MD5', openssl: 'RC4-MD5', kx: 'RSA', au: 'RSA', enc: 'RC4', bits: 128, mac: 'MD5', legacy: true },
  { code: 0x0005, iana: 'TLS_RSA_WITH_RC4_128_SHA', openssl: 'RC4-SHA', kx: 'RSA', au: 'RSA', enc: 'RC4', bits: 128, mac: 'SHA1', legacy: true },
  { code: 0x0006, iana: 'TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5', openssl: 'EXP-RC2-CBC-MD5', kx: 'RSA', au: 'RSA', enc: 'RC2', bits: 40, mac: 'MD5', legacy: true, export: true },
  { code: 0x0007, iana: 'TLS_RSA_WITH_IDEA_CBC_SHA', openssl: 'IDEA-CBC-SHA', kx: 'RSA', au: 'RSA', enc: 'IDEA', bits: 128, mac: 'SHA1', legacy: true },
  { code: 0x0008, iana: 'TLS_RSA_EXPORT_WITH_DES40_CBC_SHA', openssl: 'EXP-DES-CBC-SHA', kx: 'RSA', au: 'RSA', enc: 'DES', bits: 40, mac: 'SHA1', legacy: true, export: true },
  { code: 0x0009, iana: 'TLS_RSA_WITH_DES_CBC_SHA', openssl: 'DES-CBC-SHA', kx: 'RSA', au: 'RSA', enc: 'DES', bits: 56, mac: 'SHA1', legacy: true },
  { code: 0x000A, iana: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', openssl: 'DES-CBC3-SHA', kx: 'RSA', au: 'RSA', enc: '3DES', bits: 168, mac: 'SHA1', legacy: true },
  { code: 0x000B, iana: 'TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA', openssl: 'EXP-DH-DSS-DES-CBC-SHA', kx: 'DH', au: 'DH', enc: 'DES', bits: 40, mac: 'SHA1', legacy: true, export: true },
  { code: 0x000C, iana: 'TLS_DH_DSS_WITH_DES_CBC_SHA', openssl: 'DH-DSS-DES-CBC-SHA', kx: 'DH', au: 'DH', enc: 'DES', bits: 56, mac: 'SHA1', legacy: true },
  { code: 0x000D, iana: 'TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA', openssl: 'DH-DSS-DES-CBC3-SHA', kx: 'DH', au: 'DH', enc: '3DES', bits: 168, mac: 'SHA1', legacy: true },
  { code: 0x000E, iana: 'TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA', openssl: 'EXP-DH-RSA-DES-CBC-SHA', kx: 'DH', au: 'DH', enc: 'DES', bits: 40, mac: 'SHA1', legacy: true, export: true },
  { code: 0x000F, iana: 'TLS_DH_RSA_WITH_DES_CBC_SHA', openssl: 'DH-RSA-DES-CBC-SHA', kx: 'DH', au: 'DH', enc: 'DES', bits: 56, mac: 'SHA1', legacy: true },
  { code: 0x0010, iana: 'TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA', openssl: 'DH-RSA-DES-CBC3-SHA', kx: 'DH', au: 'DH', enc: '3DES', bits: 168, mac: 'SHA1', legacy: true },
  { code: 0x0011, iana: 'TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA', openssl: 'EXP-EDH-DSS-DES-CBC-SHA', kx: 'DHE', au: 'DSS', enc: 'DES', bits: 40, mac: 'SHA1', legacy: true, export: true },
  { code: 0x0012, iana: 'TLS_DHE_DSS_WITH_DES_CBC_SHA', openssl: 'EDH-DSS-DES-CBC-SHA', kx: 'DHE', au: 'DSS', enc: 'DES', bits: 56, mac: 'SHA1', legacy: true },
  { code: 0x0013, iana: 'TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA', openssl: 'EDH-DSS-DES-CBC3-SHA', kx: 'DHE', au: 'DSS', enc: '3DES', bits: 168, mac: 'SHA1', legacy: true },
  { code: 0x0014, iana: 'TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA', openssl: 'EXP-EDH-RSA-DES-CBC-SHA', kx: 'DHE', au: 'RSA', enc: 'DES', bits: 40, mac: 'SHA1', legacy: true, export: true },
  { code: 0x0015, iana: 'TLS_DHE_RSA_WITH_DES_CBC_SHA', openssl: 'EDH-RSA-DES-CBC-SHA', kx: 'DHE', au: 'RSA', enc: 'DES', bits: 56, mac: 'SHA1', legacy: true },
  { code: 0x0016, iana: 'TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA', openssl: 'EDH-RSA-DES-CBC3-SHA', kx: 'DHE', au: 'RSA', enc: '3DES', bits: 168, mac: 'SHA1', legacy: true },
  { code: 0x0017, iana: 'TLS_DH_anon_EXPORT_WITH_RC4_40_MD5', openssl: 'EXP-ADH-RC4-MD5', kx: 'DHE', au: 'None', enc: 'RC4', bits: 40, mac: 'MD5', legacy: true, export: true },
  { code: 0x0018, iana: 'TLS_DH_anon_WITH_RC4_128_MD5', openssl: 'ADH-RC4-MD5', kx: 'DHE', au: 'None', enc: 'RC4', bits: 128, mac: 'MD5', legacy: true },
  { code: 0x0019, iana: 'TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA', openssl: 'EXP-ADH-DES-CBC-SHA', kx: 'DHE', au: 'None', enc: 'DES', bits: 40, mac: 'SHA1', legacy: true, export: true },
  { code: 0x001A, iana: 'TLS_DH_anon_WITH_DES_CBC_SHA', openssl: 'ADH-DES-CBC-SHA', kx: 'DHE', au: 'None', enc: 'DES', bits: 56, mac: 'SHA1', legacy: true },
  { code: 0x001B, iana: 'TLS_DH_anon_WITH_3DES_EDE_CBC_SHA', openssl: 'ADH-DES-CBC3-SHA', kx: 'DHE', au: 'None', enc: '3DES', bits: 168, mac: 'SHA1', legacy: true },
  { code: 0x0030, iana: 'TLS_DH_DSS_WITH_AES_128_CBC_SHA', openssl: 'DH-DSS-AES128-SHA', kx: 'DH', au: 'DH', enc: 'AES', bits: 128, mac: 'SHA1', legacy: true },
  { code: 0x0031, iana: 'TLS_DH_RSA_WITH_AES_128_CBC_SHA', openssl: 'DH-RSA-AES128-SHA', kx: 'DH', au: 'DH', enc: 'AES', bits: 128, mac: 'SHA1', legacy: true },
  { code: 0x0036, iana: 'TLS_DH_DSS_WITH_AES_256_CBC_SHA', openssl: 'DH-DSS-AES256-SHA', kx: 'DH', au: 'DH', enc: 'AES', bits: 256, mac: 'SHA1', legacy: true },
  { code: 0x0037, iana: 'TLS_DH_RSA_WITH_AES_256_CBC_SHA', openssl: 'DH-RSA-AES256-SHA', kx: 'DH', au: 'DH', enc: 'AES', bits: 256, mac: 'SHA1', legacy: true },
  { code: 0x003E, iana: 'TLS_DH_DSS_WITH_AES_128_CBC_SHA256', openssl: 'DH-DSS-AES128-SHA256', kx: 'DH', au: 'DH', enc: 'AES', bits: 128, mac: 'SHA256', legacy: true },
  { code: 0x003F, iana: 'TLS_DH_RSA_WITH_AES_128_CBC_SHA256', openssl: 'DH-RSA-AES128-SHA256', kx: 'DH', au: 'DH', enc: 'AES', bits: 128, mac: 'SHA256', legacy: true },
  { code: 0x0042, iana: 'TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA', openssl: 'DH-DSS-CAMELLIA128-SHA', kx: 'DH', au: 'DH', enc: 'Camellia', bits: 128, mac: 'SHA1', legacy: true },
  { code: 0x0043, iana: 'TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA', openssl: 'DH-RSA-CAMELLIA128-SHA', kx: 'DH', au: 'DH', enc: 'Camellia', bits: 128, mac: 'SHA1', legacy: true },
  { code: 0x0068, iana: 'TLS_DH_DSS_WITH_AES_256_CBC_SHA256', openssl: 'DH-DSS-AES256-SHA256', kx: 'DH', au: 'DH', enc: 'AES', bits: 256, mac: 'SHA256', legacy: true },
  { code: 0x0069, iana: 'TLS_DH_RSA_WITH_AES_256_CBC_SHA256', openssl: 'DH-RSA-AES256-SHA256', kx: 'DH', au: 'DH', enc: 'AES', bits: 256, mac: 'SHA256', legacy: true },
  { code: 0x0085, iana: 'TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA', openssl: 'DH-DSS-CAMELLIA256-SHA', kx: 'DH', au: 'DH', enc: 'Camellia', bits: 256, mac: 'SHA1', legacy: true },
  { code: 0x0086, iana: 'TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA', openssl: 'DH-RSA-CAMELLIA256-SHA', kx: 'DH', au: 'DH', enc: 'Camellia', bits: 256, mac: 'SHA1', legacy: true },
  { code: 0x008A, iana: 'TLS_PSK_WITH_RC4_128_SHA', openssl: 'PSK-RC4-SHA', kx: 'PSK', au: 'PSK', enc: 'RC4', bits: 128, mac: 'SHA1', legacy: true },
  { code: 0x008B, iana: 'TLS_PSK_WITH_3DES_EDE_CBC_SHA', openssl: 'PSK-3DES-EDE-CBC-SHA', kx: 'PSK', au: 'PSK', enc: '3DES', bits: 168, mac: 'SHA1', legacy: true },
  { code: 0x008E, iana: 'TLS_DHE_PSK_WITH_RC4_128_SHA', openssl: 'DHE-PSK-RC4-SHA', kx: 'DHEPSK', au: 'PSK', enc: 'RC4', bits: 128, mac: 'SHA1', legacy: true },
  { code: 0x008F, iana: 'TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA', openssl: 'DHE-PSK-3DES-EDE-CBC-SHA', kx: 'DHEPSK', au: 'PSK', enc: '3DES', bits: 168, mac: 'SHA1', legacy: true },
  { code: 0x0092, iana: 'TLS_RSA_PSK_WITH_RC4_128_SHA', openssl: 'RSA-PSK-RC4-SHA', kx: 'RSAPSK', au: 'RSA', enc: 'RC4', bits: 128, mac: 'SHA1', legacy: true },
  { code: 0x0093, iana: 'TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA', openssl: 'RSA-PSK-3DES-EDE-CBC-SHA', kx: 'RSAPSK', au: 'RSA', enc: '3DES', bits: 168, mac: 'SHA1', legacy: true },
  { code: 0x0096, iana: 'TLS_RSA_WITH_SEED_CBC_SHA', openssl: 'SEED-SHA', kx: 'RSA', au: 'RSA', enc: 'SEED', bits: 128, mac: 'SHA1', legacy: true },
  { code: 0x0097, iana: 'TLS_DH_DSS_WITH_SEED_CBC_SHA', openssl: 'DH-DSS-SEED-SHA', kx: 'DH', au: 'DH', enc: 'SEED', bits: 128, mac: 'SHA1', legacy: true },
  { code: 0x0098, iana: 'TLS_DH_RSA_WITH_SEED_CBC_SHA', openssl: 'DH-RSA-SEED-SHA', kx: 'DH', au: 'DH', enc: 'SEED', bits: 128, mac: 'SHA1', legacy: true },
  { code: 0x0099, iana: 'TLS_DHE_DSS_WITH_SEED_CBC_SHA', openssl: 'DHE-DSS-SEED-SHA', kx: 'DHE', au: 'DSS', enc: 'SEED', bits: 128, mac: 'SHA1', legacy: true },
  { code: 0x009A, iana: 'TLS_DHE_RSA_WITH_SEED_CBC_SHA', openssl: 'DHE-RSA-SEED-SHA', kx: 'DHE', au: 'RSA', enc: 'SEED', bits: 128, mac: 'SHA1', legacy: true },
  { code: 0x009B, iana: 'TLS_DH_anon_WITH_SEED_CBC_SHA', openssl: 'ADH-SEED-SHA', kx: 'DHE', au: 'None', enc: 'SEED', bits: 128, mac: 'SHA1', legacy: true },
  { code: 0x00A0, iana: 'TLS_DH_RSA_WITH_AES_128_GCM_SHA256', openssl: 'DH-RSA-AES128-GCM-SHA256', kx: 'DH', au: 'DH', enc: 'AESGCM', bits: 128, mac: 'AEAD', legacy: true },
  { code: 0x00A1, iana: 'TLS_DH_RSA_WITH_AES_256_GCM_SHA384', openssl: 'DH-RSA-AES256-GCM-SHA384', kx: 'DH', au: 'DH', enc: 'AESGCM', bits: 256, mac: 'AEAD', legacy: true },
  { code: 0x00A4, iana: 'TLS_DH_DSS_WITH_AES_128_GCM_SHA256', openssl: 'DH-DSS-AES128-GCM-SHA256', kx: 'DH', au: 'DH', enc: 'AESGCM', bits: 128, mac: 'AEAD', legacy: true },
  { code: 0x00A5, iana: 'TLS_DH_DSS_WITH_AES_256_GCM_SHA384', openssl: 'DH-DSS-AES256-GCM-SHA384', kx: 'DH', au: 'DH', enc: 'AESGCM', bits: 256, mac: 'AEAD', legacy: true },
  { code: 0xC001, iana: 'TLS_ECDH_ECDSA_WITH_NULL_SHA', openssl: 'ECDH-ECDSA-NULL-SHA', kx: 'ECDH', au: 'ECDH', enc: 'None', bits: 0, mac: 'SHA1', legacy: true },
  { code: 0xC002, iana: 'TLS_ECDH_ECDSA_WITH_RC4_128_SHA', openssl: 'ECDH-ECDSA-RC4-SHA', kx: 'ECDH', au: 'ECDH', enc: 'RC4', bits: 128, mac: 'SHA1', legacy: true },
  { code: 0xC003, iana: 'TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA', openssl: 'ECDH-ECDSA-DES-CBC3-SHA', kx: 'ECDH', au: 'ECDH', enc: '3DES', bits: 168, mac: 'SHA1', legacy: true },
  { code: 0xC004, iana: 'TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA', openssl: 'ECDH-ECDSA-AES128-SHA', kx: 'ECDH', au: 'ECDH', enc: 'AES', bits: 128, mac: 'SHA1', legacy: true },
  { code: 0xC005, iana: 'TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA', openssl: 'ECDH-ECDSA-AES256-SHA', kx: 'ECDH', au: 'ECDH', enc: 'AES', bits: 256, mac: 'SHA1', legacy: true },
  { code: 0xC007, iana: 'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA', openssl: 'ECDHE-ECDSA-RC4-SHA', kx: 'ECDHE', au: 'ECDSA', enc: 'RC4', bits: 128, mac: 'SHA1', legacy: true },
  { code: 0xC008, iana: 'TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA', openssl: 'ECDHE-ECDSA-DES-CBC3-SHA', kx: 'ECDHE', au: 'ECDSA', enc: '3DES', bits: 168, mac: 'SHA1', legacy: true },
  { code: 0xC00B, iana: 'TLS_ECDH_RSA_WITH_NULL_SHA', openssl: 'ECDH-RSA-NULL-SHA', kx: 'ECDH', au: 'ECDH', enc: 'None', bits: 0, mac: 'SHA1', legacy: true },
  { code: 0xC00C, iana: 'TLS_ECDH_RSA_WITH_RC4_128_SHA', openssl: 'ECDH-RSA-RC4-SHA', kx: 'ECDH', au: 'ECDH', enc: 'RC4', bits: 128, mac: 'SHA1', legacy: true },
  { code: 0xC00D, iana: 'TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA', openssl: 'ECDH-RSA-DES-CBC3-SHA', kx: 'ECDH', au: 'ECDH', enc: '3DES', bits: 168, mac: 'SHA1', legacy: true },
  { code: 0xC00E, iana: 'TLS_ECDH_RSA_WITH_AES_128_CBC_SHA', openssl: 'ECDH-RSA-AES128-SHA', kx: 'ECDH', au: 'ECDH', enc: 'AES', bits: 128, mac: 'SHA1', legacy: true },
  { code: 0xC00F, iana: 'TLS_ECDH_RSA_WITH_AES_256_CBC_SHA', openssl: 'ECDH-RSA-AES256-SHA', kx: 'ECDH', au: 'ECDH', enc: 'AES', bits: 256, mac: 'SHA1', legacy: true },
  { code: 0xC011, iana: 'TLS_ECDHE_RSA_WITH_RC4_128_SHA', openssl: 'ECDHE-RSA-RC4-SHA', kx: 'ECDHE', au: 'RSA', enc: 'RC4', bits: 128, mac: 'SHA1', legacy: true },
  { code: 0xC012, iana: 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA', openssl: 'ECDHE-RSA-DES-CBC3-SHA', kx: 'ECDHE', au: 'RSA', enc: '3DES', bits: 168, mac: 'SHA1', legacy: true },
  { code: 0xC016, iana: 'TLS_ECDH_anon_WITH_RC4_128_SHA', openssl: 'AECDH-RC4-SHA', kx: 'ECDHE', au: 'None', enc: 'RC4', bits: 128, mac: 'SHA1', legacy: true },
  { code: 0xC017, iana: 'TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA', openssl: 'AECDH-DES-CBC3-SHA', kx: 'ECDHE', au: 'None', enc: '3DES', bits: 168, mac: 'SHA1', legacy: true },
  { code: 0xC01A, iana: 'TLS_SRP_SHA_WITH_3DES_EDE_CBC_SHA', openssl: 'SRP-3DES-EDE-CBC-SHA', kx: 'SRP', au: 'SRP', enc: '3DES', bits: 168, mac: 'SHA1', legacy: true },
  { code: 0xC01B, iana: 'TLS_SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA', openssl: 'SRP-RSA-3DES-EDE-CBC-SHA', kx: 'SRP', au: 'RSA', enc: '3DES', bits: 168, mac: 'SHA1', legacy: true },
  { code: 0xC01C, iana: 'TLS_SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA', openssl: 'SRP-DSS-3DES-EDE-CBC-SHA', kx: 'SRP', au: 'DSS', enc: '3DES', bits: 168, mac: 'SHA1', legacy: true },
  { code: 0xC025, iana: 'TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256', openssl: 'ECDH-ECDSA-AES128-SHA256', kx: 'ECDH', au: 'ECDH', enc: 'AES', bits: 128, mac: 'SHA256', legacy: true },
  { code: 0xC026, iana: 'TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384', openssl: 'ECDH-ECDSA-AES256-SHA384', kx: 'ECDH', au: 'ECDH', enc: 'AES', bits: 256, mac: 'SHA384', legacy: true },
  { code: 0xC029, iana: 'TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256', openssl: 'ECDH-RSA-AES128-SHA256', kx: 'ECDH', au: 'ECDH', enc: 'AES', bits: 128, mac: 'SHA256', legacy: true },
  { code: 0xC02A, iana: 'TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384', openssl: 'ECDH-RSA-AES256-SHA384', kx: 'ECDH', au: 'ECDH', enc: 'AES', bits: 256, mac: 'SHA384', legacy: true },
  { code: 0xC02D, iana: 'TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256', openssl: 'ECDH-ECDSA-AES128-GCM-SHA256', kx: 'ECDH', au: 'ECDH', enc: 'AESGCM', bits: 128, mac: 'AEAD', legacy: true },
  { code: 0xC02E, iana: 'TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384', openssl: 'ECDH-ECDSA-AES256-GCM-SHA384', kx: 'ECDH', au: 'ECDH', enc: 'AESGCM', bits: 256, mac: 'AEAD', legacy: true },
  { code: 0xC031, iana: 'TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256', openssl: 'ECDH-RSA-AES128-GCM-SHA256', kx: 'ECDH', au: 'ECDH', enc: 'AESGCM', bits: 128, mac: 'AEAD', legacy: true },
  { code: 0xC032, iana: 'TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384', openssl: 'ECDH-RSA-AES256-GCM-SHA384', kx: 'ECDH', au: 'ECDH', enc: 'AESGCM', bits: 256, mac: 'AEAD', legacy: true },
  { code: 0xC033, iana: 'TLS_ECDHE_PSK_WITH_RC4_128_SHA', openssl: 'ECDHE-PSK-RC4-SHA', kx: 'ECDHEPSK', au: 'PSK', enc: 'RC4', bits: 128, mac: 'SHA1', legacy: true },
  { code: 0xC034, iana: 'TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA', openssl: 'ECDHE-PSK-3DES-EDE-CBC-SHA', kx: 'ECDHEPSK', au: 'PSK', enc: '3DES', bits: 168, mac: 'SHA1', legacy: true },
];

/**
 * Registered suites no OpenSSL ever named and no peer of mxlab serves, listed so that a scan offers
 * everything the IANA registry holds for TLS ≤ 1.2 (testssl.sh offers them too). Codes and names from
 * the RFCs that registered them: RFC 2712 (Kerberos), RFC 5932 (CAMELLIA with SHA-256 for static DH),
 * RFC 6209 (ARIA) and RFC 6367 (CAMELLIA for ECC, GCM and PSK). The other fields are read off the name
 * (ianaOnlySuite below), so there is nothing to copy wrongly.
 */
const IANA_ONLY_NAMES: readonly (readonly [number, string])[] = [
  // RFC 2712 §3.
  [0x001E, 'TLS_KRB5_WITH_DES_CBC_SHA'], [0x001F, 'TLS_KRB5_WITH_3DES_EDE_CBC_SHA'], [0x0020, 'TLS_KRB5_WITH_RC4_128_SHA'],
  [0x0021, 'TLS_KRB5_WITH_IDEA_CBC_SHA'], [0x0022, 'TLS_KRB5_WITH_DES_CBC_MD5'], [0x0023, 'TLS_KRB5_WITH_3DES_EDE_CBC_MD5'],
  [0x0024, 'TLS_KRB5_WITH_RC4_128_MD5'], [0x0025, 'TLS_KRB5_WITH_IDEA_CBC_MD5'], [0x0026, 'TLS_KRB5_EXPORT_WITH_DES_CBC_40_SHA'],
  [0x0027, 'TLS_KRB5_EXPORT_WITH_RC2_CBC_40_SHA'], [0x0028, 'TLS_KRB5_EXPORT_WITH_RC4_40_SHA'], [0x0029, 'TLS_KRB5_EXPORT_WITH_DES_CBC_40_MD5'],
  [0x002A, 'TLS_KRB5_EXPORT_WITH_RC2_CBC_40_MD5'], [0x002B, 'TLS_KRB5_EXPORT_WITH_RC4_40_MD5'],
  // RFC 5932 §3.
  [0x00BB, 'TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA256'], [0x00BC, 'TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA256'],
  [0x00C1, 'TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA256'], [0x00C2, 'TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA256'],
  // RFC 6209 §2.
  [0xC03C, 'TLS_RSA_WITH_ARIA_128_CBC_SHA256'], [0xC03D, 'TLS_RSA_WITH_ARIA_256_CBC_SHA384'],
  [0xC03E, 'TLS_DH_DSS_WITH_ARIA_128_CBC_SHA256'], [0xC03F, 'TLS_DH_DSS_WITH_ARIA_256_CBC_SHA384'],
  [0xC040, 'TLS_DH_RSA_WITH_ARIA_128_CBC_SHA256'], [0xC041, 'TLS_DH_RSA_WITH_ARIA_256_CBC_SHA384'],
  [0xC042, 'TLS_DHE_DSS_WITH_ARIA_128_CBC_SHA256'], [0xC043, 'TLS_DHE_DSS_WITH_ARIA_256_CBC_SHA384'],
  [0xC044, 'TLS_DHE_RSA_WITH_ARIA_128_CBC_SHA256'], [0xC045, 'TLS_DHE_RSA_WITH_ARIA_256_CBC_SHA384'],
  [0xC046, 'TLS_DH_anon_WITH_ARIA_128_CBC_SHA256'], [0xC047, 'TLS_DH_anon_WITH_ARIA_256_CBC_SHA384'],
  [0xC048, 'TLS_ECDHE_ECDSA_WITH_ARIA_128_CBC_SHA256'], [0xC049, 'TLS_ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384'],
  [0xC04A, 'TLS_ECDH_ECDSA_WITH_ARIA_128_CBC_SHA256'], [0xC04B, 'TLS_ECDH_ECDSA_WITH_ARIA_256_CBC_SHA384'],
  [0xC04C, 'TLS_ECDHE_RSA_WITH_ARIA_128_CBC_SHA256'], [0xC04D, 'TLS_ECDHE_RSA_WITH_ARIA_256_CBC_SHA384'],
  [0xC04E, 'TLS_ECDH_RSA_WITH_ARIA_128_CBC_SHA256'], [0xC04F, 'TLS_ECDH_RSA_WITH_ARIA_256_CBC_SHA384'],
  [0xC054, 'TLS_DH_RSA_WITH_ARIA_128_GCM_SHA256'], [0xC055, 'TLS_DH_RSA_WITH_ARIA_256_GCM_SHA384'],
  [0xC058, 'TLS_DH_DSS_WITH_ARIA_128_GCM_SHA256'], [0xC059, 'TLS_DH_DSS_WITH_ARIA_256_GCM_SHA384'],
  [0xC05A, 'TLS_DH_anon_WITH_ARIA_128_GCM_SHA256'], [0xC05B, 'TLS_DH_anon_WITH_ARIA_256_GCM_SHA384'],
  [0xC05E, 'TLS_ECDH_ECDSA_WITH_ARIA_128_GCM_SHA256'], [0xC05F, 'TLS_ECDH_ECDSA_WITH_ARIA_256_GCM_SHA384'],
  [0xC062, 'TLS_ECDH_RSA_WITH_ARIA_128_GCM_SHA256'], [0xC063, 'TLS_ECDH_RSA_WITH_ARIA_256_GCM_SHA384'],
  [0xC064, 'TLS_PSK_WITH_ARIA_128_CBC_SHA256'], [0xC065, 'TLS_PSK_WITH_ARIA_256_CBC_SHA384'],
  [0xC066, 'TLS_DHE_PSK_WITH_ARIA_128_CBC_SHA256'], [0xC067, 'TLS_DHE_PSK_WITH_ARIA_256_CBC_SHA384'],
  [0xC068, 'TLS_RSA_PSK_WITH_ARIA_128_CBC_SHA256'], [0xC069, 'TLS_RSA_PSK_WITH_ARIA_256_CBC_SHA384'],
  [0xC070, 'TLS_ECDHE_PSK_WITH_ARIA_128_CBC_SHA256'], [0xC071, 'TLS_ECDHE_PSK_WITH_ARIA_256_CBC_SHA384'],
  // RFC 6367 §2.
  [0xC074, 'TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256'], [0xC075, 'TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384'],
  [0xC078, 'TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256'], [0xC079, 'TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384'],
  [0xC07A, 'TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256'], [0xC07B, 'TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384'],
  [0xC07C, 'TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256'], [0xC07D, 'TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384'],
  [0xC07E, 'TLS_DH_RSA_WITH_CAMELLIA_128_GCM_SHA256'], [0xC07F, 'TLS_DH_RSA_WITH_CAMELLIA_256_GCM_SHA384'],
  [0xC080, 'TLS_DHE_DSS_WITH_CAMELLIA_128_GCM_SHA256'], [0xC081, 'TLS_DHE_DSS_WITH_CAMELLIA_256_GCM_SHA384'],
  [0xC082, 'TLS_DH_DSS_WITH_CAMELLIA_128_GCM_SHA256'], [0xC083, 'TLS_DH_DSS_WITH_CAMELLIA_256_GCM_SHA384'],
  [0xC084, 'TLS_DH_anon_WITH_CAMELLIA_128_GCM_SHA256'], [0xC085, 'TLS_DH_anon_WITH_CAMELLIA_256_GCM_SHA384'],
  [0xC086, 'TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256'], [0xC087, 'TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384'],
  [0xC088, 'TLS_ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256'], [0xC089, 'TLS_ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384'],
  [0xC08A, 'TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256'], [0xC08B, 'TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384'],
  [0xC08C, 'TLS_ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256'], [0xC08D, 'TLS_ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384'],
  [0xC08E, 'TLS_PSK_WITH_CAMELLIA_128_GCM_SHA256'], [0xC08F, 'TLS_PSK_WITH_CAMELLIA_256_GCM_SHA384'],
  [0xC090, 'TLS_DHE_PSK_WITH_CAMELLIA_128_GCM_SHA256'], [0xC091, 'TLS_DHE_PSK_WITH_CAMELLIA_256_GCM_SHA384'],
  [0xC092, 'TLS_RSA_PSK_WITH_CAMELLIA_128_GCM_SHA256'], [0xC093, 'TLS_RSA_PSK_WITH_CAMELLIA_256_GCM_SHA384'],
  // RFC 8442 §3 (0xD004 was never assigned).
  [0xD001, 'TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256'], [0xD002, 'TLS_ECDHE_PSK_WITH_AES_256_GCM_SHA384'],
  [0xD003, 'TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256'], [0xD005, 'TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256'],
];

/** Key exchange and authentication by the part of an IANA name before `_WITH_`. */
const KX_OF_NAME: Readonly<Record<string, readonly [KeyExchange, string]>> = {
  RSA: ['RSA', 'RSA'], DH_DSS: ['DH', 'DH'], DH_RSA: ['DH', 'DH'], DHE_DSS: ['DHE', 'DSS'], DHE_RSA: ['DHE', 'RSA'],
  DH_anon: ['DHE', 'None'], ECDH_ECDSA: ['ECDH', 'ECDH'], ECDH_RSA: ['ECDH', 'ECDH'], ECDHE_ECDSA: ['ECDHE', 'ECDSA'],
  ECDHE_RSA: ['ECDHE', 'RSA'], PSK: ['PSK', 'PSK'], DHE_PSK: ['DHEPSK', 'PSK'], RSA_PSK: ['RSAPSK', 'RSA'],
  ECDHE_PSK: ['ECDHEPSK', 'PSK'], KRB5: ['KRB5', 'KRB5'], KRB5_EXPORT: ['KRB5', 'KRB5'],
};

/** Cipher (as OpenSSL prints it) and key bits by the part of an IANA name between `_WITH_` and the hash. */
const ENC_OF_NAME: Readonly<Record<string, readonly [string, number]>> = {
  DES_CBC: ['DES', 56], DES_CBC_40: ['DES', 40], '3DES_EDE_CBC': ['3DES', 168], RC4_128: ['RC4', 128], RC4_40: ['RC4', 40],
  RC2_CBC_40: ['RC2', 40], IDEA_CBC: ['IDEA', 128], ARIA_128_CBC: ['ARIA', 128], ARIA_256_CBC: ['ARIA', 256],
  ARIA_128_GCM: ['ARIAGCM', 128], ARIA_256_GCM: ['ARIAGCM', 256], CAMELLIA_128_CBC: ['Camellia', 128],
  CAMELLIA_256_CBC: ['Camellia', 256], CAMELLIA_128_GCM: ['CamelliaGCM', 128], CAMELLIA_256_GCM: ['CamelliaGCM', 256],
  AES_128_GCM: ['AESGCM', 128], AES_256_GCM: ['AESGCM', 256], AES_128_CCM: ['AESCCM', 128], AES_128_CCM_8: ['AESCCM8', 128],
};

function ianaOnlySuite(code: number, iana: string): CipherSuite {
  const m = /^TLS_(.+)_WITH_(.+)_(SHA|SHA256|SHA384|MD5)$/.exec(iana);
  const kx = m ? KX_OF_NAME[m[1]!] : undefined;
  const enc = m ? ENC_OF_NAME[m[2]!] : undefined;
  // A name the maps do not cover is a mistake in the list above, found by the first test that loads this module.
  if (!m || !kx || !enc) throw new Error(`cipher-suites: cannot read ${iana}`);
  const aead = /GCM|CCM/.test(enc[0]);
  const mac = aead ? 'AEAD' : m[3] === 'SHA' ? 'SHA1' : m[3]!;
  return { code, iana, kx: kx[0], au: kx[1], enc: enc[0], bits: enc[1], mac, legacy: true, ...(/_EXPORT_/.test(iana) ? { export: true } : {}) };
}

const IANA_ONLY_SUITES: readonly CipherSuite[] = IANA_ONLY_NAMES.map(([code, iana]) => ianaOnlySuite(code, iana));

/**
 * Signalling values in the cipher list. Not `legacy`: OpenSSL 3 itself sends 0x00FF in every
 * pre-TLS 1.3 hello, and neither can ever be the negotiated suite.
 */
const SIGNALLING_SUITES: readonly CipherSuite[] = [
  // RFC 5746 §3.3: "I support secure renegotiation" for clients that send no extensions (SSLv3).
  { code: 0x00FF, iana: 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV', kx: 'SCSV', au: 'None', enc: 'None', bits: 0, mac: 'None', scsv: true },
  // RFC 7507: "this is a downgraded retry"; a server supporting something higher answers inappropriate_fallback.
  { code: 0x5600, iana: 'TLS_FALLBACK_SCSV', kx: 'SCSV', au: 'None', enc: 'None', bits: 0, mac: 'None', scsv: true },
];

/** Every known suite, sorted by code. */
export const CIPHER_SUITES: readonly CipherSuite[] = [...OPENSSL3_SUITES, ...LEGACY_SUITES, ...IANA_ONLY_SUITES, ...SIGNALLING_SUITES].sort(
  (a, b) => a.code - b.code,
);

const byCode = new Map(CIPHER_SUITES.map((s) => [s.code, s]));
const byIana = new Map(CIPHER_SUITES.map((s) => [s.iana, s]));
const byOpenssl = new Map(CIPHER_SUITES.filter((s) => s.openssl !== undefined).map((s) => [s.openssl, s]));

export function suiteByCode(code: number): CipherSuite | undefined {
  return byCode.get(code);
}

export function suiteByIana(name: string): CipherSuite | undefined {
  return byIana.get(name);
}

/**
 * Looks up an OpenSSL name. OpenSSL 1.1 renamed the `EDH-` suites to `DHE-` and kept `EDH-` as an
 * alias, so both spellings find the 1.0.2 entries.
 */
export function suiteByOpenssl(name: string): CipherSuite | undefined {
  return byOpenssl.get(name) ?? (name.startsWith('DHE-') ? byOpenssl.get(`EDH-${name.slice(4)}`) : undefined);
}

/** IANA name, or the registry's own `0xC0,0x99` notation when the code is unknown. */
export function suiteName(code: number): string {
  return byCode.get(code)?.iana ?? suiteCodeText(code);
}

/** `0xC0,0x99`: how the IANA registry writes a suite code. */
export function suiteCodeText(code: number): string {
  const byte = (b: number): string => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return `${byte((code >> 8) & 0xff)},${byte(code & 0xff)}`;
}

/**
 * RFC 8701 GREASE: 0x0A0A, 0x1A1A … 0xFAFA, sent by Chrome and others in cipher suites, extensions,
 * groups, signature algorithms and versions so that servers keep ignoring unknown values.
 */
export function isGrease(code: number): boolean {
  return (code & 0x0f0f) === 0x0a0a && code >> 8 === (code & 0xff);
}
