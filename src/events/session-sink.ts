import type { SessionRecord } from '../model/session-record.js';
import type { EventBus } from './event-bus.js';

/**
 * Where a client peer (the sender, a probe) sends its sessions' events, and where it gets each
 * session's record back: from the record builder directly, whoever else listens on the bus.
 */
export interface SessionSink {
  readonly bus: EventBus;
  /** The record of `session` once it has ended. Ask before the session's first event. */
  recordOf(session: string): Promise<SessionRecord>;
}
