import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The folder one lab run writes: sessions.jsonl (one record per line, flushed as each session ends),
 * messages/*.eml (what the fake receivers accepted), lab.json (which peers listened where).
 */
export class RunDir {
  readonly path: string;
  readonly messagesDir: string;
  readonly sessionsFile: string;

  constructor(path: string) {
    this.path = path;
    this.messagesDir = join(path, 'messages');
    this.sessionsFile = join(path, 'sessions.jsonl');
    mkdirSync(this.messagesDir, { recursive: true });
  }

  /** A fresh run folder under `base`, named by the start time. */
  static create(base: string): RunDir {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    let path = join(base, stamp);
    for (let i = 1; ; i++) {
      try {
        mkdirSync(path, { recursive: false });
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
    return new RunDir(path);
  }

  messageFile(id: string): string {
    return join(this.messagesDir, `${id}.eml`);
  }

  writeLabInfo(info: unknown): void {
    writeFileSync(join(this.path, 'lab.json'), JSON.stringify(info, null, 2) + '\n');
  }
}
