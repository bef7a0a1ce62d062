import { getDiffieHellman } from 'node:crypto';

/**
 * PEM DH parameters for the well-known MODP groups (RFC 2409 group 2 = 1024 bits, RFC 3526 groups
 * 14/15/16 = 2048/3072/4096 bits), built from the primes node:crypto ships, so no `openssl dhparam`
 * run (minutes for 4096 bits) is ever needed. These are the groups old Apache/Postfix builds shipped.
 */
const GROUPS: Record<number, string> = { 1024: 'modp2', 2048: 'modp14', 3072: 'modp15', 4096: 'modp16' };
const cache = new Map<number, string>();

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function derInteger(value: Buffer): Buffer {
  // A leading 1 bit would read as negative: DER wants a 0x00 in front.
  const body = value[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value;
  return Buffer.concat([Buffer.from([0x02]), derLength(body.length), body]);
}

export function dhParamsPem(bits: number): string {
  const hit = cache.get(bits);
  if (hit) return hit;
  const group = GROUPS[bits];
  if (!group) throw new Error(`no built-in DH group of ${bits} bits (have ${Object.keys(GROUPS).join(', ')})`);
  const dh = getDiffieHellman(group);
  const body = Buffer.concat([derInteger(dh.getPrime()), derInteger(dh.getGenerator())]);
  const der = Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').trimEnd();
  const pem = `-----BEGIN DH PARAMETERS-----\n${b64}\n-----END DH PARAMETERS-----\n`;
  cache.set(bits, pem);
  return pem;
}
