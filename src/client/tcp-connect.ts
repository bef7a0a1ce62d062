import net from 'node:net';

/**
 * Opens a TCP connection with a deadline; resolves with the socket, or with why not (ECONNREFUSED,
 * ETIMEDOUT, or `giveUp`'s reason when that promise settles first). The socket is destroyed on failure.
 * The one connect step of the line-protocol probes and the proxy's upstream leg.
 */
export async function connectTcp(host: string, port: number, timeoutMs: number, giveUp?: Promise<{ code: string; message: string }>): Promise<{ socket: net.Socket } | { error: { code?: string; message: string } }> {
  const socket = net.connect({ host, port });
  socket.on('error', () => undefined);
  const result = await new Promise<true | { code?: string; message: string }>((resolve) => {
    const timer = setTimeout(() => resolve({ code: 'ETIMEDOUT', message: `no TCP connection to ${host}:${port} within ${timeoutMs} ms` }), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ ...(err.code ? { code: err.code } : {}), message: err.message });
    });
    void giveUp?.then((why) => {
      clearTimeout(timer);
      resolve(why);
    });
  });
  if (result === true) return { socket };
  socket.destroy();
  return { error: result };
}
