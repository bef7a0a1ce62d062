import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Help } from 'commander';
import t from 'tap';
import { COMMANDS, commandOf, registerCommands } from '../../src/cli/commands.js';
import { CLI_NODE_ARGS, runCli } from '../fixtures/run-cli.js';
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

t.test('--help and --version load no command module and no package but commander', async (t) => {
  // A resolve hook (module.register) writes every module the process imports to a file.
  const hook = 'import{appendFileSync}from"node:fs";export async function resolve(s,c,n){const r=await n(s,c);appendFileSync(process.env.MODULE_LOG,r.url+"\\n");return r}';
  const register = `import{register}from"node:module";register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
  for (const flag of ['--help', '--version']) {
    const log = join(t.testdir(), `${flag.slice(2)}.log`);
    const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, ...CLI_NODE_ARGS, flag], {
      env: { ...process.env, NODE_OPTIONS: '', MODULE_LOG: log }, encoding: 'utf8',
    });
    t.equal(r.status, 0, `${flag}: exit 0 (${r.stderr})`);
    const loaded = readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith('file:'));
    const ours = loaded.filter((u) => !u.includes('/node_modules/')).map((u) => u.replace(/^.*\/src\//, 'src/')).filter((u) => u.startsWith('src/'));
    const packages = new Set(loaded.filter((u) => u.includes('/node_modules/')).map((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u)![1]));
    t.ok(ours.length > 0, `${flag}: the log sees our modules (${ours.join(', ')})`);
    t.same(ours.filter((u) => !/^src\/(cli\/main|cli\/commands|project-root|usage-error)\.[jt]s$/.test(u)), [], `${flag}: only main, the command table and what they need`);
    // (Run from source, tsx's own packages load too.)
    const loader = ['tsx', 'esbuild', 'get-tsconfig', 'resolve-pkg-maps'];
    t.same([...packages].filter((p) => p !== 'commander' && !loader.includes(p)), [], `${flag}: no package but commander (${[...packages].join(', ')})`);
  }
});
