import type { SessionRecord } from '../model/session-record.js';
import { helloJson } from '../tls/hello-shape-cache.js';

/** Lines already made, so that every writer of one record (sessions.jsonl, a jsonl printer) pays once. */
const made = new WeakMap<SessionRecord, string>();

/**
 * A record as one JSON line (no newline): what sessions.jsonl and `--format jsonl` hold. The
 * ClientHello, most of a record's bytes, comes from its shape's JSON (tls/hello-shape-cache.ts).
 */
export function recordJson(record: SessionRecord): string {
  const known = made.get(record);
  if (known !== undefined) return known;
  const { clientHello, ...rest } = record;
  const head = JSON.stringify(rest);
  const line = clientHello ? `${head.length > 2 ? `${head.slice(0, -1)},` : '{'}"clientHello":${helloJson(clientHello)}}` : head;
  made.set(record, line);
  return line;
}
