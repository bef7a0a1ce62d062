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

/** Exchange 2019's default cipher list on Windows Server 2019 (FIELD-NOTES: the seed case). */
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

export const CATALOGUE: readonly Profile[] = [
  {
    name: 'modern',
    kind: 'tls',
    summary: 'Current Postfix/Exim/Microsoft 365 defaults: TLS 1.2-1.3, ECDHE with AEAD suites, RSA-2048 SHA-256 chain',
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
    chain: DEFAULT_CHAIN,
  },
  {
    name: 'exchange-2019-ecdhe',
    kind: 'tls',
    summary: 'Exchange 2019 on Windows Server 2019 defaults: TLS 1.2 only, exactly eight ECDHE suites, no DHE (the seed case)',
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.2',
    ciphers: EXCHANGE_2019_SUITES,
    groups: ['X25519', 'P-256', 'P-384'],
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
    quirks: { intolerantHelloSizes: { min: 256, max: 511 }, intoleranceReaction: 'hang' },
  },
  {
    name: 'rc4-only',
    kind: 'tls',
    summary: 'Windows Server 2003 / Exchange 2003 left with only RC4 after the 2011 BEAST advice: TLS 1.0, RC4-SHA and RC4-MD5 (imitated up to the ServerHello)',
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1',
    chain: DEFAULT_CHAIN,
    quirks: { imitateLegacySuites: ['TLS_RSA_WITH_RC4_128_SHA', 'TLS_RSA_WITH_RC4_128_MD5'] },
  },
  {
    name: '3des-only',
    kind: 'tls',
    summary: 'Windows Server 2003 SChannel without the AES update, RC4 disabled: TLS 1.0, DES-CBC3-SHA only (imitated up to the ServerHello)',
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1',
    chain: DEFAULT_CHAIN,
    quirks: { imitateLegacySuites: ['TLS_RSA_WITH_3DES_EDE_CBC_SHA'] },
  },
  {
    name: 'sslv3-only',
    kind: 'tls',
    summary: 'IBM Lotus Domino before 9.0.1 FP2 (2014, POODLE): SSL 3.0 only, RC4 and 3DES with RSA key exchange (imitated up to the ServerHello)',
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1',
    chain: DEFAULT_CHAIN,
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
