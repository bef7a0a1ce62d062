import { isIP } from 'node:net';
import type { ChainSpec, LinkSpec } from './chain-spec.js';

const HASHES = new Set(['md5', 'sha1', 'sha256', 'sha384', 'sha512']);
const CURVES = new Set(['P-256', 'P-384', 'P-521']);
/** OpenSSL 3 will not generate a smaller RSA key. */
const MIN_RSA_BITS = 512;

function linkProblems(link: LinkSpec, where: string, signerIsEc: boolean): string[] {
  const problems: string[] = [];
  if (typeof link.cn !== 'string' || link.cn === '') problems.push(`${where}: cn must be a non-empty string`);
  // Checked here because selfsigned would silently turn an unknown digest into sha1.
  if (!HASHES.has(link.hash)) problems.push(`${where}: unknown hash ${JSON.stringify(link.hash)}`);
  if (link.hash === 'md5' && signerIsEc) problems.push(`${where}: md5 needs an RSA issuer (there is no ECDSA with MD5)`);
  const type = link.key?.type ?? 'rsa';
  if (type === 'rsa') {
    const bits = link.key?.bits ?? 2048;
    if (!Number.isInteger(bits) || bits < MIN_RSA_BITS) problems.push(`${where}: RSA bits must be an integer ≥ ${MIN_RSA_BITS}, got ${bits}`);
  } else if (type === 'ec') {
    if (link.key.curve !== undefined && !CURVES.has(link.key.curve)) problems.push(`${where}: unknown curve ${JSON.stringify(link.key.curve)}`);
  } else {
    problems.push(`${where}: unknown key type ${JSON.stringify(type)}`);
  }
  if (link.validity) {
    const { fromDays, toDays } = link.validity;
    if (!Number.isFinite(fromDays) || !Number.isFinite(toDays) || fromDays >= toDays) {
      problems.push(`${where}: validity needs finite fromDays < toDays, got ${fromDays}..${toDays}`);
    }
  }
  for (const ip of link.ipAddresses ?? []) if (isIP(ip) === 0) problems.push(`${where}: ${JSON.stringify(ip)} is not an IP address`);
  return problems;
}

const isEc = (link: LinkSpec): boolean => link.key?.type === 'ec';

/** Throws one error listing everything wrong with the spec, each problem naming its link. */
export function validateSpec(spec: ChainSpec, label: string): void {
  const problems: string[] = [];
  if (!['lab', 'private', 'none'].includes(spec.root)) problems.push(`unknown root ${JSON.stringify(spec.root)}`);
  const intermediates = spec.intermediates ?? [];
  if (spec.root === 'none' && intermediates.length > 0) {
    problems.push("root 'none' makes the leaf self-signed, so it cannot have intermediates");
  }
  // The lab and private roots are RSA; each later link is signed by the one before it.
  let signerIsEc = false;
  intermediates.forEach((link, i) => {
    problems.push(...linkProblems(link, `intermediate #${i + 1} "${link.cn}"`, signerIsEc));
    signerIsEc = isEc(link);
  });
  if (!spec.leaf) {
    problems.push('leaf is missing');
  } else {
    problems.push(...linkProblems(spec.leaf, `leaf "${spec.leaf.cn}"`, spec.root === 'none' ? isEc(spec.leaf) : signerIsEc));
  }
  if (problems.length > 0) throw new Error(`${label}: invalid spec: ${problems.join('; ')}`);
}
