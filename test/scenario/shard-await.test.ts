import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { collectScenarioFiles, parseShard, shardFiles } from '../../src/scenario/runner.js';
import { runScenario, type AwaitProgress } from '../../src/scenario/run-scenario.js';
import { parseScenario } from '../../src/scenario/load.js';
import { parseXml } from '../fixtures/xml-check.js';
import { runCommand } from '../fixtures/run-command.js';
import { runCli, RunningCli } from '../fixtures/run-cli.js';
import { projectPath } from '../fixtures/paths.js';

/** `mxlab run --shard I/N` (CI jobs in parallel) and what an `await` scenario says while it waits. */

const work = mkdtempSync(join(tmpdir(), 'mxlab-shard-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

t.test('the scenario library split into N shards: every file exactly once, the same split whatever the order given', async (t) => {
  const files = await collectScenarioFiles([projectPath('scenarios')]);
  t.ok(files.length > 10);
  for (let total = 1; total <= 7; total++) {
    const shards = Array.from({ length: total }, (_, i) => shardFiles(files, { index: i + 1, total }));
    const all = shards.flat();
    t.equal(all.length, files.length, `${total} shard(s): as many runs as files`);
    t.same([...new Set(all)].sort(), [...files].sort(), `${total} shard(s): every file`);
    t.ok(Math.max(...shards.map((s) => s.length)) - Math.min(...shards.map((s) => s.length)) <= 1, `${total} shard(s): balanced`);
    const reversed = Array.from({ length: total }, (_, i) => shardFiles([...files].reverse(), { index: i + 1, total }));
    t.same(reversed, shards, `${total} shard(s): stable`);
  }
  t.same(parseShard('2/4'), { index: 2, total: 4 });
  for (const bad of ['0/3', '4/3', '1/0', 'a/b', '2', '1/3/4', '-1/3', '']) t.throws(() => parseShard(bad), { message: /^--shard: got ".*", want I\/N with 1 ≤ I ≤ N/ }, bad);
});

/** Five small self-contained scenarios: one probe of one peer each. */
function writeSuite(dir: string): string[] {
  mkdirSync(join(dir, 'nested'), { recursive: true });
  const names = ['a-smtp', 'b-imap', 'c-pop3', 'nested/d-smtp', 'nested/e-imap'];
  for (const n of names) {
    const protocol = n.split('-')[1]!;
    writeFileSync(join(dir, `${n}.yaml`), [
      `name: ${n.replace('/', '-')}`,
      'peers:',
      `  - { name: server, protocol: ${protocol}, profile: modern }`,
      'actions:',
      '  - probe: { name: client, to: server, policy: encrypt }',
      'expect:',
      '  - { peer: client, result: tls }',
      '',
    ].join('\n'));
  }
  return names.map((n) => join(dir, `${n}.yaml`));
}

t.test('mxlab run --shard I/3: each job writes its own JUnit; together they run every scenario once', async (t) => {
  const dir = join(work, 'suite');
  const files = writeSuite(dir);
  const runs = await Promise.all([1, 2, 3].map((i) => runCli(['run', dir, '--shard', `${i}/3`, '--reporter', 'junit', '--jobs', '2'], { cwd: work, timeoutMs: 120000 })));
  const ran: string[] = [];
  for (const [i, r] of runs.entries()) {
    t.equal(r.code, 0, r.stderr);
    const suites = parseXml(r.stdout).filter((e) => e.name === 'testsuite');
    t.ok(suites.length >= 1, `shard ${i + 1}/3 ran ${suites.length}`);
    ran.push(...suites.map((s) => s.attributes.file!));
    t.match(r.stderr, new RegExp(`^mxlab: shard ${i + 1}/3: ${suites.length} scenario file\\(s\\) of this suite ran here$`, 'm'));
  }
  t.same([...ran].sort(), [...files].sort(), 'every scenario exactly once across the three shards');
  const bad = await runCli(['run', dir, '--shard', '4/3'], { cwd: work, timeoutMs: 120000 });
  t.equal(bad.code, 2);
  t.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  t.match(bad.stderr, /^mxlab: --shard: got "4\/3", want I\/N/);
  const empty = await runCli(['run', files[0]!, '--shard', '2/2', '--reporter', 'json'], { cwd: work, timeoutMs: 120000 });
  t.equal(empty.code, 0, 'a shard with nothing to do passes');
  t.same((JSON.parse(empty.stdout) as { scenarios: unknown[] }).scenarios, []);
});

const AWAIT = (port: number, timeoutMs: number): string => [
  'name: wait-for-sut',
  'peers:',
  `  - { name: partner, profile: modern, port: ${port} }`,
  `await: { peer: partner, timeoutMs: ${timeoutMs} }`,
  `timeoutMs: ${timeoutMs + 5000}`,
  'expect:',
  '  - { peer: partner, result: tls }',
  '',
].join('\n');

t.test('mxlab run with an await scenario says where and until when it waits, then what arrived (stderr; stdout stays TAP)', async (t) => {
  const file = join(work, 'await.yaml');
  writeFileSync(file, AWAIT(0, 60000));
  const cli = new RunningCli(['run', file, '--reporter', 'tap'], { cwd: work, timeoutMs: 120000 });
  t.teardown(() => cli.kill());
  const m = await cli.waitFor(/^mxlab: (.*): partner: waiting for your system to connect to 127\.0\.0\.1:(\d+) \(smtp\): 1 session by (\d\d:\d\d:\d\d) \((\d+) s\)$/m, 60000);
  t.equal(m[1], file);
  t.ok(Number(m[4]) > 0 && Number(m[4]) <= 60, `the deadline is said in seconds too (${m[4]} s)`);
  const swaks = await runCommand('swaks', ['--to', 'user@example.net', '--server', `127.0.0.1:${m[2]}`, '--tls'], { timeoutMs: 120000 });
  t.equal(swaks.code, 0, swaks.all);
  await cli.waitFor(/^mxlab: .*: partner: session 1 of 1 from 127\.0\.0\.1:\d+: tls$/m, 30000);
  const end = await cli.exit(60000);
  t.equal(end.code, 0, cli.stderr);
  t.match(cli.stdout, /^TAP version 14$/m);
  t.notMatch(cli.stdout, /waiting for your system/, 'nothing of it on stdout');
});

t.test('while nothing comes, the wait reports progress', async (t) => {
  const { scenario } = parseScenario('await.yaml', AWAIT(0, 30000));
  const heard: AwaitProgress[] = [];
  let connected = false;
  const result = await runScenario(scenario!, {
    progressMs: 200,
    onAwait: (p) => {
      heard.push(p);
      if (p.kind === 'still-waiting' && !connected) {
        connected = true;
        const port = (heard[0] as Extract<AwaitProgress, { kind: 'waiting' }>).endpoints[0]!.port;
        void runCommand('swaks', ['--to', 'user@example.net', '--server', `127.0.0.1:${port}`, '--tls'], { timeoutMs: 120000 });
      }
    },
  });
  t.same(heard.map((p) => p.kind).filter((k, i, a) => a[i - 1] !== k), ['waiting', 'still-waiting', 'arrived'], 'waiting, still waiting, arrived');
  const still = heard.find((p) => p.kind === 'still-waiting') as Extract<AwaitProgress, { kind: 'still-waiting' }>;
  t.equal(still.seen, 0);
  t.ok(still.leftMs > 0 && still.leftMs <= 30000);
  t.ok(result.tests.every((x) => x.ok), JSON.stringify(result.tests));
});
