/**
 * The verdict on a sending MTA under test: its connections to one mxlab receiver, grouped into one
 * delivery (same client address and EHLO name, within a window), and what that sender did about TLS.
 * Built by record/delivery-tracker.ts from session records; the sessions are the evidence.
 */

/**
 * - `tls`: the mail went over TLS (possibly after failed attempts, which the evidence lists);
 * - `downgraded`: the mail went in plaintext after a failed TLS attempt (opportunistic fallback);
 * - `plaintext`: the mail went in plaintext and TLS was never tried;
 * - `deferred`: TLS failed and no connection delivered the mail within the window (a mandatory-TLS
 *   sender queues and retries with TLS again);
 * - `rejected-certificate`: TLS came up, then the client left (QUIT, RSET and QUIT, or a close) without
 *   sending mail, and did not deliver within the window: it refused the server's certificate (Postfix at
 *   `verify`: "Server certificate not verified").
 */
export type DeliveryVerdictKind = 'tls' | 'downgraded' | 'plaintext' | 'deferred' | 'rejected-certificate';

/** One connection of a delivery, as the evidence lists it. */
export interface DeliveryEvidence {
  /** Session record id. */
  readonly session: string;
  /** ISO time the session started. */
  readonly start: string;
  /** What the connection did about TLS and mail, in words: 'STARTTLS, handshake failed (ECONNRESET)', 'plaintext, 1 message'. */
  readonly what: string;
  readonly tls: 'none' | 'failed' | 'up';
  readonly messages: number;
}

export interface DeliveryVerdict {
  /** Unique within the lab run: `<peer>-delivery-<n>`. */
  readonly id: string;
  /** The receiving lab peer. */
  readonly peer: string;
  /** The sending MTA under test: its address and EHLO name. */
  readonly client: { readonly address: string; readonly helo?: string };
  readonly verdict: DeliveryVerdictKind;
  /** One line for tables and logs. */
  readonly summary: string;
  /** Session ids of the delivery's connections, oldest first (the evidence). */
  readonly sessions: readonly string[];
  readonly evidence: readonly DeliveryEvidence[];
  /** Envelope senders seen, and the queue ids of the accepted messages. */
  readonly from?: readonly string[];
  readonly messages?: readonly string[];
  /** The grouping window in ms: connections this far apart (from the end of one to the start of the next) are one delivery. */
  readonly windowMs: number;
  /** ISO times: first connection's start, last connection's end. */
  readonly start: string;
  readonly end: string;
  /** The verdict came when the lab stopped, before the window was over (it may have been premature). */
  readonly cutShort?: boolean;
}
