import type net from 'node:net';
import type { EventBus } from '../events/event-bus.js';
import type { PeerSettingsView } from '../events/events.js';
import type { Protocol } from '../model/session-record.js';
import type { Endpoint, PeerReconfiguration } from '../peer/peer.js';
import { ListeningPeer, type SessionHandle } from '../peer/listening-peer.js';
import { UsageError } from '../usage-error.js';
import { ImapDialect } from './imap-dialect.js';
import { Pop3Dialect } from './pop3-dialect.js';
import { parseStripMode, type ProxyPlan } from './proxy-spec.js';
import { type Dialect, ProxySession } from './proxy-session.js';
import { SmtpDialect } from './smtp-dialect.js';

const DIALECTS: Record<Protocol, (s: ProxySession) => Dialect> = {
  smtp: (s) => new SmtpDialect(s),
  imap: (s) => new ImapDialect(s),
  pop3: (s) => new Pop3Dialect(s),
};

const BUSY: Record<Protocol, string> = {
  smtp: '421 4.7.0 Error: too many connections',
  imap: '* BYE [UNAVAILABLE] Too many connections, try again later',
  pop3: '-ERR [SYS/TEMP] Too many connections, try again later',
};

/**
 * The MITM proxy peer: listens for real clients and connects each one to the real server (the
 * upstream), attacking STARTTLS as its strip mode says while the session is plaintext and relaying
 * bytes it cannot read once TLS went through. One ProxySession per client connection; a session that
 * fails (upstream gone, client gone) is recorded and the proxy goes on serving. Its clients always
 * start in plaintext (the proxy attacks STARTTLS), so its one endpoint is explicit.
 */
export class MitmProxy extends ListeningPeer {
  /** A proxied session holds two sockets: the client's and the upstream's. */
  protected override get descriptorsPerSession(): number {
    return 2;
  }

  readonly role = 'proxy' as const;
  #plan: ProxyPlan;

  constructor(options: { name: string; plan: ProxyPlan; bus: EventBus }) {
    super({ name: options.name, protocol: options.plan.protocol, bus: options.bus, listeners: [{ tlsMode: 'explicit', port: options.plan.port, address: options.plan.address }] });
    this.#plan = options.plan;
  }

  /** Over a limit the proxy answers in the client's protocol, as the real server would. */
  protected busyLine(): string {
    return BUSY[this.#plan.protocol];
  }

  get plan(): ProxyPlan {
    return this.#plan;
  }

  get settings(): PeerSettingsView {
    const { upstream, strip } = this.#plan;
    return { profile: `proxy to ${upstream.host}:${upstream.port}`, policy: `strip=${strip}`, quirks: [] };
  }

  async reconfigure(change: PeerReconfiguration): Promise<void> {
    if (change.tls || change.policy !== undefined || change.personality !== undefined) {
      throw new UsageError(`${this.name}: a proxy has no TLS profile, policy or personality of its own; change its strip mode`);
    }
    if (change.strip === undefined) return;
    const before = this.settings;
    this.#plan = { ...this.#plan, strip: parseStripMode(change.strip) };
    this.changed(before);
  }

  protected accept(socket: net.Socket, _endpoint: Endpoint, id: string): SessionHandle {
    const session = new ProxySession({ id, peer: this.name, plan: this.#plan, bus: this.bus, raw: socket, dialect: DIALECTS[this.#plan.protocol] });
    return { ended: session.run(), stop: (reason) => session.destroy(reason), expire: (why) => session.destroy(why) };
  }
}
