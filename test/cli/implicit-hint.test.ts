import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { GREETING_HINT_MS } from '../../src/cli/greeting-watch.js';
import { linePort } from '../fixtures/mail-lab.js';
import { runCli, RunningCli } from '../fixtures/run-cli.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/** `mxlab probe` without --implicit on an implicit-TLS port: a hint while it waits, not silence. */

const work = mkdtempSync(join(tmpdir(), 'mxlab-hint-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

t.test('a STARTTLS probe of an implicit-TLS port says so early, while it still waits', async (t) => {
  t.ok(GREETING_HINT_MS <= 3000, `the hint comes after ${GREETING_HINT_MS} ms of silence, within 3 s`);
  const lab = await startTestLab(t, [{ name: 'rx', profile: 'modern', smtps: [0] }]);
  await lab.addImapServer({ name: 'box', profile: 'modern', imaps: [0] });
  for (const [protocol, port, style] of [['smtp', portOf(lab, 'rx', 'implicit'), 'SMTPS, 465'], ['imap', linePort(lab, 'box', 'implicit'), 'IMAPS, 993']] as const) {
    const cli = new RunningCli(['probe', protocol, `127.0.0.1:${port}`, '--run-dir', join(work, `hint-${protocol}`)], { cwd: work, timeoutMs: 120000 });
    t.teardown(() => cli.kill());
    await cli.waitFor(/try --implicit/, 60000);
    t.equal(cli.child.exitCode, null, `${protocol}: the hint came while the probe still waited for a greeting (the server gives up on the handshake after 10 s)`);
    t.match(cli.stderr, new RegExp(`^mxlab: no greeting from 127\\.0\\.0\\.1:${port} after \\d\\.\\d s, and it answers a TLS ClientHello: this is an implicit-TLS port \\(${style} style\\); try --implicit$`, 'm'));
    t.equal(cli.stderr.match(/try --implicit/g)?.length, 1, 'said once');
    cli.kill();
    const implicit = await runCli(['probe', protocol, `127.0.0.1:${port}`, '--implicit', '--run-dir', join(work, `hint-${protocol}`)], { cwd: work, timeoutMs: 120000 });
    t.equal(implicit.code, 0, implicit.stderr);
    t.notMatch(implicit.stderr, /try --implicit/);
  }
});

t.test('a STARTTLS port that greets gets no hint', async (t) => {
  const lab = await startTestLab(t, [{ name: 'rx', profile: 'modern', smtp: [0] }]);
  const r = await runCli(['probe', 'smtp', `127.0.0.1:${portOf(lab, 'rx')}`, '--run-dir', join(work, 'plain')], { cwd: work, timeoutMs: 120000 });
  t.equal(r.code, 0, r.stderr);
  t.notMatch(r.stderr, /implicit/);
});

