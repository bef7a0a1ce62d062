import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { SessionRecord } from '../../src/model/session-record.js';
import { runCli, RunningCli } from '../fixtures/run-cli.js';
import { runCommand } from '../fixtures/run-command.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/** `mxlab proxy` as a user runs it: bad flags, then a live proxy in front of a lab receiver until Ctrl-C. */

const work = mkdtempSync(join(tmpdir(), 'mxlab-proxy-cli-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

t.test('bad input: one line naming the value, exit 2, no run folder', async (t) => {
  const cases = [
    [['--upstream', '127.0.0.1:25', '--strip', 'capabilty'], /--strip: got "capabilty", want one of capability, reply-454, corrupt-command, none \(did you mean "capability"\?\)/],
    [['--upstream', '127.0.0.1:25', '--protocol', 'pop'], /--protocol: got "pop", want one of smtp, imap, pop3/],
    [['--upstream', 'mail.example.net'], /--upstream: got "mail\.example\.net", want HOST:PORT/],
    [['--upstream', '127.0.0.1:25', '--listen', '127.0.0.1:99999'], /--listen: got "127\.0\.0\.1:99999"/],
  ] as const;
  // In parallel: each run pays tsx's start-up.
  const results = await Promise.all(cases.map(([args]) => runCli(['proxy', ...args], { cwd: work, timeoutMs: 25000 })));
  for (const [i, [args, message]] of cases.entries()) {
    t.equal(results[i]!.code, 2, `${args.join(' ')}: exit 2`);
    t.match(results[i]!.stderr, message);
  }
  t.notOk(existsSync(join(work, 'runs')), 'no run folder made');
});

t.test('a live proxy: the table row carries the verdict, Ctrl-C writes every record', async (t) => {
  const lab = await startTestLab(t, [{ name: 'rx', profile: 'modern', smtp: [0] }]);
  const runDir = join(work, 'run');
  const cli = new RunningCli(['proxy', '--listen', '127.0.0.1:0', '--upstream', `127.0.0.1:${portOf(lab, 'rx')}`, '--protocol', 'smtp', '--strip', 'capability', '--run-dir', runDir], { cwd: work });
  t.teardown(() => cli.kill());
  const port = Number((await cli.waitFor(/127\.0\.0\.1:(\d+)\s+smtp\s+smtp-proxy\s+→ 127\.0\.0\.1:\d+\s+strip=capability/, 20000))[1]);
  const res = await runCommand('swaks', ['--to', 'b@example.net', '--from', 'a@example.org', '--server', `127.0.0.1:${port}`, '--tls-optional', '--timeout', '5']);
  t.equal(res.code, 0, 'swaks delivers through the CLI proxy');
  await cli.waitFor(/smtp-proxy .* plaintext .*STARTTLS stripped from EHLO; client continued in plaintext: mail in the clear/, 5000, 'stdout');
  cli.child.kill('SIGINT');
  const exit = await cli.exit(10000);
  t.equal(exit.code, 0, 'exit 0 after Ctrl-C');
  const records = readFileSync(join(runDir, 'sessions.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as SessionRecord);
  t.equal(records.length, 1);
  t.match(records[0], { role: 'proxy', peer: 'smtp-proxy', policy: 'strip=capability', interception: { continuedInPlaintext: true, mailInClear: true } });
});
