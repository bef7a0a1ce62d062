import { closeSync, openSync, readSync } from 'node:fs';
import type { SessionRecord } from '../model/session-record.js';

const CHUNK = 1 << 20;
const ID = /^\{"id":"([^"]+)"/;

/**
 * Reads records back from sessions.jsonl by id, so the console keeps only recent records in memory.
 * The file only grows: an index of line offsets is extended from where the last scan stopped.
 */
export class RecordFile {
  readonly #file: string;
  readonly #index = new Map<string, { offset: number; length: number }>();
  #scanned = 0;

  constructor(file: string) {
    this.#file = file;
  }

  read(id: string): SessionRecord | undefined {
    if (!this.#index.has(id)) this.#scan();
    const at = this.#index.get(id);
    if (!at) return undefined;
    const fd = openSync(this.#file, 'r');
    try {
      const buf = Buffer.alloc(at.length);
      readSync(fd, buf, 0, at.length, at.offset);
      return JSON.parse(buf.toString('utf8')) as SessionRecord;
    } finally {
      closeSync(fd);
    }
  }

  #scan(): void {
    let fd: number;
    try {
      fd = openSync(this.#file, 'r');
    } catch {
      return;
    }
    try {
      const buf = Buffer.alloc(CHUNK);
      let carry = Buffer.alloc(0);
      let carryOffset = this.#scanned;
      for (;;) {
        const n = readSync(fd, buf, 0, CHUNK, this.#scanned);
        if (n === 0) break;
        this.#scanned += n;
        const data = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
        let start = 0;
        for (let nl = data.indexOf(10, start); nl >= 0; nl = data.indexOf(10, start)) {
          const head = data.subarray(start, Math.min(nl, start + 200)).toString('utf8');
          const m = ID.exec(head);
          if (m) this.#index.set(m[1]!, { offset: carryOffset + start, length: nl - start });
          start = nl + 1;
        }
        carry = Buffer.from(data.subarray(start));
        carryOffset += start;
      }
      // A line still being written is read again next time.
      this.#scanned -= carry.length;
    } finally {
      closeSync(fd);
    }
  }
}
