import { mailboxSessionOptions, ProfiledLineServer, type ProfiledLineServerOptions } from '../line/profiled-server.js';
import { Pop3Session } from './session.js';

export interface Pop3ServerOptions extends ProfiledLineServerOptions {
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
export class Pop3Server extends ProfiledLineServer<'pop3'> {
  constructor(o: Pop3ServerOptions) {
    const engine = mailboxSessionOptions(o, 'pop3.mxlab.test');
    super(o, { protocol: 'pop3', maxLineBytes: o.maxLineBytes ?? 1024, engine: (conn) => new Pop3Session(conn, engine).run() });
  }
}
