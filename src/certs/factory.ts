import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeDirAtomically, type FileToWrite } from './atomic-dir.js';
import { DEFAULT_VALIDITY, type ChainMaterial, type ChainSpec, type LinkSpec } from './chain-spec.js';
import { generateKeyMaterial, keyMaterialFromPrivateKey, type KeyMaterial } from './keys.js';
import { getLabCa, readLabCaCert } from './lab-ca.js';
import type { Issuer, LinkRole } from './link-request.js';
import { splitCertificates } from './pem.js';
import { createRootCa, daysFrom, type RootCa } from './root-ca.js';
import { signLink } from './sign-link.js';
import { canonicalJson, safeChainName, specId } from './spec-id.js';
import { validateSpec } from './validate-spec.js';

export interface ChainOptions {
  /** The certs folder (normally `<project>/certs`). */
  readonly dir: string;
  /** Folder-name prefix, usually the profile name. @default 'chain' */
  readonly name?: string;
}

export const PRIVATE_ROOT_CN = 'mxlab Untrusted Root';

/** Files of a chain folder. */
export const CHAIN_FILES = {
  chain: 'chain.pem',
  key: 'key.pem',
  root: 'root.pem',
  all: 'all.pem',
  spec: 'spec.json',
  rootKey: 'root-key.pem',
  intermediateKey: (n: number) => `intermediate-${n}-key.pem`,
} as const;

const inflight = new Map<string, Promise<ChainMaterial>>();

type Cached = { readonly state: 'ok'; readonly material: ChainMaterial } | { readonly state: 'missing' | 'stale' };

/**
 * Reads a cached chain: four small files (plus the lab CA certificate to compare against) and no key
 * parsing. 'stale' means the folder exists but cannot be served: a file is missing, or it was signed
 * by a lab CA that has since been replaced.
 */
async function loadChain(dir: string, folder: string, id: string, spec: ChainSpec): Promise<Cached> {
  const path = join(dir, folder);
  const read = (name: string): Promise<string | undefined> =>
    readFile(join(path, name), 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw new Error(`chain "${folder}": cannot read ${name}: ${error.message}`, { cause: error });
    });
  const [cert, key, root, all, specJson] = await Promise.all([
    read(CHAIN_FILES.chain),
    read(CHAIN_FILES.key),
    read(CHAIN_FILES.root),
    read(CHAIN_FILES.all),
    read(CHAIN_FILES.spec),
  ]);
  if (cert === undefined || key === undefined || root === undefined || all === undefined) {
    return { state: specJson === undefined && cert === undefined ? 'missing' : 'stale' };
  }
  if (spec.root === 'lab') {
    if ((await readLabCaCert(dir)) !== root) return { state: 'stale' };
  }
  return { state: 'ok', material: { key, cert, root, all: splitCertificates(all), dir: path, id } };
}

function validityOf(link: LinkSpec, now: number): { notBefore: Date; notAfter: Date } {
  const { fromDays, toDays } = link.validity ?? DEFAULT_VALIDITY;
  return { notBefore: daysFrom(now, fromDays), notAfter: daysFrom(now, toDays) };
}

async function rootFor(spec: ChainSpec, dir: string, label: string): Promise<RootCa | undefined> {
  if (spec.root === 'none') return undefined;
  if (spec.root === 'private') return createRootCa(PRIVATE_ROOT_CN, `${label} private root`);
  const lab = await getLabCa(dir);
  return { cert: lab.cert, key: keyMaterialFromPrivateKey(lab.key) };
}

async function keyFor(link: LinkSpec, where: string): Promise<KeyMaterial> {
  try {
    return await generateKeyMaterial(link.key ?? { type: 'rsa' });
  } catch (error) {
    throw new Error(`${where}: key generation failed: ${(error as Error).message}`, { cause: error });
  }
}

/** Generates every link of the spec and returns the files of its folder. */
async function generateChain(spec: ChainSpec, dir: string, label: string): Promise<FileToWrite[]> {
  const intermediates = spec.intermediates ?? [];
  const where = (link: LinkSpec, i: number): string =>
    i < intermediates.length ? `${label} intermediate #${i + 1} "${link.cn}"` : `${label} leaf "${link.cn}"`;
  const links = [...intermediates, spec.leaf];
  // Keys are independent of each other, so make them all at once (node's keygen runs off-thread).
  const [root, ...keys] = await Promise.all([rootFor(spec, dir, label), ...links.map((link, i) => keyFor(link, where(link, i)))]);
  const now = Date.now();
  let issuer: Issuer | undefined = root;
  const certs: string[] = [];
  for (const [i, link] of links.entries()) {
    const key = keys[i] as KeyMaterial;
    const isLeaf = i === intermediates.length;
    const role: LinkRole = !isLeaf ? 'ca' : spec.root === 'none' ? 'self-signed-leaf' : 'leaf';
    const cert = await signLink({
      label: where(link, i),
      cn: link.cn,
      org: link.org ?? 'mxlab',
      key,
      ...(issuer ? { issuer } : {}),
      hash: link.hash,
      ...validityOf(link, now),
      role,
      dnsNames: isLeaf ? (link.dnsNames ?? []) : [],
      ipAddresses: isLeaf ? (link.ipAddresses ?? []) : [],
    });
    certs.push(cert);
    issuer = { cert, key };
  }
  const leaf = certs[certs.length - 1] as string;
  // Servers send the leaf, then the intermediate that signed it, and so on towards the root.
  const upward = certs.slice(0, -1).reverse();
  const files: FileToWrite[] = [
    { name: CHAIN_FILES.chain, content: [leaf, ...(spec.omitIntermediates ? [] : upward)].join('') },
    { name: CHAIN_FILES.key, content: (keys[keys.length - 1] as KeyMaterial).privateKey, mode: 0o600 },
    { name: CHAIN_FILES.root, content: root?.cert ?? leaf },
    { name: CHAIN_FILES.all, content: [leaf, ...upward, ...(root ? [root.cert] : [])].join('') },
    { name: CHAIN_FILES.spec, content: JSON.stringify(JSON.parse(canonicalJson(spec)), null, 2) + '\n' },
    ...intermediates.map((_, i) => ({
      name: CHAIN_FILES.intermediateKey(i + 1),
      content: (keys[i] as KeyMaterial).privateKey,
      mode: 0o600,
    })),
  ];
  if (spec.root === 'private' && root) files.push({ name: CHAIN_FILES.rootKey, content: root.key.privateKey, mode: 0o600 });
  return files;
}

async function obtainChain(spec: ChainSpec, dir: string, folder: string, id: string): Promise<ChainMaterial> {
  const label = `chain "${folder}"`;
  const cached = await loadChain(dir, folder, id, spec);
  if (cached.state === 'ok') return cached.material;
  const files = await generateChain(spec, dir, label);
  await writeDirAtomically(dir, folder, files, { replace: cached.state === 'stale' });
  // Read back: when another process wrote the same spec first, its files are the ones to serve.
  const written = await loadChain(dir, folder, id, spec);
  if (written.state !== 'ok') throw new Error(`${label}: generated, but ${join(dir, folder)} could not be read back`);
  return written.material;
}

/** Where a spec's chain lives: `<dir>/<name>-<id>/`. */
function locate(spec: ChainSpec, opts: ChainOptions): { dir: string; id: string; folder: string } {
  const dir = resolve(opts.dir);
  const id = specId(spec);
  return { dir, id, folder: `${safeChainName(opts.name)}-${id}` };
}

/**
 * Whether getChain would serve the spec from the cache (no key to make): what a caller checks to say
 * "making certificates" before a first start does so.
 */
export async function isChainCached(spec: ChainSpec, opts: ChainOptions): Promise<boolean> {
  const { dir, id, folder } = locate(spec, opts);
  return (await loadChain(dir, folder, id, spec)).state === 'ok';
}

/**
 * The key and certificates for a chain spec: read from `<dir>/<name>-<id>/` when cached, generated and
 * cached otherwise. Concurrent calls for the same spec share one generation.
 */
export async function getChain(spec: ChainSpec, opts: ChainOptions): Promise<ChainMaterial> {
  const { dir, id, folder } = locate(spec, opts);
  validateSpec(spec, `chain "${folder}"`);
  const path = join(dir, folder);
  const pending = inflight.get(path);
  if (pending) return pending;
  const promise = obtainChain(spec, dir, folder, id).finally(() => inflight.delete(path));
  inflight.set(path, promise);
  return promise;
}
