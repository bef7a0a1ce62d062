import type { KeyExchangeInfo } from '../model/session-record.js';
import type { ClientHelloSummary } from '../model/client-hello.js';

/** OpenSSL 3.0's default group list, used when a profile names none. */
const OPENSSL_DEFAULT_GROUPS = ['X25519', 'P-256', 'X448', 'P-521', 'P-384', 'ffdhe2048', 'ffdhe3072', 'ffdhe4096', 'ffdhe6144', 'ffdhe8192'];

const GROUP_BITS: Record<string, number> = {
  X25519: 253, X448: 448, 'P-256': 256, 'P-384': 384, 'P-521': 521,
  ffdhe2048: 2048, ffdhe3072: 3072, ffdhe4096: 4096, ffdhe6144: 6144, ffdhe8192: 8192,
};

/** Aliases OpenSSL accepts for the same group. */
const CANONICAL: Record<string, string> = { prime256v1: 'P-256', secp256r1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521', x25519: 'X25519', x448: 'X448' };
const canonical = (g: string): string => CANONICAL[g] ?? g;

function pickGroup(client: readonly string[], server: readonly string[], serverFirst: boolean): string | undefined {
  const s = server.map(canonical);
  const c = client.map(canonical);
  const [first, second] = serverFirst ? [s, c] : [c, s];
  return first.find((g) => second.includes(g));
}

/** Key-exchange family of a suite from its IANA name. */
export function kxFamily(iana: string, version: string): KeyExchangeInfo['type'] {
  if (version === 'TLSv1.3') return 'ECDHE';
  if (/_ECDHE_|_ECDH_anon_/.test(iana)) return 'ECDHE';
  if (/_DHE_|_DH_anon_/.test(iana)) return 'DHE';
  if (/^TLS_RSA_/.test(iana)) return 'RSA';
  if (/_PSK_/.test(iana)) return 'PSK';
  return 'unknown';
}

/**
 * The server side cannot ask OpenSSL which group it used (Node's getEphemeralKeyInfo() is null on
 * servers), so it is derived from both hellos with OpenSSL's own rule: in TLS 1.3 the first key_share
 * the client sent that the server supports; in TLS 1.2 the first shared group in server order when the
 * server enforces its preference, else in client order. DH sizes are the server's own parameters.
 */
/** What of a server's TLS personality decides its key exchange (a profile has these fields). */
export interface ServerKeyExchangeSettings {
  readonly groups?: readonly string[];
  readonly dhBits?: number | 'auto';
  readonly serverPreference?: boolean;
}

/**
 * The DH size OpenSSL's automatic choice (SSL_CTX_set_dh_auto, ssl_get_auto_dh) makes: anonymous
 * suites by their strength (256-bit ciphers 3072, others 1024), authenticated ones by the leaf key's
 * security bits (RSA 2048 → 112 → 2048 bits; RSA 3072 → 128 → 3072; below 2048 → 1024).
 */
export function autoDhBits(iana: string, leafRsaBits = 2048): number {
  if (iana.includes('_anon_')) return /_256_/.test(iana) ? 3072 : 1024;
  if (leafRsaBits >= 15360) return 8192;
  if (leafRsaBits >= 7680) return 4096;
  if (leafRsaBits >= 3072) return 3072;
  if (leafRsaBits >= 2048) return 2048;
  return 1024;
}

export function serverKeyExchange(version: string, iana: string, hello: ClientHelloSummary | undefined, profile: ServerKeyExchangeSettings, leafRsaBits?: number): KeyExchangeInfo {
  const serverGroups = profile.groups ?? OPENSSL_DEFAULT_GROUPS;
  let type = kxFamily(iana, version);
  if (type === 'DHE') return { type, bits: profile.dhBits === 'auto' ? autoDhBits(iana, leafRsaBits) : (profile.dhBits ?? 2048), source: 'configured' };
  if (type === 'RSA') return { type, ...(leafRsaBits ? { bits: leafRsaBits } : {}), source: 'configured' };
  if (type !== 'ECDHE' || !hello) return { type, source: 'inferred' };
  let group: string | undefined;
  if (version === 'TLSv1.3') {
    group = pickGroup(hello.keyShares ?? [], serverGroups, false) ?? pickGroup(hello.groups ?? [], serverGroups, profile.serverPreference ?? true);
  } else {
    group = pickGroup(hello.groups ?? serverGroups, serverGroups.filter((g) => !g.startsWith('ffdhe')), profile.serverPreference ?? true);
  }
  if (group?.startsWith('ffdhe')) type = 'DHE';
  return { type, ...(group ? { group, ...(GROUP_BITS[group] ? { bits: GROUP_BITS[group] } : {}) } : {}), source: 'inferred' };
}

/** The client side reads the group from OpenSSL (getEphemeralKeyInfo) — exact. */
export function clientKeyExchange(version: string, iana: string, info: { type?: string; name?: string; size?: number } | null | undefined): KeyExchangeInfo {
  let type = kxFamily(iana, version);
  if (info?.type === 'DH') type = 'DHE';
  const group = info?.name ? canonical(info.name === 'prime256v1' ? 'P-256' : info.name) : undefined;
  return { type, ...(group ? { group } : {}), ...(info?.size ? { bits: info.size } : {}), source: 'peer' };
}
