import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { writeDirAtomically } from './atomic-dir.js';
import { createRootCa } from './root-ca.js';

/** The lab CA lives in `<dir>/lab-ca/`, shared by every 'lab' chain in that dir. */
export const LAB_CA_FOLDER = 'lab-ca';
export const LAB_CA_CN = 'mxlab Lab Root CA';
const CERT_FILE = 'ca.pem';
const KEY_FILE = 'ca-key.pem';

export interface LabCa {
  /** PEM, ending in a newline. */
  readonly cert: string;
  /** PKCS#8 PEM private key. */
  readonly key: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** Where the lab CA certificate of `dir` is (made or not): what `--ca` takes to trust the lab. */
export const labCaCertFile = (dir: string): string => join(resolve(dir), LAB_CA_FOLDER, CERT_FILE);

const creating = new Map<string, Promise<LabCa>>();

/** Just the lab CA certificate of `dir` (undefined if not made yet): the cheap read a cache check needs. */
export async function readLabCaCert(dir: string): Promise<string | undefined> {
  return readFile(join(resolve(dir), LAB_CA_FOLDER, CERT_FILE), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new Error(`lab CA in ${join(dir, LAB_CA_FOLDER)} could not be read: ${error.message}`, { cause: error });
  });
}

/** The lab CA of `dir` if it has been made, without making it. */
export async function readLabCa(dir: string): Promise<LabCa | undefined> {
  const folder = join(resolve(dir), LAB_CA_FOLDER);
  const certFile = join(folder, CERT_FILE);
  const keyFile = join(folder, KEY_FILE);
  try {
    const [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
    return { cert, key, certFile, keyFile };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`lab CA in ${folder} could not be read: ${(error as Error).message}`, { cause: error });
  }
}

async function createLabCa(dir: string): Promise<LabCa> {
  const existing = await readLabCa(dir);
  if (existing) return existing;
  const root = await createRootCa(LAB_CA_CN, `lab CA in ${join(dir, LAB_CA_FOLDER)}`);
  await writeDirAtomically(
    dir,
    LAB_CA_FOLDER,
    [
      { name: CERT_FILE, content: root.cert },
      { name: KEY_FILE, content: root.key.privateKey, mode: 0o600 },
    ],
    { replace: false },
  );
  // Read back rather than return `root`: if another process won the race, its CA is the one on disk.
  const written = await readLabCa(dir);
  if (!written) throw new Error(`lab CA in ${join(dir, LAB_CA_FOLDER)} vanished right after it was written`);
  return written;
}

/** The lab CA of `dir`, made on first use (one per dir, safe against concurrent callers and processes). */
export async function getLabCa(dir: string): Promise<LabCa> {
  const absolute = resolve(dir);
  const pending = creating.get(absolute);
  if (pending) return pending;
  const promise = createLabCa(absolute).finally(() => creating.delete(absolute));
  creating.set(absolute, promise);
  return promise;
}

/** Writes the lab CA certificate (never its key) to `file` for a system under test to trust; returns the file. */
export async function exportLabCa(dir: string, file: string): Promise<string> {
  const ca = await getLabCa(dir);
  const target = resolve(file);
  await mkdir(dirname(target), { recursive: true });
  await copyFile(ca.certFile, target);
  return target;
}
