import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../usage-error.js';

/**
 * Checks that `path` can be a folder mxlab creates and writes (a run folder): every part that exists
 * is a folder, and the nearest existing one is writable. Checked before any recursive mkdir, which
 * loops forever on some synthetic file systems (/proc) and otherwise fails with a bare code.
 */
export function checkWritableFolder(flag: string, path: string): void {
  let at = resolve(path);
  for (;;) {
    let isDir: boolean;
    try {
      isDir = statSync(at).isDirectory();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // ENOTDIR: a part of the path is a file; walk up to it and say so.
      if ((code === 'ENOENT' || code === 'ENOTDIR') && dirname(at) !== at) {
        at = dirname(at);
        continue;
      }
      throw new UsageError(`${flag} ${path}: cannot use ${at} (${code})`);
    }
    if (!isDir) throw new UsageError(`${flag} ${path}: ${at} is a file, not a folder`);
    try {
      accessSync(at, constants.W_OK);
    } catch {
      throw new UsageError(`${flag} ${path}: ${at} is not writable`);
    }
    if (at.startsWith('/proc/') || at === '/proc' || at.startsWith('/sys/') || at === '/sys') throw new UsageError(`${flag} ${path}: ${at} is a kernel file system, not a place for records`);
    return;
  }
}

/** Checks that `file` can be opened for appending: not a folder, and its folder exists and is writable. */
export function checkWritableFile(flag: string, file: string): void {
  const at = resolve(file);
  try {
    if (statSync(at).isDirectory()) throw new UsageError(`${flag} ${file}: is a folder, want a file`);
    accessSync(at, constants.W_OK);
    return;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new UsageError(`${flag} ${file}: not writable (${code})`);
  }
  const folder = dirname(at);
  try {
    if (!statSync(folder).isDirectory()) throw new UsageError(`${flag} ${file}: ${folder} is not a folder`);
    accessSync(folder, constants.W_OK);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${flag} ${file}: cannot create it in ${folder} (${(err as NodeJS.ErrnoException).code})`);
  }
}
