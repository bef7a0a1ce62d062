import type { ChainSpec, LinkSpec } from '../certs/chain-spec.js';
import type { Profile } from './profile.js';

/**
 * The built-in personalities. Plain data: every entry names the real system it imitates. TLS
 * personalities carry the lab's good chain unless combined with a certificate personality
 * (`tls10-only+md5-chain`).
 */

const DEFAULT_NAMES = ['mx.mxlab.test', 'localhost'];
const DEFAULT_IPS = ['127.0.0.1', '::1'];

const intermediate = (hash: LinkSpec['hash'] = 'sha256'): LinkSpec => ({
  cn: 'mxlab Lab Intermediate CA',
  key: { type: 'rsa', bits: 2048 },
  hash,
  validity: { fromDays: -1, toDays: 3650 },
});

const leaf = (over: Partial<LinkSpec> = {}): LinkSpec => ({
  cn: 'mx.mxlab.test',
  key: { type: 'rsa', bits: 2048 },
  hash: 'sha256',
  dnsNames: DEFAULT_NAMES,
  ipAddresses: DEFAULT_IPS,
  ...over,
});

/** The lab's good chain: lab root → intermediate → RSA-2048 leaf, all SHA-256. */
export const DEFAULT_CHAIN: ChainSpec = { root: 'lab', intermediates: [intermediate()], leaf: leaf() };

/** Exchange 2019's default cipher list on Windows Server 2019 (docs/field-notes.md "DHE-only peers"). */
const EXCHANGE_2019_SUITES = [
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256',
];

/** What Windows Server 2008 R2 / 2012 SChannel offers at TLS 1.0 once RC4 and 3DES are gone. */
const SCHANNEL_LEGACY_SUITES = [
  'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  'TLS_DHE_RSA_WITH_AES_256_CBC_SHA',
  'TLS_DHE_RSA_WITH_AES_128_CBC_SHA',
  'TLS_RSA_WITH_AES_256_CBC_SHA',
  'TLS_RSA_WITH_AES_128_CBC_SHA',
];


/**
 * A default Postfix 3.7 smtpd (Debian 12, `smtpd_tls_security_level = may`, an RSA-2048 certificate):
 * `tls_medium_cipherlist` = "aNULL:-aNULL:HIGH:MEDIUM:+RC4:@STRENGTH" as OpenSSL 3.0 expands it, less
 * the suites an RSA certificate cannot serve (ECDSA, DSS, PSK, SRP): the 56 suites sslscan and
 * testssl.sh list on a real instance (test/interop/products.test.ts repeats that scan), in OpenSSL's
 * @STRENGTH order. Anonymous ADH/AECDH suites stay in: Postfix offers them to opportunistic clients.
 */
const POSTFIX_37_SUITES = [
  'TLS_DH_anon_WITH_AES_256_GCM_SHA384', 'TLS_DH_anon_WITH_AES_256_CBC_SHA256', 'TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256',
  'TLS_ECDH_anon_WITH_AES_256_CBC_SHA', 'TLS_DH_anon_WITH_AES_256_CBC_SHA', 'TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'TLS_DHE_RSA_WITH_AES_256_CCM_8', 'TLS_DHE_RSA_WITH_AES_256_CCM',
  'TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384', 'TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
  'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256', 'TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384', 'TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA', 'TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA',
  'TLS_RSA_WITH_AES_256_GCM_SHA384', 'TLS_RSA_WITH_AES_256_CCM_8', 'TLS_RSA_WITH_AES_256_CCM', 'TLS_RSA_WITH_ARIA_256_GCM_SHA384',
  'TLS_RSA_WITH_AES_256_CBC_SHA256', 'TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256', 'TLS_RSA_WITH_AES_256_CBC_SHA', 'TLS_RSA_WITH_CAMELLIA_256_CBC_SHA',
  'TLS_DH_anon_WITH_AES_128_GCM_SHA256', 'TLS_DH_anon_WITH_AES_128_CBC_SHA256', 'TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256',
  'TLS_ECDH_anon_WITH_AES_128_CBC_SHA', 'TLS_DH_anon_WITH_AES_128_CBC_SHA', 'TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_DHE_RSA_WITH_AES_128_CCM_8',
  'TLS_DHE_RSA_WITH_AES_128_CCM', 'TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256', 'TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256', 'TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256',
  'TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA',
  'TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA', 'TLS_RSA_WITH_AES_128_GCM_SHA256', 'TLS_RSA_WITH_AES_128_CCM_8', 'TLS_RSA_WITH_AES_128_CCM',
  'TLS_RSA_WITH_ARIA_128_GCM_SHA256', 'TLS_RSA_WITH_AES_128_CBC_SHA256', 'TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256',
  'TLS_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_CAMELLIA_128_CBC_SHA',
];

/**
 * Dovecot 2.3's default ssl_cipher_list (`doveconf -d ssl_cipher_list` on Debian 12's 2.3.19):
 * "ALL:!kRSA:!SRP:!kDHd:!DSS:!aNULL:!eNULL:!EXPORT:!DES:!3DES:!MD5:!PSK:!RC4:!ADH:!LOW@STRENGTH" as
 * OpenSSL 3.0 expands it for an RSA certificate, in its @STRENGTH order: no static RSA, no anonymous.
 */
const DOVECOT_23_SUITES = [
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'TLS_DHE_RSA_WITH_AES_256_CCM_8', 'TLS_DHE_RSA_WITH_AES_256_CCM',
  'TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384', 'TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
  'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256', 'TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384', 'TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA', 'TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_DHE_RSA_WITH_AES_128_CCM_8',
  'TLS_DHE_RSA_WITH_AES_128_CCM', 'TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256', 'TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256', 'TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256',
  'TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA',
  'TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA',
];

/**
 * Windows Server 2019 (Windows 10 1809) Schannel's default TLS 1.2 order, as Microsoft's "TLS Cipher
 * Suites in Windows Server 2019" lists it, with the DHE-RSA-GCM suites at positions 5-6; the ECDSA
 * suites need an ECDSA certificate and go unused with an RSA one. TLS_RSA_WITH_3DES_EDE_CBC_SHA, which
 * follows in that list, is left out: OpenSSL 3 cannot negotiate 3DES (the 3des-only profile imitates it).
 */
const SCHANNEL_2019_SUITES = [
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  'TLS_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_RSA_WITH_AES_256_CBC_SHA256',
  'TLS_RSA_WITH_AES_128_CBC_SHA256',
  'TLS_RSA_WITH_AES_256_CBC_SHA',
  'TLS_RSA_WITH_AES_128_CBC_SHA',
];

/**
 * Windows Server 2008 R2 (Windows 7) Schannel's default order as it applies at TLS 1.0 (the SHA-256
 * suites are TLS 1.2 only, and 2008 R2 leaves TLS 1.1/1.2 off on the server side): Microsoft's "Cipher
 * Suites in TLS/SSL (Schannel SSP)" for Windows 7. TLS_RSA_WITH_RC4_128_SHA and
 * TLS_RSA_WITH_3DES_EDE_CBC_SHA, which sit between the RSA and ECDHE suites there, are left out:
 * OpenSSL 3 cannot negotiate them (rc4-only and 3des-only imitate them).
 */
const SCHANNEL_2008R2_TLS10_SUITES = [
  'TLS_RSA_WITH_AES_128_CBC_SHA',
  'TLS_RSA_WITH_AES_256_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
];

/**
 * Cisco Secure Email Gateway (ESA), AsyncOS 14-15 default inbound SMTP cipher string
 * "ECDH+aRSA:ECDH+ECDSA:DHE+DSS+AES:AES128:AES256:!SRP:!AESGCM+DH+aRSA:!AESGCM+RSA:!aNULL:!eNULL:!DES:!3DES:!SHA256:!SHA384:+AES128:+aRSA"
 * (AsyncOS user guide, "SSL Configuration Settings") as the ESA's OpenSSL 1.0.2 expands it for an RSA
 * certificate (no CCM, ARIA or ChaCha20 in 1.0.2).
 */
const CISCO_ESA_SUITES = [
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  'TLS_DHE_RSA_WITH_AES_256_CBC_SHA',
  'TLS_RSA_WITH_AES_256_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  'TLS_DHE_RSA_WITH_AES_128_CBC_SHA',
  'TLS_RSA_WITH_AES_128_CBC_SHA',
];

/**
 * GnuTLS 3.7's NORMAL priority (what Exim on Debian 12 uses with tls_require_ciphers unset), as
 * `gnutls-serv --priority NORMAL` from Debian 12's GnuTLS 3.7.9 serves it with an RSA certificate:
 * sslscan's TLS 1.2 list on 2026-12-02 (test/interop/product-exim.test.ts repeats it).
 */
const GNUTLS_NORMAL_SUITES = [
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'TLS_DHE_RSA_WITH_AES_256_CCM', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_DHE_RSA_WITH_AES_128_CCM', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  'TLS_DHE_RSA_WITH_AES_256_CBC_SHA', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA',
  'TLS_RSA_WITH_AES_256_GCM_SHA384', 'TLS_RSA_WITH_AES_256_CCM', 'TLS_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_RSA_WITH_AES_128_CCM', 'TLS_RSA_WITH_AES_256_CBC_SHA', 'TLS_RSA_WITH_AES_128_CBC_SHA',
];

/** What a TLS 1.0-era server stack answers: none of the 2014-2015 extensions, no tickets (Schannel before 2015). */
const TLS10_ERA = { encryptThenMac: false, extendedMasterSecret: false, sessionTickets: false } as const;
/** Schannel since the 2015 updates (MS15-121 added extended master secret): no encrypt-then-MAC, no tickets by default. */
const SCHANNEL = { encryptThenMac: false, extendedMasterSecret: true, sessionTickets: false } as const;

export const CATALOGUE: readonly Profile[] = [
  {
    name: 'modern',
    kind: 'tls',
    summary: 'A locked-down current server (Mozilla "intermediate"-style hardening, not a product default): TLS 1.2-1.3, six ECDHE AEAD suites, server order, RSA-2048 SHA-256 chain',
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    ciphers: [
      'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
      'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
      'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
      'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
      'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
      'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    ],
    tls13Ciphers: ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256'],
    groups: ['X25519', 'P-256', 'P-384'],
    serverPreference: true,
    chain: DEFAULT_CHAIN,
  },
  {
    name: 'postfix-3.7-default',
    kind: 'tls',
    summary: 'Postfix 3.7 as Debian 12 installs it (smtpd_tls_security_level = may, nothing else set): TLS 1.0-1.3, 56 suites + 3 TLS 1.3 ones incl. anonymous ADH/AECDH, DH 1024/2048/3072 (OpenSSL auto), client order. Source: a scan of the real thing (test/interop/products.test.ts)',
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1.3',
    ciphers: POSTFIX_37_SUITES,
    // tls_eecdh_auto_curves' default (postconf -d), which testssl.sh lists on the real instance.
    groups: ['X25519', 'X448', 'P-256', 'P-521', 'P-384'],
    dhBits: 'auto',
    serverPreference: false,
    encryptThenMac: true,
    extendedMasterSecret: true,
    sessionTickets: true,
    chain: DEFAULT_CHAIN,
  },
  {
    name: 'dovecot-2.3-default',
    kind: 'tls',
    summary: 'Dovecot 2.3 as Debian 12 installs it (IMAP/POP3): TLS 1.2-1.3 (ssl_min_protocol), 28 ECDHE/DHE suites (ssl_cipher_list), 4096-bit DH (Debian\'s /usr/share/dovecot/dh.pem, RFC 3526 group 16), client order (ssl_prefer_server_ciphers = no). Source: doveconf -d of Debian 12\'s dovecot-core 2.3.19 and a scan of the real thing',
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    ciphers: DOVECOT_23_SUITES,
    dhBits: 4096,
    serverPreference: false,
    encryptThenMac: true,
    extendedMasterSecret: true,
    sessionTickets: true,
    chain: DEFAULT_CHAIN,
  },
  {
    name: 'exim-4.96-default',
    kind: 'tls',
    summary: 'Exim 4.96 on Debian 12 (GnuTLS, tls_require_ciphers unset: GnuTLS NORMAL): TLS 1.0-1.3, 18 suites + 4 TLS 1.3 ones incl. AES-128-CCM, DH 2048, client order. Source: a scan of GnuTLS 3.7.9 at NORMAL (gnutls-serv); Exim itself conflicts with Postfix and is not installed here',
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1.3',
    ciphers: GNUTLS_NORMAL_SUITES,
    tls13Ciphers: ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256', 'TLS_AES_128_CCM_SHA256'],
    groups: ['P-256', 'P-384', 'P-521', 'X25519', 'X448', 'ffdhe2048', 'ffdhe3072', 'ffdhe4096', 'ffdhe6144', 'ffdhe8192'],
    dhBits: 2048,
    serverPreference: false,
    encryptThenMac: true,
    extendedMasterSecret: true,
    sessionTickets: true,
    chain: DEFAULT_CHAIN,
  },
  {
    name: 'exchange-2019-default',
    kind: 'tls',
    summary: 'Exchange 2019 on a Windows Server 2019 left at its defaults: Schannel TLS 1.0-1.2 and its default suite order, DHE-RSA-GCM at positions 5-6, server order. Source: Microsoft, "TLS Cipher Suites in Windows Server 2019"',
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1.2',
    ciphers: SCHANNEL_2019_SUITES,
    groups: ['X25519', 'P-256', 'P-384'],
    dhBits: 2048,
    serverPreference: true,
    ...SCHANNEL,
    chain: DEFAULT_CHAIN,
  },
  {
    name: 'exchange-2010-sp3',
    kind: 'tls',
    summary: 'Exchange 2010 SP3 on Windows Server 2008 R2 defaults: TLS 1.0 only, Schannel\'s Windows 7 order (RSA AES before ECDHE), server order, extended master secret after MS15-121. Source: Microsoft, "Cipher Suites in TLS/SSL (Schannel SSP)", Windows 7 / 2008 R2',
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1',
    ciphers: SCHANNEL_2008R2_TLS10_SUITES,
    groups: ['P-256', 'P-384', 'P-521'],
    serverPreference: true,
    ...SCHANNEL,
    chain: DEFAULT_CHAIN,
  },
  {
    name: 'office365-inbound',
    kind: 'tls',
    summary: 'Microsoft 365 / Exchange Online inbound SMTP (*.mail.protection.outlook.com): TLS 1.2-1.3, the eight ECDHE suites of "TLS cipher suites supported by Office 365", server order. Source: Microsoft Learn, "Preparing for TLS 1.2 in Office 365" and "TLS 1.3 support for SMTP in Exchange Online"',
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    ciphers: EXCHANGE_2019_SUITES,
    tls13Ciphers: ['TLS_AES_256_GCM_SHA384', 'TLS_AES_128_GCM_SHA256'],
    groups: ['X25519', 'P-256', 'P-384'],
    serverPreference: true,
    ...SCHANNEL,
    chain: DEFAULT_CHAIN,
  },
  {
    name: 'cisco-esa-default',
    kind: 'tls',
    summary: 'Cisco Secure Email Gateway (ESA, AsyncOS 14-15) inbound SMTP at its defaults: TLS 1.1-1.2, the default cipher string, server order. Source: Cisco AsyncOS user guide, "SSL Configuration Settings"',
    minVersion: 'TLSv1.1',
    maxVersion: 'TLSv1.2',
    ciphers: CISCO_ESA_SUITES,
    groups: ['P-256', 'P-384', 'P-521'],
    dhBits: 2048,
    serverPreference: true,
    encryptThenMac: true,
    extendedMasterSecret: true,
    sessionTickets: false,
    chain: DEFAULT_CHAIN,
  },
  {
    name: 'exchange-2019-ecdhe',
    kind: 'tls',
    summary: 'Exchange 2019 hardened as Microsoft\'s Exchange TLS guidance recommends: TLS 1.2 only, exactly eight ECDHE suites, no DHE (the seed case; exchange-2019-default is the unhardened one)',
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.2',
    ciphers: EXCHANGE_2019_SUITES,
    groups: ['X25519', 'P-256', 'P-384'],
    serverPreference: true,
    ...SCHANNEL,
    chain: DEFAULT_CHAIN,
  },
  {
    name: 'tls10-only',
    kind: 'tls',
    summary: 'Exchange 2010 before SP3 RU9, old firewalls, printers and appliances: TLS 1.0 only, CBC suites',
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1',
    ciphers: SCHANNEL_LEGACY_SUITES,
    groups: ['P-256', 'P-384'],
    serverPreference: true,
    ...TLS10_ERA,
    chain: DEFAULT_CHAIN,
  },
  {
    name: 'tls11-max',
    kind: 'tls',
    summary: 'Exchange 2010 SP3 RU9-era / Windows 2008 R2 with TLS 1.1 enabled: TLS 1.0-1.1, CBC suites',
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1.1',
    ciphers: SCHANNEL_LEGACY_SUITES,
    groups: ['P-256', 'P-384'],
    serverPreference: true,
    ...TLS10_ERA,
    chain: DEFAULT_CHAIN,
  },
  {
    name: 'dhe-only',
    kind: 'tls',
    summary: 'Older partner MTA that knows only finite-field DHE: TLS 1.2, DHE-RSA AES-GCM suites, 2048-bit DH (the seed case peer)',
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.2',
    ciphers: ['TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256'],
    dhBits: 2048,
    chain: DEFAULT_CHAIN,
  },
  {
    name: 'dhe-1024',
    kind: 'tls',
    summary: 'The same DHE-only MTA still on 1024-bit DH parameters (Logjam era): refused by clients at OpenSSL security level 2',
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.2',
    ciphers: ['TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256'],
    dhBits: 1024,
    chain: DEFAULT_CHAIN,
  },
  {
    name: 'rsa-kex-only',
    kind: 'tls',
    summary: 'Appliance without forward secrecy (static RSA key exchange only): TLS 1.0-1.2, AES128-SHA and AES256-SHA',
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1.2',
    ciphers: ['TLS_RSA_WITH_AES_256_CBC_SHA', 'TLS_RSA_WITH_AES_128_CBC_SHA'],
    serverPreference: true,
    ...TLS10_ERA,
    chain: DEFAULT_CHAIN,
  },
  {
    name: 'intolerant-tls10',
    kind: 'tls',
    summary: 'TLS 1.0-only server that drops hellos offering more (TLS 1.0-era appliance, load-balancer and embedded MTA stacks): closes the connection, no ServerHello',
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1',
    ciphers: SCHANNEL_LEGACY_SUITES,
    groups: ['P-256', 'P-384'],
    serverPreference: true,
    ...TLS10_ERA,
    chain: DEFAULT_CHAIN,
    quirks: { intolerantAbove: 'TLSv1', intoleranceReaction: 'close' },
  },
  {
    name: 'intolerant-tls13',
    kind: 'tls',
    summary: 'TLS 1.2 server behind a pre-2018 TLS-inspecting middlebox that closes the connection on a hello offering TLS 1.3; TLS 1.2-only clients get through',
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.2',
    groups: ['X25519', 'P-256', 'P-384'],
    chain: DEFAULT_CHAIN,
    quirks: { intolerantOfTls13: true, intoleranceReaction: 'close' },
  },
  {
    name: 'hello-size-intolerant',
    kind: 'tls',
    summary: 'Older F5 BIG-IP firmware (the "F5 bug" behind RFC 7685 padding): hangs on ClientHellos of 256-511 bytes; shorter and longer ones get through',
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1.2',
    chain: DEFAULT_CHAIN,
    ...TLS10_ERA,
    quirks: { intolerantHelloSizes: { min: 256, max: 511 }, intoleranceReaction: 'hang' },
  },
  {
    name: 'rc4-only',
    kind: 'tls',
    summary: 'Windows Server 2003 / Exchange 2003 left with only RC4 after the 2011 BEAST advice: TLS 1.0, RC4-SHA and RC4-MD5 (imitated up to the ServerHello)',
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1',
    chain: DEFAULT_CHAIN,
    ...TLS10_ERA,
    quirks: { imitateLegacySuites: ['TLS_RSA_WITH_RC4_128_SHA', 'TLS_RSA_WITH_RC4_128_MD5'] },
  },
  {
    name: '3des-only',
    kind: 'tls',
    summary: 'Windows Server 2003 SChannel without the AES update, RC4 disabled: TLS 1.0, DES-CBC3-SHA only (imitated up to the ServerHello)',
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1',
    chain: DEFAULT_CHAIN,
    ...TLS10_ERA,
    quirks: { imitateLegacySuites: ['TLS_RSA_WITH_3DES_EDE_CBC_SHA'] },
  },
  {
    name: 'sslv3-only',
    kind: 'tls',
    summary: 'IBM Lotus Domino before 9.0.1 FP2 (2014, POODLE): SSL 3.0 only, RC4 and 3DES with RSA key exchange (imitated up to the ServerHello)',
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1',
    chain: DEFAULT_CHAIN,
    ...TLS10_ERA,
    quirks: { imitateVersion: 'SSLv3', imitateLegacySuites: ['TLS_RSA_WITH_RC4_128_SHA', 'TLS_RSA_WITH_RC4_128_MD5', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA'] },
  },
  {
    name: 'md5-chain',
    kind: 'cert',
    summary: 'MD5-signed leaf under an MD5-signed intermediate (pre-2009 private PKI, old appliance certificates): scanners flag the leaf md5WithRSAEncryption, Office 365 SMTP refuses it',
    chain: { root: 'lab', intermediates: [intermediate('md5')], leaf: leaf({ hash: 'md5' }) },
  },
  {
    name: 'md5-intermediate',
    kind: 'cert',
    summary: 'Only the intermediate is MD5-signed (root -> md5 intermediate -> sha256 leaf): scanners that look at the leaf see nothing, chain validation (Office 365 SMTP) refuses it',
    chain: { root: 'lab', intermediates: [intermediate('md5')], leaf: leaf() },
  },
  {
    name: 'sha1-chain',
    kind: 'cert',
    summary: 'SHA-1 signed intermediate and leaf: refused by up-to-date Windows since 1 January 2017',
    chain: { root: 'lab', intermediates: [intermediate('sha1')], leaf: leaf({ hash: 'sha1' }) },
  },
  {
    name: 'rsa-1024',
    kind: 'cert',
    summary: 'Leaf with a 1024-bit RSA key: refused by clients at OpenSSL security level 2 and by Office 365',
    chain: { root: 'lab', intermediates: [intermediate()], leaf: leaf({ key: { type: 'rsa', bits: 1024 } }) },
  },
  {
    name: 'self-signed',
    kind: 'cert',
    summary: 'Self-signed leaf, the default certificate of a freshly installed MTA or appliance',
    chain: { root: 'none', intermediates: [], leaf: leaf() },
  },
  {
    name: 'expired',
    kind: 'cert',
    summary: 'Leaf that expired 30 days ago (nobody renewed the MX certificate)',
    chain: { root: 'lab', intermediates: [intermediate()], leaf: leaf({ validity: { fromDays: -400, toDays: -30 } }) },
  },
  {
    name: 'wrong-name',
    kind: 'cert',
    summary: 'Valid chain for another host name (a web certificate bound to the SMTP service, wrong MX name)',
    chain: { root: 'lab', intermediates: [intermediate()], leaf: leaf({ cn: 'wrong.example.net', dnsNames: ['wrong.example.net'], ipAddresses: [] }) },
  },
  {
    name: 'untrusted-root',
    kind: 'cert',
    summary: 'Chain from a private CA that no public trust store holds (an internal PKI)',
    chain: { root: 'private', intermediates: [intermediate()], leaf: leaf() },
  },
  {
    name: 'missing-intermediate',
    kind: 'cert',
    summary: 'Server sends only its leaf, not the intermediate (a common misconfiguration)',
    chain: { root: 'lab', intermediates: [intermediate()], leaf: leaf(), omitIntermediates: true },
  },
];
