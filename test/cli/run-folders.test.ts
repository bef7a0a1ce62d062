import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { Lab } from '../../src/lab/lab.js';
import { runCli } from '../fixtures/run-cli.js';
import { startSendTargets } from '../fixtures/test-lab.js';

/** Where the records of send and probe go: one folder per command kind and day, appended to. */
t.test('run folders of send and probe', async (t) => {
  const { to } = await startSendTargets(t);

  await t.test('run folders: the day\'s sends share runs/send-<date>/, probes runs/probe-<date>/, lines whole; a lab keeps its own', async (t) => {
    const work = mkdtempSync(join(tmpdir(), 'mxlab-runs-'));
    t.teardown(() => rmSync(work, { recursive: true, force: true }));
    const day = new Date().toISOString().slice(0, 10);
    const runs = await Promise.all([
      runCli(['send', '--to', to('modern'), '--policy', 'encrypt'], { cwd: work, timeoutMs: 120000 }),
      runCli(['send', '--to', to('old'), '--policy', 'may'], { cwd: work, timeoutMs: 120000 }),
      runCli(['send', '--to', to('modern'), '--policy', 'may', '--profile', 'tls11-max'], { cwd: work, timeoutMs: 120000 }),
      runCli(['probe', 'smtp', to('modern')], { cwd: work, timeoutMs: 120000 }),
    ]);
    for (const r of runs) t.equal(r.code, 0, r.stderr);
    for (const r of runs.slice(0, 3)) t.ok(r.stderr.split('\n').includes(`records: appended to ${join('runs', `send-${day}`, 'sessions.jsonl')}`), 'one line saying where the records went');
    t.ok(runs[3]!.stderr.split('\n').includes(`records: appended to ${join('runs', `probe-${day}`, 'sessions.jsonl')}`));
    t.same(readdirSync(join(work, 'runs')).sort(), [`probe-${day}`, `send-${day}`], 'one folder per command kind, not one per command');
    const lines = readFileSync(join(work, 'runs', `send-${day}`, 'sessions.jsonl'), 'utf8').trim().split('\n');
    const records = lines.map((l) => JSON.parse(l) as { peer: string; result: string });
    t.ok(records.length >= 3, `the three sends appended their client records, each line whole JSON (${records.length})`);
    t.same([...new Set(records.map((r) => r.peer))].sort(), ['send-modern', 'send-tls11-max'], 'records of every send are there');
    const again = await runCli(['send', '--to', to('modern')], { cwd: work, timeoutMs: 120000 });
    t.equal(again.code, 0);
    t.equal(readFileSync(join(work, 'runs', `send-${day}`, 'sessions.jsonl'), 'utf8').trim().split('\n').length, lines.length + 1, 'a later send appends');
    const own = await runCli(['send', '--to', to('modern'), '--run-dir', join(work, 'mine')], { cwd: work, timeoutMs: 120000 });
    t.match(own.stderr, /records: appended to .*mine\/sessions\.jsonl/);
    t.equal(readdirSync(join(work, 'runs')).length, 2, '--run-dir says otherwise');
    const lab = new Lab({ runsBase: join(work, 'runs') });
    t.teardown(() => lab.stop());
    t.match(lab.runDir.path, /runs\/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d/, 'a lab (serve, lab, proxy, run) still gets a folder of its own');
  });

});
