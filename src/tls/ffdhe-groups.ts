/**
 * The RFC 7919 finite-field groups (ffdhe2048 … ffdhe8192), which Node cannot name
 * (crypto.getDiffieHellman knows only the RFC 3526 MODP groups). Each prime is defined in RFC 7919
 * appendix A from the digits of e:
 *
 *   p = 2^b - 2^(b-64) + {[2^(b-130) e] + X} * 2^64 - 1,   g = 2
 *
 * so it is computed here rather than pasted as 5 KiB of hex; test/tls compares the result with the
 * primes OpenSSL has built in.
 */

/** IANA named-group code (RFC 7919 §7) → bits and the X of appendix A. */
export const FFDHE_GROUPS: ReadonlyMap<number, { readonly name: string; readonly bits: number; readonly x: bigint }> = new Map([
  [0x0100, { name: 'ffdhe2048', bits: 2048, x: 560316n }],
  [0x0101, { name: 'ffdhe3072', bits: 3072, x: 2625351n }],
  [0x0102, { name: 'ffdhe4096', bits: 4096, x: 5736041n }],
  [0x0103, { name: 'ffdhe6144', bits: 6144, x: 15705020n }],
  [0x0104, { name: 'ffdhe8192', bits: 8192, x: 10965728n }],
]);

/** floor(2^n * e), from the series e = Σ 1/k!, with guard bits so the floor is exact. */
function eTimes2Pow(n: number): bigint {
  const guard = 64n;
  const one = 1n << (BigInt(n) + guard);
  let sum = 0n;
  let term = one;
  for (let k = 1n; term > 0n; k += 1n) {
    sum += term;
    term /= k;
  }
  return sum >> guard;
}

const primes = new Map<number, Buffer>();

/** The group's prime, big-endian, bits/8 bytes; undefined for a code that is not an RFC 7919 group. */
export function ffdhePrime(group: number): Buffer | undefined {
  const known = primes.get(group);
  if (known) return known;
  const spec = FFDHE_GROUPS.get(group);
  if (!spec) return undefined;
  const b = BigInt(spec.bits);
  const p = (1n << b) - (1n << (b - 64n)) + ((eTimes2Pow(spec.bits - 130) + spec.x) << 64n) - 1n;
  const prime = Buffer.from(p.toString(16).padStart(spec.bits / 4, '0'), 'hex');
  primes.set(group, prime);
  return prime;
}
