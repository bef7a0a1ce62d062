import type { LabEvent } from '../events/events.js';
import type { PeerInfo } from '../lab/lab.js';
import type { SessionRecord } from '../model/session-record.js';
import { FilterError, type FilterNode, matches, parseFilter } from './filter.js';
import { RecordFile } from './record-file.js';
import { ScanTracker, type ScanState } from './scan-state.js';
import { applyEvent, deliveryText, rowFromRecord, rowFromStart, type SessionRow } from './session-row.js';

/** What the store needs of a lab: its event stream, its peers and where its records go. */
export interface StoreSource {
  subscribe(listener: (event: LabEvent) => void, options?: { readonly replay?: boolean }): () => void;
  listPeers(): PeerInfo[];
  readonly runDir: { readonly sessionsFile: string };
}

export interface EventLogEntry {
  readonly at: number;
  readonly kind: 'warning' | 'peer' | 'run' | 'delivery';
  readonly text: string;
}

export interface StoreOptions {
  /** Full records kept in memory (the rest are read back from sessions.jsonl). @default 1000 */
  readonly keepRecords?: number;
  /** Least time between two change notifications, so a burst of sessions renders once. @default 50 */
  readonly throttleMs?: number;
}

/** What a render reads; a new object after each (throttled) change, as useSyncExternalStore wants. */
export interface StoreSnapshot {
  readonly version: number;
}

const EVENT_LOG = 500;

/**
 * The console's state outside React: every session as a row in arrival order, the filtered view of
 * them, which one has the focus, follow mode, the peers and the event log. The lab's events come in
 * synchronously; React hears of them at most once per `throttleMs`.
 */
export class ConsoleStore {
  readonly #rows: SessionRow[] = [];
  readonly #byId = new Map<string, SessionRow>();
  /** Indexes into #rows of the rows the filter lets through. */
  #view: number[] = [];
  #viewDirty = false;
  readonly #records = new Map<string, SessionRecord>();
  readonly #keepRecords: number;
  readonly #file: RecordFile;
  #filter: FilterNode | undefined;
  #filterText = '';
  #filterError: FilterError | undefined;
  #cursor = 0;
  #follow = true;
  #peers: PeerInfo[] = [];
  readonly #events: EventLogEntry[] = [];
  readonly #scans = new ScanTracker();
  readonly #listeners = new Set<() => void>();
  #snapshot: StoreSnapshot = { version: 0 };
  #timer: NodeJS.Timeout | undefined;
  readonly #throttleMs: number;
  #lastFlush = 0;
  readonly #source: StoreSource;
  readonly #unsubscribe: () => void;

  constructor(source: StoreSource, options: StoreOptions = {}) {
    this.#source = source;
    this.#keepRecords = options.keepRecords ?? 1000;
    this.#throttleMs = options.throttleMs ?? 50;
    this.#file = new RecordFile(source.runDir.sessionsFile);
    this.#peers = source.listPeers();
    this.#unsubscribe = source.subscribe((e) => this.#onEvent(e), { replay: true });
  }

  close(): void {
    this.#unsubscribe();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  // ---- React side ----

  /** The scans seen (the Scan view shows the newest). */
  get scans(): readonly ScanState[] {
    return this.#scans.scans;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly getSnapshot = (): StoreSnapshot => this.#snapshot;

  /** Notifies now (tests, and after a key press, which should feel immediate). */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#lastFlush = Date.now();
    this.#snapshot = { version: this.#snapshot.version + 1 };
    for (const l of this.#listeners) l();
  }

  #changed(): void {
    if (this.#timer) return;
    const wait = Math.max(0, this.#lastFlush + this.#throttleMs - Date.now());
    this.#timer = setTimeout(() => this.flush(), wait);
    this.#timer.unref?.();
  }

  // ---- events ----

  #onEvent(e: LabEvent): void {
    if (this.#scans.onEvent(e)) this.#changed();
    switch (e.type) {
      case 'session-start': {
        if (this.#byId.has(e.session)) return;
        this.#add(rowFromStart(e, this.#rows.length));
        return;
      }
      case 'record': {
        this.#remember(e.record);
        const row = this.#byId.get(e.record.id);
        if (!row) this.#add(rowFromRecord(e.record, this.#rows.length));
        else this.#update(row, e);
        return;
      }
      case 'peer-listening':
      case 'peer-stopped':
      case 'peer-changed':
        this.#peers = this.#source.listPeers();
        this.#log({ at: e.at, kind: 'peer', text: peerEventText(e) });
        return;
      case 'lab-warning':
        this.#log({ at: e.at, kind: 'warning', text: `${e.peer ? `${e.peer}: ` : ''}${e.code}: ${e.message}` });
        return;
      case 'delivery': {
        // The verdict on a sending MTA: every session it cites shows it in its detail.
        for (const id of e.delivery.sessions) {
          const row = this.#byId.get(id);
          if (row) this.#update(row, e);
        }
        this.#log({ at: e.at, kind: 'delivery', text: `${e.peer}: delivery from ${e.delivery.client.helo ?? '?'} [${e.delivery.client.address}] ${deliveryText(e.delivery)}` });
        return;
      }
      default:
        if ('session' in e) {
          const row = this.#byId.get(e.session);
          if (row) this.#update(row, e);
        }
    }
  }

  #add(row: SessionRow): void {
    this.#rows.push(row);
    this.#byId.set(row.id, row);
    if (!this.#viewDirty && matches(this.#filter, row)) this.#view.push(row.seq);
    if (this.#follow) this.#cursor = Number.MAX_SAFE_INTEGER;
    this.#changed();
  }

  #update(row: SessionRow, e: LabEvent): void {
    if (!applyEvent(row, e)) return;
    // A row's match can change as it fills in (result:tls once it ends): recompute on read.
    if (this.#filter) this.#viewDirty = true;
    this.#changed();
  }

  #remember(r: SessionRecord): void {
    this.#records.set(r.id, r);
    if (this.#records.size > this.#keepRecords) {
      const oldest = this.#records.keys().next().value;
      if (oldest !== undefined) this.#records.delete(oldest);
    }
  }

  #log(entry: EventLogEntry): void {
    this.#events.push(entry);
    if (this.#events.length > EVENT_LOG) this.#events.shift();
    this.#changed();
  }

  // ---- reading ----

  get totalCount(): number {
    return this.#rows.length;
  }

  /** The rows the filter lets through, in arrival order (do not mutate). */
  get viewSize(): number {
    return this.#ensureView().length;
  }

  /** Rows `from` … `from + count - 1` of the filtered view: only what is on screen is materialised. */
  viewRows(from: number, count: number): SessionRow[] {
    const view = this.#ensureView();
    const out: SessionRow[] = [];
    for (let i = Math.max(0, from); i < Math.min(view.length, from + count); i++) out.push(this.#rows[view[i]!]!);
    return out;
  }

  /** Every row of the filtered view (export). */
  *filteredRows(): Iterable<SessionRow> {
    for (const i of this.#ensureView()) yield this.#rows[i]!;
  }

  row(id: string): SessionRow | undefined {
    return this.#byId.get(id);
  }

  /** The position of the focus in the filtered view (clamped), -1 when the view is empty. */
  get cursor(): number {
    const n = this.#ensureView().length;
    return n === 0 ? -1 : Math.min(this.#cursor, n - 1);
  }

  get selected(): SessionRow | undefined {
    const c = this.cursor;
    return c < 0 ? undefined : this.#rows[this.#view[c]!];
  }

  get follow(): boolean {
    return this.#follow;
  }

  /** The full record of a session: from memory when recent, else read back from sessions.jsonl. */
  record(id: string): SessionRecord | undefined {
    const hit = this.#records.get(id);
    if (hit) return hit;
    const row = this.#byId.get(id);
    if (!row || row.result === undefined) return undefined;
    const r = this.#file.read(id);
    if (r) this.#remember(r);
    return r;
  }

  /** The full records kept in memory, oldest first (a saved scenario looks for the server half here). */
  recentRecords(): SessionRecord[] {
    return [...this.#records.values()];
  }

  get peers(): readonly PeerInfo[] {
    return this.#peers;
  }

  /** Reads the peers again (their counters change with every session, which sends no peer event). */
  refreshPeers(): void {
    this.#peers = this.#source.listPeers();
    this.#changed();
  }

  /** Adds a line of the console's own to the event log (a scenario run's progress). */
  note(text: string): void {
    this.#log({ at: Date.now(), kind: 'run', text });
  }

  get events(): readonly EventLogEntry[] {
    return this.#events;
  }

  get filterText(): string {
    return this.#filterText;
  }

  get filterError(): FilterError | undefined {
    return this.#filterError;
  }

  // ---- commands ----

  /**
   * Sets the filter text. An invalid filter is remembered with its error and the last valid filter
   * stays in force, so the list does not empty while the user is half-way through typing.
   */
  setFilter(text: string): void {
    this.#filterText = text;
    try {
      const node = parseFilter(text);
      this.#filterError = undefined;
      const focus = this.selected;
      this.#filter = node;
      this.#viewDirty = true;
      if (!this.#follow && focus) this.#focusOn(focus);
    } catch (err) {
      if (!(err instanceof FilterError)) throw err;
      this.#filterError = err;
    }
    this.flush();
  }

  moveCursor(delta: number): void {
    const n = this.#ensureView().length;
    if (n === 0) return;
    const next = Math.max(0, Math.min(n - 1, this.cursor + delta));
    this.#cursor = next;
    this.#follow = next === n - 1 && delta > 0;
    this.flush();
  }

  moveTo(position: 'first' | 'last'): void {
    const n = this.#ensureView().length;
    this.#cursor = position === 'first' ? 0 : Math.max(0, n - 1);
    this.#follow = position === 'last';
    this.flush();
  }

  setFollow(on: boolean): void {
    this.#follow = on;
    if (on) this.#cursor = Number.MAX_SAFE_INTEGER;
    this.flush();
  }

  #focusOn(row: SessionRow): void {
    const view = this.#ensureView();
    // view is in arrival order: binary search on seq.
    let lo = 0;
    let hi = view.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (view[mid]! < row.seq) lo = mid + 1;
      else hi = mid;
    }
    this.#cursor = Math.min(lo, Math.max(0, view.length - 1));
  }

  #ensureView(): number[] {
    if (!this.#viewDirty) return this.#view;
    this.#viewDirty = false;
    if (!this.#filter) {
      this.#view = this.#rows.map((r) => r.seq);
    } else {
      const out: number[] = [];
      for (const r of this.#rows) if (matches(this.#filter, r)) out.push(r.seq);
      this.#view = out;
    }
    return this.#view;
  }
}

function peerEventText(e: Extract<LabEvent, { type: 'peer-listening' | 'peer-stopped' | 'peer-changed' }>): string {
  switch (e.type) {
    case 'peer-listening':
      return `${e.peer} listening on ${e.address}:${e.port} (${e.protocol}${e.tlsMode === 'implicit' ? ', implicit TLS' : ''})`;
    case 'peer-stopped':
      return `${e.peer} stopped`;
    case 'peer-changed': {
      const diffs: string[] = [];
      if (e.before.profile !== e.after.profile) diffs.push(`profile ${e.before.profile} → ${e.after.profile}`);
      if (e.before.policy !== e.after.policy) diffs.push(`policy ${e.before.policy} → ${e.after.policy}`);
      if (e.before.quirks.join(',') !== e.after.quirks.join(',')) diffs.push(`quirks [${e.before.quirks.join(', ')}] → [${e.after.quirks.join(', ')}]`);
      if (e.before.personality !== e.after.personality) diffs.push(`personality ${e.before.personality ?? '-'} → ${e.after.personality ?? '-'}`);
      return `${e.peer} changed: ${diffs.join('; ') || 'same settings'}`;
    }
  }
}
