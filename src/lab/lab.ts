import { fileURLToPath } from 'node:url';
import { getChain } from '../certs/factory.js';
import { chainName, resolveProfile, type ProfileOverrides } from '../profiles/resolve.js';
import type { Profile } from '../profiles/profile.js';
import { RecordBuilder } from '../record/builder.js';
import type { SessionRecord } from '../model/session-record.js';
import { personality as findPersonality } from '../smtp/personality.js';
import { type BoundListener, SmtpReceiver } from '../smtp/receiver.js';
import { deliver, type SendSpec } from '../smtp/sender.js';
import { parseServerPolicy, type ServerPolicy } from '../model/server-policy.js';
import { KeyLog } from '../tls/keylog.js';
import { UsageError } from '../usage-error.js';
import { Mailbox } from '../mailbox/mailbox.js';
import { probe, type ProbeSpec } from '../probe/probe.js';
import { MitmProxy } from '../proxy/proxy.js';
import { planProxy, type ProxySpec } from '../proxy/proxy-spec.js';
import type { Protocol } from '../model/session-record.js';
import { EventBus } from '../events/event-bus.js';
import { type ImapServerSpec, type MailServer, makeMailServer, type Pop3ServerSpec } from './mail-servers.js';
import { Recorder } from './recorder.js';
import { RunDir } from './run-dir.js';

/** The project's certs/ folder: generated material is cached there (git-ignored). */
export const DEFAULT_CERTS_DIR = fileURLToPath(new URL('../../certs/', import.meta.url));

export interface LabOptions {
  /** Exact folder for this run's records and messages. */
  readonly runDir?: string;
  /** Parent folder under which a time-stamped run folder is made. @default 'runs' */
  readonly runsBase?: string;
  /** Certificate cache. @default the project's certs/ */
  readonly certsDir?: string;
  /**
   * Append the secrets of every TLS session of the lab, server and client peers alike, to this file
   * in SSLKEYLOGFILE format (Wireshark: `-o tls.keylog_file:FILE`). Created 0600.
   */
  readonly keylog?: string;
}

export interface ReceiverSpec {
  /** Peer name. @default the profile name (made unique). */
  readonly name?: string;
  /** Profile name (`tls10-only+md5-chain`) or a resolved Profile. */
  readonly profile: string | Profile;
  readonly overrides?: ProfileOverrides;
  /** @default 'optional' */
  readonly policy?: ServerPolicy | string;
  /** @default 'generic' */
  readonly personality?: string;
  /** STARTTLS listener ports (0 = OS picks). */
  readonly smtp?: readonly number[];
  /** Implicit-TLS (SMTPS) listener ports. */
  readonly smtps?: readonly number[];
  /** @default '127.0.0.1' */
  readonly address?: string;
  readonly hostname?: string;
  readonly handshakeTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
  /**
   * Milliseconds before the 220 greeting. A client that talks before it gets `421 You talk too soon`
   * (the pregreet test of Postfix's postscreen and of smtp-server). @default 0
   */
  readonly greetingDelayMs?: number;
}

/**
 * A running set of peers with one event stream, one record builder and one run folder. Front ends
 * subscribe to `bus`; they never reach into a peer.
 */
export class Lab {
  readonly bus = new EventBus();
  readonly runDir: RunDir;
  readonly certsDir: string;
  readonly #builder: RecordBuilder;
  readonly #recorder: Recorder;
  readonly #receivers: SmtpReceiver[] = [];
  /** IMAP and POP3 peers. */
  readonly #mailServers: MailServer[] = [];
  /** MITM proxies between a real client and a real server. */
  readonly #proxies: MitmProxy[] = [];
  /** What the receivers accepted, served by the IMAP and POP3 peers. */
  readonly mailbox: Mailbox;
  readonly #sending = new Set<Promise<unknown>>();
  /** The lab's key log, when asked for: peers attach their TLS sockets to it. */
  readonly keylog?: KeyLog;
  #stopped = false;

  constructor(options: LabOptions = {}) {
    this.runDir = options.runDir ? new RunDir(options.runDir) : RunDir.create(options.runsBase ?? 'runs');
    this.certsDir = options.certsDir ?? DEFAULT_CERTS_DIR;
    this.#builder = new RecordBuilder(this.bus);
    this.#recorder = new Recorder(this.bus, this.runDir.sessionsFile);
    this.mailbox = new Mailbox(this.bus);
    if (options.keylog) this.keylog = new KeyLog(options.keylog);
  }

  get records(): readonly SessionRecord[] {
    return this.#recorder.records;
  }

  get receivers(): readonly SmtpReceiver[] {
    return this.#receivers;
  }

  /** The IMAP and POP3 peers. */
  get servers(): readonly MailServer[] {
    return this.#mailServers;
  }

  /** The MITM proxies. */
  get proxies(): readonly MitmProxy[] {
    return this.#proxies;
  }

  /** Waits for the first record matching `match` (or any record of `peer` when a string is given). */
  waitForRecord(match: string | ((r: SessionRecord) => boolean), timeoutMs = 10000): Promise<SessionRecord> {
    const fn = typeof match === 'string' ? (r: SessionRecord) => r.peer === match : match;
    return this.#recorder.waitFor(fn, timeoutMs, typeof match === 'string' ? `a record of peer ${match}` : 'a matching session record');
  }

  async addReceiver(spec: ReceiverSpec): Promise<SmtpReceiver> {
    const profile = typeof spec.profile === 'string' ? resolveProfile(spec.profile, spec.overrides) : spec.profile;
    const policy = parseServerPolicy(spec.policy ?? 'optional');
    const personality = findPersonality(spec.personality ?? 'generic');
    const listeners = [
      ...(spec.smtp ?? []).map((port) => ({ tlsMode: 'explicit' as const, port, address: spec.address ?? '127.0.0.1' })),
      ...(spec.smtps ?? []).map((port) => ({ tlsMode: 'implicit' as const, port, address: spec.address ?? '127.0.0.1' })),
    ];
    if (!listeners.length) throw new UsageError(`receiver ${spec.name ?? profile.name}: no listener; give an SMTP (STARTTLS) or SMTPS port`);
    if (!profile.chain) throw new UsageError(`profile ${profile.name} has no certificate chain`);
    const material = await getChain(profile.chain, { dir: this.certsDir, name: chainName(profile) });
    const name = this.#uniqueName(spec.name ?? profile.name);
    const receiver = new SmtpReceiver({
      name, profile, material, policy, personality, listeners, bus: this.bus, runDir: this.runDir,
      ...(spec.hostname ? { hostname: spec.hostname } : {}),
      ...(spec.handshakeTimeoutMs ? { handshakeTimeoutMs: spec.handshakeTimeoutMs } : {}),
      ...(spec.idleTimeoutMs ? { idleTimeoutMs: spec.idleTimeoutMs } : {}),
      ...(spec.greetingDelayMs ? { greetingDelayMs: spec.greetingDelayMs } : {}),
      ...(this.keylog ? { keylog: this.keylog } : {}),
    });
    this.#receivers.push(receiver);
    await receiver.start();
    return receiver;
  }

  /** A fake IMAP server (STARTTLS and/or IMAPS ports) serving the lab's mailbox. */
  addImapServer(spec: ImapServerSpec): Promise<MailServer> {
    return this.#addMailServer('imap', spec);
  }

  /** A fake POP3 server (STLS and/or POP3S ports) serving the lab's mailbox. */
  addPop3Server(spec: Pop3ServerSpec): Promise<MailServer> {
    return this.#addMailServer('pop3', spec);
  }

  async #addMailServer(protocol: 'imap' | 'pop3', spec: ImapServerSpec | Pop3ServerSpec): Promise<MailServer> {
    const server = await makeMailServer(protocol, spec, {
      bus: this.bus, mailbox: this.mailbox, certsDir: this.certsDir, uniqueName: (base) => this.#uniqueName(base),
      ...(this.keylog ? { keylog: this.keylog } : {}),
    });
    this.#mailServers.push(server);
    await server.start();
    return server;
  }

  /**
   * A MITM proxy between a real client and a real server (`mxlab proxy`): attacks STARTTLS as
   * `spec.strip` says and records each client connection with role 'proxy' and an `interception`
   * verdict. Bad input rejects with a UsageError.
   */
  async addProxy(spec: ProxySpec): Promise<MitmProxy> {
    const plan = planProxy(spec);
    const proxy = new MitmProxy({ name: this.#uniqueName(spec.name ?? `${plan.protocol}-proxy`), plan, bus: this.bus });
    this.#proxies.push(proxy);
    await proxy.start();
    return proxy;
  }

  /**
   * Probes a server (SMTP, IMAP or POP3) like `openssl s_client -starttls` and resolves with the
   * session record; sends no mail and no credentials. Bad input rejects with a UsageError.
   */
  probe(spec: ProbeSpec): Promise<SessionRecord> {
    if (this.#stopped) return Promise.reject(new Error('lab stopped'));
    const probing = probe(spec, this.bus, this.keylog ? { keylog: this.keylog } : {});
    this.#sending.add(probing);
    const done = (): void => void this.#sending.delete(probing);
    probing.then(done, done);
    return probing;
  }

  /**
   * mxlab as the sending MTA: delivers one message to `spec.to` under a policy with a sender profile
   * and resolves with the session record of the last connection (`attempts` lists every connection,
   * e.g. both of a `downgraded` delivery). Bad input rejects with a UsageError; a failed delivery does
   * not reject, its record says why.
   */
  send(spec: SendSpec): Promise<SessionRecord> {
    if (this.#stopped) return Promise.reject(new Error('lab stopped'));
    const sending = deliver(spec, this.bus, this.keylog ? { keylog: this.keylog } : {});
    this.#sending.add(sending);
    const done = (): void => void this.#sending.delete(sending);
    sending.then(done, done);
    return sending;
  }

  /** Every listening endpoint: peer, profile, protocol, mode, port. */
  endpoints(): { peer: string; profile: string; protocol: Protocol; listener: BoundListener }[] {
    return [
      ...this.#receivers.flatMap((r) => r.listeners.map((listener) => ({ peer: r.name, profile: r.name, protocol: 'smtp' as const, listener }))),
      ...this.#mailServers.flatMap((s) => s.listeners.map((listener) => ({ peer: s.name, profile: s.profile, protocol: s.protocol, listener }))),
      ...this.#proxies.flatMap((p) => p.listeners.map((listener) => ({ peer: p.name, profile: 'proxy', protocol: p.protocol, listener }))),
    ];
  }

  /** Stops every peer, waits for their sessions to end, and flushes the records. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await Promise.allSettled([...this.#sending]);
    // Proxies first: their sessions would otherwise record the servers behind them vanishing.
    await Promise.all(this.#proxies.map((p) => p.stop()));
    await Promise.all([...this.#receivers.map((r) => r.stop()), ...this.#mailServers.map((s) => s.stop())]);
    this.mailbox.close();
    this.#builder.close();
    this.#recorder.close();
    this.keylog?.close();
  }

  #uniqueName(base: string): string {
    const taken = new Set([...this.#receivers, ...this.#mailServers, ...this.#proxies].map((r) => r.name));
    if (!taken.has(base)) return base;
    for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
  }
}
