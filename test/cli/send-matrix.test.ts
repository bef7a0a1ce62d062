import t from 'tap';
import { runCli } from '../fixtures/run-cli.js';
import { startSendTargets } from '../fixtures/test-lab.js';

/** `mxlab send --matrix`: the exit status says whether every row got through; --report-only. */
t.test('mxlab send --matrix: exit status', async (t) => {
  const { cwd, to } = await startSendTargets(t);

  await t.test('--matrix under encrypt: rows that could not send make exit 1; --report-only makes it 0', async (t) => {
    const [strict, report] = await Promise.all([
      runCli(['send', '--matrix', '--to', to('modern'), '--policy', 'encrypt', '--jobs', '4'], { cwd, timeoutMs: 120000 }),
      runCli(['send', '--matrix', '--to', to('modern'), '--policy', 'encrypt', '--jobs', '4', '--report-only'], { cwd, timeoutMs: 120000 }),
    ]);
    t.equal(strict.code, 1, strict.stderr);
    const row = strict.stdout.split('\n').find((l) => l.startsWith('tls10-only'));
    t.match(row, /^tls10-only +(refused|handshake-failed) +no +- +- +\S+ +\S/, 'the TLS 1.0 sender cannot reach a modern receiver under encrypt; its reason is in REASON');
    t.match(strict.stdout, /\d+ of \d+ senders did not get the mail through under the policy: exit 1 \(--report-only for 0\)/);
    t.equal(report.code, 0, report.stderr);
    t.match(report.stdout, /did not get the mail through under the policy: exit 0 \(--report-only\)/);
    const single = await runCli(['send', '--to', to('modern'), '--report-only'], { cwd, timeoutMs: 120000 });
    t.equal(single.code, 2, 'a single delivery takes no --report-only');
    t.match(single.stderr, /--report-only goes with --matrix/);
  });

});
