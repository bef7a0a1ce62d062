import type { ChainMaterial } from '../certs/chain-spec.js';
import { ImapServer } from '../imap/server.js';
import type { ConnectionLimits, ListenerSpec } from '../peer/listening-peer.js';
import type { Credentials } from '../line/sasl-plain.js';
import type { Mailbox } from '../mailbox/mailbox.js';
import { Pop3Server } from '../pop3/server.js';
import type { Profile } from '../profiles/profile.js';
import { chainName, resolveProfile, type ProfileOverrides } from '../profiles/resolve.js';
import { parseServerPolicy, type ServerPolicy } from '../model/server-policy.js';
import type { KeyLog } from '../tls/keylog.js';
import { UsageError } from '../usage-error.js';
import type { EventBus } from '../events/event-bus.js';

/** What IMAP and POP3 server peers share (the SMTP receiver's ReceiverSpec, minus the SMTP parts). */
export interface MailServerSpec {
  /** Peer name. @default '<profile>-imap' / '<profile>-pop3' (made unique). */
  readonly name?: string;
  /** Profile name (`tls10-only+md5-chain`) or a resolved Profile. */
  readonly profile: string | Profile;
  readonly overrides?: ProfileOverrides;
  /** off | optional | required (`required`: LOGINDISABLED / no USER before TLS). @default 'optional' */
  readonly policy?: ServerPolicy | string;
  /** @default '127.0.0.1' */
  readonly address?: string;
  /** Name in the greeting. */
  readonly hostname?: string;
  /** user → password. Absent: any user and password are accepted. */
  readonly credentials?: Credentials;
  readonly handshakeTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
  /** Connections at once: in all (default 100) and per client address (default 50). */
  readonly limits?: ConnectionLimits;
}

export interface ImapServerSpec extends MailServerSpec {
  /** STARTTLS listener ports, 143 style (0 = OS picks). */
  readonly imap?: readonly number[];
  /** Implicit-TLS listener ports, 993 style. */
  readonly imaps?: readonly number[];
}

export interface Pop3ServerSpec extends MailServerSpec {
  /** STLS listener ports, 110 style (0 = OS picks). */
  readonly pop3?: readonly number[];
  /** Implicit-TLS listener ports, 995 style. */
  readonly pop3s?: readonly number[];
}

export type MailServer = ImapServer | Pop3Server;

interface Context {
  readonly bus: EventBus;
  readonly mailbox: Mailbox;
  /** The certificate chain of a profile (the lab's, cached for its lifetime). */
  readonly chain: (profile: Profile) => Promise<ChainMaterial>;
  readonly keylog?: KeyLog;
  readonly uniqueName: (base: string) => string;
}

/** Builds (does not start) an IMAP or POP3 peer from its spec; bad input is a UsageError. */
export async function makeMailServer(protocol: 'imap' | 'pop3', spec: ImapServerSpec | Pop3ServerSpec, ctx: Context): Promise<MailServer> {
  const profile = typeof spec.profile === 'string' ? resolveProfile(spec.profile, spec.overrides) : spec.profile;
  const policy = parseServerPolicy(spec.policy ?? 'optional');
  const address = spec.address ?? '127.0.0.1';
  const [explicit, implicit] = protocol === 'imap' ? [(spec as ImapServerSpec).imap, (spec as ImapServerSpec).imaps] : [(spec as Pop3ServerSpec).pop3, (spec as Pop3ServerSpec).pop3s];
  const listeners: ListenerSpec[] = [
    ...(explicit ?? []).map((port) => ({ tlsMode: 'explicit' as const, port, address })),
    ...(implicit ?? []).map((port) => ({ tlsMode: 'implicit' as const, port, address })),
  ];
  const word = protocol === 'imap' ? 'IMAP (STARTTLS) or IMAPS' : 'POP3 (STLS) or POP3S';
  if (!listeners.length) throw new UsageError(`${protocol} server ${spec.name ?? profile.name}: no listener; give an ${word} port`);
  if (!profile.chain) throw new UsageError(`profile ${profile.name} has no certificate chain`);
  const material = await ctx.chain(profile);
  const options = {
    name: ctx.uniqueName(spec.name ?? `${profile.name}-${protocol}`),
    profile, material, policy, listeners, bus: ctx.bus, mailbox: ctx.mailbox,
    ...(spec.hostname ? { hostname: spec.hostname } : {}),
    ...(spec.credentials ? { credentials: spec.credentials } : {}),
    ...(spec.handshakeTimeoutMs ? { handshakeTimeoutMs: spec.handshakeTimeoutMs } : {}),
    ...(spec.idleTimeoutMs ? { idleTimeoutMs: spec.idleTimeoutMs } : {}),
    ...(spec.limits ? { limits: spec.limits } : {}),
    ...(ctx.keylog ? { keylog: ctx.keylog } : {}),
  };
  return protocol === 'imap' ? new ImapServer(options) : new Pop3Server(options);
}
