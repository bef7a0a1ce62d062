import type { SessionRecord } from '../model/session-record.js';
import { helloJson } from '../tls/hello-shape-cache.js';

/**
 * JSON of values many records share by reference: a server peer's served chain is one frozen array
 * for all its sessions (a client's chain is its own, and is not kept).
 */
const shared = new WeakMap<object, string>();
function sharedJson(value: object): string {
  let json = shared.get(value);
  if (json !== undefined) return json;
  json = JSON.stringify(value);
  if (Object.isFrozen(value)) shared.set(value, json);
  return json;
}

/**
 * A record as one JSON line (no newline): what sessions.jsonl and `--format jsonl` hold. The
 * ClientHello, most of a record's bytes, comes from its shape's JSON (tls/hello-shape-cache.ts), and
 * the served chain from the JSON made once for the peer's chain.
 */
export function recordJson(record: SessionRecord): string {
  const { clientHello, chain, ...rest } = record;
  const head = JSON.stringify(rest);
  if (!clientHello && !chain) return head;
  const parts = [head.slice(0, -1)];
  if (chain) parts.push(`"chain":${sharedJson(chain)}`);
  if (clientHello) parts.push(`"clientHello":${helloJson(clientHello)}`);
  // head is "{...}" with at least the record's id; its last character is the closing brace.
  return `${parts[0]},${parts.slice(1).join(',')}}`;
}
