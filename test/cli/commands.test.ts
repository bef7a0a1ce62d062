import { readFileSync } from 'node:fs';
import { Command, Help } from 'commander';
import t from 'tap';
import { COMMANDS, commandOf, registerCommands } from '../../src/cli/commands.js';
import { runCli } from '../fixtures/run-cli.js';
import { projectPath } from '../fixtures/paths.js';

/**
 * `mxlab --help` and `--version` load no command module: the top-level help is made from the table in
 * src/cli/commands.ts. These tests keep that table true to the modules, and check what the user sees.
 */

const version = (JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string }).version;

t.test('the table matches what each command module registers', async (t) => {
  for (const entry of COMMANDS) {
    const program = new Command('mxlab');
    (await entry.register())(program);
    const cmd = program.commands.find((c) => c.name() === entry.name);
    t.ok(cmd, `${entry.name}: the module registers a command of that name`);
    if (!cmd) continue;
    t.equal(entry.description, cmd.description(), `${entry.name}: description`);
    t.equal(entry.term, new Help().subcommandTerm(cmd), `${entry.name}: help term`);
  }
});

t.test('the light top-level help is the one the full registration gives', async (t) => {
  const full = new Command('mxlab').description('d');
  for (const entry of COMMANDS) (await entry.register())(full);
  const light = new Command('mxlab').description('d');
  await registerCommands(light, ['--help']);
  t.equal(light.helpInformation(), full.helpInformation());
  // With one command loaded for real, the list reads the same.
  const one = new Command('mxlab').description('d');
  await registerCommands(one, ['probe', '--help']);
  t.equal(one.helpInformation(), full.helpInformation());
});

t.test('which command an argument list runs', async (t) => {
  t.equal(commandOf(['lab', '--no-tui'])?.name, 'lab');
  t.equal(commandOf(['help', 'scan'])?.name, 'scan');
  t.equal(commandOf(['--help']), undefined);
  t.equal(commandOf(['-V']), undefined);
  t.equal(commandOf(['sevre']), undefined);
});

t.test('--version and -V print the package version', async (t) => {
  for (const flag of ['--version', '-V']) {
    const r = await runCli([flag]);
    t.equal(r.code, 0, `${flag}: exit 0`);
    t.equal(r.stdout, `${version}\n`, `${flag}: the version alone`);
    t.equal(r.stderr, '', `${flag}: nothing on stderr`);
  }
});

t.test('--help lists every command and -V', async (t) => {
  const r = await runCli(['--help']);
  t.equal(r.code, 0);
  for (const entry of COMMANDS) t.match(r.stdout, new RegExp(`^  ${entry.term.replace(/[[\]().*+?]/g, '\\$&')} +${entry.description.slice(0, 20).replace(/[[\]().*+?]/g, '\\$&')}`, 'm'), entry.name);
  t.match(r.stdout, /-V, --version/);
});

t.test('a mistyped command still gets the suggestion', async (t) => {
  const r = await runCli(['sevre']);
  t.equal(r.code, 2);
  t.match(r.stderr, /unknown command 'sevre'/);
  t.match(r.stderr, /Did you mean serve\?/);
});
