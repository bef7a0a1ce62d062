import type { ChainMaterial } from '../certs/chain-spec.js';
import type { PeerSettingsView, TlsMode } from '../events/events.js';
import type { Profile } from '../profiles/profile.js';
import type { Quirks } from '../profiles/quirks.js';
import type { Protocol, SessionResult, StripMode } from '../model/session-record.js';

/** One listening address of a peer. */
export interface Endpoint {
  readonly protocol: Protocol;
  /** 'explicit': plaintext start with STARTTLS/STLS (25/587, 143, 110); 'implicit': TLS first (465, 993, 995). */
  readonly tlsMode: TlsMode;
  readonly address: string;
  /** The bound port (the OS's pick when 0 was asked for); it stays across stop/start and reconfigure. */
  readonly port: number;
}

/** What a peer has seen since it was made. */
export interface PeerCounters {
  /** Connections accepted. */
  readonly sessions: number;
  /** Sessions still open. */
  readonly open: number;
  /** Finished sessions by their record's result. */
  readonly results: Readonly<Partial<Record<SessionResult, number>>>;
  /** Connections refused for being over a connection limit (they have records too). */
  readonly overLimit: number;
  /** Connections lost before they were sessions (EMFILE/ENFILE on accept): no record; a lab-warning each. */
  readonly acceptErrors: number;
}

/**
 * New settings for a running peer. Sessions already open finish on the settings they started with;
 * the port stays. What does not apply to the peer's kind is refused (a proxy has no TLS profile).
 */
export interface PeerReconfiguration {
  /** A new TLS personality, resolved and with its chain (the Lab resolves names and makes chains). */
  readonly tls?: { readonly profile: Profile; readonly material: ChainMaterial };
  /** Server policy: off | optional | required. */
  readonly policy?: string;
  /** SMTP personality (banner, EHLO, replies): generic | postfix | exchange | exim. */
  readonly personality?: string;
  /** The MITM proxy's attack on STARTTLS. */
  readonly strip?: StripMode;
}

/**
 * A lab peer: a protocol role with a TLS personality, listening on its endpoints. The SMTP receiver,
 * the IMAP and POP3 servers and the MITM proxy are peers; front ends command them only through the
 * Lab (start, stop, reconfigure) and learn about them only from events.
 */
export interface Peer {
  readonly name: string;
  /** 'server': a fake peer accepting; 'proxy': the MITM between a real client and a real server. */
  readonly role: 'server' | 'proxy';
  readonly protocol: Protocol;
  /** Where it listens (also while stopped: where it will listen again). */
  readonly endpoints: readonly Endpoint[];
  readonly running: boolean;
  /** Profile, policy, quirks and personality in force for new sessions. */
  readonly settings: PeerSettingsView;
  readonly counters: PeerCounters;
  start(): Promise<readonly Endpoint[]>;
  /** Stops listening, ends open sessions (their records say the lab stopped) and waits for their records. */
  stop(): Promise<void>;
  reconfigure(change: PeerReconfiguration): Promise<void>;
}

/** The quirks of a profile as short words for lists (the Peers view, `peer-changed`). */
export function quirkWords(quirks: Quirks | undefined): string[] {
  return Object.entries(quirks ?? {})
    .filter(([, v]) => v !== undefined && v !== false)
    .map(([k, v]) => (v === true ? k : `${k}=${Array.isArray(v) ? v.join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v)}`));
}
