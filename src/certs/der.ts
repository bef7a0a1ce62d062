/**
 * A tiny DER reader: just enough of X.509's structure for describe.ts, with bounds checks on every
 * step so a malformed certificate throws a plain Error rather than reading past the buffer.
 */

export interface Tlv {
  readonly tag: number;
  /** Offset of the tag byte. */
  readonly start: number;
  /** Offset of the first content byte. */
  readonly contentStart: number;
  /** Offset just past the content. */
  readonly end: number;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

export function readTlv(buf: Uint8Array, offset: number, limit: number = buf.length): Tlv {
  if (offset + 2 > limit) throw new Error(`DER: truncated header at ${offset}`);
  const tag = buf[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new Error(`DER: multi-byte tag at ${offset}`);
  let length = buf[offset + 1] as number;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new Error(`DER: unsupported length form at ${offset}`);
    if (contentStart + count > limit) throw new Error(`DER: truncated length at ${offset}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (buf[contentStart + i] as number);
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) throw new Error(`DER: content at ${offset} runs past its container`);
  return { tag, start: offset, contentStart, end };
}

/** The TLVs directly inside a constructed TLV. */
export function childrenOf(buf: Uint8Array, parent: Tlv): Tlv[] {
  const list: Tlv[] = [];
  for (let at = parent.contentStart; at < parent.end; ) {
    const child = readTlv(buf, at, parent.end);
    list.push(child);
    at = child.end;
  }
  return list;
}

/** Like childrenOf, but insists on the parent's tag. */
export function expectChildren(buf: Uint8Array, parent: Tlv | undefined, tag: number): Tlv[] {
  if (!parent || parent.tag !== tag) throw new Error(`DER: expected tag 0x${tag.toString(16)}`);
  return childrenOf(buf, parent);
}

export function content(buf: Uint8Array, tlv: Tlv): Uint8Array {
  return buf.subarray(tlv.contentStart, tlv.end);
}

export function decodeOid(buf: Uint8Array, tlv: Tlv | undefined): string {
  if (!tlv || tlv.tag !== TAG.OID || tlv.end === tlv.contentStart) throw new Error('DER: expected an OID');
  const bytes = content(buf, tlv);
  const arcs: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      if (arcs.length === 0) {
        const first = value < 80 ? Math.floor(value / 40) : 2;
        arcs.push(first, value - first * 40);
      } else {
        arcs.push(value);
      }
      value = 0;
    }
  }
  return arcs.join('.');
}

/** Bit length of a non-negative INTEGER (an RSA modulus). */
export function integerBits(buf: Uint8Array, tlv: Tlv | undefined): number {
  if (!tlv || tlv.tag !== TAG.INTEGER) throw new Error('DER: expected an INTEGER');
  let at = tlv.contentStart;
  while (at < tlv.end && buf[at] === 0) at++;
  if (at === tlv.end) return 0;
  return (tlv.end - at - 1) * 8 + (32 - Math.clz32(buf[at] as number));
}
