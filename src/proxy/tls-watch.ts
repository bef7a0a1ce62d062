import type { ClientHelloSummary } from '../model/client-hello.js';
import { alertOfRecord } from '../tls/alert.js';
import { ClientHelloReader } from '../tls/client-hello.js';
import { ServerFlightReader } from '../tls/parse-server-flight.js';
import { CONTENT_TYPE, MAX_CIPHERTEXT, RecordReader, type TlsRecord } from '../tls/record-layer.js';

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
const TLS13 = 0x0304;
/**
 * A TLS 1.3 alert after the keys are in use: 2 bytes, the inner content type, and a 16-byte AEAD tag
 * (RFC 8446 §5.2). The client's Finished is at least 32 + 1 + 16 bytes, so a 19-byte record in its
 * place is the client refusing the server's flight (a certificate it does not trust, most often).
 */
const TLS13_ENCRYPTED_ALERT = 19;

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
  /** The hello readers, until each has said its piece; with the bytes each has been given. */
  #clientHello: { reader: ClientHelloReader; bytes: number } | undefined = { reader: new ClientHelloReader(), bytes: 0 };
  #serverHello: { reader: ServerFlightReader; bytes: number } | undefined = { reader: new ServerFlightReader('server-hello'), bytes: 0 };
  #version?: number;
  #ccs = { client: false, upstream: false };
  #established = false;
  #failed = false;
  /**
   * Record framing in each direction, dropped when it breaks (an SSLv2 hello, garbage: the relay goes
   * on regardless). Records may be encrypted, so up to 2^14 + 2048 bytes (RFC 5246 §6.2.3).
   */
  #records: Record<'client' | 'upstream', RecordReader | undefined> = {
    client: new RecordReader({ maxLength: MAX_CIPHERTEXT }),
    upstream: new RecordReader({ maxLength: MAX_CIPHERTEXT }),
  };

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
    const hello = this.#clientHello;
    if (hello) {
      hello.bytes += chunk.length;
      const parsed = hello.reader.push(chunk);
      if (parsed.status === 'ok') {
        this.#clientHello = undefined;
        this.#report({ kind: 'client-hello', hello: parsed.hello });
      } else if (parsed.status === 'invalid' || hello.bytes > MAX_HELLO_BYTES) {
        this.#clientHello = undefined;
        this.#report({ kind: 'client-hello-invalid', reason: parsed.status === 'invalid' ? parsed.reason : `no complete ClientHello in the first ${MAX_HELLO_BYTES} bytes` });
      }
    }
    this.#follow('client', chunk);
  }

  fromUpstream(chunk: Buffer): void {
    const hello = this.#serverHello;
    if (hello) {
      hello.bytes += chunk.length;
      const parsed = hello.reader.push(chunk);
      if (parsed.status === 'ok') {
        this.#serverHello = undefined;
        const { version, suite, helloRetry } = parsed.flight.serverHello;
        this.#version = version;
        this.#report({ kind: 'server-hello', version, suite, helloRetry });
      } else if (parsed.status === 'invalid' || (parsed.status === 'incomplete' && hello.bytes > MAX_HELLO_BYTES)) {
        this.#serverHello = undefined;
        this.#report({ kind: 'not-tls', from: 'upstream', reason: parsed.status === 'invalid' ? parsed.reason : `no complete ServerHello in the first ${MAX_HELLO_BYTES} bytes` });
      } else if (parsed.status === 'alert') {
        // Reported from the record framing below.
        this.#serverHello = undefined;
      }
    }
    this.#follow('upstream', chunk);
  }

  /** Feeds one direction's record framing until the handshake is decided; after that the bytes only pass. */
  #follow(from: 'client' | 'upstream', chunk: Buffer): void {
    const records = this.#records[from];
    if (!records || this.#established || this.#failed) return;
    records.push(chunk);
    for (;;) {
      const read = records.next();
      if (read.status === 'incomplete') return;
      if (read.status === 'invalid') {
        this.#records[from] = undefined;
        return;
      }
      this.#record(from, read.record);
      if (this.#established || this.#failed) return;
    }
  }

  #record(from: 'client' | 'upstream', record: TlsRecord): void {
    const { type } = record;
    if (type === CONTENT_TYPE.alert) {
      // Only a 2-byte alert is plaintext; an encrypted one is longer (MAC or AEAD tag) and says nothing here.
      const parsed = alertOfRecord(record);
      if ('reason' in parsed) return;
      const { level, description } = parsed.alert;
      // A warning (no_renegotiation and the like) does not end a handshake; a fatal alert does.
      if (level === 2) this.#failed = true;
      this.#report({ kind: 'alert', from, level, description, encrypted: false });
      return;
    }
    if (this.#version === undefined) return;
    if (this.#version === TLS13) {
      if (from === 'client' && type === CONTENT_TYPE.applicationData) {
        if (record.fragment.length === TLS13_ENCRYPTED_ALERT) {
          this.#failed = true;
          this.#report({ kind: 'alert', from, encrypted: true });
        } else {
          this.#done();
        }
      }
      return;
    }
    if (type === CONTENT_TYPE.changeCipherSpec) {
      this.#ccs[from] = true;
      if (this.#ccs.client && this.#ccs.upstream) this.#done();
    }
  }

  #done(): void {
    this.#established = true;
    this.#report({ kind: 'established' });
  }
}
