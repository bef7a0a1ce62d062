import t from 'tap';
import { CLI_NODE_ARGS } from '../fixtures/run-cli.js';
import { runCommand } from '../fixtures/run-command.js';
import { blocks, runnableUnits } from '../fixtures/readme-blocks.js';

/** The README's shell blocks: each one is run (readme-examples-*.test.ts) or annotated; see fixtures/readme-blocks.ts. */

const all = blocks();
t.ok(runnableUnits().length >= 9, 'the runnable examples');

t.test('every shell block is run or annotated', async (t) => {
  t.ok(all.length >= 15, `${all.length} blocks`);
  for (const b of all) {
    if (!b.annotation) continue;
    t.match(b.annotation, /^(skip: \S.{10,}|continues|synopsis|needs( [a-z0-9.-]+)+)$/, `README line ${b.line}: a known annotation${b.annotation.startsWith('skip') ? ' with its reason' : ''}`);
  }
  const first = all.findIndex((b) => b.annotation === 'continues');
  t.ok(first > 0, 'a continuing block follows another');
});

t.test('the synopsis names only flags the commands have', async (t) => {
  const synopsis = all.filter((b) => b.annotation === 'synopsis');
  t.equal(synopsis.length, 1);
  const byCommand = new Map<string, Set<string>>();
  let current = '';
  for (const line of synopsis[0]!.text.split('\n')) {
    const m = /^mxlab ([a-z]+)(?: ([a-z-]+))?/.exec(line);
    if (m) current = m[1] === 'scenario' ? `${m[1]} ${m[2]}` : m[1]!;
    if (!current) continue;
    const flags = byCommand.get(current) ?? new Set<string>();
    for (const f of line.replace(/#.*$/, '').matchAll(/(--[a-z][a-z-]*)/g)) flags.add(f[1]!);
    byCommand.set(current, flags);
  }
  t.ok(byCommand.size >= 10, [...byCommand.keys()].join(', '));
  // Three at a time: each is a Node start-up with TypeScript loading.
  const entries = [...byCommand];
  const helps = new Map<string, Awaited<ReturnType<typeof runCommand>>>();
  let next = 0;
  await Promise.all([0, 1, 2].map(async () => {
    while (next < entries.length) {
      const [command] = entries[next++]!;
      helps.set(command, await runCommand(process.execPath, [...CLI_NODE_ARGS, ...command.split(' '), '--help'], { timeoutMs: 60000, env: { NODE_OPTIONS: '' } }));
    }
  }));
  for (const [command, flags] of entries) {
    const help = helps.get(command)!;
    t.equal(help.code, 0, `mxlab ${command} --help`);
    for (const flag of flags) t.ok(help.stdout.includes(flag), `mxlab ${command}: ${flag} is in --help`);
  }
});

