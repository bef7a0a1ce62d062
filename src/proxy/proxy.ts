import net from 'node:net';
import type { EventBus } from '../events/event-bus.js';
import type { Protocol } from '../model/session-record.js';
import { ImapDialect } from './imap-dialect.js';
import { Pop3Dialect } from './pop3-dialect.js';
import type { ProxyPlan } from './proxy-spec.js';
import { type Dialect, ProxySession } from './proxy-session.js';
import { SmtpDialect } from './smtp-dialect.js';

export interface BoundProxyListener {
  /** Always 'explicit': the proxy attacks STARTTLS, so its clients start in plaintext. */
  readonly tlsMode: 'explicit';
  readonly address: string;
  readonly port: number;
}

const DIALECTS: Record<Protocol, (s: ProxySession) => Dialect> = {
  smtp: (s) => new SmtpDialect(s),
  imap: (s) => new ImapDialect(s),
  pop3: (s) => new Pop3Dialect(s),
};

let sessionCounter = 0;

/**
 * The MITM proxy peer: listens for real clients and connects each one to the real server (the
 * upstream), attacking STARTTLS as its strip mode says while the session is plaintext and relaying
 * bytes it cannot read once TLS went through. One ProxySession per client connection; a session that
 * fails (upstream gone, client gone) is recorded and the proxy goes on serving.
 */
export class MitmProxy {
  readonly name: string;
  readonly plan: ProxyPlan;
  readonly #bus: EventBus;
  readonly #open = new Set<ProxySession>();
  #server?: net.Server;
  #bound: BoundProxyListener[] = [];

  constructor(options: { name: string; plan: ProxyPlan; bus: EventBus }) {
    this.name = options.name;
    this.plan = options.plan;
    this.#bus = options.bus;
  }

  get protocol(): Protocol {
    return this.plan.protocol;
  }

  get listeners(): readonly BoundProxyListener[] {
    return this.#bound;
  }

  /** Sessions in progress. */
  get open(): number {
    return this.#open.size;
  }

  async start(): Promise<readonly BoundProxyListener[]> {
    const { address, port, protocol, strip, upstream } = this.plan;
    const server = net.createServer((socket) => this.#accept(socket));
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host: address }, () => {
        server.removeListener('error', reject);
        resolve();
      });
    }).catch((err: NodeJS.ErrnoException) => {
      throw Object.assign(new Error(`${this.name}: cannot listen on ${address}:${port} (${protocol} proxy): ${err.code ?? err.message}`), { code: err.code, peer: this.name, stage: 'listen' });
    });
    this.#server = server;
    const addr = server.address() as net.AddressInfo;
    this.#bound = [{ tlsMode: 'explicit', address: addr.address, port: addr.port }];
    this.#bus.emit({ type: 'peer-listening', peer: this.name, protocol, tlsMode: 'explicit', address: addr.address, port: addr.port, profile: `proxy to ${upstream.host}:${upstream.port}`, policy: `strip=${strip}` });
    return this.#bound;
  }

  /** Stops listening, ends open sessions, and waits until each has its record. */
  async stop(): Promise<void> {
    const server = this.#server;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const s of this.#open) s.destroy('the lab stopped');
    await closed;
    while (this.#open.size) await new Promise((r) => setTimeout(r, 5));
    this.#bus.emit({ type: 'peer-stopped', peer: this.name });
  }

  #accept(socket: net.Socket): void {
    const session = new ProxySession({ id: `${this.name}-${++sessionCounter}`, peer: this.name, plan: this.plan, bus: this.#bus, raw: socket, dialect: DIALECTS[this.plan.protocol] });
    this.#open.add(session);
    void session.run().finally(() => this.#open.delete(session));
  }
}
