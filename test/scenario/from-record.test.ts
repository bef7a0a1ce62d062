import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { getLabCa } from '../../src/certs/lab-ca.js';
import { scenarioFromRecord, scenarioYaml, serverHalf } from '../../src/scenario/from-record.js';
import { parseScenario } from '../../src/scenario/load.js';
import { runCli } from '../fixtures/run-cli.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/** A recorded session saved as a scenario: the file loads, and `mxlab run` passes it. */
t.test('scenario from a record', async (t) => {
  const lab = await startTestLab(t, [{ name: 'old', profile: 'tls10-only', smtp: [0], personality: 'exchange' }]);
  const ca = (await getLabCa(lab.certsDir)).cert;
  const cwd = mkdtempSync(join(tmpdir(), 'mxlab-from-record-'));
  t.teardown(() => rmSync(cwd, { recursive: true, force: true }));
  const sent = await lab.send({ name: 'connector', to: `127.0.0.1:${portOf(lab, 'old')}`, policy: 'may', ca });
  await lab.waitForRecord((r) => r.role === 'server' && r.result === 'plaintext');
  t.equal(sent.result, 'downgraded');

  await t.test('a client session: the same send, both ends expected', async (t) => {
    const s = scenarioFromRecord(sent, { records: lab.records, peers: [{ name: 'old', personality: 'exchange' }] });
    t.same(s.peers, [{ name: 'old', protocol: 'smtp', profile: 'tls10-only', policy: 'optional', personality: 'exchange' }]);
    t.match(s.actions, [{ send: { name: 'connector', to: 'old', policy: 'may' } }]);
    t.match(s.expect, [{ peer: 'connector', result: 'downgraded' }, { peer: 'old', result: 'plaintext', messages: 1 }]);
    const yaml = scenarioYaml(s);
    t.same(parseScenario('saved.yaml', yaml).problems, [], 'valid against the schema');
  });

  await t.test('a server session: await on the same port', async (t) => {
    const server = serverHalf(sent, lab.records)!;
    const s = scenarioFromRecord(server, { records: lab.records });
    t.same(s.await, { peer: 'old', timeoutMs: 60000 });
    t.equal(s.peers[0]?.port, portOf(lab, 'old'));
    t.same(parseScenario('saved.yaml', scenarioYaml(s)).problems, []);
  });

  await t.test('mxlab scenario from-record, then mxlab run passes the file', async (t) => {
    await lab.waitForRecord((r) => r.id === sent.id);
    const out = join(cwd, 'saved.yaml');
    const made = await runCli(['scenario', 'from-record', lab.runDir.sessionsFile, '--session', sent.id, '-o', out], { cwd });
    t.equal(made.code, 0, made.stderr);
    t.match(made.stderr, /mxlab run/);
    t.match(parse(readFileSync(out, 'utf8')), { actions: [{ send: { to: 'old' } }] });
    const run = await runCli(['run', out], { cwd, timeoutMs: 60000 });
    t.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    t.match(run.stdout, /2 passed, 0 failed/);
    const bad = await runCli(['scenario', 'from-record', lab.runDir.sessionsFile, '--session', 'nope'], { cwd });
    t.equal(bad.code, 2);
  });
});

t.test('the README\'s saved-scenario example loads', async (t) => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## The console'), readme.indexOf('## Library API'));
  const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  t.equal(blocks.length, 1);
  t.same(parseScenario('README console example', blocks[0]!).problems, []);
});

/**
 * A system under test connected (here a real openssl s_client at TLS 1.0): the saved scenario awaits
 * it on the same port; `mxlab run` waits, the same client connects again, and the run passes.
 */
t.test('an await scenario saved from an outside client\'s session passes when that client comes back', async (t) => {
  const cwd = mkdtempSync(join(tmpdir(), 'mxlab-await-'));
  t.teardown(() => rmSync(cwd, { recursive: true, force: true }));
  const sClient = (port: number): Promise<number | null> => new Promise((resolve) => {
    const c = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-starttls', 'smtp', '-tls1', '-cipher', 'DEFAULT@SECLEVEL=0'], { stdio: ['pipe', 'ignore', 'ignore'] });
    c.stdin.end('QUIT\n');
    c.on('close', resolve);
  });
  const lab = await startTestLab(t, [{ name: 'old', profile: 'tls10-only', smtp: [0] }]);
  const port = portOf(lab, 'old');
  await sClient(port);
  const seen = await lab.waitForRecord((r) => r.peer === 'old');
  t.equal(seen.version, 'TLSv1');
  await lab.stop(); // the port is the scenario's now
  const out = join(cwd, 'await.yaml');
  const made = await runCli(['scenario', 'from-record', lab.runDir.sessionsFile, '--session', seen.id, '-o', out], { cwd });
  t.equal(made.code, 0, made.stderr);
  t.match(parse(readFileSync(out, 'utf8')), { peers: [{ name: 'old', port }], await: { peer: 'old' } });

  const run = runCli(['run', out], { cwd, timeoutMs: 90000 });
  // The scenario's peer listens on the recorded port once the run has started it. (Asked of the
  // kernel, not by connecting: any connection would be the one the scenario awaits.)
  for (let i = 0; i < 300 && !listening(port); i++) await new Promise((r) => setTimeout(r, 100));
  t.ok(listening(port), `the run listens on ${port}`);
  await sClient(port);
  const result = await run;
  t.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  t.match(result.stdout, /\d+ passed, 0 failed/);
});

function listening(port: number): boolean {
  return execFileSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' }).trim() !== '';
}
