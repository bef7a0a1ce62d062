import type { ChainMaterial } from '../certs/chain-spec.js';
import { getChain } from '../certs/factory.js';
import { specId } from '../certs/spec-id.js';
import { type BacklogLimits, EventBacklog } from '../events/backlog.js';
import { EventBus } from '../events/event-bus.js';
import type { LabEvent, LabEventOf, LabEventType } from '../events/events.js';
import type { SessionSink } from '../events/session-sink.js';
import { ServerTls } from '../handshake/server-tls.js';
import { Mailbox } from '../mailbox/mailbox.js';
import { parseServerPolicy, type ServerPolicy } from '../model/server-policy.js';
import type { Protocol, SessionRecord } from '../model/session-record.js';
import type { ConnectionLimits } from '../peer/listening-peer.js';
import type { Endpoint, Peer } from '../peer/peer.js';
import { probe, type ProbeSpec } from '../probe/probe.js';
import { scanTls, type ScanOptions } from '../scan/scan.js';
import type { ScanReport } from '../model/scan-report.js';
import { compileProfile } from '../profiles/compile.js';
import type { Profile } from '../profiles/profile.js';
import type { Quirks } from '../profiles/quirks.js';
import { applyOverrides, chainName, resolveProfile, type ProfileOverrides } from '../profiles/resolve.js';
import { MitmProxy } from '../proxy/proxy.js';
import { parseStripMode, planProxy, type ProxySpec } from '../proxy/proxy-spec.js';
import { RecordBuilder } from '../record/builder.js';
import { DeliveryTracker } from '../record/delivery-tracker.js';
import type { DeliveryVerdict } from '../model/delivery.js';
import { personality as findPersonality } from '../smtp/personality.js';
import { SmtpReceiver } from '../smtp/receiver.js';
import { deliver, type SendSpec } from '../smtp/sender.js';
import { badChoice } from '../text/did-you-mean.js';
import { KeyLog } from '../tls/keylog.js';
import { projectPath } from '../project-root.js';
import { UsageError } from '../usage-error.js';
import { type ImapServerSpec, type MailServer, makeMailServer, type Pop3ServerSpec } from './mail-servers.js';
import { Recorder } from './recorder.js';
import { RunDir } from './run-dir.js';
import { PROJECT_CERTS_DIR } from '../certs/lab-ca-path.js';
import { checkWritableFile, checkWritableFolder } from './writable-path.js';

/** Delivery verdicts kept in memory (deliveries.jsonl has every one). */
const DELIVERIES_KEPT = 500;

/** The project's certs/ folder: generated material is cached there (git-ignored). */
export const DEFAULT_CERTS_DIR = PROJECT_CERTS_DIR;

export interface LabOptions {
  /** Exact folder for this run's records and messages. */
  readonly runDir?: string;
  /** Parent folder under which a time-stamped run folder is made. @default 'runs' */
  readonly runsBase?: string;
  /**
   * Share one folder per day for this kind of run (`send`, `probe`): `runsBase/<kind>-<date>/`,
   * appended to, instead of a new time-stamped folder per run. `runDir` wins.
   */
  readonly dailyRunKind?: string;
  /** Certificate cache. @default the project's certs/ */
  readonly certsDir?: string;
  /**
   * Append the secrets of every TLS session of the lab, server and client peers alike, to this file
   * in SSLKEYLOGFILE format (Wireshark: `-o tls.keylog_file:FILE`). Created 0600.
   */
  readonly keylog?: string;
  /** How much a late subscriber is replayed (and how many records `records` keeps). */
  readonly backlog?: BacklogLimits;
  /**
   * The delivery window: a sending MTA's connections to a receiver this far apart are one delivery
   * (record/delivery-tracker.ts). Long by default (900 s) because Postfix at `may` retries without TLS
   * only after minimal_backoff_time (300 s) at a queue run. @default 900000
   */
  readonly deliveryWindowMs?: number;
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
  /** Largest message accepted (advertised as SIZE; past it nothing is stored and DATA gets 552 5.3.4). @default 26214400 */
  readonly maxMessageBytes?: number;
  /** Connections at once: in all (default 100) and per client address (default 50), as Postfix; the session deadline (10 min). */
  readonly limits?: ConnectionLimits;
  /** Slowest DATA accepted in bytes/s once dataRateGraceMs has passed (Postfix's smtpd_min_data_rate). @default 500 */
  readonly minDataRate?: number;
  /** @default 10000 */
  readonly dataRateGraceMs?: number;
}

/** Any peer a lab can run, by kind (the form `addPeer` takes; the scenario format maps onto it). */
export type PeerSpec =
  | ({ readonly kind: 'smtp' } & ReceiverSpec)
  | ({ readonly kind: 'imap' } & ImapServerSpec)
  | ({ readonly kind: 'pop3' } & Pop3ServerSpec)
  | ({ readonly kind: 'proxy' } & ProxySpec);

/** A lab peer of any kind. */
export type LabPeer = SmtpReceiver | MailServer | MitmProxy;

/** A peer as front ends list it: a snapshot of its state. */
export interface PeerInfo extends Pick<Peer, 'name' | 'role' | 'protocol' | 'endpoints' | 'running' | 'settings' | 'counters'> {
  /** The one-line summary of the real system the profile imitates ('' for a proxy). */
  readonly summary: string;
}

/**
 * New settings for a running peer (`reconfigurePeer`). The port stays; sessions already open finish on
 * the settings they started with, new sessions get these.
 */
export interface PeerChange {
  /** A profile name (`tls10-only`, `modern+md5-chain`) or a resolved Profile. Absent: the current one. */
  readonly profile?: string | Profile;
  /** Field overrides on top of the (new or current) profile, as from the serve flags. */
  readonly overrides?: ProfileOverrides;
  /** The quirks in force from now on, replacing the profile's (an empty object: none). */
  readonly quirks?: Quirks;
  /** Server policy: off | optional | required. */
  readonly policy?: string;
  /** SMTP personality (banner, EHLO, replies): generic | postfix | exchange | exim. */
  readonly personality?: string;
  /** A proxy's attack on STARTTLS: capability | reply-454 | corrupt-command | none. */
  readonly strip?: string;
}

/**
 * A running set of peers with one event stream, one record builder and one run folder. Front ends
 * subscribe (`subscribe` replays what happened before they came) and command the lab (add, stop,
 * start and reconfigure peers; send; probe); they never reach into a peer.
 */
export class Lab {
  readonly bus = new EventBus();
  readonly runDir: RunDir;
  readonly certsDir: string;
  readonly #builder: RecordBuilder;
  readonly #recorder: Recorder;
  readonly #backlog: EventBacklog;
  readonly #tracker: DeliveryTracker;
  readonly #deliveries: DeliveryVerdict[] = [];
  readonly #peers = new Map<string, LabPeer>();
  readonly #chains = new Map<string, Promise<ChainMaterial>>();
  /** What the receivers accepted, served by the IMAP and POP3 peers. */
  readonly mailbox: Mailbox;
  readonly #sending = new Set<Promise<unknown>>();
  /** The lab's key log, when asked for: peers attach their TLS sockets to it. */
  readonly keylog?: KeyLog;
  #stopped = false;
  /** Aborted by stop(): a send waiting out a deferred retry gives up at once. */
  readonly #stopping = new AbortController();

  /** Bad paths reject with a UsageError naming the option and the problem, before anything is created. */
  constructor(options: LabOptions = {}) {
    checkWritableFolder('--run-dir', options.runDir ?? options.runsBase ?? 'runs');
    if (options.keylog) checkWritableFile('--keylog', options.keylog);
    const base = options.runsBase ?? 'runs';
    this.runDir = options.runDir ? new RunDir(options.runDir) : options.dailyRunKind ? RunDir.daily(base, options.dailyRunKind) : RunDir.create(base);
    this.certsDir = options.certsDir ?? DEFAULT_CERTS_DIR;
    this.#builder = new RecordBuilder(this.bus);
    this.#recorder = new Recorder(this.bus, this.runDir.sessionsFile);
    this.#backlog = new EventBacklog(this.bus, options.backlog);
    this.mailbox = new Mailbox(this.bus);
    if (options.keylog) this.keylog = new KeyLog(options.keylog);
    if (options.deliveryWindowMs !== undefined && !(Number.isFinite(options.deliveryWindowMs) && options.deliveryWindowMs > 0)) {
      throw new UsageError(`--delivery-window: got ${options.deliveryWindowMs / 1000} s, want a positive number of seconds`);
    }
    this.#tracker = new DeliveryTracker({
      ...(options.deliveryWindowMs !== undefined ? { windowMs: options.deliveryWindowMs } : {}),
      onVerdict: (delivery) => {
        this.#deliveries.push(delivery);
        if (this.#deliveries.length > DELIVERIES_KEPT) this.#deliveries.shift();
        this.bus.emit({ type: 'delivery', at: Date.now(), peer: delivery.peer, delivery });
      },
    });
    this.bus.on('record', ({ record }) => this.#tracker.add(record));
  }

  /** The delivery window in ms (LabOptions.deliveryWindowMs). */
  get deliveryWindowMs(): number {
    return this.#tracker.windowMs;
  }

  /** The most recent delivery verdicts on sending MTAs, oldest first (deliveries.jsonl has them all). */
  get deliveries(): readonly DeliveryVerdict[] {
    return this.#deliveries;
  }

  /** Waits for the first delivery verdict matching `match` (one of `peer`'s when a string is given). */
  waitForDelivery(match: string | ((d: DeliveryVerdict) => boolean), timeoutMs = 10000): Promise<DeliveryVerdict> {
    const fn = typeof match === 'string' ? (d: DeliveryVerdict) => d.peer === match : match;
    return this.#waitFor('delivery', (e) => e.delivery, this.#deliveries, fn, timeoutMs,
      () => `a delivery verdict${typeof match === 'string' ? ` of peer ${match}` : ''} (${this.#deliveries.length} so far, ${this.#tracker.pending} open, window ${this.#tracker.windowMs} ms)`);
  }

  /** The most recent session records, oldest first (bounded by `backlog.records`; sessions.jsonl has them all). */
  get records(): readonly SessionRecord[] {
    return this.#backlog.records();
  }

  /** Session records made since the lab started. */
  get recordCount(): number {
    return this.#backlog.recordCount;
  }

  /** Where a client peer of this lab sends its events and gets its records (the lab's record builder). */
  get sink(): SessionSink {
    return this.#builder;
  }

  /**
   * Follows the lab's events. With `replay` (the default) the listener first gets what the backlog
   * kept — peer events and warnings, the recent records, every event so far of the sessions still
   * open — then the live stream, with nothing missed or repeated in between. Returns the unsubscribe.
   */
  subscribe(listener: (event: LabEvent) => void, options: { readonly replay?: boolean } = {}): () => void {
    if (options.replay ?? true) this.#backlog.replay(listener);
    return this.bus.subscribe(listener);
  }

  /** `subscribe` for one event type. */
  on<T extends LabEventType>(type: T, listener: (event: LabEventOf<T>) => void, options: { readonly replay?: boolean } = {}): () => void {
    return this.subscribe((e) => {
      if (e.type === type) listener(e as LabEventOf<T>);
    }, options);
  }

  /** Waits for the first record matching `match` (or any record of `peer` when a string is given). */
  waitForRecord(match: string | ((r: SessionRecord) => boolean), timeoutMs = 10000): Promise<SessionRecord> {
    const fn = typeof match === 'string' ? (r: SessionRecord) => r.peer === match : match;
    return this.#waitFor('record', (e) => e.record, this.records, fn, timeoutMs,
      () => `${typeof match === 'string' ? `a record of peer ${match}` : 'a matching session record'} (${this.recordCount} records so far)`);
  }

  /** The first of `seen`, else of the events of `type` to come, that `fn` accepts; rejects after `timeoutMs` saying what it waited for. */
  #waitFor<T extends LabEventType, V>(type: T, pick: (e: LabEventOf<T>) => V, seen: readonly V[], fn: (v: V) => boolean, timeoutMs: number, what: () => string): Promise<V> {
    const hit = seen.find(fn);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`));
      }, timeoutMs);
      const unsubscribe = this.bus.on(type, (e) => {
        const v = pick(e);
        if (!fn(v)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(v);
      });
    });
  }


  get receivers(): readonly SmtpReceiver[] {
    return [...this.#peers.values()].filter((p): p is SmtpReceiver => p instanceof SmtpReceiver);
  }

  /** The IMAP and POP3 peers. */
  get servers(): readonly MailServer[] {
    return [...this.#peers.values()].filter((p): p is MailServer => p.role === 'server' && p.protocol !== 'smtp');
  }

  /** The MITM proxies. */
  get proxies(): readonly MitmProxy[] {
    return [...this.#peers.values()].filter((p): p is MitmProxy => p instanceof MitmProxy);
  }

  /** Adds and starts a peer of any kind; bad input rejects with a UsageError naming what and where. */
  async addPeer(spec: PeerSpec): Promise<LabPeer> {
    switch (spec.kind) {
      case 'smtp':
        return this.addReceiver(spec);
      case 'imap':
        return this.addImapServer(spec);
      case 'pop3':
        return this.addPop3Server(spec);
      case 'proxy':
        return this.addProxy(spec);
    }
  }

  async addReceiver(spec: ReceiverSpec): Promise<SmtpReceiver> {
    const profile = typeof spec.profile === 'string' ? resolveProfile(spec.profile, spec.overrides) : spec.profile;
    const policy = parseServerPolicy(spec.policy ?? 'optional');
    const personality = findPersonality(spec.personality ?? 'generic');
    const address = spec.address ?? '127.0.0.1';
    const listeners = [
      ...(spec.smtp ?? []).map((port) => ({ tlsMode: 'explicit' as const, port, address })),
      ...(spec.smtps ?? []).map((port) => ({ tlsMode: 'implicit' as const, port, address })),
    ];
    if (!listeners.length) throw new UsageError(`receiver ${spec.name ?? profile.name}: no listener; give an SMTP (STARTTLS) or SMTPS port`);
    if (!profile.chain) throw new UsageError(`profile ${profile.name} has no certificate chain`);
    const material = await this.#chain(profile);
    const receiver = new SmtpReceiver({
      name: this.#uniqueName(spec.name ?? profile.name), profile, material, policy, personality, listeners, bus: this.bus, runDir: this.runDir,
      ...(spec.hostname ? { hostname: spec.hostname } : {}),
      ...(spec.handshakeTimeoutMs ? { handshakeTimeoutMs: spec.handshakeTimeoutMs } : {}),
      ...(spec.idleTimeoutMs ? { idleTimeoutMs: spec.idleTimeoutMs } : {}),
      ...(spec.greetingDelayMs ? { greetingDelayMs: spec.greetingDelayMs } : {}),
      ...(spec.maxMessageBytes ? { maxMessageBytes: spec.maxMessageBytes } : {}),
      ...(spec.limits ? { limits: spec.limits } : {}),
      ...(spec.minDataRate !== undefined ? { minDataRate: spec.minDataRate } : {}),
      ...(spec.dataRateGraceMs !== undefined ? { dataRateGraceMs: spec.dataRateGraceMs } : {}),
      ...(this.keylog ? { keylog: this.keylog } : {}),
    });
    return this.#started(receiver);
  }

  /** A fake IMAP server (STARTTLS and/or IMAPS ports) serving the lab's mailbox. */
  async addImapServer(spec: ImapServerSpec): Promise<MailServer> {
    return this.#started(await this.#mailServer('imap', spec));
  }

  /** A fake POP3 server (STLS and/or POP3S ports) serving the lab's mailbox. */
  async addPop3Server(spec: Pop3ServerSpec): Promise<MailServer> {
    return this.#started(await this.#mailServer('pop3', spec));
  }

  /**
   * A MITM proxy between a real client and a real server (`mxlab proxy`): attacks STARTTLS as
   * `spec.strip` says and records each client connection with role 'proxy' and an `interception`
   * verdict. Bad input rejects with a UsageError.
   */
  async addProxy(spec: ProxySpec): Promise<MitmProxy> {
    const plan = planProxy(spec);
    return this.#started(new MitmProxy({ name: this.#uniqueName(spec.name ?? `${plan.protocol}-proxy`), plan, bus: this.bus }));
  }

  /** The named peer; a UsageError with the choices when there is none. */
  peer(name: string): LabPeer {
    const p = this.#peers.get(name);
    if (!p) throw new UsageError(badChoice('peer', name, [...this.#peers.keys()]));
    return p;
  }

  /** Every peer with its endpoints, settings and counts. */
  listPeers(): PeerInfo[] {
    return [...this.#peers.values()].map((p) => ({
      name: p.name, role: p.role, protocol: p.protocol, endpoints: p.endpoints, running: p.running, settings: p.settings,
      summary: p.tlsProfile?.summary ?? '', counters: p.counters,
    }));
  }

  /** Stops a peer: it stops listening, its open sessions end (their records say so); it can be started again. */
  async stopPeer(name: string): Promise<PeerInfo> {
    await this.peer(name).stop();
    return this.#info(name);
  }

  /** Starts a stopped peer again, on the same ports. */
  async startPeer(name: string): Promise<PeerInfo> {
    await this.peer(name).start();
    return this.#info(name);
  }

  /**
   * Changes a peer's profile, quirks, policy, personality (or a proxy's strip mode) while it runs:
   * the port stays, sessions already open finish on the old settings and new ones get the new. Emits
   * `peer-changed`. Bad input rejects with a UsageError and changes nothing.
   */
  async reconfigurePeer(name: string, change: PeerChange): Promise<PeerInfo> {
    const peer = this.peer(name);
    let tls: { profile: Profile; material: ChainMaterial } | undefined;
    if (change.profile !== undefined || change.overrides || change.quirks) {
      const current = peer.tlsProfile;
      if (!current) throw new UsageError(`${name}: a proxy has no TLS profile (change its strip mode)`);
      let profile = typeof change.profile === 'string' ? resolveProfile(change.profile, change.overrides) : change.profile !== undefined ? applyOverrides(change.profile, change.overrides ?? {}) : applyOverrides(current, change.overrides ?? {});
      if (change.quirks) profile = { ...profile, quirks: change.quirks };
      if (!profile.chain) throw new UsageError(`profile ${profile.name} has no certificate chain`);
      compileProfile(profile);
      const material = await this.#chain(profile);
      // Checks the quirks and builds the context before the peer is touched.
      new ServerTls(profile, material);
      tls = { profile, material };
    }
    if (change.policy !== undefined) parseServerPolicy(change.policy);
    if (change.personality !== undefined) findPersonality(change.personality);
    await peer.reconfigure({
      ...(tls ? { tls } : {}),
      ...(change.policy !== undefined ? { policy: change.policy } : {}),
      ...(change.personality !== undefined ? { personality: change.personality } : {}),
      ...(change.strip !== undefined ? { strip: parseStripMode(change.strip) } : {}),
    });
    return this.#info(name);
  }

  /**
   * Probes a server (SMTP, IMAP or POP3) like `openssl s_client -starttls` and resolves with the
   * session record; sends no mail and no credentials. Bad input rejects with a UsageError.
   */
  probe(spec: ProbeSpec): Promise<SessionRecord> {
    if (this.#stopped) return Promise.reject(new Error('lab stopped'));
    return this.#track(probe(spec, this.#builder, { certsDir: this.certsDir, ...(this.keylog ? { keylog: this.keylog } : {}) }));
  }

  /**
   * Scans a server's TLS (`mxlab scan`): every connection of the scan is a session on this lab's
   * event stream, under the peer name 'scanner' unless given.
   */
  scan(options: ScanOptions): Promise<ScanReport> {
    if (this.#stopped) return Promise.reject(new Error('lab stopped'));
    return this.#track(scanTls({ ...options, bus: this.bus }));
  }

  /**
   * mxlab as the sending MTA: delivers one message to `spec.to` under a policy with a sender profile
   * and resolves with the session record of the last connection (`attempts` lists every connection,
   * e.g. both of a `downgraded` delivery). Bad input rejects with a UsageError; a failed delivery does
   * not reject, its record says why.
   */
  send(spec: SendSpec): Promise<SessionRecord> {
    if (this.#stopped) return Promise.reject(new Error('lab stopped'));
    return this.#track(deliver(spec, this.#builder, { certsDir: this.certsDir, signal: this.#stopping.signal, ...(this.keylog ? { keylog: this.keylog } : {}) }));
  }

  /** Every listening endpoint: peer, profile, protocol, mode, port. */
  endpoints(): { peer: string; profile: string; protocol: Protocol; listener: Endpoint }[] {
    return [...this.#peers.values()].flatMap((p) => p.endpoints.map((listener) => ({ peer: p.name, profile: p.settings.profile, protocol: p.protocol, listener })));
  }

  /** Stops every peer, waits for their sessions to end, and flushes the records. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#stopping.abort();
    await Promise.allSettled([...this.#sending]);
    // Proxies first: their sessions would otherwise record the servers behind them vanishing.
    await Promise.all(this.proxies.map((p) => p.stop()));
    await Promise.all([...this.#peers.values()].filter((p) => !(p instanceof MitmProxy)).map((p) => p.stop()));
    for (const p of this.#peers.values()) p.dispose();
    // Deliveries still inside their window get their verdict now, marked cut short.
    this.#tracker.flush();
    this.mailbox.close();
    this.#builder.close();
    this.#recorder.close();
    this.#backlog.close();
    this.keylog?.close();
  }

  /**
   * A profile's chain, read (or made) once per lab: the default lab's 63 peers share 10 chains, and
   * reading each again per peer was most of its start-up wait. A failed read is not kept.
   */
  #chain(profile: Profile): Promise<ChainMaterial> {
    const chain = profile.chain;
    if (!chain) return Promise.reject(new UsageError(`profile ${profile.name} has no certificate chain`));
    const key = `${chainName(profile)}/${specId(chain)}`;
    let material = this.#chains.get(key);
    if (!material) {
      material = getChain(chain, { dir: this.certsDir, name: chainName(profile) });
      this.#chains.set(key, material);
      material.catch(() => this.#chains.delete(key));
    }
    return material;
  }

  async #mailServer(protocol: 'imap' | 'pop3', spec: ImapServerSpec | Pop3ServerSpec): Promise<MailServer> {
    return makeMailServer(protocol, spec, {
      bus: this.bus, mailbox: this.mailbox, chain: (profile) => this.#chain(profile), uniqueName: (base) => this.#uniqueName(base),
      ...(this.keylog ? { keylog: this.keylog } : {}),
    });
  }

  async #started<P extends LabPeer>(peer: P): Promise<P> {
    this.#peers.set(peer.name, peer);
    try {
      await peer.start();
    } catch (err) {
      this.#peers.delete(peer.name);
      peer.dispose();
      throw err;
    }
    return peer;
  }

  #track<T>(work: Promise<T>): Promise<T> {
    this.#sending.add(work);
    const done = (): void => void this.#sending.delete(work);
    work.then(done, done);
    return work;
  }

  #info(name: string): PeerInfo {
    return this.listPeers().find((p) => p.name === name)!;
  }

  #uniqueName(base: string): string {
    if (!this.#peers.has(base)) return base;
    for (let i = 2; ; i++) if (!this.#peers.has(`${base}-${i}`)) return `${base}-${i}`;
  }
}

export type { Peer };
