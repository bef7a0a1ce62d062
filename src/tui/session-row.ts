import type { LabEvent } from '../events/events.js';
import type { Protocol, SessionRecord, SessionResult } from '../model/session-record.js';
import type { DeliveryVerdict } from '../model/delivery.js';

/**
 * One line of the Sessions view. Kept small and flat on purpose: the console holds one per session
 * for the whole run (100,000 of them must stay cheap), while full records are read back on demand.
 */
export interface SessionRow {
  readonly id: string;
  /** Arrival order, for stable sorting. */
  readonly seq: number;
  /** Session start, ms since the epoch. */
  start: number;
  peer: string;
  role: 'server' | 'client' | 'proxy';
  protocol: Protocol;
  tlsMode: 'explicit' | 'implicit';
  /** Local port (the peer's listener for a server session). */
  port: number;
  remote: string;
  profile: string;
  policy: string;
  /** Known-client label, else the JA4. */
  client?: string;
  startTlsOffered?: boolean;
  startTlsUsed?: boolean;
  version?: string;
  cipher?: string;
  kx?: string;
  /** Undefined while the session is open. */
  result?: SessionResult;
  /**
   * The verdict on the sending MTA's delivery this session belongs to (server role), once given:
   * `downgraded: delivered in plaintext … [rx-1, rx-2]`. One string shared by the delivery's rows.
   */
  delivery?: string;
  durationMs?: number;
}

/** A new row from a session-start event. */
export function rowFromStart(e: Extract<LabEvent, { type: 'session-start' }>, seq: number): SessionRow {
  return {
    id: e.session, seq, start: e.at, peer: e.peer, role: e.role, protocol: e.protocol, tlsMode: e.tlsMode,
    port: e.role === 'server' ? e.local.port : e.remote.port,
    remote: `${e.remote.address.replace(/^::ffff:/, '')}:${e.remote.port}`,
    profile: e.profile, policy: e.policy,
  };
}

/** A row for a record whose session-start the console never saw (replayed backlog of ended sessions). */
export function rowFromRecord(r: SessionRecord, seq: number): SessionRow {
  const row: SessionRow = {
    id: r.id, seq, start: Date.parse(r.timings.start), peer: r.peer, role: r.role, protocol: r.protocol, tlsMode: r.tlsMode,
    port: r.role === 'server' ? r.local.port : r.remote.port,
    remote: `${r.remote.address.replace(/^::ffff:/, '')}:${r.remote.port}`,
    profile: r.profile, policy: r.policy,
  };
  applyRecord(row, r);
  return row;
}

/** Folds one session event into its row; returns whether anything shown changed. */
export function applyEvent(row: SessionRow, e: LabEvent): boolean {
  switch (e.type) {
    case 'starttls-offered':
      row.startTlsOffered = e.offered;
      return true;
    case 'starttls':
      row.startTlsUsed = true;
      return true;
    case 'client-hello':
      row.client = e.hello.client ?? e.hello.ja4;
      return true;
    case 'tls-established':
      row.version = e.version;
      row.cipher = e.cipher.openssl;
      if (e.keyExchange) row.kx = kxText(e.keyExchange);
      return true;
    case 'tls-imitated':
      row.version = e.version;
      row.cipher = e.suite.openssl ?? e.suite.iana;
      return true;
    case 'record':
      applyRecord(row, e.record);
      return true;
    case 'delivery':
      row.delivery = deliveryText(e.delivery);
      return true;
    default:
      return false;
  }
}

function applyRecord(row: SessionRow, r: SessionRecord): void {
  row.result = r.result;
  row.durationMs = r.timings.totalMs;
  if (r.startTlsOffered !== undefined) row.startTlsOffered = r.startTlsOffered;
  if (r.startTlsAttempted !== undefined) row.startTlsUsed = r.startTlsAttempted;
  if (r.clientHello) row.client = r.clientHello.client ?? r.clientHello.ja4;
  if (r.version) row.version = r.version;
  else if (r.imitated) row.version = r.imitated.version;
  if (r.cipher) row.cipher = r.cipher.openssl;
  if (r.keyExchange) row.kx = kxText(r.keyExchange);
}

/** The delivery line of the detail view and the event log. */
export function deliveryText(d: DeliveryVerdict): string {
  return `${d.verdict}: ${d.summary} [${d.sessions.join(', ')}]`;
}

function kxText(k: NonNullable<SessionRecord['keyExchange']>): string {
  return [k.type, k.group ?? (k.bits ? String(k.bits) : undefined)].filter(Boolean).join(' ');
}

/** The colour class of a result: tls green; plaintext/downgraded yellow; failures red. */
export function resultTone(result: SessionResult | undefined): 'good' | 'warn' | 'bad' | 'open' {
  switch (result) {
    case undefined:
      return 'open';
    case 'tls':
      return 'good';
    case 'plaintext':
    case 'downgraded':
      return 'warn';
    default:
      return 'bad';
  }
}
