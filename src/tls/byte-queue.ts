/**
 * Bytes that arrive in chunks (TCP reads, record fragments), read from the front without joining the
 * chunks on every arrival: a record or handshake message split over many reads is copied once, when
 * it is taken whole, and one that lies in a single chunk is not copied at all.
 */
export class ByteQueue {
  #chunks: Buffer[] = [];
  /** Index of the first live chunk in #chunks (consumed chunks are dropped in batches). */
  #first = 0;
  /** Bytes of #chunks[#first] already taken. */
  #head = 0;
  #length = 0;

  /** Bytes held. */
  get length(): number {
    return this.#length;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  /** The byte at offset i from the front; the caller checks i < length. */
  byteAt(i: number): number {
    let at = i + this.#head;
    for (let c = this.#first; c < this.#chunks.length; c += 1) {
      const chunk = this.#chunks[c]!;
      if (at < chunk.length) return chunk[at]!;
      at -= chunk.length;
    }
    throw new RangeError(`byteAt(${i}) past the ${this.#length} bytes held`);
  }

  u16At(i: number): number {
    return (this.byteAt(i) << 8) | this.byteAt(i + 1);
  }

  u24At(i: number): number {
    return (this.byteAt(i) << 16) | (this.byteAt(i + 1) << 8) | this.byteAt(i + 2);
  }

  /** The first min(n, length) bytes, left in place: a view when they lie in one chunk, else a copy. */
  peek(n: number): Buffer {
    const want = Math.min(n, this.#length);
    const first = this.#chunks[this.#first];
    if (first === undefined) return Buffer.alloc(0);
    if (this.#head + want <= first.length) return first.subarray(this.#head, this.#head + want);
    const out = Buffer.allocUnsafe(want);
    let filled = 0;
    let from = this.#head;
    for (let c = this.#first; filled < want; c += 1) {
      const chunk = this.#chunks[c]!;
      filled += chunk.copy(out, filled, from, Math.min(chunk.length, from + want - filled));
      from = 0;
    }
    return out;
  }

  /** Removes and returns the first n bytes (n <= length): a view when they lie in one chunk, else a copy. */
  take(n: number): Buffer {
    const out = this.peek(n);
    this.skip(out.length);
    return out;
  }

  /** Drops the first n bytes (at most length). */
  skip(n: number): void {
    let left = Math.min(n, this.#length);
    this.#length -= left;
    while (left > 0) {
      const chunk = this.#chunks[this.#first]!;
      const inChunk = chunk.length - this.#head;
      if (left < inChunk) {
        this.#head += left;
        return;
      }
      left -= inChunk;
      this.#first += 1;
      this.#head = 0;
    }
    // Forget consumed chunks now and then rather than shifting the array on every one.
    if (this.#first === this.#chunks.length) {
      this.#chunks = [];
      this.#first = 0;
    } else if (this.#first > 64 && this.#first * 2 > this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#first);
      this.#first = 0;
    }
  }
}
