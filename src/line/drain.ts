import type net from 'node:net';

/** Resolves at the socket's next 'drain' (its outgoing buffer was written out) or when it closes. */
export function drainOrClose(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.once('drain', done);
    socket.once('close', done);
  });
}
