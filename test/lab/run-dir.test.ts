import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { RunDir } from '../../src/lab/run-dir.js';

/** Run folders hold transcripts and accepted mail: what mxlab makes is 0700 (the files in it are 0600). */
t.test('run folders are made 0700', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'mxlab-rundir-'));
  t.teardown(() => rmSync(base, { recursive: true, force: true }));
  const mode = (p: string): number => statSync(p).mode & 0o777;
  const timed = RunDir.create(join(base, 'runs'));
  t.equal(mode(timed.path), 0o700, 'runs/<time>/');
  t.equal(mode(timed.messagesDir), 0o700, 'its messages/');
  const daily = RunDir.daily(join(base, 'runs'), 'send');
  t.equal(mode(daily.path), 0o700, 'runs/send-<date>/');
  const named = new RunDir(join(base, 'named', 'deeper'));
  t.equal(mode(named.path), 0o700, '--run-dir made here');
  // A folder the user made keeps its mode; only its messages/ is ours.
  const own = join(base, 'own');
  mkdirSync(own, { mode: 0o755 });
  const existing = new RunDir(own);
  t.equal(mode(existing.path), 0o755, 'the user\'s own folder is left as it was');
  t.equal(mode(existing.messagesDir), 0o700);
});

t.test('what the peers turned away is one line at the stop, nothing when they turned nobody away', async (t) => {
  const { refusalSummary } = await import('../../src/lab/refusal-summary.js');
  const peer = (overLimit: number, acceptErrors: number) => ({ counters: { sessions: 0, open: 0, results: {}, overLimit, acceptErrors } }) as unknown as import('../../src/lab/lab.js').PeerInfo;
  t.equal(refusalSummary([peer(0, 0), peer(0, 0)]), undefined);
  t.equal(refusalSummary([peer(3, 0), peer(2, 0)]), '5 connection(s) refused over a connection limit (recorded)');
  t.match(refusalSummary([peer(0, 4)]), /^4 connection\(s\) lost at accept, out of file descriptors/);
});
