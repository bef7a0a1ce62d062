import { mailboxSessionOptions, ProfiledLineServer, type ProfiledLineServerOptions } from '../line/profiled-server.js';
import { ImapSession } from './session.js';

export interface ImapServerOptions extends ProfiledLineServerOptions {
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
export class ImapServer extends ProfiledLineServer<'imap'> {
  constructor(o: ImapServerOptions) {
    const engine = { ...mailboxSessionOptions(o, 'imap.mxlab.test'), maxLiteralBytes: o.maxLiteralBytes ?? 65536 };
    super(o, { protocol: 'imap', maxLineBytes: o.maxLineBytes ?? 8192, engine: (conn) => new ImapSession(conn, engine).run() });
  }
}
