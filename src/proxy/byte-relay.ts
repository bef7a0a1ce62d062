import type net from 'node:net';

/** How long a side that the other has left gets to finish before it is closed. */
export const LINGER_MS = 2000;

export interface RelayEnds {
  readonly client: net.Socket;
  readonly upstream: net.Socket;
  /** Bytes each side sent that the line readers held when TLS began (a client that did not wait for the go-ahead). */
  readonly early: { readonly client: Buffer; readonly upstream: Buffer };
  /** Sees every byte before it is passed on (the handshake watch). */
  readonly see: { readonly client: (d: Buffer) => void; readonly upstream: (d: Buffer) => void };
}

/**
 * The proxy once STARTTLS went through: bytes both ways, untouched and with backpressure, until both
 * sides have closed. Resolves with the side that closed first.
 */
export async function relayBytes(o: RelayEnds): Promise<'client' | 'upstream' | undefined> {
  let first: 'client' | 'upstream' | undefined;
  const closed = (s: net.Socket): Promise<void> => new Promise((resolve) => (s.destroyed ? resolve() : s.once('close', () => resolve())));
  const pump = (from: net.Socket, to: net.Socket, side: 'client' | 'upstream'): void => {
    if (o.early[side].length) {
      o.see[side](o.early[side]);
      to.write(o.early[side]);
    }
    from.on('data', (d: Buffer) => {
      o.see[side](d);
      if (!to.write(d)) from.pause();
    });
    to.on('drain', () => from.resume());
    const gone = (): void => {
      first ??= side;
      if (!to.destroyed) to.end();
      setTimeout(() => to.destroy(), LINGER_MS).unref();
    };
    from.once('end', () => to.end());
    // A side that left while the STARTTLS answer was on its way has closed already.
    if (from.destroyed) gone();
    else from.once('close', gone);
    from.resume();
  };
  pump(o.client, o.upstream, 'client');
  pump(o.upstream, o.client, 'upstream');
  await Promise.all([closed(o.client), closed(o.upstream)]);
  return first;
}
