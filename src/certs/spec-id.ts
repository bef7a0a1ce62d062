import { createHash } from 'node:crypto';
import { DEFAULT_VALIDITY, type ChainSpec, type LinkSpec } from './chain-spec.js';

/** Characters of the spec hash used in folder names and as ChainMaterial.id. */
export const ID_LENGTH = 12;

/** JSON with object keys sorted at every level, so equal specs hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}

const withValidity = (link: LinkSpec): LinkSpec => (link.validity ? link : { ...link, validity: DEFAULT_VALIDITY });

/**
 * sha256 (hex) of the spec's canonical JSON, with the defaults the factory applies written in: a chain
 * cached under an older default validity gets a new key and is generated again, not served on.
 */
export function specHash(spec: ChainSpec): string {
  const effective: ChainSpec = { ...spec, intermediates: (spec.intermediates ?? []).map(withValidity), leaf: withValidity(spec.leaf) };
  return createHash('sha256').update(canonicalJson(effective)).digest('hex');
}

/** The cache id of a spec: the first ID_LENGTH characters of its hash. */
export function specId(spec: ChainSpec): string {
  return specHash(spec).slice(0, ID_LENGTH);
}

/** A name safe as a folder-name prefix: no path separators, no leading dot (dot folders are temp files). */
export function safeChainName(name: string | undefined): string {
  const cleaned = (name ?? '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '');
  return cleaned || 'chain';
}

/** Folder names of cached chains: `<name>-<id>`. */
export const CHAIN_FOLDER = new RegExp(`^(.+)-([0-9a-f]{${ID_LENGTH}})$`);
