import type { Socket } from 'node:net';
import type { EventBus } from '../lab/event-bus.js';
import type { ClientHelloSummary } from './client-hello-types.js';
import { readClientHello } from './hello-reader.js';

export interface HelloInspection {
  readonly hello?: ClientHelloSummary;
  /** Why the bytes were not a ClientHello (OpenSSL still gets them and fails in its own words). */
  readonly invalid?: string;
  /** Set when the client is gone or silent: the handshake cannot go on. */
  readonly gone?: string;
}

/**
 * Reads the peer's ClientHello off a raw socket before OpenSSL sees it (implicit TLS, and after
 * STARTTLS), reports it on the bus, and puts the bytes back so a TLSSocket built on this socket
 * handshakes as if nothing happened. The quirk gate (version intolerance and friends) hooks in here.
 */
export async function inspectHello(socket: Socket, opts: { session: string; bus: EventBus; timeoutMs: number }): Promise<HelloInspection> {
  const read = await readClientHello(socket, { timeoutMs: opts.timeoutMs });
  const at = Date.now();
  if (read.outcome === 'hello' && read.hello) {
    opts.bus.emit({ type: 'client-hello', session: opts.session, hello: read.hello, at });
  } else if (read.outcome === 'invalid' || read.outcome === 'too-large') {
    opts.bus.emit({ type: 'client-hello-invalid', session: opts.session, reason: read.reason ?? read.outcome, at });
  }
  if (read.outcome === 'closed') {
    return { gone: read.bytes.length ? `client closed the connection in the middle of its ClientHello (${read.bytes.length} bytes received)` : 'client closed the connection before sending a ClientHello' };
  }
  if (read.outcome === 'timeout') {
    return { gone: `no complete ClientHello within ${opts.timeoutMs} ms (${read.bytes.length} bytes received)` };
  }
  if (read.bytes.length) socket.unshift(read.bytes);
  return read.outcome === 'hello' ? { hello: read.hello! } : { invalid: read.reason ?? read.outcome };
}
