import t, { type Test } from 'tap';
import { portGrid, portLines, type MappedPort } from '../../src/cli/port-grid.js';
import { RawSmtp } from '../fixtures/raw-smtp.js';
import { RunningCli } from '../fixtures/run-cli.js';

/**
 * `serve` output in a pipe, as a user's shell, a log file or CI sees it: colour only with FORCE_COLOR,
 * never with NO_COLOR, and the port map one line per port. (The terminal side, width and the grid,
 * is unit-tested here and in test/record/table-width.test.ts: a pipe has no width.)
 */

async function oneSession(t: Test, env: NodeJS.ProcessEnv): Promise<{ line: string; stderr: string }> {
  const cli = new RunningCli(['serve', '--smtp', '0', '--run-dir', t.testdir()], { env });
  t.teardown(() => cli.kill());
  const port = Number((await cli.waitFor(/127\.0\.0\.1:(\d+)\s+smtp\s+modern\s+policy=optional/, 60000))[1]);
  await cli.waitFor(/Ctrl-C stops the lab/, 60000);
  // A plaintext session: EHLO and QUIT without STARTTLS.
  const c = await RawSmtp.connect(port);
  await c.hello('colour.client');
  await c.quit();
  const line = (await cli.waitFor(/^.*modern.*plaintext.*$/m, 60000, 'stdout'))[0];
  return { line, stderr: cli.stderr };
}

t.test('FORCE_COLOR=1 in a pipe: the result is coloured (plaintext yellow)', async (t) => {
  const { line } = await oneSession(t, { FORCE_COLOR: '1', NO_COLOR: undefined });
  t.match(line, /\x1b\[33mplaintext\x1b\[39m/);
});

t.test('NO_COLOR: no colour', async (t) => {
  const { line } = await oneSession(t, { FORCE_COLOR: undefined, NO_COLOR: '1' });
  t.notMatch(line, /\x1b\[/);
  t.match(line, / plaintext /);
});

t.test('a plain pipe: no colour, the fixed layout, the port map one line per port', async (t) => {
  const { line, stderr } = await oneSession(t, { FORCE_COLOR: undefined, NO_COLOR: undefined });
  t.notMatch(line, /\x1b\[/);
  t.match(line, /^\d\d:\d\d:\d\d\.\d{3} modern {16}plain {4}127\.0\.0\.1:\d+ +plaintext {8}- {7}- {29}/);
  t.notMatch(stderr, /PROFILE/, 'no grid in a pipe');
});

t.test('the terminal port map: one line per profile with its ports', async (t) => {
  const ports: MappedPort[] = [];
  ['modern', 'tls10-only', 'hello-size-intolerant'].forEach((profile, i) => {
    for (const [j, kind] of ['smtp', 'smtps', 'imap', 'imaps', 'pop3', 'pop3s'].entries()) {
      ports.push({ address: '127.0.0.1', port: 2525 + 100 * j + i, kind, name: kind.startsWith('smtp') ? profile : `${profile}-${kind.replace(/s$/, '')}`, profile, policy: kind.endsWith('s') ? 'implicit-tls' : 'optional' });
    }
  });
  const grid = portGrid(ports);
  t.same(grid, [
    '  PROFILE on 127.0.0.1   SMTP  SMTPS  IMAP  IMAPS  POP3  POP3S  POLICY',
    '  modern                 2525  2625   2725  2825   2925  3025   optional',
    '  tls10-only             2526  2626   2726  2826   2926  3026   optional',
    '  hello-size-intolerant  2527  2627   2727  2827   2927  3027   optional',
  ]);
  t.equal(portLines(ports).length, 18, 'the pipe layout: one line per port');
  t.equal(portLines(ports)[0], '  127.0.0.1:2525        smtp   modern                            policy=optional');
  // serve with two receivers of one profile and only SMTP: ports joined, absent kinds left out.
  const serve = portGrid([
    { address: '127.0.0.1', port: 2525, kind: 'smtp', name: 'modern', profile: 'modern', policy: 'optional' },
    { address: '127.0.0.1', port: 2526, kind: 'smtp', name: 'modern-2', profile: 'modern', policy: 'required' },
  ]);
  t.same(serve, ['  PROFILE on 127.0.0.1  SMTP       POLICY', '  modern                2525,2526  optional/required']);
});
