import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runCli, RunningCli } from '../fixtures/run-cli.js';

/** `serve --delivery-window N`: the table output gets a line per judged delivery, deliveries.jsonl the verdict. */

const work = mkdtempSync(join(tmpdir(), 'mxlab-cli-delivery-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

t.test('serve prints the verdict on a sending MTA', async (t) => {
  const run = join(work, 'run');
  const cli = new RunningCli(['serve', '--profile', 'intolerant-tls10', '--smtp', '0', '--run-dir', run, '--delivery-window', '2', '--no-tui'], { cwd: work });
  t.teardown(() => cli.kill());
  const port = Number((await cli.waitFor(/127\.0\.0\.1:(\d+)\s+smtp\s+intolerant-tls10/, 20000))[1]);
  const may = await runCli(['send', '--to', `127.0.0.1:${port}`, '--policy', 'may', '--helo', 'may.example', '--run-dir', join(work, 's1')], { cwd: work, timeoutMs: 30000 });
  t.equal(may.code, 0, may.stderr);
  const line = await cli.waitFor(/^delivery DOWNGRADED from may\.example \[127\.0\.0\.1\] to intolerant-tls10: delivered in plaintext .*\[intolerant-tls10-\d+, intolerant-tls10-\d+\]$/m, 10000, 'stdout');
  t.ok(line, line[0]);
  const enc = await runCli(['send', '--to', `127.0.0.1:${port}`, '--policy', 'encrypt', '--helo', 'enc.example', '--run-dir', join(work, 's2')], { cwd: work, timeoutMs: 30000 });
  t.equal(enc.code, 1, 'encrypt fails the delivery');
  await cli.waitFor(/^delivery DEFERRED from enc\.example .*within 2 s/m, 15000, 'stdout');
  cli.child.kill('SIGINT');
  await cli.exit(10000);
  const verdicts = readFileSync(join(run, 'deliveries.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { verdict: string });
  t.same(verdicts.map((v) => v.verdict), ['downgraded', 'deferred']);
});

t.test('send --fallback and --retry-after: bad values exit 2 with one line', async (t) => {
  const r = await runCli(['send', '--to', '127.0.0.1:25', '--fallback', 'later'], { cwd: work });
  t.equal(r.code, 2);
  t.match(r.stderr, /^mxlab: --fallback: got "later", want one of immediate, deferred/);
  const w = await runCli(['serve', '--smtp', '0', '--delivery-window', '0'], { cwd: work });
  t.equal(w.code, 2);
  t.match(w.stderr, /--delivery-window/);
});
