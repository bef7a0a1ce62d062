import type { SessionRecord } from '../model/session-record.js';
import type { EventBus } from './event-bus.js';
import type { LabEvent, LabEventOf } from './events.js';

export interface BacklogLimits {
  /** Most recent session records kept (older ones are in sessions.jsonl). @default 500 */
  readonly records?: number;
  /** Most recent peer events and warnings kept. @default 2000 */
  readonly peerEvents?: number;
  /** Events kept per open session; past this, transcript lines are dropped first. @default 2000 */
  readonly perSession?: number;
}

/** A fixed-size ring: push is O(1), iteration is oldest first. */
class Ring<T> {
  readonly #items: (T | undefined)[];
  #start = 0;
  #size = 0;

  constructor(capacity: number) {
    this.#items = new Array<T | undefined>(Math.max(1, capacity));
  }

  get size(): number {
    return this.#size;
  }

  push(item: T): void {
    const cap = this.#items.length;
    if (this.#size < cap) {
      this.#items[(this.#start + this.#size) % cap] = item;
      this.#size += 1;
    } else {
      this.#items[this.#start] = item;
      this.#start = (this.#start + 1) % cap;
    }
  }

  *[Symbol.iterator](): IterableIterator<T> {
    const cap = this.#items.length;
    for (let i = 0; i < this.#size; i += 1) yield this.#items[(this.#start + i) % cap]!;
  }

  toArray(): T[] {
    return [...this];
  }
}

interface OpenSession {
  readonly events: LabEvent[];
  dropped: number;
}

/**
 * What a subscriber that attaches late needs to catch up, bounded: the peers' events and warnings,
 * the most recent records, and every event so far of the sessions still open. `replay` hands them over
 * in that order (peers first, then finished sessions, then the ones in progress), after which the
 * subscriber follows the live stream: nothing is missed and nothing comes twice.
 */
export class EventBacklog {
  readonly #peerEvents: Ring<LabEvent>;
  readonly #records: Ring<LabEventOf<'record'>>;
  readonly #open = new Map<string, OpenSession>();
  readonly #perSession: number;
  readonly #unsubscribe: () => void;
  #recordCount = 0;

  constructor(bus: EventBus, limits: BacklogLimits = {}) {
    this.#peerEvents = new Ring(limits.peerEvents ?? 2000);
    this.#records = new Ring(limits.records ?? 500);
    this.#perSession = limits.perSession ?? 2000;
    this.#unsubscribe = bus.subscribe((e) => this.#keep(e));
  }

  /** Records seen since the lab started (the backlog keeps only the most recent). */
  get recordCount(): number {
    return this.#recordCount;
  }

  /** The records kept, oldest first. */
  records(): SessionRecord[] {
    return this.#records.toArray().map((e) => e.record);
  }

  /** Sessions still open. */
  get openSessions(): number {
    return this.#open.size;
  }

  /** Hands every kept event to `listener`, in the order described above. */
  replay(listener: (event: LabEvent) => void): void {
    for (const e of this.#peerEvents.toArray()) listener(e);
    for (const e of this.#records.toArray()) listener(e);
    for (const s of [...this.#open.values()]) for (const e of s.events) listener(e);
  }

  close(): void {
    this.#unsubscribe();
  }

  #keep(e: LabEvent): void {
    switch (e.type) {
      case 'peer-listening':
      case 'peer-stopped':
      case 'peer-changed':
      case 'lab-warning':
      case 'scan-report':
      case 'delivery':
        this.#peerEvents.push(e);
        return;
      case 'record':
        this.#recordCount += 1;
        this.#records.push(e);
        return;
      case 'session-start':
        this.#open.set(e.session, { events: [e], dropped: 0 });
        return;
      case 'session-end':
        this.#open.delete(e.session);
        return;
      default: {
        const s = this.#open.get(e.session);
        if (!s) return;
        if (s.events.length < this.#perSession || e.type !== 'line') s.events.push(e);
        else s.dropped += 1;
      }
    }
  }
}
