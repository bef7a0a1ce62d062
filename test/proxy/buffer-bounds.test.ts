import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { RunningCli } from '../fixtures/run-cli.js';
import { connectWatching, rssOf } from '../fixtures/watching-client.js';

/**
 * The proxy's buffers are bounded (issue 12, finding 1; docs/limits.md): a client sends 64 MB towards
 * an upstream that reads nothing for a while. Before, the proxy read everything the client sent and
 * queued it for the upstream (SMTP DATA: the whole message in the upstream socket's buffer; an IMAP
 * literal: held whole, up to 64 MiB). Now it reads no more than the upstream takes (lines: a 256 KiB
 * outgoing buffer, literals in 64 KiB pieces), so the client's own buffer holds the rest, and the
 * proxy's RSS does not follow. Everything still arrives once the upstream reads again. The proxy runs
 * in its own process (`mxlab proxy`) so that its RSS is its own.
 */

const MB = 1024 * 1024;
const TOTAL = 64 * MB;

/** A fake upstream: answers the dialogue it is given, then stops reading until `resume()`; counts what came. */
class SlowUpstream {
  readonly server: net.Server;
  socket?: net.Socket;
  received = 0;
  #resume?: () => void;
  #until?: { bytes: number; resolve: () => void };

  constructor(greeting: string, answer: (line: string) => string | undefined, stopAfter: RegExp) {
    this.server = net.createServer((socket) => {
      this.socket = socket;
      socket.write(greeting);
      let buf = '';
      let stopped = false;
      socket.on('data', (d: Buffer) => {
        if (stopped) {
          this.received += d.length;
          if (this.#until && this.received >= this.#until.bytes) this.#until.resolve();
          return;
        }
        buf += d.toString('latin1');
        for (let nl = buf.indexOf('\r\n'); nl >= 0 && !stopped; nl = buf.indexOf('\r\n')) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 2);
          const reply = answer(line);
          if (reply) socket.write(reply);
          if (stopAfter.test(line)) {
            stopped = true;
            socket.pause();
            this.received += Buffer.byteLength(buf, 'latin1');
          }
        }
      });
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as net.AddressInfo).port)));
  }

  /** Starts reading again; resolves once `bytes` have come in all. */
  readUntil(bytes: number): Promise<void> {
    return new Promise((resolve) => {
      this.#until = { bytes, resolve };
      if (this.received >= bytes) resolve();
      this.socket!.resume();
    });
  }
}

/** Writes `data` to the client socket; resolves once the proxy stops taking it (or it took all). */
async function pushUntilHeld(socket: net.Socket, data: Buffer): Promise<'held' | 'all taken'> {
  // In pieces: the socket counts a write as waiting until all of it is written.
  for (let i = 0; i < data.length; i += 64 * 1024) socket.write(data.subarray(i, i + 64 * 1024));
  // 'drain' fires only if the proxy read everything; otherwise the client's buffer stays full. Poll
  // until the amount waiting stops going down (the proxy stopped reading).
  let last = socket.writableLength;
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const now = socket.writableLength;
    if (now === 0) return 'all taken';
    if (now === last) return 'held';
    last = now;
  }
}

/**
 * Sends `data` while the upstream reads nothing: the proxy must stop taking it with its RSS well under
 * the size (the rest waits in the client's buffer), then relay all of it once the upstream reads.
 */
async function pushAgainstStalledUpstream(t: Test, pid: number, socket: net.Socket, up: SlowUpstream, data: Buffer, what: string): Promise<void> {
  const before = rssOf(pid);
  const state = await pushUntilHeld(socket, data);
  const held = rssOf(pid) - before;
  t.equal(state, 'held', `the proxy stopped reading the client (${(socket.writableLength / MB).toFixed(1)} MB wait in the client's buffer)`);
  // RSS also holds allocator and young-generation slack from relaying a few MB (~15–27 MB here); the
  // old proxy grew by the whole size and more (64 MB: +71 MB / +56 MB at 48 MB).
  t.ok(held < 40 * MB, `the proxy's RSS grew ${(held / MB).toFixed(1)} MB while the upstream read nothing of a ${TOTAL / MB} MB ${what}`);
  await up.readUntil(data.length);
  t.equal(up.received, data.length, `the upstream got the whole ${what} once it read again`);
}

async function startProxy(t: Test, protocol: 'smtp' | 'imap', upstreamPort: number): Promise<{ port: number; pid: number }> {
  const runDir = join(mkdtempSync(join(tmpdir(), 'mxlab-proxy-bounds-')), 'run');
  const cli = new RunningCli(['proxy', '--listen', '127.0.0.1:0', '--upstream', `127.0.0.1:${upstreamPort}`, '--protocol', protocol, '--strip', 'none', '--run-dir', runDir]);
  t.teardown(() => cli.kill());
  const port = Number((await cli.waitFor(new RegExp(`127\\.0\\.0\\.1:(\\d+)\\s+${protocol}\\s`), 30000))[1]);
  return { port, pid: cli.child.pid! };
}

t.test('SMTP DATA through the proxy to an upstream that stops reading: the proxy holds a bounded amount', async (t) => {
  const up = new SlowUpstream('220 upstream ESMTP\r\n', (l) => (/^EHLO/i.test(l) ? '250-upstream\r\n250 8BITMIME\r\n' : /^DATA/i.test(l) ? '354 go ahead\r\n' : /^QUIT/i.test(l) ? '221 bye\r\n' : '250 ok\r\n'), /^DATA$/i);
  const upPort = await up.listen();
  t.teardown(() => up.server.close());
  const proxy = await startProxy(t, 'smtp', upPort);
  const c = await connectWatching(proxy.port);
  t.teardown(() => c.socket.destroy());
  await c.line(/^220 /);
  for (const cmd of ['EHLO client.example', 'MAIL FROM:<a@example.org>', 'RCPT TO:<b@example.net>']) {
    const seen = c.lines.length;
    c.socket.write(`${cmd}\r\n`);
    await new Promise<void>((resolve) => {
      const check = (): void => (c.lines.slice(seen).some((l) => /^\d{3} /.test(l)) ? resolve() : void setTimeout(check, 10));
      check();
    });
  }
  c.socket.write('DATA\r\n');
  await c.line(/^354 /);
  const line = Buffer.from(`${'z'.repeat(1022)}\r\n`);
  const body = Buffer.concat([Buffer.concat(Array.from({ length: TOTAL / line.length }, () => line)), Buffer.from('.\r\n')]);
  await pushAgainstStalledUpstream(t, proxy.pid, c.socket, up, body, 'message');
});

t.test('an IMAP APPEND literal through the proxy to an upstream that stops reading: relayed in pieces, not held', async (t) => {
  const up = new SlowUpstream('* OK upstream IMAP4rev1 ready\r\n', (l) => {
    const tag = l.split(' ')[0];
    if (/APPEND/i.test(l)) return '+ Ready for literal data\r\n';
    if (/LOGOUT/i.test(l)) return `* BYE\r\n${tag} OK LOGOUT completed\r\n`;
    return `${tag} OK done\r\n`;
  }, /APPEND/i);
  const upPort = await up.listen();
  t.teardown(() => up.server.close());
  const proxy = await startProxy(t, 'imap', upPort);
  const c = await connectWatching(proxy.port);
  t.teardown(() => c.socket.destroy());
  await c.line(/^\* OK/);
  c.socket.write('a1 LOGIN user pass\r\n');
  await c.line(/^a1 OK/);
  c.socket.write(`a2 APPEND INBOX {${TOTAL}}\r\n`);
  await c.line(/^\+ /);
  const literal = Buffer.concat([Buffer.alloc(TOTAL, 0x61), Buffer.from('\r\n')]);
  await pushAgainstStalledUpstream(t, proxy.pid, c.socket, up, literal, 'literal');
});
