import { constants } from 'node:crypto';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import type { ChainMaterial, ChainSpec } from '../certs/chain-spec.js';
import { suiteByIana } from '../tls/cipher-suites.js';
import { dhParamsPem } from './dh-params.js';
import type { Profile, TlsVersion } from './profile.js';
import { TLS_VERSIONS } from './profile.js';
import { UsageError } from '../usage-error.js';

/**
 * SSL_OP_NO_EXTENDED_MASTER_SECRET: OpenSSL 3.0 has it (SSL_OP_BIT(0), ssl.h) but Node does not export
 * it in crypto.constants; secureOptions passes any bit through to SSL_CTX_set_options.
 */
export const SSL_OP_NO_EXTENDED_MASTER_SECRET = 0x1;

/** OpenSSL's defaults when a profile names no TLS 1.3 suites. */
const DEFAULT_TLS13 = ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256'];

const atLeast = (v: TlsVersion, than: TlsVersion): boolean => TLS_VERSIONS.indexOf(v) >= TLS_VERSIONS.indexOf(than);

function chainNeedsLevel0(chain: ChainSpec | undefined): boolean {
  if (!chain) return false;
  const links = [...chain.intermediates, chain.leaf];
  return links.some((l) => l.hash === 'md5' || l.hash === 'sha1' || (l.key.type === 'rsa' && (l.key.bits ?? 2048) < 2048));
}

/**
 * The OpenSSL security level a profile must run at. Level 2 (Debian's default) refuses TLS 1.0/1.1,
 * SHA-1/MD5 signatures and keys under 2048 bits; level 1 still refuses MD5 and <1024-bit DH.
 */
export function securityLevel(profile: Profile): 0 | 1 | 2 {
  if (profile.securityLevel !== undefined) return profile.securityLevel;
  const min = profile.minVersion ?? 'TLSv1.2';
  if (!atLeast(min, 'TLSv1.2') || chainNeedsLevel0(profile.chain)) return 0;
  if (profile.dhBits === 'auto' ? profile.ciphers?.some((c) => c.includes('_anon_')) : (profile.dhBits ?? 2048) < 2048) return 1;
  return 2;
}

/** OpenSSL cipher string (TLS ≤ 1.2 part and TLS 1.3 part) for a profile. */
export function cipherString(profile: Profile): string {
  const min = profile.minVersion ?? 'TLSv1.2';
  const max = profile.maxVersion ?? 'TLSv1.3';
  const parts: string[] = [];
  if (!atLeast(min, 'TLSv1.3')) {
    if (profile.ciphers?.length) {
      for (const iana of profile.ciphers) {
        const suite = suiteByIana(iana);
        // Suites come from flags and profile files too: a bad one is the user's input, not a crash.
        if (!suite) throw new UsageError(`profile ${profile.name}: unknown cipher suite ${iana} (want IANA names such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)`);
        if (!suite.openssl || suite.legacy) throw new UsageError(`profile ${profile.name}: ${iana} cannot be negotiated by this OpenSSL (it is imitated by the TLS layer's legacy quirks instead)`);
        parts.push(suite.openssl);
      }
    } else {
      parts.push('DEFAULT');
    }
  } else {
    // A TLS 1.3-only profile: minVersion keeps these suites out of every handshake, but OpenSSL
    // refuses a context whose TLS ≤ 1.2 list is empty ("no cipher match").
    parts.push('DEFAULT');
  }
  const level = securityLevel(profile);
  // @SECLEVEL applies to the whole context. Node splits the string at ':' and sends names starting
  // with TLS_ to the TLS 1.3 list, so the level must stand alone, before them.
  // Level 2 is written out too: Node's bundled OpenSSL defaults to level 1, which would let a modern
  // personality accept 1024-bit keys and SHA-1 chains that Debian's OpenSSL (level 2) refuses.
  parts.push(`@SECLEVEL=${level}`);
  if (atLeast(max, 'TLSv1.3')) {
    for (const iana of profile.tls13Ciphers ?? DEFAULT_TLS13) {
      if (!suiteByIana(iana)?.tls13) throw new UsageError(`profile ${profile.name}: ${iana} is not a TLS 1.3 cipher suite (want ${DEFAULT_TLS13.join(', ')}, TLS_AES_128_CCM_SHA256 or TLS_AES_128_CCM_8_SHA256)`);
      parts.push(iana);
    }
  }
  return parts.join(':');
}

const groupKnown = new Map<string, boolean>();

/** OpenSSL decides which group names it knows; ask it once per name. */
function checkGroup(profile: Profile, group: string): void {
  let known = groupKnown.get(group);
  if (known === undefined) {
    try {
      createSecureContext({ ecdhCurve: group });
      known = !group.includes(':');
    } catch {
      known = false;
    }
    groupKnown.set(group, known);
  }
  if (!known) throw new UsageError(`profile ${profile.name}: unknown key-exchange group "${group}" (want names such as X25519, P-256, P-384, P-521, X448, ffdhe2048)`);
}

/** The SSL_OP_ bits a profile's extension fields turn into (0 when it answers every one OpenSSL knows). */
export function secureOptionsOf(profile: Profile): number {
  let bits = 0;
  if (profile.encryptThenMac === false) bits |= constants.SSL_OP_NO_ENCRYPT_THEN_MAC;
  if (profile.extendedMasterSecret === false) bits |= SSL_OP_NO_EXTENDED_MASTER_SECRET;
  if (profile.sessionTickets === false) bits |= constants.SSL_OP_NO_TICKET;
  return bits;
}

/**
 * Compiles a profile and its chain material into node `tls` options. The only place that knows
 * OpenSSL strings.
 */
export function compileProfile(profile: Profile, material?: ChainMaterial): SecureContextOptions & { honorCipherOrder?: boolean } {
  const min = profile.minVersion ?? 'TLSv1.2';
  const max = profile.maxVersion ?? 'TLSv1.3';
  const options: SecureContextOptions & { honorCipherOrder?: boolean } = {
    minVersion: min,
    maxVersion: max,
    ciphers: cipherString(profile),
    honorCipherOrder: profile.serverPreference ?? true,
  };
  const secureOptions = secureOptionsOf(profile);
  if (secureOptions) options.secureOptions = secureOptions;
  if (profile.groups?.length) {
    for (const g of profile.groups) checkGroup(profile, g);
    options.ecdhCurve = profile.groups.join(':');
  }
  if (profile.dhBits === 'auto') {
    options.dhparam = 'auto';
  } else if (profile.ciphers?.some((c) => c.includes('_DHE_') || c.includes('_DH_anon_')) || profile.dhBits) {
    options.dhparam = dhParamsPem(profile.dhBits ?? 2048);
  }
  if (material) {
    options.key = material.key;
    options.cert = material.cert;
  }
  return options;
}
