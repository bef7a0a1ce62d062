import { readFileSync } from 'node:fs';

/**
 * File descriptors kept free for everything that is not a session: listeners, sessions.jsonl and the
 * other run files, .eml writes, the key log, stdio, certificate reads, a refusal's own socket.
 */
export const DESCRIPTOR_RESERVE = 64;

/** The process's soft limit on open files (`ulimit -n`), from /proc; Infinity where it cannot be read. */
export function openFilesLimit(): number {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m && m[1] !== 'unlimited' ? Number(m[1]) : Infinity;
  } catch {
    return Infinity;
  }
}

/**
 * The descriptors the sessions of all the lab's peers hold, against the process's limit. When accept()
 * hits EMFILE, libuv closes every pending connection itself and Node reports nothing (a 2,000-connection
 * flood under `ulimit -n 1024` lost 1,000 connections without a word). So the peers stop short of the
 * limit: a connection that would leave fewer than DESCRIPTOR_RESERVE free is refused like one over a
 * connection limit (a reply where one can be sent, a record, a lab-warning), while there is still a
 * descriptor to say so with.
 */
export class DescriptorBudget {
  readonly limit: number;
  #inUse = 0;

  constructor(limit = openFilesLimit()) {
    this.limit = limit;
  }

  get inUse(): number {
    return this.#inUse;
  }

  /** Takes `n` descriptors for a session; false (nothing taken) when that would eat into the reserve. */
  take(n: number): boolean {
    if (this.#inUse + n > this.limit - DESCRIPTOR_RESERVE) return false;
    this.#inUse += n;
    return true;
  }

  give(n: number): void {
    this.#inUse = Math.max(0, this.#inUse - n);
  }
}

/** One budget for the whole process: every peer's sessions share its descriptors. */
export const processDescriptors = new DescriptorBudget();
