import type { EventBus } from './event-bus.js';
import type { SessionEvent, SessionEventBody, SessionFields } from './events.js';

/**
 * The events of one session: stamps each with the session's id, its peer and the time, so that an
 * engine writes only what happened. One per session, made by whoever accepts or opens the connection.
 */
export class SessionEmitter {
  readonly session: string;
  readonly peer: string;
  readonly bus: EventBus;

  constructor(bus: EventBus, session: string, peer: string) {
    this.bus = bus;
    this.session = session;
    this.peer = peer;
  }

  /** Emits `body` stamped; the body must be a fresh object (it becomes the event: no copy is made). */
  emit(body: SessionEventBody): void {
    const event: Partial<SessionFields> & SessionEventBody = body;
    Object.assign(event, { session: this.session, peer: this.peer, at: body.at ?? Date.now() });
    // With the fields just added, the body is a SessionEvent of the same type.
    this.bus.emit(event as SessionEvent);
  }
}
