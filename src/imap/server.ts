import type { ChainMaterial } from '../certs/chain-spec.js';
import type { EventBus } from '../lab/event-bus.js';
import { type BoundLineListener, type LineListenerSpec, LineServer } from '../line/listener.js';
import type { Credentials } from '../line/sasl-plain.js';
import { ServerTls } from '../line/server-tls.js';
import type { Mailbox } from '../mailbox/mailbox.js';
import type { Profile } from '../profiles/profile.js';
import type { ServerPolicy } from '../smtp/server-policy.js';
import type { KeyLog } from '../tls/keylog.js';
import { ImapSession } from './session.js';

export interface ImapServerOptions {
  /** Peer name in records and events. */
  readonly name: string;
  readonly profile: Profile;
  readonly material: ChainMaterial;
  readonly policy: ServerPolicy;
  readonly listeners: readonly LineListenerSpec[];
  readonly bus: EventBus;
  readonly mailbox: Mailbox;
  /** Name in the greeting. @default 'imap.mxlab.test' */
  readonly hostname?: string;
  /** user → password; absent: any user and password are accepted. */
  readonly credentials?: Credentials;
  /** Where every TLS session's secrets go (SSLKEYLOGFILE format). */
  readonly keylog?: KeyLog;
  /** @default 10000 */
  readonly handshakeTimeoutMs?: number;
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
export class ImapServer {
  readonly name: string;
  readonly protocol = 'imap' as const;
  /** Profile name, e.g. 'tls10-only+md5-chain'. */
  readonly profile: string;
  readonly policy: ServerPolicy;
  readonly #server: LineServer;

  constructor(o: ImapServerOptions) {
    this.name = o.name;
    this.profile = o.profile.name;
    this.policy = o.policy;
    const engine = {
      hostname: o.hostname ?? 'imap.mxlab.test',
      policy: o.policy,
      quirks: o.profile.quirks ?? {},
      mailbox: o.mailbox,
      ...(o.credentials ? { credentials: o.credentials } : {}),
      maxLiteralBytes: o.maxLiteralBytes ?? 65536,
    };
    this.#server = new LineServer({
      name: o.name, protocol: 'imap', tls: new ServerTls(o.profile, o.material), policy: o.policy, listeners: o.listeners, bus: o.bus,
      maxLineBytes: o.maxLineBytes ?? 8192,
      ...(o.handshakeTimeoutMs ? { handshakeTimeoutMs: o.handshakeTimeoutMs } : {}),
      ...(o.idleTimeoutMs ? { idleTimeoutMs: o.idleTimeoutMs } : {}),
      ...(o.keylog ? { keylog: o.keylog } : {}),
      engine: (conn) => new ImapSession(conn, engine).run(),
    });
  }

  get listeners(): readonly BoundLineListener[] {
    return this.#server.listeners;
  }

  start(): Promise<readonly BoundLineListener[]> {
    return this.#server.start();
  }

  stop(): Promise<void> {
    return this.#server.stop();
  }
}
