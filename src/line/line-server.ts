import type net from 'node:net';
import type { ChainMaterial } from '../certs/chain-spec.js';
import type { EventBus } from '../events/event-bus.js';
import { ServerTls } from '../handshake/server-tls.js';
import type { Mailbox } from '../mailbox/mailbox.js';
import type { ServerPolicy } from '../model/server-policy.js';
import type { Endpoint, PeerReconfiguration } from '../peer/peer.js';
import type { ConnectionLimits, ListenerSpec, SessionHandle } from '../peer/listening-peer.js';
import { ServerPeer, type ServerSettings } from '../peer/server-peer.js';
import type { Profile } from '../profiles/profile.js';
import type { Quirks } from '../profiles/quirks.js';
import type { KeyLog } from '../tls/keylog.js';
import { UsageError } from '../usage-error.js';
import { LineConnection } from './connection.js';
import type { Credentials } from './sasl-plain.js';

/** What every lab line-protocol server (IMAP, POP3) is made from, whatever it speaks. */
export interface LineServerOptions {
  /** Peer name in records and events. */
  readonly name: string;
  readonly profile: Profile;
  readonly material: ChainMaterial;
  readonly policy: ServerPolicy;
  readonly listeners: readonly ListenerSpec[];
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
  /** Connections at once, in all and per client address. */
  readonly limits?: ConnectionLimits;
}

/** What every session engine of such a server is given: greeting name, policy, quirks, mailbox, logins. */
export interface MailboxSessionOptions {
  readonly hostname: string;
  readonly policy: ServerPolicy;
  readonly quirks: Quirks;
  readonly mailbox: Mailbox;
  readonly credentials?: Credentials;
}

/**
 * The peer half of a line-protocol server (smtp-server's split: listener / connection / line stream):
 * binds the explicit and implicit ports, opens a LineConnection per client, does the implicit
 * handshake before the engine runs, and turns the connection's life into session-start and
 * session-end. The subclass names the protocol and brings the engine that speaks it.
 */
export abstract class LineServer<P extends 'imap' | 'pop3'> extends ServerPeer<ServerSettings> {
  declare readonly protocol: P;
  readonly #o: LineServerOptions;
  readonly #maxLineBytes: number;
  readonly #hostname: string;

  protected constructor(o: LineServerOptions, speaks: { readonly protocol: P; readonly maxLineBytes: number; readonly hostname: string }) {
    super({ name: o.name, protocol: speaks.protocol, bus: o.bus, listeners: o.listeners, ...(o.limits ? { limits: o.limits } : {}) });
    this.#o = o;
    this.#maxLineBytes = speaks.maxLineBytes;
    this.#hostname = o.hostname ?? speaks.hostname;
    this.current = { tls: new ServerTls(o.profile, o.material), policy: o.policy };
  }

  /** What a client hears when the lab stops in the middle of its session (IMAP `* BYE`, POP3 `-ERR`). */
  protected abstract shutdownLine(): string;

  /** What a client hears when its session lasted too long. */
  protected abstract deadlineLine(): string;

  /** The protocol engine: runs one session from its greeting to its end. */
  protected abstract engine(conn: LineConnection, session: MailboxSessionOptions): Promise<void>;

  async reconfigure(change: PeerReconfiguration): Promise<void> {
    if (change.personality !== undefined) throw new UsageError(`${this.name}: an ${this.protocol.toUpperCase()} server has no SMTP personality`);
    const before = this.settings;
    this.current = this.nextServerSettings(change);
    this.changed(before);
  }

  protected accept(raw: net.Socket, endpoint: Endpoint, id: string): SessionHandle {
    const o = this.#o;
    const settings = this.current;
    const events = this.openSession(raw, endpoint, id, { profile: settings.tls.profile.name, policy: settings.policy });
    const conn = new LineConnection({
      id, raw, tlsMode: endpoint.tlsMode, events, tls: settings.tls, maxLineBytes: o.maxLineBytes ?? this.#maxLineBytes,
      idleTimeoutMs: o.idleTimeoutMs ?? 60000, handshakeTimeoutMs: o.handshakeTimeoutMs ?? 10000,
      ...(o.keylog ? { keylog: o.keylog } : {}),
    });
    raw.on('error', (err: NodeJS.ErrnoException) => conn.socketError(err));
    const closed = new Promise<void>((resolve) => {
      if (raw.destroyed) resolve();
      else raw.once('close', () => resolve());
    });
    const session: MailboxSessionOptions = {
      hostname: this.#hostname, policy: settings.policy, quirks: settings.tls.profile.quirks ?? {}, mailbox: o.mailbox,
      ...(o.credentials ? { credentials: o.credentials } : {}),
    };
    const ended = this.#run(conn, endpoint, session)
      .catch((err: Error) => conn.error(`internal error in the ${this.protocol} engine: ${err.message}`, 'command', 'EINTERNAL'))
      .then(async () => {
        conn.destroy();
        await closed;
        conn.endSession();
      });
    return {
      ended,
      stop: (reason) => conn.shutDown(reason, this.shutdownLine()),
      expire: (why) => {
        conn.error(why, 'command', 'ETIMEDOUT');
        conn.shutDown(why, this.deadlineLine());
      },
    };
  }

  async #run(conn: LineConnection, endpoint: Endpoint, session: MailboxSessionOptions): Promise<void> {
    if (endpoint.tlsMode === 'implicit') {
      if (!(await conn.startImplicit())) return;
    } else {
      conn.startPlain();
    }
    await this.engine(conn, session);
  }
}
