/**
 * SSLKEYLOGFILE (NSS key log format, which Wireshark reads with `-o tls.keylog_file:FILE`): one line
 * per secret, `LABEL <client random hex> <secret hex>`, e.g. `CLIENT_RANDOM …` for TLS 1.2 and
 * `CLIENT_HANDSHAKE_TRAFFIC_SECRET …`, `SERVER_TRAFFIC_SECRET_0 …` for TLS 1.3. Node emits them as
 * 'keylog' events on each TLSSocket during its handshake, so every socket must be attached before its
 * handshake runs (the bytes it reads are processed on a later tick, so right after construction is in
 * time). One KeyLog per lab; every peer, server or client, attaches its TLS sockets to it.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';

export class KeyLog {
  readonly file: string;
  #fd: number | undefined;
  readonly #attached = new WeakSet<TLSSocket>();
  #lines = 0;

  /** Opens (appends to) `file`, created with mode 0600: it holds the keys to every session. */
  constructor(file: string) {
    this.file = file;
    this.#fd = openSync(file, 'a', 0o600);
  }

  /** Lines written so far. */
  get lines(): number {
    return this.#lines;
  }

  /** Writes this socket's secrets as they appear. Safe to call more than once for the same socket. */
  attach(socket: TLSSocket): void {
    if (this.#attached.has(socket)) return;
    this.#attached.add(socket);
    socket.on('keylog', (line: Buffer) => this.write(line));
  }

  /** One line as Node gives it (ends with a newline); synchronous, so a reader after the session sees it. */
  write(line: Buffer | string): void {
    if (this.#fd === undefined) return;
    const text = typeof line === 'string' ? line : line.toString('latin1');
    writeSync(this.#fd, text.endsWith('\n') ? text : `${text}\n`);
    this.#lines += 1;
  }

  close(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
  }
}
