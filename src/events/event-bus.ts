import type { LabEvent, LabEventOf, LabEventType } from './events.js';

type Listener = (event: LabEvent) => void;

/**
 * Synchronous fan-out of lab events. A listener that throws does not stop the others (a broken front
 * end must never lose a session record); the failure becomes a `lab-warning` event for the listeners
 * that did not throw. The bus never writes to a terminal: a full-screen front end owns it.
 */
export class EventBus {
  readonly #listeners = new Set<Listener>();
  /** Listeners of one type only, by type: an event costs nothing to those of other types. */
  readonly #byType = new Map<LabEventType, Set<Listener>>();
  /** A warning about a failed listener is being delivered: a second failure is not reported again. */
  #warning = false;

  emit(event: LabEvent): void {
    let failed: { listener: Listener; err: unknown } | undefined;
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (err) {
        failed ??= { listener, err };
      }
    }
    const typed = this.#byType.get(event.type);
    if (typed) {
      for (const listener of typed) {
        try {
          listener(event);
        } catch (err) {
          failed ??= { listener, err };
        }
      }
    }
    if (failed && !this.#warning) this.#warn(event, failed.listener, failed.err);
  }

  /** Subscribe to every event; returns the unsubscribe. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Subscribe to one event type; returns the unsubscribe. */
  on<T extends LabEventType>(type: T, listener: (event: LabEventOf<T>) => void): () => void {
    // Called only with events of `type` (see emit).
    const typed = listener as Listener;
    let set = this.#byType.get(type);
    if (!set) this.#byType.set(type, (set = new Set()));
    set.add(typed);
    return () => set.delete(typed);
  }

  #warn(event: LabEvent, failedListener: Listener, err: unknown): void {
    this.#warning = true;
    try {
      const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
      const warning: LabEvent = {
        type: 'lab-warning', at: Date.now(), code: 'LISTENER_FAILED',
        message: `an event subscriber failed on ${event.type}: ${detail}`,
        ...('peer' in event && event.peer ? { peer: event.peer } : {}),
        ...('session' in event && event.session ? { session: event.session } : {}),
      };
      for (const listener of [...this.#listeners, ...(this.#byType.get('lab-warning') ?? [])]) {
        if (listener === failedListener) continue;
        try {
          listener(warning);
        } catch {
          // A listener that cannot take a warning either has nobody left to tell.
        }
      }
    } finally {
      this.#warning = false;
    }
  }
}
