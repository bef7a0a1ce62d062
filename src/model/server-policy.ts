import { badChoice } from '../text/did-you-mean.js';
import { UsageError } from '../usage-error.js';

/**
 * Receiving-side TLS policy (docs/field-notes.md "Policies"): off = STARTTLS not advertised (Cisco ESA "Off"); optional =
 * advertised, plaintext accepted (ESA "Preferred", Exchange default); required = mail before TLS gets
 * `530 5.7.0 Must issue a STARTTLS command first` (ESA "Required", Exchange RequireTLS).
 */
export type ServerPolicy = 'off' | 'optional' | 'required';
export const SERVER_POLICIES: readonly ServerPolicy[] = ['off', 'optional', 'required'];

/** Other vocabularies for the same settings, shown alongside in reports. */
const ALIASES: Record<string, ServerPolicy> = { preferred: 'optional', requiretls: 'required', none: 'off' };

export function parseServerPolicy(value: string): ServerPolicy {
  const v = value.toLowerCase();
  if ((SERVER_POLICIES as readonly string[]).includes(v)) return v as ServerPolicy;
  const alias = ALIASES[v];
  if (alias) return alias;
  throw new UsageError(badChoice('--policy', value, SERVER_POLICIES));
}
