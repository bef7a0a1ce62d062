/**
 * Clients send the same ClientHello again and again but for a few bytes that are new every time: the
 * random, the session id (TLS 1.3 middlebox compatibility), the key_share public keys, tickets and
 * PSK binders, the padding. Nothing the summary reports depends on those bytes (they are opaque to the
 * parser), so a hello whose other bytes were seen before has the same summary but for its random.
 * This cache keys hellos by that "shape" and saves the parse, the name lookups and the JA3/JA4 hashing
 * — most of what a server spends on a hello — for every repeat. It is bounded; a hello whose framing
 * does not add up is never looked up (the full parser gives the precise reason).
 */
import type { ClientHelloSummary } from '../model/client-hello.js';

const MAX_SHAPES = 512;

/** Extensions whose whole body is opaque per connection: session_ticket, pre_shared_key, early_data, cookie, padding. */
const OPAQUE_BODIES = new Set([0x0023, 0x0029, 0x002a, 0x002c, 0x0015]);
const KEY_SHARE = 0x0033;

/** The hello with its per-connection bytes zeroed, as a map key; undefined when its framing does not add up. */
export function helloShape(handshake: Buffer, recordVersion: number): string | undefined {
  const b = Buffer.from(handshake);
  let p = 4 + 2;
  if (b.length < p + 32 + 1) return undefined;
  b.fill(0, p, p + 32);
  p += 32;
  const sid = b[p]!;
  p += 1;
  if (p + sid > b.length) return undefined;
  b.fill(0, p, p + sid);
  p += sid;
  if (p + 2 > b.length) return undefined;
  p += 2 + b.readUInt16BE(p);
  if (p + 1 > b.length) return undefined;
  p += 1 + b[p]!;
  if (p === b.length) return `${recordVersion}:${b.toString('latin1')}`;
  if (p + 2 > b.length) return undefined;
  const end = p + 2 + b.readUInt16BE(p);
  if (end !== b.length) return undefined;
  p += 2;
  while (p < end) {
    if (p + 4 > end) return undefined;
    const type = b.readUInt16BE(p);
    const length = b.readUInt16BE(p + 2);
    const body = p + 4;
    if (body + length > end) return undefined;
    if (OPAQUE_BODIES.has(type)) {
      b.fill(0, body, body + length);
    } else if (type === KEY_SHARE && length >= 2) {
      // client_shares<2..2^16-1>: group(2) key_exchange<1..2^16-1>; keep the groups and lengths.
      let q = body + 2;
      const sharesEnd = q + b.readUInt16BE(body);
      if (sharesEnd > body + length) return undefined;
      while (q + 4 <= sharesEnd) {
        const n = b.readUInt16BE(q + 2);
        if (q + 4 + n > sharesEnd) return undefined;
        b.fill(0, q + 4, q + 4 + n);
        q += 4 + n;
      }
    }
    p = body + length;
  }
  return `${recordVersion}:${b.toString('latin1')}`;
}

interface Shape {
  /** The summary without its random. */
  readonly summary: ClientHelloSummary;
  /** Its JSON without the closing brace, made the first time a record holding it is written. */
  json?: string;
}

/** The shape each summary handed out belongs to: its JSON is made once per shape, not once per record. */
const shapeOf = new WeakMap<ClientHelloSummary, Shape>();

/** Summaries by shape, without their random; the oldest shape goes first when it is full. */
export class HelloShapeCache {
  readonly #shapes = new Map<string, Shape>();

  get(shape: string, random: string | undefined): ClientHelloSummary | undefined {
    const known = this.#shapes.get(shape);
    if (!known) return undefined;
    const summary = random === undefined ? known.summary : { ...known.summary, random };
    shapeOf.set(summary, known);
    return summary;
  }

  set(shape: string, summary: ClientHelloSummary): void {
    if (this.#shapes.size >= MAX_SHAPES) this.#shapes.delete(this.#shapes.keys().next().value!);
    const { random: _random, ...withoutRandom } = summary;
    const entry: Shape = { summary: withoutRandom };
    this.#shapes.set(shape, entry);
    shapeOf.set(summary, entry);
  }

  get size(): number {
    return this.#shapes.size;
  }
}

/**
 * `JSON.stringify(summary)`, from the shape's JSON made once when the summary came from the cache (the
 * key order differs: `random` comes last). A record's ClientHello is most of its bytes.
 */
export function helloJson(summary: ClientHelloSummary): string {
  const shape = shapeOf.get(summary);
  if (!shape) return JSON.stringify(summary);
  shape.json ??= JSON.stringify(shape.summary).slice(0, -1);
  const random = summary.random === undefined ? '' : `${shape.json.length > 1 ? ',' : ''}"random":${JSON.stringify(summary.random)}`;
  return `${shape.json}${random}}`;
}
