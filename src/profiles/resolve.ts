import { badChoice } from '../text/did-you-mean.js';
import { UsageError } from '../usage-error.js';
import { CATALOGUE } from './catalogue.js';
import type { Profile, TlsVersion } from './profile.js';
import { TLS_VERSIONS } from './profile.js';

/** Field overrides a user may give from flags or a profile file. */
export type ProfileOverrides = Partial<Pick<Profile, 'minVersion' | 'maxVersion' | 'ciphers' | 'tls13Ciphers' | 'groups' | 'dhBits' | 'serverPreference' | 'encryptThenMac' | 'extendedMasterSecret' | 'sessionTickets' | 'securityLevel' | 'quirks'>>;

export function profileNames(): string[] {
  return CATALOGUE.map((p) => p.name);
}

export function findProfile(name: string): Profile | undefined {
  return CATALOGUE.find((p) => p.name === name);
}

/**
 * Resolves `tls10-only+md5-chain`: at most one TLS personality and one certificate personality. A
 * certificate personality alone runs on `modern`'s TLS settings.
 */
export function resolveProfile(spec: string, overrides: ProfileOverrides = {}): Profile {
  const parts = spec.split('+').map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) throw new UsageError(badChoice('--profile', spec, profileNames()));
  const found = parts.map((name) => {
    const p = findProfile(name);
    if (!p) throw new UsageError(badChoice('--profile', name, profileNames()));
    return p;
  });
  const tls = found.filter((p) => p.kind === 'tls');
  const cert = found.filter((p) => p.kind === 'cert');
  if (tls.length > 1) throw new UsageError(`--profile: "${spec}" combines two TLS personalities (${tls.map((p) => p.name).join(', ')}); combine at most one TLS and one certificate personality`);
  if (cert.length > 1) throw new UsageError(`--profile: "${spec}" combines two certificate personalities (${cert.map((p) => p.name).join(', ')}); combine at most one TLS and one certificate personality`);
  const base = tls[0] ?? findProfile('modern')!;
  const name = found.map((p) => p.name).join('+');
  const combined: Profile = {
    ...base,
    name,
    kind: 'tls',
    summary: found.map((p) => p.summary).join('; '),
    chain: cert[0]?.chain ?? base.chain,
    quirks: { ...base.quirks, ...cert[0]?.quirks, ...overrides.quirks },
  };
  return applyOverrides(combined, overrides);
}

/**
 * Name under which a profile's chain is cached: its certificate personality, or 'default' for the lab's
 * good chain, so every TLS personality shares one generated chain.
 */
export function chainName(profile: Profile): string {
  const cert = profile.name.split('+').map((n) => findProfile(n)).find((p) => p?.kind === 'cert');
  return cert?.name ?? 'default';
}

function checkVersion(flag: string, v: string | undefined): TlsVersion | undefined {
  if (v === undefined) return undefined;
  if (!(TLS_VERSIONS as readonly string[]).includes(v)) throw new UsageError(badChoice(flag, v, TLS_VERSIONS));
  return v as TlsVersion;
}

export function applyOverrides(profile: Profile, o: ProfileOverrides): Profile {
  const out: { -readonly [K in keyof Profile]: Profile[K] } = { ...profile };
  const min = checkVersion('--min-version', o.minVersion);
  const max = checkVersion('--max-version', o.maxVersion);
  if (min) out.minVersion = min;
  if (max) out.maxVersion = max;
  if (o.ciphers) out.ciphers = o.ciphers;
  if (o.tls13Ciphers) out.tls13Ciphers = o.tls13Ciphers;
  if (o.groups) out.groups = o.groups;
  if (o.dhBits !== undefined) {
    if (!([1024, 2048, 3072, 4096, 'auto'] as unknown[]).includes(o.dhBits)) throw new UsageError(badChoice('--dh-bits', String(o.dhBits), ['1024', '2048', '3072', '4096', 'auto']));
    out.dhBits = o.dhBits;
  }
  if (o.serverPreference !== undefined) out.serverPreference = o.serverPreference;
  if (o.encryptThenMac !== undefined) out.encryptThenMac = o.encryptThenMac;
  if (o.extendedMasterSecret !== undefined) out.extendedMasterSecret = o.extendedMasterSecret;
  if (o.sessionTickets !== undefined) out.sessionTickets = o.sessionTickets;
  if (o.securityLevel !== undefined) out.securityLevel = o.securityLevel;
  const overridden = Object.keys(o).filter((k) => k !== 'quirks' && (o as Record<string, unknown>)[k] !== undefined);
  if (overridden.length) out.summary = `${profile.summary} (overridden: ${overridden.join(', ')})`;
  const lo = TLS_VERSIONS.indexOf(out.minVersion ?? 'TLSv1.2');
  const hi = TLS_VERSIONS.indexOf(out.maxVersion ?? 'TLSv1.3');
  if (lo > hi) throw new UsageError(`profile ${profile.name}: minVersion ${out.minVersion} is above maxVersion ${out.maxVersion}`);
  return out;
}
