import { SessionEmitter } from '../events/session-emitter.js';
import type { SessionSink } from '../events/session-sink.js';
import { probeImap } from '../imap/probe.js';
import { LineClient } from '../client/line-client.js';
import { probePop3 } from '../pop3/probe.js';
import type { Profile } from '../profiles/profile.js';
import type { ProfileOverrides } from '../profiles/resolve.js';
import type { SessionRecord } from '../model/session-record.js';
import { badChoice } from '../text/did-you-mean.js';
import { planDelivery, type SendTimeouts } from '../client/send-spec.js';
import { deliver } from '../smtp/sender.js';
import type { KeyLog } from '../tls/keylog.js';
import { UsageError } from '../usage-error.js';

export const PROBE_PROTOCOLS = ['smtp', 'imap', 'pop3'] as const;
export type ProbeProtocol = (typeof PROBE_PROTOCOLS)[number];

/** One probe (the library form of `mxlab probe`). */
export interface ProbeSpec {
  readonly protocol: ProbeProtocol | string;
  /** Target as 'HOST:PORT'; or give host and port. */
  readonly to?: string;
  readonly host?: string;
  readonly port?: number;
  /** Implicit TLS (465/993/995): the handshake comes first. @default false (STARTTLS/STLS) */
  readonly implicit?: boolean;
  /** Client policy none|may|encrypt|verify|secure (or the Exchange / Cisco ESA words). @default 'may' */
  readonly policy?: string;
  /** The probe's TLS personality. @default 'modern' */
  readonly profile?: string | Profile;
  readonly overrides?: ProfileOverrides;
  /** Name the certificate must carry under `secure`; also the SNI. @default the host */
  readonly tlsDomain?: string;
  /** Trust anchors (PEM) for the chain verdict instead of Node's default store. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** Peer name in events and records. @default 'probe-<protocol>' */
  readonly name?: string;
  readonly timeouts?: SendTimeouts;
}

let probeCounter = 0;

export function parseProbeProtocol(value: string): ProbeProtocol {
  const v = value.toLowerCase();
  if ((PROBE_PROTOCOLS as readonly string[]).includes(v)) return v as ProbeProtocol;
  throw new UsageError(badChoice('protocol', value, PROBE_PROTOCOLS));
}

/**
 * Connects to a server like `openssl s_client -starttls …` and returns the session record:
 * capabilities before and after TLS, the negotiated version, cipher and key exchange, the chain and
 * its verdict, whether a login was allowed before TLS. Never sends mail or credentials. SMTP goes
 * through the sending MTA's engine in probe mode; IMAP and POP3 through the line-protocol client.
 * Events go to `sink.bus`; the record comes from `sink` (a Lab's record builder).
 */
export async function probe(spec: ProbeSpec, sink: SessionSink, options: { keylog?: KeyLog; certsDir?: string } = {}): Promise<SessionRecord> {
  const protocol = parseProbeProtocol(spec.protocol);
  const common = {
    ...(spec.to !== undefined ? { to: spec.to } : {}),
    ...(spec.host !== undefined ? { host: spec.host } : {}),
    ...(spec.port !== undefined ? { port: spec.port } : {}),
    implicit: spec.implicit ?? false,
    policy: spec.policy ?? 'may',
    ...(spec.profile !== undefined ? { profile: spec.profile } : {}),
    ...(spec.overrides ? { overrides: spec.overrides } : {}),
    ...(spec.tlsDomain ? { tlsDomain: spec.tlsDomain } : {}),
    ...(spec.ca ? { ca: spec.ca } : {}),
    ...(spec.timeouts ? { timeouts: spec.timeouts } : {}),
    name: spec.name ?? `probe-${protocol}`,
  };
  // Its own EHLO name: a receiver's verdict on a sending MTA groups connections by address and EHLO
  // name, and a probe (TLS, then QUIT) is no connection of a delivery by mxlab's sender.
  if (protocol === 'smtp') return deliver({ ...common, helo: 'probe.mxlab.test', probe: true }, sink, options);
  const plan = planDelivery(common);
  const id = `${plan.peer}-${++probeCounter}`;
  const record = sink.recordOf(id);
  const client = new LineClient({ id, protocol, events: new SessionEmitter(sink.bus, id, plan.peer), plan, ...(options.keylog ? { keylog: options.keylog } : {}) });
  const watchdog = setTimeout(() => client.abort(`no outcome within ${plan.timeouts.totalMs} ms (timeouts.totalMs)`, 'ETIMEDOUT'), plan.timeouts.totalMs);
  try {
    await (protocol === 'imap' ? probeImap(client, plan) : probePop3(client, plan));
  } finally {
    clearTimeout(watchdog);
    await client.end();
  }
  return record;
}
