import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runCli, RunningCli } from '../fixtures/run-cli.js';

/**
 * `serve --max-per-client / --max-connections / --session-deadline`: the connection limits an
 * administrator sets for a load test from one host (Postfix's smtpd_client_connection_count_limit).
 */
const work = mkdtempSync(join(tmpdir(), 'mxlab-cli-limits-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

/** A raw connection's first line (the greeting or the refusal). */
function firstLine(port: number, sockets: net.Socket[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    sockets.push(s);
    let buf = '';
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      const i = buf.indexOf('\r\n');
      if (i >= 0) resolve(buf.slice(0, i));
    });
    s.once('error', reject);
  });
}

t.test('serve --max-per-client 2: the third connection from one address hears 421', async (t) => {
  const cli = new RunningCli(['serve', '--profile', 'modern', '--smtp', '0', '--run-dir', join(work, 'run'), '--max-per-client', '2', '--no-tui'], { cwd: work });
  t.teardown(() => cli.kill());
  const port = Number((await cli.waitFor(/127\.0\.0\.1:(\d+)\s+smtp\s+modern/, 20000))[1]);
  const sockets: net.Socket[] = [];
  t.teardown(() => sockets.forEach((s) => s.destroy()));
  t.match(await firstLine(port, sockets), /^220 /);
  t.match(await firstLine(port, sockets), /^220 /);
  t.match(await firstLine(port, sockets), /^421 4\.7\.0 /, 'over the limit');
  cli.child.kill('SIGINT');
  await cli.exit(10000);
  t.match(cli.stderr + cli.stdout, /1 connection\(s\) refused over a connection limit \(recorded\)/, 'the stop says so');
});

t.test('bad limits exit 2 with one line', async (t) => {
  for (const flag of ['--max-per-client', '--max-connections', '--session-deadline']) {
    const r = await runCli(['serve', '--smtp', '0', flag, '0'], { cwd: work });
    t.equal(r.code, 2, flag);
    t.match(r.stderr, new RegExp(`^mxlab: ${flag}`), flag);
  }
});
