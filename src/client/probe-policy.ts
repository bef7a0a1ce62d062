import type { CertificateVerdict } from '../model/session-record.js';
import { requiresTls } from '../model/client-policy.js';
import type { SendPlan } from './send-spec.js';

/**
 * The client policies (none / may / encrypt / verify / secure; docs/field-notes.md "Policies") as a probe
 * applies them to one explicit-TLS connection. The SMTP sender decides the same in its own engine;
 * these are the words for IMAP and POP3, where the probe never sends a password.
 */

export type StartTlsDecision = { readonly action: 'starttls' } | { readonly action: 'plaintext' } | { readonly action: 'refuse'; readonly reason: string };

/** Whether to send STARTTLS/STLS, given whether the server offered it. */
export function startTlsDecision(plan: SendPlan, offered: boolean, word: string): StartTlsDecision {
  const policy = plan.policy.policy;
  if (policy === 'none') return { action: 'plaintext' };
  if (offered) return { action: 'starttls' };
  if (requiresTls(policy)) return { action: 'refuse', reason: `TLS is required, but ${word} was not offered by ${plan.host}:${plan.port} (policy ${plan.policy.label}); no login would be sent` };
  return { action: 'plaintext' };
}

/** A STARTTLS/STLS the server answered with a refusal: `may` goes on in plaintext, the others stop. */
export function startTlsRefusal(plan: SendPlan, reply: string, word: string): string | undefined {
  if (!requiresTls(plan.policy.policy)) return undefined;
  return `TLS is required, but ${plan.host}:${plan.port} refused ${word}: ${reply} (policy ${plan.policy.label})`;
}

/** After the handshake: the certificate verdict when the policy demands one and it failed. */
export function verdictRefusal(plan: SendPlan, verdict: CertificateVerdict | undefined): string | undefined {
  if (!verdict || verdict.passed) return undefined;
  return !verdict.chainValid
    ? `server certificate not trusted: ${verdict.chainReason ?? verdict.summary} (policy ${plan.policy.label})`
    : `server certificate not verified: name mismatch: ${verdict.nameReason} (policy ${plan.policy.label})`;
}
