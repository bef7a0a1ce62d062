import type { ClientHelloSummary } from '../model/client-hello.js';
import { parseClientHello } from '../tls/client-hello.js';
import { parseServerHello } from '../tls/parse-server-hello.js';

/** What the proxy can tell about a TLS handshake it relays without keys. */
export type TlsWatchReport =
  | { readonly kind: 'client-hello'; readonly hello: ClientHelloSummary }
  | { readonly kind: 'client-hello-invalid'; readonly reason: string }
  | { readonly kind: 'server-hello'; readonly version: number; readonly suite: number; readonly helloRetry: boolean }
  /** The handshake finished (see `TlsWatch` for how that is told from the record types alone). */
  | { readonly kind: 'established' }
  /** A plaintext alert (before the keys are in use) or, in TLS 1.3, the client's encrypted alert in place of its Finished. */
  | { readonly kind: 'alert'; readonly from: 'client' | 'upstream'; readonly level?: number; readonly description?: number; readonly encrypted: boolean }
  | { readonly kind: 'not-tls'; readonly from: 'client' | 'upstream'; readonly reason: string };

/** Longest hello the proxy buffers to describe (the hello reader's limit). */
const MAX_HELLO_BYTES = 32 * 1024;
const CHANGE_CIPHER_SPEC = 20;
const ALERT = 21;
const APPLICATION_DATA = 23;
const TLS13 = 0x0304;
/**
 * A TLS 1.3 alert after the keys are in use: 2 bytes, the inner content type, and a 16-byte AEAD tag
 * (RFC 8446 §5.2). The client's Finished is at least 32 + 1 + 16 bytes, so a 19-byte record in its
 * place is the client refusing the server's flight (a certificate it does not trust, most often).
 */
const TLS13_ENCRYPTED_ALERT = 19;

/** Follows TLS record headers in one direction; hands over each header and the body of short alerts. */
class RecordScanner {
  #header = Buffer.alloc(0);
  #remaining = 0;
  #alert?: Buffer;
  #broken = false;
  readonly #onRecord: (type: number, length: number, alert?: Buffer) => void;

  constructor(onRecord: (type: number, length: number, alert?: Buffer) => void) {
    this.#onRecord = onRecord;
  }

  push(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length && !this.#broken) {
      if (this.#remaining > 0) {
        const take = Math.min(this.#remaining, chunk.length - off);
        if (this.#alert) this.#alert = Buffer.concat([this.#alert, chunk.subarray(off, off + take)]);
        off += take;
        this.#remaining -= take;
        if (this.#remaining === 0 && this.#alert) {
          this.#onRecord(ALERT, 2, this.#alert);
          this.#alert = undefined;
        }
        continue;
      }
      const need = 5 - this.#header.length;
      this.#header = Buffer.concat([this.#header, chunk.subarray(off, off + need)]);
      off += Math.min(need, chunk.length - off);
      if (this.#header.length < 5) continue;
      const type = this.#header[0]!;
      const length = this.#header.readUInt16BE(3);
      this.#header = Buffer.alloc(0);
      if (type < 20 || type > 24 || length > 16384 + 2048) {
        // Not TLS framing (an SSLv2 hello, garbage): stop following, the relay goes on regardless.
        this.#broken = true;
        return;
      }
      this.#remaining = length;
      // Only a 2-byte alert is plaintext; an encrypted one is longer (MAC or AEAD tag).
      if (type === ALERT && length === 2) this.#alert = Buffer.alloc(0);
      else this.#onRecord(type, length);
    }
  }
}

/**
 * Watches the bytes of a STARTTLS session the proxy relays but cannot read: the client's hello (parsed
 * like the server peers parse it, with fingerprints), the server's chosen version and suite, plaintext
 * alerts, and when the handshake is over. With no keys, "over" is told from record types: TLS ≤ 1.2
 * is done once both sides have sent ChangeCipherSpec (RFC 5246 §7.1); in TLS 1.3 everything after the
 * ServerHello is encrypted, and the client's first application_data record is its Finished (RFC 8446
 * §4.4.4) — or, at 19 bytes, an alert refusing the handshake.
 */
export class TlsWatch {
  readonly #report: (r: TlsWatchReport) => void;
  #clientBytes: Buffer | undefined = Buffer.alloc(0);
  #serverBytes: Buffer | undefined = Buffer.alloc(0);
  #version?: number;
  #ccs = { client: false, upstream: false };
  #established = false;
  #failed = false;
  readonly #client = new RecordScanner((type, length, alert) => this.#record('client', type, length, alert));
  readonly #upstream = new RecordScanner((type, length, alert) => this.#record('upstream', type, length, alert));

  constructor(report: (r: TlsWatchReport) => void) {
    this.#report = report;
  }

  get established(): boolean {
    return this.#established;
  }

  /** A fatal alert or a refusal was seen: the handshake did not finish. */
  get failed(): boolean {
    return this.#failed;
  }

  /** The ServerHello was seen. */
  get serverHelloSeen(): boolean {
    return this.#version !== undefined;
  }

  fromClient(chunk: Buffer): void {
    if (this.#clientBytes) {
      this.#clientBytes = Buffer.concat([this.#clientBytes, chunk]);
      const parsed = parseClientHello(this.#clientBytes);
      if (parsed.status === 'ok') {
        this.#clientBytes = undefined;
        this.#report({ kind: 'client-hello', hello: parsed.hello });
      } else if (parsed.status === 'invalid' || this.#clientBytes.length > MAX_HELLO_BYTES) {
        this.#clientBytes = undefined;
        this.#report({ kind: 'client-hello-invalid', reason: parsed.status === 'invalid' ? parsed.reason : `no complete ClientHello in the first ${MAX_HELLO_BYTES} bytes` });
      }
    }
    this.#client.push(chunk);
  }

  fromUpstream(chunk: Buffer): void {
    if (this.#serverBytes) {
      this.#serverBytes = Buffer.concat([this.#serverBytes, chunk]);
      const parsed = parseServerHello(this.#serverBytes);
      if (parsed.status === 'ok') {
        this.#serverBytes = undefined;
        this.#version = parsed.version;
        this.#report({ kind: 'server-hello', version: parsed.version, suite: parsed.suite, helloRetry: parsed.helloRetry });
      } else if (parsed.status === 'invalid' || (parsed.status === 'incomplete' && this.#serverBytes.length > MAX_HELLO_BYTES)) {
        this.#serverBytes = undefined;
        this.#report({ kind: 'not-tls', from: 'upstream', reason: parsed.status === 'invalid' ? parsed.reason : `no complete ServerHello in the first ${MAX_HELLO_BYTES} bytes` });
      } else if (parsed.status === 'alert') {
        // Reported by the record scanner below.
        this.#serverBytes = undefined;
      }
    }
    this.#upstream.push(chunk);
  }

  #record(from: 'client' | 'upstream', type: number, length: number, alert?: Buffer): void {
    if (this.#established || this.#failed) return;
    if (type === ALERT && alert) {
      const level = alert[0]!;
      // A warning (no_renegotiation and the like) does not end a handshake; a fatal alert does.
      if (level === 2) this.#failed = true;
      this.#report({ kind: 'alert', from, level, description: alert[1]!, encrypted: false });
      return;
    }
    if (this.#version === undefined) return;
    if (this.#version === TLS13) {
      if (from === 'client' && type === APPLICATION_DATA) {
        if (length === TLS13_ENCRYPTED_ALERT) {
          this.#failed = true;
          this.#report({ kind: 'alert', from, encrypted: true });
        } else {
          this.#done();
        }
      }
      return;
    }
    if (type === CHANGE_CIPHER_SPEC) {
      this.#ccs[from] = true;
      if (this.#ccs.client && this.#ccs.upstream) this.#done();
    }
  }

  #done(): void {
    this.#established = true;
    this.#report({ kind: 'established' });
  }
}
