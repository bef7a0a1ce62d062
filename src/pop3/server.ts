import { LineServer, type LineServerOptions, type MailboxSessionOptions } from '../line/line-server.js';
import type { LineConnection } from '../line/connection.js';
import { Pop3Session } from './session.js';

export interface Pop3ServerOptions extends LineServerOptions {
  /** Name in the greeting. @default 'pop3.mxlab.test' */
  readonly hostname?: string;
  /** Idle time before the autologout close (RFC 1939 wants at least 10 minutes; a lab wants less). @default 60000 */
  readonly idleTimeoutMs?: number;
  /**
   * Longest command line. RFC 2449 §4 limits commands to 255 octets; an AUTH PLAIN initial response
   * with long names passes that, so mxlab takes more. @default 1024
   */
  readonly maxLineBytes?: number;
}

/**
 * A fake POP3 server (110-style STLS and 995-style implicit TLS) serving the lab's mailbox: the
 * shared LineServer listens, reads and does TLS; Pop3Session speaks POP3.
 */
export class Pop3Server extends LineServer<'pop3'> {
  constructor(o: Pop3ServerOptions) {
    super(o, { protocol: 'pop3', maxLineBytes: 1024, hostname: 'pop3.mxlab.test' });
  }

  protected busyLine(): string {
    return '-ERR [SYS/TEMP] Too many connections, try again later';
  }

  protected deadlineLine(): string {
    return '-ERR [SYS/TEMP] Session too long, closing';
  }

  protected shutdownLine(): string {
    return '-ERR [SYS/TEMP] mxlab POP3 server shutting down';
  }

  protected engine(conn: LineConnection, session: MailboxSessionOptions): Promise<void> {
    return new Pop3Session(conn, session).run();
  }
}
