import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface FileToWrite {
  readonly name: string;
  readonly content: string;
  /** e.g. 0o600 for private keys. @default 0o644 */
  readonly mode?: number;
}

/** 'created': ours is in place; 'existed': another writer got there first and theirs is kept. */
export type WriteOutcome = 'created' | 'replaced' | 'existed';

function isTakenError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EEXIST' || code === 'ENOTEMPTY';
}

/**
 * Writes a folder so that readers see all of it or none of it: the files go into a temp folder next
 * to the target, which is then renamed into place (rename is atomic within a filesystem). When two
 * processes race, the first rename wins and the loser discards its copy. With `replace`, an existing
 * folder (stale or incomplete) is moved aside first and deleted afterwards.
 */
export async function writeDirAtomically(
  parent: string,
  folder: string,
  files: readonly FileToWrite[],
  options: { readonly replace: boolean },
): Promise<WriteOutcome> {
  await mkdir(parent, { recursive: true });
  const temp = await mkdtemp(join(parent, `.tmp-${folder}-`));
  const target = join(parent, folder);
  try {
    for (const file of files) {
      const path = join(temp, file.name);
      const mode = file.mode ?? 0o644;
      await writeFile(path, file.content, { mode });
      await chmod(path, mode); // writeFile's mode is filtered by the umask
    }
    let old: string | undefined;
    if (options.replace) {
      old = join(parent, `.old-${folder}-${process.pid}-${Date.now()}`);
      await rename(target, old).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
        old = undefined;
      });
    }
    try {
      await rename(temp, target);
    } catch (error) {
      if (!isTakenError(error)) throw error;
      return 'existed';
    } finally {
      if (old) await rm(old, { recursive: true, force: true });
    }
    return old ? 'replaced' : 'created';
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
