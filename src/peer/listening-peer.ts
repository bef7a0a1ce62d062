import net from 'node:net';
import type { EventBus } from '../events/event-bus.js';
import { SessionEmitter } from '../events/session-emitter.js';
import type { PeerSettingsView, TlsMode } from '../events/events.js';
import type { Protocol, SessionResult } from '../model/session-record.js';
import type { Profile } from '../profiles/profile.js';
import { DESCRIPTOR_RESERVE, processDescriptors } from './descriptor-budget.js';
import type { Endpoint, Peer, PeerCounters, PeerReconfiguration } from './peer.js';

/** A listener to open: the port may be 0 (the OS picks; the bound port is kept for restarts). */
export interface ListenerSpec {
  readonly tlsMode: TlsMode;
  readonly port: number;
  /** @default '127.0.0.1' */
  readonly address?: string;
}

/**
 * How many connections a peer serves at once (Postfix: smtpd_client_connection_count_limit 50 per
 * client, default_process_limit 100 in all). Over a limit the client is told so and the connection is
 * recorded as refused.
 */
export interface ConnectionLimits {
  /** @default 100 */
  readonly maxConnections?: number;
  /** Per client address. @default 50 */
  readonly maxPerClient?: number;
  /**
   * The longest a session may last, whatever the client trickles in to reset the idle timer (the
   * slowloris attack): then it is told so (SMTP `421 4.4.2`, IMAP `* BYE`, POP3 `-ERR`) and closed.
   * @default 600000 (10 minutes)
   */
  readonly sessionDeadlineMs?: number;
}

/** One accepted connection, as the peer's engine runs it. */
export interface SessionHandle {
  /** Resolves once the session has ended and its session-end event is out. */
  readonly ended: Promise<void>;
  /** Ends the session now; `reason` is what its record says (e.g. 'the lab stopped'). */
  stop(reason: string): void;
  /** The session deadline passed: tell the client in the protocol's words, record why, close. */
  expire(why: string): void;
}

let sessionCounter = 0;

/**
 * The listener lifecycle every peer shares: bind the listeners (the OS's port picks are kept, so a
 * stopped peer starts again on the same ports), accept, count, stop without polling (the peer knows
 * when its last session's end is out), and the peer events front ends follow. A subclass brings the
 * engine that runs one connection and the settings it can change.
 */
export abstract class ListeningPeer implements Peer {
  readonly name: string;
  abstract readonly role: 'server' | 'proxy';
  readonly protocol: Protocol;
  protected readonly bus: EventBus;
  #specs: ListenerSpec[];
  #endpoints: Endpoint[] = [];
  readonly #servers: net.Server[] = [];
  readonly #open = new Set<SessionHandle>();
  #drained?: () => void;
  #running = false;
  #stopping = false;
  #sessions = 0;
  readonly #results: Partial<Record<SessionResult, number>> = {};
  readonly #unsubscribe: () => void;
  readonly #maxConnections: number;
  readonly #maxPerClient: number;
  readonly #sessionDeadlineMs: number;
  /** Sessions being served (not refused ones), in all and by client address. */
  #served = 0;
  readonly #perClient = new Map<string, number>();
  #refused = 0;
  #acceptErrors = 0;
  /** Shared by every peer of the process. */
  readonly #descriptors = processDescriptors;
  #descriptorsShort = false;
  #descriptorRefusals = 0;

  protected constructor(o: { name: string; protocol: Protocol; bus: EventBus; listeners: readonly ListenerSpec[]; limits?: ConnectionLimits }) {
    this.name = o.name;
    this.#maxConnections = o.limits?.maxConnections ?? 100;
    this.#maxPerClient = o.limits?.maxPerClient ?? 50;
    this.#sessionDeadlineMs = o.limits?.sessionDeadlineMs ?? 600000;
    this.protocol = o.protocol;
    this.bus = o.bus;
    this.#specs = [...o.listeners];
    this.#endpoints = this.#specs.map((l) => ({ protocol: o.protocol, tlsMode: l.tlsMode, address: l.address ?? '127.0.0.1', port: l.port }));
    this.#unsubscribe = o.bus.on('record', (e) => {
      if (e.peer === this.name) this.#results[e.record.result] = (this.#results[e.record.result] ?? 0) + 1;
    });
  }

  abstract get settings(): PeerSettingsView;
  /** The TLS personality new sessions get (a proxy has none of its own). */
  get tlsProfile(): Profile | undefined {
    return undefined;
  }
  abstract reconfigure(change: PeerReconfiguration): Promise<void>;
  /** Runs one connection: emits its session-start and, when it is over, its session-end. */
  protected abstract accept(socket: net.Socket, endpoint: Endpoint, id: string): SessionHandle;

  get endpoints(): readonly Endpoint[] {
    return this.#endpoints;
  }

  get running(): boolean {
    return this.#running;
  }

  /** The peer is stopping: sessions that end now were ended by the lab, not by their client. */
  protected get stopping(): boolean {
    return this.#stopping;
  }

  get counters(): PeerCounters {
    return { sessions: this.#sessions, open: this.#open.size, results: { ...this.#results }, overLimit: this.#refused, acceptErrors: this.#acceptErrors };
  }

  /** The line a client over a connection limit gets on a plaintext start (SMTP 421, IMAP * BYE, POP3 -ERR). */
  protected abstract busyLine(): string;

  async start(): Promise<readonly Endpoint[]> {
    if (this.#running) return this.#endpoints;
    this.#stopping = false;
    const bound: Endpoint[] = [];
    try {
      for (const [i, spec] of this.#specs.entries()) {
        const endpoint = this.#endpoints[i]!;
        const server = net.createServer((socket) => this.#accept(socket, bound[i] ?? endpoint));
        await listen(server, endpoint).catch((err: NodeJS.ErrnoException) => {
          const kind = `${this.protocol}${spec.tlsMode === 'implicit' ? 's' : ''}`;
          throw Object.assign(new Error(`${this.name}: cannot listen on ${endpoint.address}:${endpoint.port} (${kind}): ${err.code ?? err.message}`), { code: err.code, peer: this.name, stage: 'listen' });
        });
        // After listening, a server error (EMFILE on accept and the like) is news for the lab, not a crash.
        server.on('error', (err: NodeJS.ErrnoException) => {
          // EMFILE/ENFILE on accept: a connection was lost before it was a session; say so, count it.
          this.#acceptErrors += 1;
          this.bus.emit({ type: 'lab-warning', at: Date.now(), peer: this.name, code: err.code ?? 'ELISTEN', message: `${this.name}: listener ${endpoint.address}:${endpoint.port}: ${err.message} (${this.#acceptErrors} so far)` });
        });
        const addr = server.address() as net.AddressInfo;
        bound.push({ ...endpoint, address: addr.address, port: addr.port });
        this.#servers.push(server);
      }
    } catch (err) {
      await Promise.all(this.#servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      throw err;
    }
    this.#endpoints = bound;
    // A restart binds the same ports again, not new OS picks.
    this.#specs = bound.map((e) => ({ tlsMode: e.tlsMode, port: e.port, address: e.address }));
    this.#running = true;
    const s = this.settings;
    for (const e of bound) this.bus.emit({ type: 'peer-listening', at: Date.now(), peer: this.name, protocol: this.protocol, tlsMode: e.tlsMode, address: e.address, port: e.port, profile: s.profile, policy: s.policy });
    return bound;
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#stopping = true;
    // close() stops accepting at once; its callback waits for every open connection, so the sessions
    // are ended first or a client that stays connected would keep the lab from ever stopping.
    const closed = Promise.all(this.#servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    const drained = this.#open.size ? new Promise<void>((resolve) => (this.#drained = resolve)) : Promise.resolve();
    for (const s of this.#open) s.stop('the lab stopped');
    await Promise.all([closed, drained]);
    this.#running = false;
    this.bus.emit({ type: 'peer-stopped', at: Date.now(), peer: this.name });
  }

  /**
   * A connection's local end: the endpoint's own address and port when it listens on one address (no
   * system call per connection), the socket's when it listens on all of them.
   */
  protected localEnd(raw: net.Socket, endpoint: Endpoint): { address: string; port: number } {
    if (endpoint.address !== '0.0.0.0' && endpoint.address !== '::') return { address: endpoint.address, port: endpoint.port };
    return { address: raw.localAddress ?? '', port: raw.localPort ?? 0 };
  }

  /**
   * The events of a new session of this peer, its session-start already out: the profile and policy it
   * starts with (a session on an implicit-TLS port has the policy 'implicit').
   */
  protected openSession(socket: net.Socket, endpoint: Endpoint, id: string, settings: { readonly profile: string; readonly policy: string }): SessionEmitter {
    const events = new SessionEmitter(this.bus, id, this.name);
    events.emit({
      type: 'session-start', role: this.role, protocol: this.protocol, tlsMode: endpoint.tlsMode,
      profile: settings.profile, policy: endpoint.tlsMode === 'implicit' ? 'implicit' : settings.policy,
      local: this.localEnd(socket, endpoint), remote: { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 },
    });
    return events;
  }

  /** Emits peer-changed around a settings change the subclass makes in `apply`. */
  protected changed(before: PeerSettingsView): void {
    this.bus.emit({ type: 'peer-changed', at: Date.now(), peer: this.name, before, after: this.settings });
  }

  /** Stops counting this peer's records (the lab is done with it). */
  dispose(): void {
    this.#unsubscribe();
  }

  #accept(socket: net.Socket, endpoint: Endpoint): void {
    this.#sessions += 1;
    const id = `${this.name}-${++sessionCounter}`;
    const client = socket.remoteAddress ?? '';
    const fromClient = this.#perClient.get(client) ?? 0;
    const over = this.#served >= this.#maxConnections
      ? `too many connections to this peer (${this.#served}, limit ${this.#maxConnections})`
      : fromClient >= this.#maxPerClient ? `too many connections from ${client} (${fromClient}, limit ${this.#maxPerClient} per client)` : undefined;
    const fds = this.descriptorsPerSession;
    const outOfDescriptors = !over && !this.#descriptors.take(fds);
    let handle: SessionHandle;
    if (over || outOfDescriptors) {
      const why = over ?? `the lab is out of file descriptors (${this.#descriptors.inUse} held by sessions, ulimit -n ${this.#descriptors.limit}, ${DESCRIPTOR_RESERVE} kept free)`;
      if (outOfDescriptors) this.#descriptorWarning(why);
      handle = this.#refuse(socket, endpoint, id, why, outOfDescriptors);
    } else {
      this.#descriptorsShort = false;
      handle = this.accept(socket, endpoint, id);
      void handle.ended.then(() => this.#descriptors.give(fds));
      // Only the sessions served count against the limits (a refused connection is gone at once).
      this.#served += 1;
      this.#perClient.set(client, fromClient + 1);
      const deadline = setTimeout(() => handle.expire(`the session deadline of ${this.#sessionDeadlineMs} ms passed`), this.#sessionDeadlineMs);
      deadline.unref();
      void handle.ended.then(() => {
        clearTimeout(deadline);
        this.#served -= 1;
        const left = (this.#perClient.get(client) ?? 1) - 1;
        if (left > 0) this.#perClient.set(client, left);
        else this.#perClient.delete(client);
      });
    }
    this.#open.add(handle);
    void handle.ended.then(() => {
      this.#open.delete(handle);
      if (this.#open.size === 0) this.#drained?.();
    });
  }

  /** Descriptors one session holds (a proxy session: the client's and the upstream's). */
  protected get descriptorsPerSession(): number {
    return 1;
  }

  /** A lab-warning when the peer starts refusing for want of descriptors (once per shortage, and every 1000th refusal). */
  #descriptorWarning(why: string): void {
    this.#descriptorRefusals += 1;
    if (this.#descriptorsShort && this.#descriptorRefusals % 1000 !== 0) return;
    this.#descriptorsShort = true;
    this.bus.emit({ type: 'lab-warning', at: Date.now(), peer: this.name, code: 'EMFILE', message: `${this.name}: refusing connections: ${why}; ${this.#descriptorRefusals} refused so far (each has a record)` });
  }

  /**
   * A connection over a limit: told so on a plaintext start (closed at once on an implicit-TLS one),
   * recorded as refused. `fast`: descriptors are short, so the socket goes as soon as the reply is out.
   */
  #refuse(socket: net.Socket, endpoint: Endpoint, id: string, why: string, fast = false): SessionHandle {
    this.#refused += 1;
    const events = this.openSession(socket, endpoint, id, this.settings);
    socket.on('error', () => undefined);
    const ended = new Promise<void>((resolve) => socket.once('close', () => {
      events.emit({ type: 'session-end' });
      resolve();
    }));
    if (endpoint.tlsMode === 'implicit') {
      events.emit({ type: 'policy-refused', reply: `closed before the handshake: ${why}` });
      socket.destroy();
    } else {
      const line = this.busyLine();
      events.emit({ type: 'line', dir: 'S', line });
      events.emit({ type: 'policy-refused', reply: `${line} (${why})` });
      if (fast) socket.end(`${line}\r\n`, () => socket.destroy());
      else {
        socket.end(`${line}\r\n`);
        setTimeout(() => socket.destroy(), 1000).unref();
      }
    }
    return { ended, stop: () => socket.destroy(), expire: () => socket.destroy() };
  }
}

function listen(server: net.Server, at: { address: string; port: number }): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: at.port, host: at.address }, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
}
