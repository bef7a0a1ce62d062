import { LineServer, type LineServerOptions, type MailboxSessionOptions } from '../line/line-server.js';
import type { LineConnection } from '../line/connection.js';
import { ImapSession } from './session.js';

export interface ImapServerOptions extends LineServerOptions {
  /** Name in the greeting. @default 'imap.mxlab.test' */
  readonly hostname?: string;
  /** Idle time before `* BYE Autologout`. @default 60000 */
  readonly idleTimeoutMs?: number;
  /** Longest command line (RFC 7162 §4 asks servers to take 8192). @default 8192 */
  readonly maxLineBytes?: number;
  /** Largest literal in a command. @default 65536 */
  readonly maxLiteralBytes?: number;
}

/**
 * A fake IMAP server (143-style STARTTLS and 993-style implicit TLS) serving the lab's mailbox: the
 * shared LineServer listens, reads and does TLS; ImapSession speaks IMAP.
 */
export class ImapServer extends LineServer<'imap'> {
  readonly #maxLiteralBytes: number;

  constructor(o: ImapServerOptions) {
    super(o, { protocol: 'imap', maxLineBytes: 8192, hostname: 'imap.mxlab.test' });
    this.#maxLiteralBytes = o.maxLiteralBytes ?? 65536;
  }

  protected busyLine(): string {
    return '* BYE [UNAVAILABLE] Too many connections, try again later';
  }

  protected deadlineLine(): string {
    return '* BYE Autologout; session too long';
  }

  protected shutdownLine(): string {
    return '* BYE [UNAVAILABLE] mxlab IMAP server shutting down';
  }

  protected engine(conn: LineConnection, session: MailboxSessionOptions): Promise<void> {
    return new ImapSession(conn, { ...session, maxLiteralBytes: this.#maxLiteralBytes }).run();
  }
}
