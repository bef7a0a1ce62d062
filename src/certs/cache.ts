import { readFile, readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describeCertificate } from './describe.js';
import { CHAIN_FILES } from './factory.js';
import { LAB_CA_FOLDER } from './lab-ca.js';
import { splitCertificates } from './pem.js';
import { CHAIN_FOLDER } from './spec-id.js';

export interface CachedChain {
  readonly id: string;
  /** The name prefix the chain was made under (usually a profile name). */
  readonly name: string;
  readonly dir: string;
  /** ISO time the chain was generated. */
  readonly created: string;
  /** Subject of every certificate, leaf first, root last (as in all.pem). */
  readonly subjects: readonly string[];
  /** Signature algorithm of each certificate, in the same order. */
  readonly signatureAlgorithms: readonly string[];
}

async function entriesOf(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`certs folder ${dir} could not be listed: ${(error as Error).message}`, { cause: error });
  }
}

/** The cached chains in `dir`, sorted by name. Folders that are incomplete are skipped. */
export async function listChains(dir: string): Promise<CachedChain[]> {
  const root = resolve(dir);
  const chains: CachedChain[] = [];
  for (const entry of await entriesOf(root)) {
    const match = CHAIN_FOLDER.exec(entry);
    if (!match || entry.startsWith('.')) continue;
    const path = join(root, entry);
    try {
      const [all, info] = await Promise.all([readFile(join(path, CHAIN_FILES.all), 'utf8'), stat(join(path, CHAIN_FILES.spec))]);
      const described = splitCertificates(all).map((pem) => describeCertificate(pem));
      chains.push({
        id: match[2] as string,
        name: match[1] as string,
        dir: path,
        created: info.mtime.toISOString(),
        subjects: described.map((d) => d.subject),
        signatureAlgorithms: described.map((d) => d.signatureAlgorithm),
      });
    } catch {
      // A folder mid-replacement or damaged by hand: getChain regenerates it; the listing skips it.
    }
  }
  return chains.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/**
 * Removes generated material from `dir`: chain folders, leftover temp folders and (unless
 * `keepLabCa`) the lab CA. Only names this module creates are touched, so README.md and anything
 * else someone put there survive. Returns the removed names.
 */
export async function clearChains(dir: string, options: { readonly keepLabCa?: boolean } = {}): Promise<string[]> {
  const root = resolve(dir);
  const removed: string[] = [];
  for (const entry of await entriesOf(root)) {
    const generated =
      CHAIN_FOLDER.test(entry) ||
      entry.startsWith('.tmp-') ||
      entry.startsWith('.old-') ||
      (entry === LAB_CA_FOLDER && !options.keepLabCa);
    if (!generated) continue;
    await rm(join(root, entry), { recursive: true, force: true });
    removed.push(entry);
  }
  return removed.sort();
}
