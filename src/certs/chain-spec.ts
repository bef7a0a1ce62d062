/**
 * A certificate chain as data: root first, leaf last. The factory turns a spec into PEM files and
 * caches them under certs/ keyed by the spec's hash, so the same spec always serves the same chain.
 */

/** Digest used to sign a link. md5 and sha1 exist to imitate the chains Office 365 and Windows refuse. */
export type SignatureHash = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512';

export interface KeySpec {
  /** 'rsa' or 'ec'. @default 'rsa' */
  readonly type: 'rsa' | 'ec';
  /** RSA modulus bits (512, 1024, 2048, 4096…). Ignored for ec. @default 2048 */
  readonly bits?: number;
  /** EC curve. @default 'P-256' */
  readonly curve?: 'P-256' | 'P-384' | 'P-521';
}

export interface LinkSpec {
  /** Subject common name. */
  readonly cn: string;
  /** Organisation in the subject. @default 'mxlab' */
  readonly org?: string;
  readonly key: KeySpec;
  /** Digest the issuer signs this link with (for the root: its self-signature). */
  readonly hash: SignatureHash;
  /**
   * Validity relative to the moment of generation, in days. Negative values put a date in the past:
   * `{ fromDays: -400, toDays: -30 }` is an expired certificate.
   * @default DEFAULT_VALIDITY: 397 days in all, the CA/Browser Forum limit since 2020 (testssl.sh flags
   * a leaf valid for more than 825 days)
   */
  readonly validity?: { readonly fromDays: number; readonly toDays: number };
  /** DNS subjectAltNames (leaf only). */
  readonly dnsNames?: readonly string[];
  /** IP subjectAltNames (leaf only). */
  readonly ipAddresses?: readonly string[];
}

/**
 * Validity of a link whose spec names none: from yesterday, 397 days in all (the CA/Browser Forum's
 * limit for publicly trusted leaves since September 2020; testssl.sh flags anything over 825 days).
 * The cache key (spec-id.ts) hashes a spec with this filled in, so changing it regenerates the chains.
 */
export const DEFAULT_VALIDITY = { fromDays: -1, toDays: 396 } as const;

export interface ChainSpec {
  /**
   * Which root signs the chain. 'lab' is the shared lab CA (exported with `mxlab certs --export-ca`),
   * 'private' is a root of its own that no one trusts (the untrusted-root personality), 'none' means
   * the leaf signs itself (self-signed).
   */
  readonly root: 'lab' | 'private' | 'none';
  /** Intermediates from the root down; the last one signs the leaf. */
  readonly intermediates: readonly LinkSpec[];
  readonly leaf: LinkSpec;
  /** Leave the intermediates out of what the server sends (the missing-intermediate personality). */
  readonly omitIntermediates?: boolean;
}

/** The generated material for one chain spec. */
export interface ChainMaterial {
  /** Leaf private key, PEM. */
  readonly key: string;
  /** What the server sends: leaf first, then intermediates (unless omitted). PEM, concatenated. */
  readonly cert: string;
  /** The root that anchors this chain (the lab CA, a private root, or the leaf itself when self-signed). */
  readonly root: string;
  /** Every generated certificate, leaf first, including omitted intermediates and the root. */
  readonly all: readonly string[];
  /** Folder the material is cached in. */
  readonly dir: string;
  /** Hash of the spec that keys the cache. */
  readonly id: string;
}
