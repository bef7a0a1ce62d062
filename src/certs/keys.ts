import { createPrivateKey, createPublicKey, generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import type { KeySpec } from './chain-spec.js';

const generateKeyPairAsync = promisify(generateKeyPair);

export type CurveName = 'P-256' | 'P-384' | 'P-521';

/** A key pair as PEM (PKCS#8 private, SPKI public): the form both signers accept. */
export interface KeyMaterial {
  readonly type: 'rsa' | 'ec';
  /** Set for EC keys; selfsigned needs it to import the public key. */
  readonly curve?: CurveName;
  readonly privateKey: string;
  readonly publicKey: string;
}

const CURVE_FROM_OPENSSL: Readonly<Record<string, CurveName>> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

/**
 * Makes a key with node:crypto rather than selfsigned/webcrypto: it is native, off the main thread, and
 * happily makes the 512- and 1024-bit RSA keys that legacy personalities need.
 */
export async function generateKeyMaterial(spec: KeySpec): Promise<KeyMaterial> {
  const type = spec.type ?? 'rsa';
  if (type === 'ec') {
    const curve = spec.curve ?? 'P-256';
    const { privateKey, publicKey } = await generateKeyPairAsync('ec', {
      namedCurve: curve,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    return { type, curve, privateKey, publicKey };
  }
  if (type !== 'rsa') throw new Error(`unknown key type ${JSON.stringify(type)} (expected 'rsa' or 'ec')`);
  const bits = spec.bits ?? 2048;
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { type, privateKey, publicKey };
}

/** Rebuilds KeyMaterial from a stored private key (the lab CA on disk). Only used when signing. */
export function keyMaterialFromPrivateKey(privateKeyPem: string): KeyMaterial {
  const key = createPrivateKey(privateKeyPem);
  const publicKey = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  const privateKey = key.export({ type: 'pkcs8', format: 'pem' }).toString();
  if (key.asymmetricKeyType === 'rsa') return { type: 'rsa', privateKey, publicKey };
  if (key.asymmetricKeyType === 'ec') {
    const named = key.asymmetricKeyDetails?.namedCurve ?? '';
    const curve = CURVE_FROM_OPENSSL[named];
    if (!curve) throw new Error(`unsupported EC curve ${named}`);
    return { type: 'ec', curve, privateKey, publicKey };
  }
  throw new Error(`unsupported key type ${String(key.asymmetricKeyType)}`);
}
