import { badChoice } from '../text/did-you-mean.js';
import { UsageError } from '../usage-error.js';

/**
 * Sending-side TLS policy (docs/field-notes.md "Policies", the Postfix `smtp_tls_security_level` names):
 * none = never STARTTLS; may = STARTTLS when offered, plaintext when not or when TLS fails (on a new
 * connection after a failed handshake); encrypt = TLS or nothing, any certificate; verify = and the
 * chain must validate; secure = and the certificate must name the TLS domain (or the host).
 */
export type ClientPolicy = 'none' | 'may' | 'encrypt' | 'verify' | 'secure';
export const CLIENT_POLICIES: readonly ClientPolicy[] = ['none', 'may', 'encrypt', 'verify', 'secure'];

export type PolicyVocabulary = 'mxlab' | 'exchange' | 'esa';

export interface ParsedClientPolicy {
  readonly policy: ClientPolicy;
  /** Whose words the user gave. */
  readonly vocabulary: PolicyVocabulary;
  /** The words as given. */
  readonly given: string;
  /** Both names, for reports: `encrypt (Exchange RequireTLS, EncryptionOnly)`. */
  readonly label: string;
  /** Where the other product's behaviour differs from what mxlab does under this name. */
  readonly note?: string;
}

interface Alias {
  readonly policy: ClientPolicy;
  readonly vocabulary: Exclude<PolicyVocabulary, 'mxlab'>;
  /** The product's own spelling, shown in the label. */
  readonly shown: string;
  readonly note?: string;
}

/**
 * Exchange send connector (IgnoreSTARTTLS, RequireTLS, TlsAuthLevel) and Cisco ESA destination
 * controls (TLS Off / Preferred / Required, each with "Verify"). Keys are lower case with every
 * non-alphanumeric character removed, so `RequireTLS`, `require-tls` and `--require-tls` all match.
 */
const ALIASES: Readonly<Record<string, Alias>> = {
  ignorestarttls: { policy: 'none', vocabulary: 'exchange', shown: 'IgnoreSTARTTLS' },
  requiretls: { policy: 'encrypt', vocabulary: 'exchange', shown: 'RequireTLS, EncryptionOnly' },
  encryptiononly: { policy: 'encrypt', vocabulary: 'exchange', shown: 'RequireTLS, EncryptionOnly' },
  certificatevalidation: { policy: 'verify', vocabulary: 'exchange', shown: 'RequireTLS, CertificateValidation' },
  domainvalidation: { policy: 'secure', vocabulary: 'exchange', shown: 'RequireTLS, DomainValidation (+ TlsDomain)' },
  off: { policy: 'none', vocabulary: 'esa', shown: 'TLS Off' },
  preferred: { policy: 'may', vocabulary: 'esa', shown: 'TLS Preferred' },
  required: { policy: 'encrypt', vocabulary: 'esa', shown: 'TLS Required' },
  // ESA's "Preferred - Verify" still delivers when the certificate does not verify (over TLS) or when
  // no TLS can be made at all (in plaintext): it only reports. mxlab maps it to `verify` (the
  // docs/field-notes.md table), i.e. it enforces the verification; use `may` for ESA's reporting behaviour.
  preferredverify: {
    policy: 'verify', vocabulary: 'esa', shown: 'TLS Preferred - Verify',
    note: 'Cisco ESA itself would still deliver (over unverified TLS, or in plaintext when TLS fails); mxlab enforces verification under this name',
  },
  requiredverify: { policy: 'secure', vocabulary: 'esa', shown: 'TLS Required - Verify' },
};

const VOCABULARY_NAME: Record<Exclude<PolicyVocabulary, 'mxlab'>, string> = { exchange: 'Exchange', esa: 'Cisco ESA' };

/** Accepted spellings, for the error message. */
export const CLIENT_POLICY_CHOICES: readonly string[] = [
  ...CLIENT_POLICIES,
  'ignore-starttls', 'require-tls', 'EncryptionOnly', 'CertificateValidation', 'DomainValidation',
  'off', 'preferred', 'required', 'preferred-verify', 'required-verify',
];

const normalise = (v: string): string => v.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Parses a policy in mxlab/Postfix, Exchange or Cisco ESA words. Throws a UsageError otherwise. */
export function parseClientPolicy(value: string): ParsedClientPolicy {
  const key = normalise(value);
  const direct = CLIENT_POLICIES.find((p) => p === key);
  if (direct) return { policy: direct, vocabulary: 'mxlab', given: value, label: direct };
  const alias = ALIASES[key];
  if (!alias) throw new UsageError(badChoice('--policy', value, CLIENT_POLICY_CHOICES));
  return {
    policy: alias.policy,
    vocabulary: alias.vocabulary,
    given: value,
    label: `${alias.policy} (${VOCABULARY_NAME[alias.vocabulary]} ${alias.shown})`,
    ...(alias.note ? { note: alias.note } : {}),
  };
}

/** Whether the policy refuses to deliver without TLS. */
export function requiresTls(policy: ClientPolicy): boolean {
  return policy === 'encrypt' || policy === 'verify' || policy === 'secure';
}

/** The same setting in the other products' words (docs/field-notes.md table), for help texts and reports. */
export const POLICY_EQUIVALENTS: Readonly<Record<ClientPolicy, { readonly postfix: string; readonly exchange: string; readonly esa: string }>> = {
  none: { postfix: 'smtp_tls_security_level = none', exchange: 'IgnoreSTARTTLS $true', esa: 'Off' },
  may: { postfix: 'smtp_tls_security_level = may', exchange: 'default (IgnoreSTARTTLS and RequireTLS $false)', esa: 'Preferred' },
  encrypt: { postfix: 'smtp_tls_security_level = encrypt', exchange: 'RequireTLS $true, TlsAuthLevel EncryptionOnly', esa: 'Required' },
  verify: { postfix: 'smtp_tls_security_level = verify', exchange: 'TlsAuthLevel CertificateValidation', esa: 'Preferred - Verify (which still delivers when unverified) / Required - Verify' },
  secure: { postfix: 'smtp_tls_security_level = secure', exchange: 'TlsAuthLevel DomainValidation (+ TlsDomain)', esa: 'Required - Verify' },
};
