import type { ChainMaterial } from '../certs/chain-spec.js';
import type { EventBus } from '../lab/event-bus.js';
import { type BoundLineListener, type LineListenerSpec, LineServer } from '../line/listener.js';
import type { Credentials } from '../line/sasl-plain.js';
import { ServerTls } from '../line/server-tls.js';
import type { Mailbox } from '../mailbox/mailbox.js';
import type { Profile } from '../profiles/profile.js';
import type { ServerPolicy } from '../smtp/server-policy.js';
import type { KeyLog } from '../tls/keylog.js';
import { Pop3Session } from './session.js';

export interface Pop3ServerOptions {
  /** Peer name in records and events. */
  readonly name: string;
  readonly profile: Profile;
  readonly material: ChainMaterial;
  readonly policy: ServerPolicy;
  readonly listeners: readonly LineListenerSpec[];
  readonly bus: EventBus;
  readonly mailbox: Mailbox;
  /** Name in the greeting. @default 'pop3.mxlab.test' */
  readonly hostname?: string;
  /** user → password; absent: any user and password are accepted. */
  readonly credentials?: Credentials;
  /** Where every TLS session's secrets go (SSLKEYLOGFILE format). */
  readonly keylog?: KeyLog;
  /** @default 10000 */
  readonly handshakeTimeoutMs?: number;
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
export class Pop3Server {
  readonly name: string;
  readonly protocol = 'pop3' as const;
  /** Profile name, e.g. 'tls10-only+md5-chain'. */
  readonly profile: string;
  readonly policy: ServerPolicy;
  readonly #server: LineServer;

  constructor(o: Pop3ServerOptions) {
    this.name = o.name;
    this.profile = o.profile.name;
    this.policy = o.policy;
    const engine = {
      hostname: o.hostname ?? 'pop3.mxlab.test',
      policy: o.policy,
      quirks: o.profile.quirks ?? {},
      mailbox: o.mailbox,
      ...(o.credentials ? { credentials: o.credentials } : {}),
    };
    this.#server = new LineServer({
      name: o.name, protocol: 'pop3', tls: new ServerTls(o.profile, o.material), policy: o.policy, listeners: o.listeners, bus: o.bus,
      maxLineBytes: o.maxLineBytes ?? 1024,
      ...(o.handshakeTimeoutMs ? { handshakeTimeoutMs: o.handshakeTimeoutMs } : {}),
      ...(o.idleTimeoutMs ? { idleTimeoutMs: o.idleTimeoutMs } : {}),
      ...(o.keylog ? { keylog: o.keylog } : {}),
      engine: (conn) => new Pop3Session(conn, engine).run(),
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
