import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { CATALOGUE } from '../../src/profiles/catalogue.js';
import type { SessionRecord } from '../../src/model/session-record.js';
import { RawSmtp } from '../fixtures/raw-smtp.js';
import { runCli, RunningCli } from '../fixtures/run-cli.js';

/**
 * The CLI's normal paths as a user meets them: `profiles`, `certs --export-ca`, and `serve` from start
 * to Ctrl-C, where every session (finished or still open) must be in sessions.jsonl when it exits.
 */

const work = mkdtempSync(join(tmpdir(), 'mxlab-cli-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

const readRecords = (file: string): SessionRecord[] =>
  readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as SessionRecord);

t.test('profiles lists the catalogue', async (t) => {
  const r = await runCli(['profiles'], { cwd: work });
  t.equal(r.code, 0, `exit 0 (${r.stderr})`);
  for (const p of CATALOGUE) {
    t.ok(r.stdout.split('\n').some((l) => l.includes(p.name) && l.includes(p.summary)), `${p.name} listed with its summary`);
  }
  t.match(r.stdout, /ECDHE-RSA-AES256-SHA:.*@SECLEVEL=0/, 'TLS personalities show their OpenSSL cipher string');
  t.match(r.stdout, /postfix-3\.7-default[^\n]*\n[^\n]*\n +server order no; DH auto\n/, 'and what the ServerHello shows: Postfix leaves the order to the client');
  t.match(r.stdout, /tls10-only[^\n]*\n[^\n]*\n +server order yes; never sends encrypt-then-MAC, extended master secret, session tickets\n/, 'a TLS 1.0-era server sends none of the 2014-2015 extensions');
});

t.test('certs --export-ca writes the lab CA', async (t) => {
  const caDir = join(work, 'certs');
  const caFile = join(work, 'lab-ca.pem');
  const r = await runCli(['certs', '--export-ca', caFile, '--dir', caDir], { cwd: work, timeoutMs: 30000 });
  t.equal(r.code, 0, `exit 0 (${r.stderr})`);
  t.match(r.stderr, caFile, 'says where it wrote the CA');
  const x509 = spawnSync('openssl', ['x509', '-noout', '-subject', '-ext', 'basicConstraints', '-in', caFile], { encoding: 'utf8' });
  t.equal(x509.status, 0, `openssl reads it (${x509.stderr})`);
  t.match(x509.stdout, /subject=.*CN ?= ?mxlab Lab Root CA/, 'the lab root');
  t.match(x509.stdout, /CA:TRUE/, 'a CA certificate');
});

t.test('serve: listen map, sessions, Ctrl-C flushes every record', async (t) => {
  const runDir = join(work, 'run');
  const cli = new RunningCli(['serve', '--smtp', '0', '--smtps', '0', '--run-dir', runDir, '--format', 'jsonl'], { cwd: work });
  t.teardown(() => cli.kill());
  await cli.waitFor(/Ctrl-C stops the lab/, 20000);
  const smtp = Number((await cli.waitFor(/127\.0\.0\.1:(\d+)\s+smtp\s+modern\s+policy=optional/))[1]);
  const smtps = Number((await cli.waitFor(/127\.0\.0\.1:(\d+)\s+smtps\s+modern\s+policy=implicit-tls/))[1]);
  t.match(cli.stderr, runDir, 'names the run folder');
  t.notOk(existsSync(join(work, 'runs')), 'no default runs/ folder when --run-dir is given');

  // A finished session: printed live and recorded at once.
  const done = await RawSmtp.connect(smtp);
  await done.hello('finished.client');
  await done.quit();
  await cli.waitFor(/"helo":"finished\.client"/, 5000, 'stdout');
  t.ok(readRecords(join(runDir, 'sessions.jsonl')).some((r) => r.helo === 'finished.client'), 'record written before Ctrl-C');

  // Sessions still open at Ctrl-C: one between commands, one in the middle of DATA, one silent SMTPS.
  const idle = await RawSmtp.connect(smtp);
  await idle.hello('open.client');
  const data = await RawSmtp.connect(smtp);
  await data.hello('data.client');
  await data.command('MAIL FROM:<a@example.org>');
  await data.command('RCPT TO:<b@example.net>');
  await data.command('DATA');
  data.write('Subject: interrupted\r\n\r\nhalf a message\r\n');
  const silent = await new Promise<net.Socket>((resolve) => {
    const s = net.connect(smtps, '127.0.0.1', () => resolve(s));
    s.on('error', () => undefined);
  });
  await new Promise((r) => setTimeout(r, 200));

  const started = Date.now();
  cli.child.kill('SIGINT');
  const exit = await cli.exit(5000);
  t.notOk(exit.timedOut, `exited within 5 s of SIGINT (${Date.now() - started} ms)`);
  t.equal(exit.code, 0, `exit status 0 (signal ${exit.signal}; stderr: ${cli.stderr.split('\n').slice(-3).join(' | ')})`);
  t.match(cli.stderr, /SIGINT: stopping the lab/);
  t.match(cli.stderr, /4 session record\(s\) in /, 'reports how many records it wrote');
  silent.destroy();

  const records = readRecords(join(runDir, 'sessions.jsonl'));
  t.equal(records.length, 4, 'one record per connection');
  const byHelo = (h: string): SessionRecord | undefined => records.find((r) => r.helo === h);
  t.equal(byHelo('finished.client')?.result, 'plaintext');
  t.ok(byHelo('open.client'), 'the open session has a record');
  t.equal(byHelo('data.client')?.result, 'error', 'the session cut in DATA is an error');
  t.equal(byHelo('data.client')?.error?.stage, 'data');
  const implicit = records.find((r) => r.tlsMode === 'implicit');
  t.ok(implicit, 'the silent SMTPS session has a record');
  t.equal(implicit?.result, 'handshake-failed');
  t.match(implicit?.error?.message, /the lab stopped before the client sent a ClientHello/, 'says who closed it');
  t.equal(readFileSync(join(runDir, 'sessions.jsonl'), 'utf8').split('\n').filter(Boolean).length, 4, 'no duplicate lines');
  t.ok(idle.closed || (await idle.waitClosed(2000).then(() => true, () => false)), 'open client saw the server close');
  t.match(idle.received(), /421 4\.3\.2 \S+ Service shutting down\r\n$/, 'the open session was told 421 4.3.2 before the close (RFC 5321 §3.8)');
  t.ok(byHelo('open.client')?.transcript.some((l) => l.dir === 'S' && /^421 4\.3\.2 /.test(l.line)), 'and its record has the 421');
});

t.test('serve: SIGTERM stops as cleanly as SIGINT', async (t) => {
  const runDir = join(work, 'run-term');
  const cli = new RunningCli(['serve', '--smtp', '0', '--run-dir', runDir], { cwd: work });
  t.teardown(() => cli.kill());
  const port = Number((await cli.waitFor(/127\.0\.0\.1:(\d+)\s+smtp\s/, 20000))[1]);
  const c = await RawSmtp.connect(port);
  await c.hello('term.client');
  cli.child.kill('SIGTERM');
  const exit = await cli.exit(5000);
  t.notOk(exit.timedOut, 'exited within 5 s');
  t.equal(exit.code, 0);
  t.match(cli.stdout, /^TIME\s+PEER/m, 'table header on stdout');
  t.ok(readRecords(join(runDir, 'sessions.jsonl')).some((r) => r.helo === 'term.client'), 'open session recorded');
});
