import type { SessionRecord } from '../model/session-record.js';

/** A Cisco ESA mail-log line for the session's TLS outcome (ICID = incoming, DCID = delivery). */
export function esaLog(r: SessionRecord): string {
  const num = Math.abs([...r.id].reduce((h, c) => (h * 33 + c.charCodeAt(0)) | 0, 5381)) % 1000000;
  const kind = r.role !== 'client' ? `Incoming connection (ICID ${num})` : `Delivery connection (DCID ${num})`;
  if (r.version && r.cipher) return `${kind} successfully accepted TLS protocol ${r.version} cipher ${r.cipher.openssl}.`;
  if (r.result === 'handshake-failed') return `${kind} TLS failed: ${r.error?.message ?? 'handshake failed'}`;
  return `${kind} ${r.result === 'refused' ? 'rejected' : 'completed'} without TLS.`;
}
