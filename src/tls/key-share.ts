/**
 * Real key shares for a ClientHello's key_share extension (RFC 8446 §4.2.8), made with node:crypto so
 * that a TLS 1.3 server can answer them and a caller holding the private key could go on:
 * - X25519 / X448: the raw u-coordinate (RFC 7748), 32 / 56 bytes (RFC 8446 §4.2.8.2);
 * - P-256 / P-384 / P-521: the uncompressed point 04 || X || Y (RFC 8446 §4.2.8.2);
 * - ffdhe2048 … ffdhe8192: g^x mod p, left-padded to the size of p (RFC 8446 §4.2.8.1).
 */
import { createDiffieHellman, createECDH, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync } from 'node:crypto';
import { ffdhePrime } from './ffdhe-groups.js';
import { groupName } from './registry.js';

export interface KeyShare {
  /** IANA named-group code, e.g. 0x001d (X25519). */
  readonly group: number;
  /** key_exchange as sent in the hello. */
  readonly publicKey: Buffer;
  /**
   * The raw private key (X25519/X448 scalar, EC private scalar, DH exponent); absent for a share the
   * caller wrote itself (a GREASE share, a fake post-quantum share).
   */
  readonly privateKey?: Buffer;
}

/** OpenSSL's curve names for the NIST groups (RFC 8422 §5.1.1 codes). */
const EC_CURVES: ReadonlyMap<number, string> = new Map([
  [0x0017, 'prime256v1'],
  [0x0018, 'secp384r1'],
  [0x0019, 'secp521r1'],
]);

/**
 * RFC 7748 curves: the size of their raw keys, and the DER that wraps a raw key as PKCS#8 / SPKI
 * (RFC 8410 §7, §4), which is how node:crypto takes raw keys back in.
 */
const MONTGOMERY: ReadonlyMap<number, { readonly type: 'x25519' | 'x448'; readonly size: number; readonly pkcs8: Buffer; readonly spki: Buffer }> = new Map([
  [0x001d, { type: 'x25519', size: 32, pkcs8: Buffer.from('302e020100300506032b656e04220420', 'hex'), spki: Buffer.from('302a300506032b656e032100', 'hex') }],
  [0x001e, { type: 'x448', size: 56, pkcs8: Buffer.from('3046020100300506032b656f043a0438', 'hex'), spki: Buffer.from('3042300506032b656f033900', 'hex') }],
]);

/** A fresh key pair for the group; a RangeError for a group node:crypto cannot make keys for. */
export function generateKeyShare(group: number): KeyShare {
  const curve = EC_CURVES.get(group);
  if (curve !== undefined) {
    const ecdh = createECDH(curve);
    return { group, publicKey: ecdh.generateKeys(), privateKey: ecdh.getPrivateKey() };
  }
  const montgomery = MONTGOMERY.get(group);
  if (montgomery !== undefined) {
    // DER SPKI and PKCS#8 of these keys end with the raw key (RFC 8410 §4, §7).
    const pair = montgomery.type === 'x25519' ? generateKeyPairSync('x25519') : generateKeyPairSync('x448');
    const publicKey = pair.publicKey.export({ type: 'spki', format: 'der' });
    const privateKey = pair.privateKey.export({ type: 'pkcs8', format: 'der' });
    return { group, publicKey: publicKey.subarray(-montgomery.size), privateKey: privateKey.subarray(-montgomery.size) };
  }
  const prime = ffdhePrime(group);
  if (prime !== undefined) {
    const dh = createDiffieHellman(prime, 2);
    const y = dh.generateKeys();
    const publicKey = Buffer.alloc(prime.length);
    y.copy(publicKey, prime.length - y.length);
    return { group, publicKey, privateKey: dh.getPrivateKey() };
  }
  throw new RangeError(`no key generator for group ${groupName(group)}: pass its key_exchange bytes instead`);
}

/**
 * The shared secret of one of our shares and the peer's key_exchange (RFC 8446 §7.4): the X25519/X448
 * output, the ECDH x-coordinate, or the DH value left-padded to the size of p. What a client computes
 * from the server's share to go on with the key schedule. A RangeError for a share without a private
 * key or a peer key the group cannot take.
 */
export function sharedSecret(share: KeyShare, peerPublic: Buffer): Buffer {
  const { group, privateKey } = share;
  if (privateKey === undefined) throw new RangeError(`the ${groupName(group)} share has no private key`);
  const curve = EC_CURVES.get(group);
  if (curve !== undefined) {
    const ecdh = createECDH(curve);
    ecdh.setPrivateKey(privateKey);
    return ecdh.computeSecret(peerPublic);
  }
  const montgomery = MONTGOMERY.get(group);
  if (montgomery !== undefined) {
    return diffieHellman({
      privateKey: createPrivateKey({ key: Buffer.concat([montgomery.pkcs8, privateKey]), format: 'der', type: 'pkcs8' }),
      publicKey: createPublicKey({ key: Buffer.concat([montgomery.spki, peerPublic]), format: 'der', type: 'spki' }),
    });
  }
  const prime = ffdhePrime(group);
  if (prime !== undefined) {
    const dh = createDiffieHellman(prime, 2);
    dh.setPrivateKey(privateKey);
    const z = dh.computeSecret(peerPublic);
    const padded = Buffer.alloc(prime.length);
    z.copy(padded, prime.length - z.length);
    return padded;
  }
  throw new RangeError(`no key agreement for group ${groupName(group)}`);
}
