import type { DeliveryEvidence, DeliveryVerdict, DeliveryVerdictKind } from '../model/delivery.js';
import type { SessionRecord } from '../model/session-record.js';

/**
 * Groups the SMTP sessions a receiver had with one sending MTA into deliveries and gives each a
 * verdict on what the sender did about TLS (model/delivery.ts). Fed with session records as they are
 * built; a delivery ends when a session carries mail (tls, downgraded, plaintext) or when the window
 * passes after its last connection with no mail (deferred, rejected-certificate).
 *
 * The window is long by default because real senders wait before they retry: Postfix at
 * `smtp_tls_security_level = may` defers the message after a failed handshake and retries without TLS
 * only once it is older than minimal_backoff_time (300 s by default), at a queue run (queue_run_delay,
 * 300 s); an immediate retry (mxlab's own sender with `--fallback immediate`, swaks) comes at once.
 */
export const DEFAULT_DELIVERY_WINDOW_MS = 900_000;

interface Group {
  readonly n: number;
  readonly peer: string;
  readonly address: string;
  helo?: string;
  readonly records: SessionRecord[];
  timer?: NodeJS.Timeout;
}

export interface DeliveryTrackerOptions {
  /** Connections this far apart (end of one to start of the next) belong to one delivery. @default DEFAULT_DELIVERY_WINDOW_MS */
  readonly windowMs?: number;
  readonly onVerdict: (verdict: DeliveryVerdict) => void;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

function tlsOf(r: SessionRecord): DeliveryEvidence['tls'] {
  if (r.version) return 'up';
  if (r.tlsMode === 'implicit' || r.startTlsAttempted) return 'failed';
  return 'none';
}

/** How the client left a TLS session that carried no mail: the last of QUIT or RSET it sent, else a close. */
function leaving(r: SessionRecord): string {
  const sent = r.transcript.filter((l) => l.dir === 'C').map((l) => l.line.split(/\s+/)[0]!.toUpperCase());
  const rset = sent.includes('RSET');
  if (sent.includes('QUIT')) return rset ? 'RSET and QUIT' : 'QUIT';
  return rset ? 'RSET and a close' : 'a close';
}

function describe(r: SessionRecord): DeliveryEvidence {
  const tls = tlsOf(r);
  const mail = r.messages.length ? plural(r.messages.length, 'message') : 'no mail';
  let what: string;
  if (tls === 'up') what = `TLS ${r.version} ${r.cipher?.openssl ?? ''}, ${r.messages.length ? mail : `then ${leaving(r)} without mail`}`;
  else if (tls === 'failed') {
    const why = r.imitated ? `imitated ServerHello ${r.imitated.openssl ?? r.imitated.suite}` : [r.error?.code, r.error?.alert ? `alert ${r.error.alert.name}` : undefined].filter(Boolean).join(', ') || r.error?.message || r.result;
    what = `${r.tlsMode === 'implicit' ? 'implicit TLS' : 'STARTTLS'}, handshake failed (${why})`;
  } else what = `plaintext (${r.startTlsOffered ? 'STARTTLS offered, not used' : r.tlsMode === 'explicit' ? 'STARTTLS not offered' : 'no TLS'}), ${mail}`;
  return { session: r.id, start: r.timings.start, what, tls, messages: r.messages.length };
}

export class DeliveryTracker {
  readonly windowMs: number;
  readonly #onVerdict: (v: DeliveryVerdict) => void;
  /** Open deliveries, oldest first. */
  readonly #open: Group[] = [];
  #count = 0;

  constructor(options: DeliveryTrackerOptions) {
    this.windowMs = options.windowMs ?? DEFAULT_DELIVERY_WINDOW_MS;
    this.#onVerdict = options.onVerdict;
  }

  /** Deliveries still waiting for mail or for their window to pass. */
  get pending(): number {
    return this.#open.length;
  }

  /** Takes one session record; only an SMTP receiver's sessions count. */
  add(r: SessionRecord): void {
    if (r.role !== 'server' || r.protocol !== 'smtp') return;
    const tls = tlsOf(r);
    let group = this.#find(r);
    // A connection with no TLS attempt and no mail (a probe, a client that said QUIT) is no delivery of its own.
    if (!group && tls === 'none' && !r.messages.length) return;
    if (!group) {
      group = { n: ++this.#count, peer: r.peer, address: r.remote.address, records: [] };
      this.#open.push(group);
    }
    if (r.helo !== undefined) group.helo = r.helo;
    group.records.push(r);
    clearTimeout(group.timer);
    if (r.messages.length) {
      this.#close(group, false);
      return;
    }
    group.timer = setTimeout(() => this.#close(group, false), this.windowMs);
    group.timer.unref?.();
  }

  /** Gives every open delivery its verdict now (the lab is stopping); they are marked cutShort. */
  flush(): void {
    for (const g of [...this.#open]) this.#close(g, true);
  }

  /** The newest open delivery of this client: same peer and address, and the same EHLO name when both have one. */
  #find(r: SessionRecord): Group | undefined {
    for (let i = this.#open.length - 1; i >= 0; i--) {
      const g = this.#open[i]!;
      if (g.peer === r.peer && g.address === r.remote.address && (g.helo === undefined || r.helo === undefined || g.helo === r.helo)) return g;
    }
    return undefined;
  }

  #close(group: Group, cutShort: boolean): void {
    clearTimeout(group.timer);
    const i = this.#open.indexOf(group);
    if (i < 0) return;
    this.#open.splice(i, 1);
    const evidence = group.records.map(describe);
    const { verdict, summary } = this.#judge(group.records, evidence);
    const last = group.records[group.records.length - 1]!;
    const from = [...new Set(group.records.flatMap((r) => r.messages.map((m) => m.from)))];
    const messages = group.records.flatMap((r) => r.messages.map((m) => m.id)).filter(Boolean);
    this.#onVerdict({
      id: `${group.peer}-delivery-${group.n}`,
      peer: group.peer,
      client: { address: group.address, ...(group.helo !== undefined ? { helo: group.helo } : {}) },
      verdict,
      summary: cutShort ? `${summary} (the lab stopped before the ${seconds(this.windowMs)} window was over)` : summary,
      sessions: group.records.map((r) => r.id),
      evidence,
      ...(from.length ? { from } : {}),
      ...(messages.length ? { messages } : {}),
      windowMs: this.windowMs,
      start: group.records[0]!.timings.start,
      end: last.timings.end,
      ...(cutShort ? { cutShort } : {}),
    });
  }

  #judge(records: readonly SessionRecord[], evidence: readonly DeliveryEvidence[]): { verdict: DeliveryVerdictKind; summary: string } {
    const lastIndex = records.length - 1;
    const last = records[lastIndex]!;
    const ev = evidence[lastIndex]!;
    const tried = evidence.filter((e) => e.tls !== 'none' && e.messages === 0);
    const failed = evidence.filter((e) => e.tls === 'failed');
    if (last.messages.length && ev.tls === 'up') {
      const after = failed.length ? ` after ${plural(failed.length, 'failed TLS attempt')} (${failed.map((e) => e.session).join(', ')})` : '';
      return { verdict: 'tls', summary: `delivered over ${last.version} ${last.cipher?.openssl ?? ''} on ${last.id}${after}` };
    }
    if (last.messages.length && tried.length) {
      const first = tried[0]!;
      const gap = Date.parse(last.timings.start) - Date.parse(records[evidence.indexOf(first)]!.timings.end);
      return {
        verdict: 'downgraded',
        summary: `delivered in plaintext on ${last.id} ${seconds(Math.max(0, gap))} after ${first.session}: ${first.what}; the sender fell back to plaintext (opportunistic TLS; Postfix at may does so only after minimal_backoff_time)`,
      };
    }
    if (last.messages.length) return { verdict: 'plaintext', summary: `delivered in plaintext on ${last.id}, TLS never tried (${last.startTlsOffered ? 'STARTTLS was offered' : 'STARTTLS was not offered'})` };
    const lastTried = tried[tried.length - 1];
    if (lastTried?.tls === 'up') {
      return {
        verdict: 'rejected-certificate',
        summary: `TLS came up on ${lastTried.session}, then the client left with ${leaving(records[evidence.indexOf(lastTried)]!)} and no mail, and did not deliver within ${seconds(this.windowMs)}: it rejected the certificate (as Postfix at verify: "Server certificate not verified"), unless it never meant to send (a probe such as mxlab probe or openssl s_client)`,
      };
    }
    return {
      verdict: 'deferred',
      summary: `TLS failed on ${plural(failed.length, 'connection')} (${failed.map((e) => e.session).join(', ')}) and no connection delivered within ${seconds(this.windowMs)}: the sender deferred the mail (mandatory TLS; or an opportunistic sender that retries in plaintext only after a backoff longer than the window, as Postfix at may after minimal_backoff_time)`,
    };
  }
}
