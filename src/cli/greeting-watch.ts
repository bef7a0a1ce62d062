import net from 'node:net';
import type { EventBus } from '../events/event-bus.js';
import { buildClientHello } from '../tls/client-hello-builder.js';

/** How long a STARTTLS-style probe waits for a greeting before it says what the silence may mean. */
export const GREETING_HINT_MS = 2000;

const IMPLICIT_NAME: Readonly<Record<string, string>> = { smtp: 'SMTPS, 465', imap: 'IMAPS, 993', pop3: 'POP3S, 995' };

/** TLS 1.2 suites every TLS server of the last 15 years knows one of; an alert is an answer too. */
const SUITES = [0xc02f, 0xc030, 0xc02b, 0xc02c, 0x009e, 0x009c, 0xc013, 0xc014, 0x0033, 0x0039, 0x002f, 0x0035, 0x000a];

/**
 * Does `host:port` answer a ClientHello with a TLS record (a handshake message or an alert)? On a second
 * connection, so the probe's own session stays as it is.
 */
export function answersTls(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (tls: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(tls);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => socket.write(buildClientHello({ suites: SUITES }).bytes));
    socket.once('data', (d: Buffer) => done((d[0] === 0x16 || d[0] === 0x15) && d[1] === 0x03));
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}

/**
 * Watches a STARTTLS/STLS probe: when its server has said nothing `afterMs` after the TCP connection,
 * checks whether the port speaks TLS first and tells the user once (one line): an implicit-TLS port
 * waits for a ClientHello and never greets, which otherwise looks like a hang until a timeout.
 * Returns the unsubscribe; `onHint` gets the line.
 */
export function watchGreeting(bus: EventBus, o: { peer: string; protocol: string; host: string; port: number; waitMs: number; afterMs?: number; onHint: (line: string) => void }): () => void {
  let timer: NodeJS.Timeout | undefined;
  let session: string | undefined;
  const stop = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  const unsubscribe = bus.subscribe((e) => {
    if (!('session' in e) || e.peer !== o.peer) return;
    if (e.type === 'session-start' && e.role === 'client' && session === undefined) {
      session = e.session;
      timer = setTimeout(() => {
        timer = undefined;
        const secs = ((o.afterMs ?? GREETING_HINT_MS) / 1000).toFixed(1);
        void answersTls(o.host, o.port).then((tls) => {
          if (session === undefined) return;
          const name = IMPLICIT_NAME[o.protocol] ?? 'implicit TLS';
          o.onHint(tls
            ? `no greeting from ${o.host}:${o.port} after ${secs} s, and it answers a TLS ClientHello: this is an implicit-TLS port (${name} style); try --implicit`
            : `no greeting from ${o.host}:${o.port} after ${secs} s: is this an implicit-TLS port (${name} style)? try --implicit (still waiting, up to ${Math.round(o.waitMs / 1000)} s)`);
        });
      }, o.afterMs ?? GREETING_HINT_MS);
    } else if (e.session === session && ((e.type === 'line' && e.dir === 'S') || e.type === 'session-end' || e.type === 'session-error')) {
      stop();
      session = undefined;
    }
  });
  return () => {
    stop();
    session = undefined;
    unsubscribe();
  };
}
