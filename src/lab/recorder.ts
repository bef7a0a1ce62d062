import { closeSync, openSync, writeSync } from 'node:fs';
import type { EventBus } from '../events/event-bus.js';
import { recordJson } from '../record/record-json.js';

/**
 * Appends every session record to sessions.jsonl the moment it is built, before any other subscriber
 * (a printer, the console) sees it: one write per record, so a crash or Ctrl-C loses nothing already
 * recorded and whatever a front end shows is already on disk. A failed write is a lab-warning.
 */
export class Recorder {
  readonly #fd: number;
  readonly #unsubscribe: () => void;
  #failed = false;

  constructor(bus: EventBus, file: string) {
    // 0600: transcripts hold what clients sent (masked, but still the lab's evidence about them).
    this.#fd = openSync(file, 'a', 0o600);
    // A catch-all subscriber made before any front end's: it runs first for every record.
    this.#unsubscribe = bus.subscribe((e) => {
      if (e.type !== 'record') return;
      const record = e.record;
      try {
        writeSync(this.#fd, `${recordJson(record)}\n`);
      } catch (err) {
        if (this.#failed) return;
        this.#failed = true;
        const e = err as NodeJS.ErrnoException;
        bus.emit({ type: 'lab-warning', at: Date.now(), peer: record.peer, session: record.id, code: e.code ?? 'EWRITE', message: `cannot write session records to sessions.jsonl: ${e.message}` });
      }
    });
  }

  close(): void {
    this.#unsubscribe();
    closeSync(this.#fd);
  }
}
