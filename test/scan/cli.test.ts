import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runCli } from '../fixtures/run-cli.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/** `mxlab scan` from the command line: the JSON shape, `--fail-on`, and exit statuses 0, 1 and 2. */

const work = mkdtempSync(join(tmpdir(), 'mxlab-scan-cli-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));
const lab = await startTestLab(t, [
  { name: 'modern', profile: 'modern', smtp: [0] },
  { name: 'old', profile: 'tls10-only', smtp: [0] },
]);
const target = (peer: string): string => `127.0.0.1:${portOf(lab, peer)}`;
const run = (args: string[], dir = join(work, `run-${Math.random().toString(36).slice(2)}`)) => runCli(['scan', ...args, '--run-dir', dir], { cwd: work, timeoutMs: 60000 });
const modernDir = join(work, 'run-modern');

const [modern, old, usage, badTarget, badCheck] = await Promise.all([
  run(['smtp', target('modern'), '--json', '--fail-on', 'tls1.0,tls1.1,mozilla-intermediate'], modernDir),
  run(['smtp', target('old'), '--fail-on', 'tls1.0,dh-2048']),
  run(['smpt', target('modern')]),
  run(['smtp', 'nohost']),
  run(['smtp', target('modern'), '--fail-on', 'rc5']),
]);

t.test('a passing scan: exit 0 and the JSON shape', async (t) => {
  t.equal(modern.code, 0, modern.stderr);
  const j = JSON.parse(modern.stdout);
  t.same(Object.keys(j.target), ['protocol', 'host', 'port']);
  t.same(j.versions.map((v: { version: string }) => v.version), ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);
  const v12 = j.versions[3];
  t.match(v12.suites[0], { code: Number, hex: String, iana: String, openssl: String, kx: String, bits: Number, rating: String });
  t.same(j.checks.failures, []);
  t.ok(j.connections > 5 && j.suitesTested > 200);
  t.match(j, { groups: Array, chain: Array, intolerance: Array, timings: { totalMs: Number } });
  t.match(modern.stderr, /records: .*sessions\.jsonl/);
  // Every connection a session record; the scan itself one line of scans.jsonl.
  const sessions = readFileSync(join(modernDir, 'sessions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  t.equal(sessions.length, j.connections);
  t.ok(sessions.every((r: { scanProbe?: unknown }) => r.scanProbe));
  const scans = readFileSync(join(modernDir, 'scans.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  t.equal(scans.length, 1);
  t.match(scans[0], { peer: 'scanner', connections: j.connections, target: j.target });
});

t.test('a failed check: exit 1 and the table says why', async (t) => {
  t.equal(old.code, 1);
  t.match(old.stdout, /TLSv1 +yes: 6 suites/);
  t.match(old.stdout, /FAIL tls1\.0: TLS 1\.0 accepted/);
  t.notMatch(old.stdout, /FAIL dh-2048/);
});

t.test('bad input: exit 2 with one line naming what is wrong', async (t) => {
  t.equal(usage.code, 2);
  t.match(usage.stderr, /mxlab: protocol: got "smpt".*did you mean "smtp"/);
  t.equal(badTarget.code, 2);
  t.match(badTarget.stderr, /want HOST:PORT/);
  t.equal(badCheck.code, 2);
  t.match(badCheck.stderr, /--fail-on: got "rc5"/);
});
