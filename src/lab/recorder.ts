import { closeSync, openSync, writeSync } from 'node:fs';
import type { SessionRecord } from '../model/session-record.js';
import type { EventBus } from '../events/event-bus.js';

/**
 * Appends every session record to sessions.jsonl the moment it is built (one write per record, so a
 * crash or Ctrl-C loses nothing already recorded) and keeps them in memory for the library API.
 */
export class Recorder {
  readonly records: SessionRecord[] = [];
  readonly #fd: number;
  readonly #unsubscribe: () => void;
  readonly #waiters = new Set<{ match: (r: SessionRecord) => boolean; resolve: (r: SessionRecord) => void }>();

  constructor(bus: EventBus, file: string) {
    this.#fd = openSync(file, 'a', 0o644);
    this.#unsubscribe = bus.on('record', ({ record }) => {
      writeSync(this.#fd, JSON.stringify(record) + '\n');
      this.records.push(record);
      for (const w of this.#waiters) {
        if (w.match(record)) {
          this.#waiters.delete(w);
          w.resolve(record);
        }
      }
    });
  }

  /** The first record (already made or still to come) that matches. */
  waitFor(match: (r: SessionRecord) => boolean, timeoutMs: number, what = 'a session record'): Promise<SessionRecord> {
    const hit = this.records.find(match);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (r: SessionRecord) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${this.records.length} records so far)`));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  close(): void {
    this.#unsubscribe();
    closeSync(this.#fd);
  }
}
