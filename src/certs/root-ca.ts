import { generateKeyMaterial, type KeyMaterial } from './keys.js';
import { signLink } from './sign-link.js';

const DAY_MS = 86_400_000;

export interface RootCa {
  readonly cert: string;
  readonly key: KeyMaterial;
}

/** A date `days` days from `now` (negative: in the past). */
export function daysFrom(now: number, days: number): Date {
  return new Date(now + days * DAY_MS);
}

/**
 * A root CA in the one shape both roots share: RSA-2048, sha256, ten years (from yesterday, so a
 * clock a little behind still accepts it), CA:true critical, keyCertSign + cRLSign.
 */
export async function createRootCa(cn: string, label: string): Promise<RootCa> {
  const key = await generateKeyMaterial({ type: 'rsa', bits: 2048 });
  const now = Date.now();
  const cert = await signLink({
    label,
    cn,
    org: 'mxlab',
    key,
    hash: 'sha256',
    notBefore: daysFrom(now, -1),
    notAfter: daysFrom(now, 3650),
    role: 'ca',
    dnsNames: [],
    ipAddresses: [],
  });
  return { cert, key };
}
