/**
 * The ClientHellos a scan sends. Wide on purpose (every suite, group and signature scheme the
 * registry knows, so a server's choice is its own), and hygienic (RFC 7685 padding out of the
 * 256–511-byte range, never an empty last extension) so that no broken middlebox decides the result.
 */
import type { ClientHelloSpec, HelloExtension, HelloPadding } from '../tls/client-hello-builder.js';
import type { KeyShare } from '../tls/key-share.js';

export const SSL3 = 0x0300;
export const TLS10 = 0x0301;
export const TLS11 = 0x0302;
export const TLS12 = 0x0303;
export const TLS13 = 0x0304;

/** RFC 5746 §3.3: an SSL 3.0 hello has no extensions, so it signals secure renegotiation this way. */
const RENEGOTIATION_SCSV = 0x00ff;
/** RFC 7507. */
export const FALLBACK_SCSV = 0x5600;

/** Named groups offered in TLS ≤ 1.2 (RFC 8422 curves, RFC 7919 groups): every curve OpenSSL 1.0–3 can serve. */
export const LEGACY_GROUPS: readonly number[] = [29, 23, 24, 25, 30, 22, 26, 27, 28, 21, 20, 19, 18, 15, 16, 17, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0x100, 0x101, 0x102, 0x103, 0x104];
/** Groups probed one by one (the list: X25519, X448, NIST curves, FFDHE). */
export const PROBED_GROUPS: readonly number[] = [29, 30, 23, 24, 25, 0x100, 0x101, 0x102, 0x103, 0x104];
/** Groups offered in TLS 1.3 (RFC 8446 §4.2.7). */
export const TLS13_GROUPS: readonly number[] = [29, 23, 24, 25, 30, 0x100, 0x101, 0x102, 0x103, 0x104];

/** Every signature scheme of RFC 8446 §4.2.3 and the TLS 1.2 hash/signature pairs (RFC 5246 §7.4.1.4.1). */
const SCHEMES: readonly number[] = [
  0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b, 0x0401, 0x0501, 0x0601,
  0x0303, 0x0301, 0x0302, 0x0402, 0x0502, 0x0602, 0x0203, 0x0201, 0x0202, 0x0101, 0x0102,
];

export interface LegacyHelloOptions {
  readonly version: number;
  readonly suites: readonly number[];
  readonly sni?: string;
  readonly groups?: readonly number[];
  readonly padding?: HelloPadding;
  /** Extra suite codes at the end (FALLBACK_SCSV). */
  readonly signalling?: readonly number[];
}

/** A TLS ≤ 1.2 (or SSL 3.0) hello offering exactly `version`. */
export function legacyHello(o: LegacyHelloOptions): ClientHelloSpec {
  if (o.version === SSL3) {
    // As SSL 3.0 clients sent it: no extensions block, SSL 3.0 in the record too.
    return { legacyVersion: SSL3, recordVersion: SSL3, suites: [...o.suites, RENEGOTIATION_SCSV, ...(o.signalling ?? [])], padding: 'none' };
  }
  const extensions: HelloExtension[] = [];
  if (o.sni) extensions.push({ type: 'server_name', host: o.sni });
  extensions.push({ type: 'supported_groups', groups: o.groups ?? LEGACY_GROUPS }, { type: 'ec_point_formats' });
  // RFC 5246 §7.4.1.4.1: signature_algorithms is a TLS 1.2 extension.
  if (o.version >= TLS12) extensions.push({ type: 'signature_algorithms', schemes: SCHEMES });
  extensions.push({ type: 'extended_master_secret' }, { type: 'renegotiation_info' });
  return { legacyVersion: o.version, recordVersion: TLS10, suites: [...o.suites, ...(o.signalling ?? [])], extensions, padding: o.padding ?? 'hygienic' };
}

export interface ModernHelloOptions {
  readonly suites: readonly number[];
  readonly sni?: string;
  readonly groups?: readonly number[];
  /** Empty: no share at all (RFC 8446 §4.2.8 allows it; the server answers with a HelloRetryRequest naming its group). */
  readonly shares: readonly KeyShare[];
  /** supported_versions. @default [TLS 1.3] */
  readonly versions?: readonly number[];
  /** Suites for TLS ≤ 1.2 offered alongside (a hello that also lets a TLS 1.2 server answer). */
  readonly legacySuites?: readonly number[];
}

/** A TLS 1.3 hello: legacy_version TLS 1.2 and supported_versions (RFC 8446 §4.1.2). */
export function modernHello(o: ModernHelloOptions): ClientHelloSpec {
  const extensions: HelloExtension[] = [];
  if (o.sni) extensions.push({ type: 'server_name', host: o.sni });
  extensions.push(
    { type: 'supported_versions', versions: o.versions ?? [TLS13] },
    { type: 'supported_groups', groups: o.groups ?? TLS13_GROUPS },
    { type: 'ec_point_formats' },
    { type: 'signature_algorithms', schemes: SCHEMES },
    { type: 'key_share', shares: o.shares },
    { type: 'psk_key_exchange_modes' },
    { type: 'extended_master_secret' },
    { type: 'renegotiation_info' },
  );
  return { legacyVersion: TLS12, recordVersion: TLS10, suites: [...o.suites, ...(o.legacySuites ?? [])], extensions, padding: 'hygienic' };
}
