import { closeSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EventBus } from '../events/event-bus.js';
import { recordJson } from '../record/record-json.js';

/**
 * Appends every session record to sessions.jsonl the moment it is built, before any other subscriber
 * (a printer, the console) sees it: one write per record, so a crash or Ctrl-C loses nothing already
 * recorded and whatever a front end shows is already on disk. A failed write is a lab-warning.
 * A finished scan (`scan-report`) goes to scans.jsonl beside it.
 *
 * Every message a receiver accepted is also a line of messages.jsonl beside it (session, queue id, file),
 * written when the receiver emits its `message` event: after the .eml is complete under its final name
 * and before the 250 goes out. A crash between the 250 and the session's end (its record) still leaves
 * the acceptance on disk, pointing to a complete .eml. Writes are write(2) calls (writeSync): once done
 * the line is in the operating system's hands, so a killed mxlab loses none of them (no fsync: a power
 * loss may).
 */
export class Recorder {
  readonly #fd: number;
  readonly #unsubscribe: () => void;
  #failed = false;
  readonly #scansFile: string;
  #scansFd?: number;
  readonly #messagesFile: string;
  #messagesFd?: number;
  #deliveriesFd?: number;

  constructor(bus: EventBus, file: string) {
    // 0600: transcripts hold what clients sent (masked, but still the lab's evidence about them).
    this.#fd = openSync(file, 'a', 0o600);
    this.#scansFile = join(dirname(file), 'scans.jsonl');
    this.#messagesFile = join(dirname(file), 'messages.jsonl');
    // A catch-all subscriber made before any front end's: it runs first for every record.
    this.#unsubscribe = bus.subscribe((e) => {
      if (e.type === 'scan-report') return this.#scan(bus, e.peer, `${JSON.stringify({ peer: e.peer, at: new Date(e.at).toISOString(), sessions: `${e.idPrefix}-*`, ...e.report })}\n`);
      if (e.type === 'message' && e.file !== undefined) {
        const line = { at: new Date(e.at).toISOString(), session: e.session, peer: e.peer, id: e.id, from: e.from, to: e.to, size: e.size, file: e.file };
        return this.#message(bus, e.peer, e.session, `${JSON.stringify(line)}\n`);
      }
      if (e.type === 'delivery') return this.#delivery(bus, e.peer, `${JSON.stringify(e.delivery)}\n`);
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

  /**
   * A scan is one record of its own kind: a line of scans.jsonl next to sessions.jsonl, opened at the
   * first scan so that runs without one have no such file.
   */
  #scan(bus: EventBus, peer: string, line: string): void {
    try {
      this.#scansFd ??= openSync(this.#scansFile, 'a', 0o600);
      writeSync(this.#scansFd, line);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      bus.emit({ type: 'lab-warning', at: Date.now(), peer, code: e.code ?? 'EWRITE', message: `cannot write the scan to scans.jsonl: ${e.message}` });
    }
  }

  /** An accepted message's line in messages.jsonl (opened at the first one). */
  #message(bus: EventBus, peer: string, session: string, line: string): void {
    try {
      this.#messagesFd ??= openSync(this.#messagesFile, 'a', 0o600);
      writeSync(this.#messagesFd, line);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      bus.emit({ type: 'lab-warning', at: Date.now(), peer, session, code: e.code ?? 'EWRITE', message: `cannot write the accepted message to messages.jsonl: ${e.message}` });
    }
  }

  /** A delivery verdict is a line of deliveries.jsonl next to sessions.jsonl, opened at the first one. */
  #delivery(bus: EventBus, peer: string, line: string): void {
    try {
      this.#deliveriesFd ??= openSync(join(dirname(this.#scansFile), 'deliveries.jsonl'), 'a', 0o600);
      writeSync(this.#deliveriesFd, line);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      bus.emit({ type: 'lab-warning', at: Date.now(), peer, code: e.code ?? 'EWRITE', message: `cannot write the delivery verdict to deliveries.jsonl: ${e.message}` });
    }
  }

  close(): void {
    this.#unsubscribe();
    closeSync(this.#fd);
    if (this.#scansFd !== undefined) closeSync(this.#scansFd);
    if (this.#messagesFd !== undefined) closeSync(this.#messagesFd);
    if (this.#deliveriesFd !== undefined) closeSync(this.#deliveriesFd);
  }
}
