/**
 * The verdict on a chain read from a raw handshake (DER certificates, no TLS socket to ask): does it
 * lead to a trust anchor (`--ca` or Node's bundled root store), is every certificate in its validity
 * period, and does the leaf carry the name. Reasons use OpenSSL's wording (X509_verify_cert_error_string)
 * so they read like what `openssl s_client -verify_return_error` and Postfix's logs say.
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import tls from 'node:tls';
import type { ChainVerdict } from '../model/scan-report.js';

export interface ChainVerdictInput {
  readonly der: readonly Buffer[];
  readonly name: string;
  /** PEM anchors; absent: the system store. */
  readonly ca?: readonly string[];
  readonly now?: Date;
}

function parse(items: readonly (string | Buffer)[]): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const item of items) {
    try {
      out.push(new X509Certificate(item));
    } catch {
      // An unreadable certificate cannot be on the path; the reason will say the issuer is missing.
    }
  }
  return out;
}

function signedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

export function chainVerdict(input: ChainVerdictInput): ChainVerdict {
  const trust = input.ca ? 'ca-file' : 'system';
  const now = (input.now ?? new Date()).getTime();
  const chain = parse(input.der);
  const anchors = parse(input.ca ?? tls.rootCertificates);
  const leaf = chain[0];
  if (!leaf) return { trust, chainValid: false, reason: 'the server sent no certificate', name: input.name, nameValid: false, expired: false, summary: 'the server sent no certificate' };
  const expiredCert = chain.find((c) => Date.parse(c.validTo) < now);
  const notYet = chain.find((c) => Date.parse(c.validFrom) > now);
  let reason: string | undefined;
  // Walk up from the leaf through what the server sent until an anchor signs (or is) the current certificate.
  let current = leaf;
  const used = new Set<X509Certificate>([leaf]);
  for (let depth = 0; ; depth += 1) {
    if (anchors.some((a) => a.fingerprint256 === current.fingerprint256 || signedBy(current, a))) break;
    const next = chain.find((c) => !used.has(c) && signedBy(current, c));
    if (!next) {
      const selfSigned = signedBy(current, current);
      reason = selfSigned
        ? depth === 0 ? 'self-signed certificate' : 'self-signed certificate in certificate chain (its root is not trusted)'
        : depth === 0 && chain.length === 1 ? 'unable to verify the first certificate (the server sent no intermediate, or its issuer is unknown)' : 'unable to get local issuer certificate (the root is not in the trust store: a private CA?)';
      break;
    }
    used.add(next);
    current = next;
    if (depth > 10) {
      reason = 'certificate chain too long';
      break;
    }
  }
  if (!reason && expiredCert) reason = `certificate has expired (${expiredCert.subject.replace(/\n/g, ', ')} on ${expiredCert.validTo})`;
  if (!reason && notYet) reason = 'certificate is not yet valid';
  const nameValid = (isIP(input.name) ? leaf.checkIP(input.name) : leaf.checkHost(input.name)) !== undefined;
  const chainValid = reason === undefined;
  const summary = !chainValid ? reason! : !nameValid ? `name mismatch: the certificate is not for ${input.name}` : 'verified';
  return { trust, chainValid, ...(reason ? { reason } : {}), name: input.name, nameValid, expired: expiredCert !== undefined, summary };
}
