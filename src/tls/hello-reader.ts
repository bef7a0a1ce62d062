/**
 * Reads a ClientHello off a raw socket before OpenSSL sees it. The caller puts the bytes back with
 * `socket.unshift(read.bytes)` and then wraps the socket in `new tls.TLSSocket(socket, …)`, which feeds
 * bytes already buffered on the socket to OpenSSL first, so the handshake goes on as if untouched.
 */
import type { Socket } from 'node:net';
import type { ClientHelloSummary } from '../model/client-hello.js';
import { ClientHelloReader } from './client-hello.js';

export type HelloOutcome = 'hello' | 'invalid' | 'closed' | 'timeout' | 'too-large';

export interface HelloRead {
  /** Every byte read from the socket, in order, to be unshifted by the caller. */
  readonly bytes: Buffer;
  readonly outcome: HelloOutcome;
  /** Set when outcome is 'hello'. */
  readonly hello?: ClientHelloSummary;
  /** The reassembled handshake message (type + length + body), for JA3/JA4; set with hello. */
  readonly handshake?: Buffer;
  /** Why: the parser's reason for 'invalid', else a sentence for 'closed', 'timeout' and 'too-large'. */
  readonly reason?: string;
}

export interface ReadHelloOptions {
  /** Give up this long after the call with outcome 'timeout'. */
  readonly timeoutMs: number;
  /**
   * Stop with 'too-large' once this many bytes are read and the hello is still incomplete.
   * @default 32768 (a ClientHello with post-quantum key shares is under 2 KiB)
   */
  readonly maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 32 * 1024;

/**
 * Consumes data until the parser decides (hello or invalid), the socket ends, closes or errors, or the
 * time is up. Listeners it added are removed and the socket is left paused; nothing is unshifted. A
 * socket the caller had piped elsewhere must be unpiped first, and it must have no 'data' listener of
 * its own (removing our 'readable' listener would resume it and the next bytes would go there).
 */
export function readClientHello(socket: Socket, opts: ReadHelloOptions): Promise<HelloRead> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const parser = new ClientHelloReader();
    let total = 0;
    let settled = false;

    const finish = (read: Omit<HelloRead, 'bytes'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('readable', onReadable);
      socket.off('end', onEnd);
      socket.off('close', onClose);
      socket.off('error', onError);
      socket.pause();
      resolve({ bytes: Buffer.concat(chunks, total), ...read });
    };

    // 'readable' + read() rather than 'data': reading stops exactly when we decide, and whatever
    // we did not read stays in the socket's buffer behind the bytes the caller unshifts.
    const onReadable = (): void => {
      let chunk: Buffer | null;
      while (!settled && (chunk = socket.read() as Buffer | null) !== null) {
        chunks.push(chunk);
        total += chunk.length;
        const parsed = parser.push(chunk);
        if (parsed.status === 'ok') {
          finish({ outcome: 'hello', hello: parsed.hello, handshake: parsed.handshake });
        } else if (parsed.status === 'invalid') {
          finish({ outcome: 'invalid', reason: parsed.reason });
        } else if (total >= maxBytes) {
          finish({ outcome: 'too-large', reason: `no complete ClientHello in the first ${total} bytes (limit ${maxBytes})` });
        }
      }
    };
    const onEnd = (): void => finish({ outcome: 'closed', reason: closedReason(total, 'ended the connection') });
    const onClose = (): void => finish({ outcome: 'closed', reason: closedReason(total, 'closed the connection') });
    const onError = (err: Error): void => finish({ outcome: 'closed', reason: closedReason(total, `failed: ${err.message}`) });

    const timer = setTimeout(
      () => finish({ outcome: 'timeout', reason: `no complete ClientHello within ${opts.timeoutMs} ms (${total} bytes received)` }),
      opts.timeoutMs,
    );

    socket.on('readable', onReadable);
    socket.on('end', onEnd);
    socket.on('close', onClose);
    socket.on('error', onError);
    // Take what is already buffered now: 'readable' only comes on a later tick, and a socket
    // destroyed before then would drop it.
    onReadable();
    // A socket that already ended or was destroyed emits nothing more.
    if (socket.destroyed || socket.readableEnded) {
      finish({ outcome: 'closed', reason: closedReason(total, 'was already closed') });
    }
  });
}

function closedReason(total: number, what: string): string {
  return total === 0 ? `client ${what} before sending a ClientHello` : `client ${what} in the middle of its ClientHello (${total} bytes received)`;
}
