import t from 'tap';
import { consoleWanted } from '../../src/cli/serve.js';
import { RunningCli, runCli } from '../fixtures/run-cli.js';

t.test('the console opens only when asked, on a terminal, outside CI', async (t) => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  t.equal(consoleWanted(true, {}, tty, tty), true);
  t.equal(consoleWanted(false, {}, tty, tty), false, '--no-tui');
  t.equal(consoleWanted(undefined, {}, tty, tty), false, 'serve without --tui');
  t.equal(consoleWanted(true, {}, pipe, tty), false, 'stdout not a terminal');
  t.equal(consoleWanted(true, {}, tty, pipe), false, 'stdin not a terminal');
  t.equal(consoleWanted(true, { CI: 'true' }, tty, tty), false, 'CI set');
  t.equal(consoleWanted(true, { CI: '1' }, tty, tty), false);
  t.equal(consoleWanted(true, { CI: 'false' }, tty, tty), true, 'CI=false is not CI');
  t.equal(consoleWanted(true, { CI: '' }, tty, tty), true);
});

t.test('--tui without a terminal keeps the line output', async (t) => {
  // Waits for the output rather than a fixed time: a loaded machine can take seconds to start Node.
  const r = new RunningCli(['serve', '--tui', '--smtp', '0', '--run-dir', t.testdir()]);
  t.teardown(() => void r.child.kill('SIGKILL'));
  await r.waitFor(/Ctrl-C stops the lab/, 60000);
  await r.waitFor(/^TIME +PEER/, 60000, 'stdout');
  r.child.kill('SIGINT');
  await r.exit(60000);
  const help = await runCli(['serve', '--help']);
  t.match(help.stdout, /--tui/);
  t.match(help.stdout, /--no-tui/);
  const lab = await runCli(['lab', '--help']);
  t.match(lab.stdout, /--no-tui/);
});
