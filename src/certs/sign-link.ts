import { X509Certificate, createPublicKey } from 'node:crypto';
import { signatureAlgorithmOf } from './describe.js';
import { signingKey, type LinkRequest } from './link-request.js';

export type SignerName = 'selfsigned' | 'forge';

/** selfsigned for what it can sign; forge for md5 and for an issuer whose key type differs. */
export function chooseSigner(req: LinkRequest): SignerName {
  if (req.hash === 'md5') return 'forge';
  if (signingKey(req).type !== req.key.type) return 'forge';
  return 'selfsigned';
}

const EXPECTED_ALGORITHM: Readonly<Record<string, string>> = {
  'rsa/md5': 'md5WithRSAEncryption',
  'rsa/sha1': 'sha1WithRSAEncryption',
  'rsa/sha256': 'sha256WithRSAEncryption',
  'rsa/sha384': 'sha384WithRSAEncryption',
  'rsa/sha512': 'sha512WithRSAEncryption',
  'ec/sha1': 'ecdsa-with-SHA1',
  'ec/sha256': 'ecdsa-with-SHA256',
  'ec/sha384': 'ecdsa-with-SHA384',
  'ec/sha512': 'ecdsa-with-SHA512',
};

/**
 * Signs one link and checks the result: the signature verifies under the issuer's key and the
 * algorithm is the one asked for. The check costs about a millisecond and catches a library quietly
 * signing with something else (selfsigned turns unknown digests into sha1).
 */
export async function signLink(req: LinkRequest): Promise<string> {
  const signer = chooseSigner(req);
  const expected = EXPECTED_ALGORITHM[`${signingKey(req).type}/${req.hash}`];
  if (!expected) {
    throw new Error(`${req.label}: cannot sign with ${req.hash} using an ${signingKey(req).type.toUpperCase()} key`);
  }
  let pem: string;
  try {
    // The signing libraries load only when a certificate is made: a lab on cached certificates never
    // pays for them at start-up.
    pem = signer === 'forge'
      ? await (await import('./sign-forge.js')).signWithForge(req)
      : await (await import('./sign-selfsigned.js')).signWithSelfsigned(req);
  } catch (error) {
    throw new Error(`${req.label}: ${signer} could not sign it: ${(error as Error).message}`, { cause: error });
  }
  const cert = new X509Certificate(pem);
  if (!cert.verify(createPublicKey(signingKey(req).publicKey))) {
    throw new Error(`${req.label}: ${signer} produced a signature that does not verify under the issuer key`);
  }
  const actual = signatureAlgorithmOf(cert.raw);
  if (actual !== expected) {
    throw new Error(`${req.label}: ${signer} signed with ${actual ?? 'an unreadable algorithm'}, expected ${expected}`);
  }
  return pem;
}
