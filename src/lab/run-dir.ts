import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The folder one lab run writes: sessions.jsonl (one record per line, flushed as each session ends),
 * messages/*.eml (what the fake receivers accepted), lab.json (which peers listened where).
 */
export class RunDir {
  readonly path: string;
  readonly messagesDir: string;
  readonly sessionsFile: string;

  /** The folder was made for this run (not one the user named that existed already). */
  readonly #made: boolean;
  /** The parent folder (runs/) was made for this run too. */
  readonly #madeBase: string | undefined;

  constructor(path: string, made = !existsSync(path), madeBase?: string) {
    this.#made = made;
    this.#madeBase = madeBase;
    this.path = path;
    this.messagesDir = join(path, 'messages');
    this.sessionsFile = join(path, 'sessions.jsonl');
    // 0700: transcripts and messages are the lab's evidence about its clients, for its user only.
    // (A folder the user named and made keeps its own mode; only what is made here gets 0700.)
    mkdirSync(this.messagesDir, { recursive: true, mode: 0o700 });
  }

  /** A fresh run folder under `base`, named by the start time. */
  static create(base: string): RunDir {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const madeBase = existsSync(base) ? undefined : base;
    let path = join(base, stamp);
    for (let i = 1; ; i++) {
      try {
        mkdirSync(path, { recursive: false, mode: 0o700 });
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
          mkdirSync(base, { recursive: true });
          continue;
        }
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        path = join(base, `${stamp}-${i}`);
      }
    }
    return new RunDir(path, true, madeBase);
  }

  /**
   * The run folder one kind of short command (`send`, `probe`) shares for a day: `base/<kind>-<date>/`
   * (UTC date), made on first use and appended to after. Each record is one O_APPEND write of one line
   * (the Recorder), so commands running at once interleave whole lines, never parts of them; such a
   * folder is never removed, since another command may be writing to it.
   */
  static daily(base: string, kind: string, now = new Date()): RunDir {
    return new RunDir(join(base, `${kind}-${now.toISOString().slice(0, 10)}`), false);
  }

  /** Removes the folder when this run made it and left nothing in it (a lab that failed to start). */
  removeIfUnused(): void {
    if (!this.#made) return;
    try {
      const sessions = existsSync(this.sessionsFile) ? statSync(this.sessionsFile).size : 0;
      if (sessions !== 0 || readdirSync(this.messagesDir).length !== 0) return;
      rmSync(this.path, { recursive: true, force: true });
      if (this.#madeBase && readdirSync(this.#madeBase).length === 0) rmSync(this.#madeBase, { recursive: true, force: true });
    } catch {
      // Whatever is there stays: nothing is removed that could hold a record.
    }
  }

  messageFile(id: string): string {
    return join(this.messagesDir, `${id}.eml`);
  }

  writeLabInfo(info: unknown): void {
    writeFileSync(join(this.path, 'lab.json'), JSON.stringify(info, null, 2) + '\n');
  }
}
