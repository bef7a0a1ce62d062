/**
 * Writes one raw ClientHello on a connection ready for it and reads what comes back, without keys:
 * a ServerHello (and for TLS ≤ 1.2 the rest of the plaintext flight when asked), an alert, or how the
 * server failed to answer. The connection is closed afterwards: a scan never finishes a handshake.
 */
import type net from 'node:net';
import { ServerFlightReader, type FirstFlight, type FlightGoal } from '../tls/parse-server-flight.js';

/**
 * How a server reacted to a hello:
 * - 'hello': a ServerHello (or HelloRetryRequest), with the flight read;
 * - 'alert': a plaintext alert instead;
 * - 'closed': a clean close (FIN) with no answer;
 * - 'reset': a TCP reset;
 * - 'silence': nothing within the timeout (the F5 hang);
 * - 'invalid': bytes that are not a TLS answer.
 */
export type HelloReaction =
  | { readonly kind: 'hello'; readonly flight: FirstFlight; readonly ms: number }
  | { readonly kind: 'alert'; readonly level: number; readonly description: number; readonly ms: number }
  | { readonly kind: 'closed'; readonly ms: number }
  | { readonly kind: 'reset'; readonly ms: number }
  | { readonly kind: 'silence'; readonly ms: number }
  | { readonly kind: 'invalid'; readonly reason: string; readonly ms: number };

export function exchangeHello(socket: net.Socket, hello: Buffer, goal: FlightGoal, timeoutMs: number): Promise<HelloReaction> {
  const started = performance.now();
  const ms = (): number => Math.round((performance.now() - started) * 10) / 10;
  const reader = new ServerFlightReader(goal);
  return new Promise<HelloReaction>((resolve) => {
    let settled = false;
    const done = (r: HelloReaction): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ kind: 'silence', ms: ms() }), timeoutMs);
    const onData = (chunk: Buffer): void => {
      const r = reader.push(chunk);
      if (r.status === 'ok') done({ kind: 'hello', flight: r.flight, ms: ms() });
      else if (r.status === 'alert') done({ kind: 'alert', level: r.level, description: r.description, ms: ms() });
      else if (r.status === 'invalid') done({ kind: 'invalid', reason: r.reason, ms: ms() });
    };
    socket.on('data', onData);
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNRESET' || err.code === 'EPIPE' ? { kind: 'reset', ms: ms() } : { kind: 'invalid', reason: `${err.code ?? 'error'}: ${err.message}`, ms: ms() }));
    socket.once('end', () => done({ kind: 'closed', ms: ms() }));
    socket.once('close', () => done({ kind: 'closed', ms: ms() }));
    socket.resume();
    socket.write(hello);
  });
}
