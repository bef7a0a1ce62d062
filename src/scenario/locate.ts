import { isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node } from 'yaml';

export type PathPart = string | number;

/** `peers[0].profile` from ['peers', 0, 'profile']. */
export function formatPath(path: readonly PathPart[]): string {
  if (!path.length) return '(top)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** ['peers', 0, 'profile'] from Ajv's instancePath `/peers/0/profile`. */
export function parsePointer(pointer: string): PathPart[] {
  if (!pointer) return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * Maps a path in a YAML document to its 1-based line, so that every loading error reads
 * `file:line: path: …`. With `key`, the line of that key inside the object at `path` (an unknown field).
 * Falls back to the nearest ancestor that exists.
 */
export function lineOf(doc: Document, counter: LineCounter, path: readonly PathPart[], key?: string): number {
  let node: unknown = doc.contents;
  let best: number | undefined = startLine(node, counter);
  for (const part of path) {
    const next = child(node, part);
    if (next === undefined) break;
    node = next;
    best = startLine(node, counter) ?? best;
  }
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
    const l = pair && isScalar(pair.key) ? startLine(pair.key, counter) : undefined;
    if (l !== undefined) return l;
  }
  return best ?? 1;
}

function child(node: unknown, part: PathPart): unknown {
  if (isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part));
    // The value's line; for an empty value, the key's.
    return pair ? (pair.value ?? pair.key) : undefined;
  }
  if (isSeq(node) && typeof part === 'number') return node.items[part];
  return undefined;
}

function startLine(node: unknown, counter: LineCounter): number | undefined {
  const range = (node as Node | undefined)?.range;
  return range ? counter.linePos(range[0]).line : undefined;
}
