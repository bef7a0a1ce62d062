import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { RawSmtp } from '../fixtures/raw-smtp.js';
import { RunningCli } from '../fixtures/run-cli.js';

/**
 * A client that ignores SIZE and just sends: past the receiver's limit nothing more is kept in memory,
 * the final dot gets 552 5.3.4, nothing is stored, and the record says what happened. (Before, a 1 GB
 * body was held whole: RSS 90 MB → 1.1 GB.) The receiver runs in its own process (`mxlab serve`) so
 * that its RSS is its own.
 */

/** A process's resident memory, from /proc. */
const rssOf = (pid: number): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

t.test('a 160 MB body against a 1 MB limit: 552 5.3.4, the receiver keeps none of it', async (t) => {
  const runDir = join(mkdtempSync(join(tmpdir(), 'mxlab-size-')), 'run');
  const cli = new RunningCli(['serve', '--smtp', '0', '--max-message-size', String(1024 * 1024), '--run-dir', runDir, '--format', 'jsonl']);
  t.teardown(() => cli.kill());
  const port = Number((await cli.waitFor(/127\.0\.0\.1:(\d+)\s+smtp\s/, 20000))[1]);
  const c = await RawSmtp.connect(port);
  await c.reply();
  const ehlo = await c.command('EHLO big.example');
  t.ok(ehlo.some((l) => /SIZE 1048576/.test(l)), 'SIZE advertised');
  t.match((await c.command('MAIL FROM:<a@example.org>'))[0], /^250/);
  t.match((await c.command('RCPT TO:<b@example.net>'))[0], /^250/);
  t.match((await c.command('DATA'))[0], /^354/);
  const pid = cli.child.pid!;
  const before = rssOf(pid);
  let peak = before;
  const line = Buffer.from(`${'x'.repeat(998)}\r\n`);
  const chunk = Buffer.concat(Array.from({ length: 1024 }, () => line)); // 1 MB
  for (let i = 0; i < 160; i += 1) {
    if (!c.socket.write(chunk)) await new Promise((r) => c.socket.once('drain', r));
    peak = Math.max(peak, rssOf(pid));
  }
  const reply = await c.command('.');
  peak = Math.max(peak, rssOf(pid));
  t.match(reply[0], /^552 5\.3\.4 /, `552 5.3.4 at the final dot (${reply[0]})`);
  // RSS also holds the allocator's slack for socket reads (~30 MB here whatever the size); a receiver
  // that kept the body grew by more than the body (1 GB → +1 GB before).
  t.ok(peak - before < 64 * 1024 * 1024, `the receiver's RSS grew ${((peak - before) / 1048576).toFixed(1)} MB while 160 MB came in`);
  await c.quit();
  const rec = JSON.parse((await cli.waitFor(/^(\{.*"helo":"big\.example".*\})$/m, 5000, 'stdout'))[1]!) as { messages: unknown[]; transcript: { line: string }[] };
  t.equal(rec.messages.length, 0, 'nothing stored');
  t.ok(rec.transcript.some((l) => /message of 16\d{7} bytes refused: over the limit of 1048576 bytes/.test(l.line)), 'the record says how much came and the limit');
});
