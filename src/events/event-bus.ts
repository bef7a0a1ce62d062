import type { LabEvent, LabEventOf, LabEventType } from './events.js';

type Listener = (event: LabEvent) => void;

/**
 * Synchronous fan-out of lab events. A listener that throws is reported on stderr and does not stop
 * the others: a broken front end must never lose a session record.
 */
export class EventBus {
  readonly #listeners = new Set<Listener>();

  emit(event: LabEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (err) {
        process.stderr.write(`mxlab: an event listener failed on ${event.type}: ${(err as Error).stack ?? String(err)}\n`);
      }
    }
  }

  /** Subscribe to every event; returns the unsubscribe. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Subscribe to one event type; returns the unsubscribe. */
  on<T extends LabEventType>(type: T, listener: (event: LabEventOf<T>) => void): () => void {
    return this.subscribe((event) => {
      if (event.type === type) listener(event as LabEventOf<T>);
    });
  }
}
