import type { PeerSettingsView } from '../events/events.js';
import { ServerTls } from '../handshake/server-tls.js';
import { parseServerPolicy, type ServerPolicy } from '../model/server-policy.js';
import type { Profile } from '../profiles/profile.js';
import { UsageError } from '../usage-error.js';
import { ListeningPeer } from './listening-peer.js';
import { type PeerReconfiguration, quirkWords } from './peer.js';

/** What every server peer's sessions start with: its compiled TLS personality and its policy. */
export interface ServerSettings {
  readonly tls: ServerTls;
  readonly policy: ServerPolicy;
}

/**
 * A peer that accepts clients with a TLS personality and a server policy (the SMTP receiver, the IMAP
 * and POP3 servers). `current` is what new sessions get; a session keeps the settings it started with.
 */
export abstract class ServerPeer<S extends ServerSettings> extends ListeningPeer {
  readonly role = 'server' as const;
  protected current!: S;

  override get tlsProfile(): Profile {
    return this.current.tls.profile;
  }

  /** Profile name, e.g. 'tls10-only+md5-chain'. */
  get profile(): string {
    return this.current.tls.profile.name;
  }

  get policy(): ServerPolicy {
    return this.current.policy;
  }

  get settings(): PeerSettingsView {
    const s = this.current;
    return { profile: s.tls.profile.name, policy: s.policy, quirks: quirkWords(s.tls.profile.quirks), ...this.viewExtras() };
  }

  /** Settings a subclass shows besides profile, policy and quirks (the SMTP personality). */
  protected viewExtras(): Partial<PeerSettingsView> {
    return {};
  }

  /** The TLS personality and policy a change asks for (the current ones where it says nothing). */
  protected nextServerSettings(change: PeerReconfiguration): ServerSettings {
    if (change.strip !== undefined) throw new UsageError(`${this.name}: only a proxy strips STARTTLS`);
    return {
      tls: change.tls ? new ServerTls(change.tls.profile, change.tls.material) : this.current.tls,
      policy: change.policy !== undefined ? parseServerPolicy(change.policy) : this.current.policy,
    };
  }
}
