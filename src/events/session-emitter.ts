import type { EventBus } from './event-bus.js';
import type { SessionEvent, SessionEventBody } from './events.js';

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

  emit(body: SessionEventBody): void {
    // The body's union member and the added fields make a SessionEvent of the same type.
    this.bus.emit({ ...body, session: this.session, peer: this.peer, at: body.at ?? Date.now() } as SessionEvent);
  }
}
