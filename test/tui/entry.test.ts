import t from 'tap';
import { consoleWanted } from '../../src/cli/serve.js';
import { runCli } from '../fixtures/run-cli.js';

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
  const r = await runCli(['serve', '--tui', '--smtp', '0', '--run-dir', t.testdir()], { timeoutMs: 3000 });
  t.match(r.stderr, /Ctrl-C stops the lab/);
  t.match(r.stdout, /^TIME +PEER/);
  const help = await runCli(['serve', '--help']);
  t.match(help.stdout, /--tui/);
  t.match(help.stdout, /--no-tui/);
  const lab = await runCli(['lab', '--help']);
  t.match(lab.stdout, /--no-tui/);
});
