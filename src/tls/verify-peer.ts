import tls, { type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import { describeCertificate } from '../certs/describe.js';
import type { CertificateSummary, CertificateVerdict } from '../model/session-record.js';

/**
 * The client side's view of a server certificate: the chain as OpenSSL saw it and mxlab's own verdict.
 * The sender connects with `rejectUnauthorized: false` and an identity check that accepts everything,
 * so `authorized` / `authorizationError` describe the chain alone and the name is checked here.
 */

/** OpenSSL's wording (X509_verify_cert_error_string) for the codes Node passes through, with a hint. */
const CHAIN_REASONS: Readonly<Record<string, string>> = {
  UNABLE_TO_GET_ISSUER_CERT: 'unable to get issuer certificate',
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: "unable to decrypt certificate's signature",
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: 'unable to decode issuer public key',
  CERT_SIGNATURE_FAILURE: 'certificate signature failure',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  CERT_HAS_EXPIRED: 'certificate has expired',
  ERROR_IN_CERT_NOT_BEFORE_FIELD: "format error in certificate's notBefore field",
  ERROR_IN_CERT_NOT_AFTER_FIELD: "format error in certificate's notAfter field",
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in certificate chain (its root is not trusted)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unable to get local issuer certificate (the root is not in the trust store: a private CA?)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unable to verify the first certificate (the server sent no intermediate, or its issuer is unknown)',
  CERT_CHAIN_TOO_LONG: 'certificate chain too long',
  CERT_REVOKED: 'certificate revoked',
  INVALID_CA: 'invalid CA certificate',
  PATH_LENGTH_EXCEEDED: 'path length constraint exceeded',
  INVALID_PURPOSE: 'unsupported certificate purpose',
  CERT_UNTRUSTED: 'certificate not trusted',
  CERT_REJECTED: 'certificate rejected',
  HOSTNAME_MISMATCH: 'hostname mismatch',
};

const WEAK_DIGEST = /^(md2|md4|md5)/i;
const SHA1 = /sha1|SHA1/;

/**
 * Node maps every OpenSSL verification error it has no name for to UNSPECIFIED; the common ones
 * behind it are a weak signature digest or a small key somewhere in the chain. The chain says which.
 */
function unspecifiedReason(chain: readonly CertificateSummary[]): string {
  // The trust anchor's own self-signature is never checked.
  const signed = chain.filter((c) => c.subject !== c.issuer);
  const weak = signed.find((c) => WEAK_DIGEST.test(c.signatureAlgorithm)) ?? signed.find((c) => SHA1.test(c.signatureAlgorithm));
  if (weak) return `CA signature digest algorithm too weak (${weak.signatureAlgorithm} on ${weak.subject})`;
  const small = chain.find((c) => {
    const m = /^RSA(?:-PSS)? (\d+)$/.exec(c.key);
    return m && Number(m[1]) < 2048;
  });
  if (small) return `${small === chain[0] ? 'EE' : 'CA'} key too small (${small.key} on ${small.subject})`;
  return 'certificate verification failed (OpenSSL gave a reason Node does not name: UNSPECIFIED)';
}

export function chainReason(code: string, chain: readonly CertificateSummary[]): string {
  if (code === 'UNSPECIFIED') return unspecifiedReason(chain);
  return CHAIN_REASONS[code] ?? code;
}

/** The certificates the server presented, leaf first, as OpenSSL built the path (a trusted root it did not send may close it). */
export function peerChain(socket: TLSSocket): { summaries: CertificateSummary[]; leaf?: DetailedPeerCertificate } {
  const leaf = socket.getPeerCertificate(true);
  if (!leaf || !leaf.raw) return { summaries: [] };
  const summaries: CertificateSummary[] = [];
  const seen = new Set<string>();
  for (let c: DetailedPeerCertificate | undefined = leaf; c?.raw; c = c.issuerCertificate) {
    if (seen.has(c.fingerprint256)) break; // a self-signed root is its own issuer
    seen.add(c.fingerprint256);
    summaries.push(describeCertificate(c.raw));
  }
  return { summaries, leaf };
}

export interface VerdictInput {
  readonly socket: TLSSocket;
  readonly chain: readonly CertificateSummary[];
  readonly leaf?: DetailedPeerCertificate;
  /** TlsDomain, else the host we connected to. */
  readonly name: string;
  readonly trust: CertificateVerdict['trust'];
  readonly required: CertificateVerdict['required'];
}

export function certificateVerdict(input: VerdictInput): CertificateVerdict {
  const { socket, chain, leaf, name } = input;
  const chainValid = socket.authorized === true;
  const rawCode = (socket as TLSSocket & { authorizationError?: Error | string }).authorizationError;
  const chainCode = chainValid ? undefined : rawCode === undefined ? 'NO_CERTIFICATE' : typeof rawCode === 'string' ? rawCode : ((rawCode as NodeJS.ErrnoException).code ?? rawCode.message);
  const reasonText = chainCode === undefined ? undefined : chainCode === 'NO_CERTIFICATE' ? 'the server sent no certificate' : chainReason(chainCode, chain);
  let nameReason: string | undefined;
  if (!leaf) nameReason = 'no certificate to check the name against';
  else {
    const err = tls.checkServerIdentity(name, leaf);
    if (err) nameReason = err.message;
  }
  const nameValid = nameReason === undefined;
  const passed = input.required === 'nothing' || (chainValid && (input.required === 'chain' || nameValid));
  const summary = !chainValid ? reasonText! : !nameValid ? `name mismatch: ${nameReason}` : 'verified';
  return {
    trust: input.trust,
    chainValid,
    ...(chainCode ? { chainCode } : {}),
    ...(reasonText ? { chainReason: reasonText } : {}),
    name,
    nameValid,
    ...(nameReason ? { nameReason } : {}),
    required: input.required,
    passed,
    summary,
  };
}
