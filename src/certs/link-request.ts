import type { SignatureHash } from './chain-spec.js';
import type { KeyMaterial } from './keys.js';

/** The certificate that signs a link, with its key. */
export interface Issuer {
  readonly cert: string;
  readonly key: KeyMaterial;
}

/**
 * What a link is for. 'ca' = root or intermediate; 'leaf' = server certificate under a CA;
 * 'self-signed-leaf' = a server certificate that is its own issuer (root 'none').
 */
export type LinkRole = 'ca' | 'leaf' | 'self-signed-leaf';

/** Everything needed to sign one certificate, independent of the library that signs it. */
export interface LinkRequest {
  /** Names the link in errors, e.g. `chain "mx-1a2b3c4d5e6f" intermediate #1 "Issuing CA"`. */
  readonly label: string;
  readonly cn: string;
  readonly org: string;
  /** The subject's key (the one the certificate certifies). */
  readonly key: KeyMaterial;
  /** Undefined: self-signed (root CAs and the 'none' leaf). */
  readonly issuer?: Issuer;
  readonly hash: SignatureHash;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly role: LinkRole;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
}

/** Extension content both signers encode; kept here so the two implementations cannot drift. */
export interface LinkExtensions {
  readonly ca: boolean;
  readonly keyUsage: {
    readonly digitalSignature: boolean;
    readonly keyEncipherment: boolean;
    readonly keyCertSign: boolean;
    readonly cRLSign: boolean;
  };
  /** serverAuth + clientAuth for leaves; none for CAs. */
  readonly extKeyUsage: boolean;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
}

export function extensionsFor(req: LinkRequest): LinkExtensions {
  if (req.role === 'ca') {
    return {
      ca: true,
      keyUsage: { digitalSignature: false, keyEncipherment: false, keyCertSign: true, cRLSign: true },
      extKeyUsage: false,
      dnsNames: [],
      ipAddresses: [],
    };
  }
  return {
    ca: false,
    keyUsage: {
      digitalSignature: true,
      // keyEncipherment is RSA key transport; it means nothing for an EC key.
      keyEncipherment: req.key.type === 'rsa',
      // OpenSSL only treats a certificate as self-signed (and so reports DEPTH_ZERO_SELF_SIGNED_CERT
      // rather than "unable to get local issuer") when its keyUsage allows keyCertSign.
      keyCertSign: req.role === 'self-signed-leaf',
      cRLSign: false,
    },
    extKeyUsage: true,
    dnsNames: req.dnsNames,
    ipAddresses: req.ipAddresses,
  };
}

/** The key that signs the link: the issuer's, or the subject's own when self-signed. */
export function signingKey(req: LinkRequest): KeyMaterial {
  return req.issuer?.key ?? req.key;
}
