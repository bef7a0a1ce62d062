/**
 * The quirks that break a session after its TLS handshake (closeAfterHandshake,
 * closeAfterFirstCommand, closeInDataAfterBytes in quirks.ts), as questions a protocol engine asks at
 * the exact point the behaviour happens. The engine owns its socket; this only says whether to cut it
 * there and in which words, so the SMTP receiver, IMAP and POP3 servers record the same reason.
 *
 *   const faults = new SessionFaults(profile.quirks);
 *   // right after the handshake (SMTPS/IMAPS/POP3S accept, or after STARTTLS/STLS):
 *   const why = faults.afterHandshake();            if (why) { report(why); socket.destroy(); }
 *   // for every command line the client sends, before answering it:
 *   const why = faults.command(overTls);            if (why) { report(why); socket.destroy(); }
 *   // while a message (SMTP DATA, IMAP APPEND literal) arrives, with the byte count so far:
 *   const why = faults.messageBytes(total);         if (why) { report(why); socket.destroy(); }
 *
 * `report` should be the engine's `session-error` event with stage 'tls', 'command' or 'data'.
 */
import type { Quirks } from './quirks.js';

export class SessionFaults {
  readonly #q: Quirks;
  #commandsOverTls = 0;
  #dataCut = false;

  constructor(quirks: Quirks | undefined) {
    this.#q = quirks ?? {};
  }

  /** Whether any post-handshake fault is configured. */
  get any(): boolean {
    return !!(this.#q.closeAfterHandshake || this.#q.closeAfterFirstCommand || this.#q.closeInDataAfterBytes !== undefined);
  }

  /** Called once the TLS handshake has finished; a reason means: close now, say nothing. */
  afterHandshake(): string | undefined {
    if (!this.#q.closeAfterHandshake) return undefined;
    return 'the server closed the connection right after the TLS handshake, before saying anything over TLS (quirk closeAfterHandshake)';
  }

  /** Called for each command line before it is answered; only the first one over TLS can trip the fault. */
  command(overTls: boolean): string | undefined {
    if (!overTls) return undefined;
    this.#commandsOverTls += 1;
    if (!this.#q.closeAfterFirstCommand || this.#commandsOverTls !== 1) return undefined;
    return 'the server closed the connection on the first command over TLS, without answering it (quirk closeAfterFirstCommand)';
  }

  /** Called as message bytes arrive, with the total so far; trips once the limit is reached. */
  messageBytes(total: number): string | undefined {
    const limit = this.#q.closeInDataAfterBytes;
    if (limit === undefined || this.#dataCut || total < limit) return undefined;
    this.#dataCut = true;
    return `the server closed the connection in the middle of the message after ${total} bytes, without a reply (quirk closeInDataAfterBytes=${limit})`;
  }
}
