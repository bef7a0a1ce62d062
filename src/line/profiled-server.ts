import type { ChainMaterial } from '../certs/chain-spec.js';
import type { EventBus } from '../events/event-bus.js';
import type { Mailbox } from '../mailbox/mailbox.js';
import type { Profile } from '../profiles/profile.js';
import type { Quirks } from '../profiles/quirks.js';
import type { ServerPolicy } from '../model/server-policy.js';
import type { KeyLog } from '../tls/keylog.js';
import type { LineConnection } from './connection.js';
import { type BoundLineListener, type LineListenerSpec, type LineServerOptions, LineServer } from './listener.js';
import type { Credentials } from './sasl-plain.js';
import { ServerTls } from '../handshake/server-tls.js';

/** What every lab line-protocol server (IMAP, POP3) is made from, whatever it speaks. */
export interface ProfiledLineServerOptions {
  /** Peer name in records and events. */
  readonly name: string;
  readonly profile: Profile;
  readonly material: ChainMaterial;
  readonly policy: ServerPolicy;
  readonly listeners: readonly LineListenerSpec[];
  readonly bus: EventBus;
  readonly mailbox: Mailbox;
  /** Name in the greeting. */
  readonly hostname?: string;
  /** user → password; absent: any user and password are accepted. */
  readonly credentials?: Credentials;
  /** Where every TLS session's secrets go (SSLKEYLOGFILE format). */
  readonly keylog?: KeyLog;
  /** @default 10000 */
  readonly handshakeTimeoutMs?: number;
  /** @default 60000 */
  readonly idleTimeoutMs?: number;
  readonly maxLineBytes?: number;
}

/** What every session engine of such a server is given: greeting name, policy, quirks, mailbox, logins. */
export function mailboxSessionOptions(o: ProfiledLineServerOptions, defaultHostname: string): {
  readonly hostname: string;
  readonly policy: ServerPolicy;
  readonly quirks: Quirks;
  readonly mailbox: Mailbox;
  readonly credentials?: Credentials;
} {
  return {
    hostname: o.hostname ?? defaultHostname,
    policy: o.policy,
    quirks: o.profile.quirks ?? {},
    mailbox: o.mailbox,
    ...(o.credentials ? { credentials: o.credentials } : {}),
  };
}

/**
 * A LineServer set up from a lab profile: TLS from the profile and its chain material, the policy,
 * listeners and timeouts from the options; the subclass names the protocol and brings the engine
 * that speaks it.
 */
export class ProfiledLineServer<P extends LineServerOptions['protocol']> {
  readonly name: string;
  readonly protocol: P;
  /** Profile name, e.g. 'tls10-only+md5-chain'. */
  readonly profile: string;
  readonly policy: ServerPolicy;
  readonly #server: LineServer;

  protected constructor(
    o: ProfiledLineServerOptions,
    speaks: { readonly protocol: P; readonly maxLineBytes: number; readonly engine: (conn: LineConnection) => Promise<void> },
  ) {
    this.protocol = speaks.protocol;
    this.name = o.name;
    this.profile = o.profile.name;
    this.policy = o.policy;
    this.#server = new LineServer({
      name: o.name, protocol: speaks.protocol, tls: new ServerTls(o.profile, o.material), policy: o.policy, listeners: o.listeners, bus: o.bus,
      maxLineBytes: speaks.maxLineBytes,
      ...(o.handshakeTimeoutMs ? { handshakeTimeoutMs: o.handshakeTimeoutMs } : {}),
      ...(o.idleTimeoutMs ? { idleTimeoutMs: o.idleTimeoutMs } : {}),
      ...(o.keylog ? { keylog: o.keylog } : {}),
      engine: speaks.engine,
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
