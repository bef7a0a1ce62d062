import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { RunningCli } from '../fixtures/run-cli.js';
import { connectWatching, rssOf, type WatchingClient } from '../fixtures/watching-client.js';

/**
 * A line that never ends (issue 12, finding 1; docs/limits.md): 50 MB without a line feed to the SMTP,
 * IMAP and POP3 servers of one `mxlab serve`. SMTP (16 KiB, smtp-server's limit) answers 421 and
 * closes; IMAP (8 KiB) answers `* BYE [LIMIT]` and closes; POP3 (1 KiB) answers `-ERR` as soon as the line
 * passes its limit and goes on, dropping the rest of the line as it comes (200 MB here). Each session's record says so, and the
 * server's RSS does not follow the line.
 */

const MB = 1024 * 1024;
/** Sends `total` bytes of 'x' (no line feed) with backpressure; stops early if the server closes. Returns the bytes sent. */
async function pushLine(c: WatchingClient, total: number, pid: number): Promise<{ sent: number; peakGrowth: number }> {
  const piece = Buffer.alloc(64 * 1024, 0x78);
  const before = rssOf(pid);
  let peak = before;
  let sent = 0;
  let gone = false;
  void c.closed.then(() => (gone = true));
  while (sent < total && !gone) {
    const ok = c.socket.write(piece);
    sent += piece.length;
    if (sent % MB === 0) peak = Math.max(peak, rssOf(pid));
    if (!ok) await Promise.race([new Promise((r) => c.socket.once('drain', r)), c.closed]);
  }
  return { sent, peakGrowth: Math.max(peak, rssOf(pid)) - before };
}

interface Rec {
  readonly protocol: string;
  readonly result: string;
  readonly reply?: string;
  readonly error?: { readonly code?: string; readonly message: string };
  readonly transcript: readonly { readonly line: string }[];
}

t.test('a line without a line feed: SMTP 421, IMAP BYE [LIMIT], POP3 -ERR; recorded; RSS bounded', async (t) => {
  const runDir = join(mkdtempSync(join(tmpdir(), 'mxlab-lines-')), 'run');
  const cli = new RunningCli(['serve', '--smtp', '0', '--imap', '0', '--pop3', '0', '--run-dir', runDir, '--format', 'jsonl']);
  t.teardown(() => cli.kill());
  const portOf = async (p: string): Promise<number> => Number((await cli.waitFor(new RegExp(`127\\.0\\.0\\.1:(\\d+)\\s+${p}\\s`), 30000))[1]);
  const ports = { smtp: await portOf('smtp'), imap: await portOf('imap'), pop3: await portOf('pop3') };
  const pid = cli.child.pid!;
  const records = (): Rec[] => readFileSync(join(runDir, 'sessions.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Rec);
  const recordOf = async (protocol: string): Promise<Rec> => {
    await cli.waitFor(new RegExp(`"protocol":"${protocol}"`), 10000, 'stdout');
    return records().find((r) => r.protocol === protocol)!;
  };

  await t.test('SMTP', async (t) => {
    const c = await connectWatching(ports.smtp);
    await c.line(/^220 /);
    const { sent } = await pushLine(c, 50 * MB, pid);
    t.match(await c.line(/^421 /), /^421 .*Command line too long/, 'a 421 says why');
    await c.closed;
    t.ok(sent < 50 * MB, `the server closed after ${(sent / MB).toFixed(1)} MB`);
    const r = await recordOf('smtp');
    t.equal(r.result, 'error');
    t.match(r.reply ?? '', /^421 /, 'the record keeps the 421');
  });

  await t.test('IMAP', async (t) => {
    const c = await connectWatching(ports.imap);
    await c.line(/^\* OK/);
    const { sent } = await pushLine(c, 50 * MB, pid);
    t.equal(await c.line(/^\* BYE/), '* BYE [LIMIT] Command line too long (more than 8192 bytes)');
    await c.closed;
    t.ok(sent < 50 * MB, `the server closed after ${(sent / MB).toFixed(1)} MB`);
    const r = await recordOf('imap');
    t.equal(r.error?.code, 'ELINETOOLONG', r.error?.message ?? 'no error in the record');
  });

  await t.test('POP3: the line is dropped as it comes, the session goes on', async (t) => {
    const c = await connectWatching(ports.pop3);
    await c.line(/^\+OK/);
    const { sent, peakGrowth } = await pushLine(c, 200 * MB, pid);
    t.equal(sent, 200 * MB, 'all 200 MB went');
    // Allocator and young-generation slack for socket reads stays in RSS (~26–33 MB here, the same at 50, 100 and 200 MB); a server
    // keeping the line would grow by 200 MB and more.
    t.ok(peakGrowth < 64 * MB, `the server's RSS grew at most ${(peakGrowth / MB).toFixed(1)} MB while 200 MB of one line came in`);
    c.socket.write('\r\nNOOP\r\n');
    t.equal(await c.line(/^-ERR/), '-ERR Line too long (limit 1024 bytes)', c.lines.join(' / '));
    c.socket.write('QUIT\r\n');
    await c.line(/^\+OK .*signing off/);
    await c.closed;
    const r = await recordOf('pop3');
    t.ok(r.transcript.some((l) => /client sent a line longer than 1024 bytes; answered -ERR and skipped it/.test(l.line)), 'the record says the line was skipped');
    t.equal(r.result, 'plaintext');
  });
});
