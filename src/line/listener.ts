import net from 'node:net';
import type { EventBus } from '../events/event-bus.js';
import type { Protocol } from '../model/session-record.js';
import type { ServerPolicy } from '../model/server-policy.js';
import type { KeyLog } from '../tls/keylog.js';
import { LineConnection } from './connection.js';
import type { ServerTls } from '../handshake/server-tls.js';

export interface LineListenerSpec {
  /** 'explicit': plaintext start with STARTTLS/STLS (143/110); 'implicit': TLS first (993/995). */
  readonly tlsMode: 'explicit' | 'implicit';
  /** 0 lets the OS pick. */
  readonly port: number;
  /** @default '127.0.0.1' */
  readonly address?: string;
}

export interface BoundLineListener {
  readonly tlsMode: 'explicit' | 'implicit';
  readonly address: string;
  readonly port: number;
}

export interface LineServerOptions {
  /** Peer name in records and events. */
  readonly name: string;
  readonly protocol: Exclude<Protocol, 'smtp'>;
  readonly tls: ServerTls;
  readonly policy: ServerPolicy;
  readonly listeners: readonly LineListenerSpec[];
  readonly bus: EventBus;
  readonly maxLineBytes: number;
  /** @default 10000 */
  readonly handshakeTimeoutMs?: number;
  /** @default 60000 */
  readonly idleTimeoutMs?: number;
  /** Where every TLS session's secrets go (SSLKEYLOGFILE format). */
  readonly keylog?: KeyLog;
  /** The protocol engine: runs one session from its greeting to its end. */
  readonly engine: (conn: LineConnection) => Promise<void>;
}

let sessionCounter = 0;

/**
 * The listener half of a line-protocol server (smtp-server's split: listener / connection / line
 * stream): binds the explicit and implicit ports, opens a LineConnection per client, does the
 * implicit handshake before the engine runs, and turns the connection's life into session-start and
 * session-end. Nothing here knows IMAP or POP3.
 */
export class LineServer {
  readonly name: string;
  readonly #o: LineServerOptions;
  readonly #servers: net.Server[] = [];
  readonly #open = new Set<LineConnection>();
  readonly #bound: BoundLineListener[] = [];
  #stopping = false;

  constructor(options: LineServerOptions) {
    this.#o = options;
    this.name = options.name;
  }

  get listeners(): readonly BoundLineListener[] {
    return this.#bound;
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  async start(): Promise<readonly BoundLineListener[]> {
    const o = this.#o;
    for (const l of o.listeners) {
      const server = net.createServer((socket) => this.#accept(socket, l.tlsMode));
      server.on('error', () => undefined);
      const address = l.address ?? '127.0.0.1';
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port: l.port, host: address }, () => {
          server.removeListener('error', reject);
          resolve();
        });
      }).catch((err: NodeJS.ErrnoException) => {
        const kind = `${o.protocol}${l.tlsMode === 'implicit' ? 's' : ''}`;
        throw Object.assign(new Error(`${this.name}: cannot listen on ${address}:${l.port} (${kind}): ${err.code ?? err.message}`), { code: err.code, peer: this.name, stage: 'listen' });
      });
      const addr = server.address() as net.AddressInfo;
      this.#servers.push(server);
      this.#bound.push({ tlsMode: l.tlsMode, address: addr.address, port: addr.port });
      o.bus.emit({ type: 'peer-listening', peer: this.name, protocol: o.protocol, tlsMode: l.tlsMode, address: addr.address, port: addr.port, profile: o.tls.profile.name, policy: o.policy });
    }
    return this.#bound;
  }

  /** Stops listening, closes open sessions, and waits until every session has ended. */
  async stop(): Promise<void> {
    this.#stopping = true;
    const closed = Promise.all(this.#servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    for (const c of this.#open) c.destroy('the lab stopped');
    await closed;
    while (this.#open.size) await new Promise((r) => setTimeout(r, 5));
    this.#o.bus.emit({ type: 'peer-stopped', peer: this.name });
  }

  #accept(raw: net.Socket, tlsMode: 'explicit' | 'implicit'): void {
    const o = this.#o;
    const id = `${this.name}-${++sessionCounter}`;
    const conn = new LineConnection({
      id, raw, tlsMode, bus: o.bus, tls: o.tls, maxLineBytes: o.maxLineBytes,
      idleTimeoutMs: o.idleTimeoutMs ?? 60000, handshakeTimeoutMs: o.handshakeTimeoutMs ?? 10000,
      ...(o.keylog ? { keylog: o.keylog } : {}),
    });
    this.#open.add(conn);
    o.bus.emit({
      type: 'session-start', session: id, peer: this.name, role: 'server', protocol: o.protocol, tlsMode,
      profile: o.tls.profile.name, policy: tlsMode === 'implicit' ? 'implicit' : o.policy,
      local: { address: raw.localAddress ?? '', port: raw.localPort ?? 0 },
      remote: { address: raw.remoteAddress ?? '', port: raw.remotePort ?? 0 },
      at: Date.now(),
    });
    raw.on('error', (err: NodeJS.ErrnoException) => conn.socketError(err));
    const closed = new Promise<void>((resolve) => {
      if (raw.destroyed) resolve();
      else raw.once('close', () => resolve());
    });
    void this.#run(conn, tlsMode)
      .catch((err: Error) => conn.error(`internal error in the ${o.protocol} engine: ${err.message}`, 'command', 'EINTERNAL'))
      .then(async () => {
        conn.destroy();
        await closed;
        o.bus.emit({ type: 'session-end', session: id, at: Date.now() });
        this.#open.delete(conn);
      });
  }

  async #run(conn: LineConnection, tlsMode: 'explicit' | 'implicit'): Promise<void> {
    if (tlsMode === 'implicit') {
      if (!(await conn.startImplicit())) return;
    } else {
      conn.startPlain();
    }
    await this.#o.engine(conn);
  }
}
