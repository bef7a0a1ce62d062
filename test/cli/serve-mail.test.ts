import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { CATALOGUE } from '../../src/profiles/catalogue.js';
import type { SessionRecord } from '../../src/model/session-record.js';
import { RawLine } from '../fixtures/raw-line.js';
import { RawSmtp } from '../fixtures/raw-smtp.js';
import { runCli, RunningCli } from '../fixtures/run-cli.js';

/**
 * `mxlab serve --imap/--imaps/--pop3/--pop3s` and the default lab's IMAP/POP3 ports, from the command
 * line: the listen map, a message received over SMTP and read back over IMAP and POP3, the records.
 */

const work = mkdtempSync(join(tmpdir(), 'mxlab-cli-mail-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

const readRecords = (file: string): SessionRecord[] =>
  readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as SessionRecord);

t.test('serve: SMTP in, IMAP and POP3 out, --login credentials', async (t) => {
  const runDir = join(work, 'run');
  const cli = new RunningCli(['serve', '--smtp', '0', '--imap', '0', '--imaps', '0', '--pop3', '0', '--pop3s', '0', '--login', 'alice:s3cret', '--run-dir', runDir, '--format', 'jsonl'], { cwd: work });
  t.teardown(() => cli.kill());
  await cli.waitFor(/Ctrl-C stops the lab/, 20000);
  const port = async (kind: string): Promise<number> => Number((await cli.waitFor(new RegExp(`127\\.0\\.0\\.1:(\\d+)\\s+${kind}\\s+modern(?:-imap|-pop3)?\\s+policy=`)))[1]);
  const smtp = await port('smtp');
  const imap = await port('imap');
  const imaps = await port('imaps');
  const pop3 = await port('pop3');
  const pop3s = await port('pop3s');
  t.match(cli.stderr, /imaps\s+modern-imap\s+policy=implicit-tls/);
  t.match(cli.stderr, /only the --login users log in/);

  const s = await RawSmtp.connect(smtp);
  await s.hello();
  await s.command('MAIL FROM:<a@example.org>');
  await s.command('RCPT TO:<b@example.net>');
  await s.command('DATA');
  t.match((await s.command('Subject: cli\r\n\r\nread me back\r\n.'))[0], /^250 /);
  await s.quit();

  const i = await RawLine.connect(imap);
  await i.line();
  await i.imap('a', 'STARTTLS');
  await i.startTls();
  t.match((await i.imap('b', 'LOGIN alice wrong')).at(-1), /^b NO \[AUTHENTICATIONFAILED\]/);
  t.match((await i.imap('c', 'LOGIN alice s3cret')).at(-1), /^c OK/);
  await i.imap('d', 'SELECT INBOX');
  const fetched = await i.imap('e', 'FETCH 1 BODY[TEXT]');
  t.ok(fetched.some((l) => l.includes('read me back')), 'the message received over SMTP, over IMAP');
  await i.imap('f', 'LOGOUT');

  const is = await RawLine.connectTls(imaps);
  t.match(await is.line(), /^\* OK /, 'IMAPS greets over TLS');
  is.destroy();
  const p = await RawLine.connectTls(pop3s);
  await p.line();
  await p.pop('USER alice');
  t.match(await p.pop('PASS s3cret'), /^\+OK Logged in \(1 messages/);
  const retr = await p.popMulti('RETR 1');
  t.ok(retr.lines.includes('read me back'), 'and over POP3');
  await p.pop('QUIT');
  const pp = await RawLine.connect(pop3);
  t.match(await pp.line(), /^\+OK /);
  pp.destroy();

  await cli.waitFor(/"protocol":"pop3".*"tlsMode":"explicit"/, 5000, 'stdout');
  cli.child.kill('SIGINT');
  const exit = await cli.exit(15000);
  t.equal(exit.code, 0, `serve exits 0 (${cli.stderr})`);
  const records = readRecords(join(runDir, 'sessions.jsonl'));
  t.same([...new Set(records.map((r) => r.protocol))].sort(), ['imap', 'pop3', 'smtp'], 'records for all three protocols');
  t.ok(records.some((r) => r.protocol === 'imap' && r.tlsMode === 'implicit'));
  t.notOk(readFileSync(join(runDir, 'sessions.jsonl'), 'utf8').includes('s3cret'), 'no password in sessions.jsonl');
});

t.test('the default lab serves IMAP and POP3 for every profile on the documented ports', async (t) => {
  const base = 20000 + Math.floor(Math.random() * 40000);
  const cli = new RunningCli(['lab', '--base-port', String(base), '--run-dir', join(work, 'lab-run')], { cwd: work });
  t.teardown(() => cli.kill());
  await cli.waitFor(/Ctrl-C stops the lab|mxlab: /, 60000);
  if (/EADDRINUSE/.test(cli.stderr)) {
    t.comment(`ports from ${base} are taken on this machine; nothing to check`);
    return;
  }
  t.match(cli.stderr, new RegExp(`ports: SMTP ${base}…, SMTPS ${base + 100}…, IMAP ${base + 200}…, IMAPS ${base + 300}…, POP3 ${base + 400}…, POP3S ${base + 500}…`));
  const tls10 = CATALOGUE.findIndex((p) => p.name === 'tls10-only');
  const last = CATALOGUE.length - 1;
  t.match(cli.stderr, new RegExp(`127\\.0\\.0\\.1:${base + 200 + tls10}\\s+imap\\s+tls10-only-imap\\s+policy=optional`), 'tls10-only on IMAP base+200+its index');
  t.match(cli.stderr, new RegExp(`127\\.0\\.0\\.1:${base + 500 + last}\\s+pop3s\\s+${CATALOGUE[last]!.name}-pop3\\s+policy=implicit-tls`), 'the last profile on POP3S');
  const c = await RawLine.connect(base + 200 + tls10);
  t.match(await c.line(), /^\* OK \[CAPABILITY IMAP4rev1 STARTTLS /);
  c.destroy();
  cli.child.kill('SIGINT');
  t.equal((await cli.exit(20000)).code, 0);
});

t.test('usage errors for the new flags', async (t) => {
  const [port, login] = await Promise.all([
    runCli(['serve', '--imap', 'x143'], { cwd: work }),
    runCli(['serve', '--imap', '0', '--login', 'nopassword', '--run-dir', join(work, 'nope')], { cwd: work }),
  ]);
  t.equal(port.code, 2);
  t.match(port.stderr, /--imap: got "x143", want a port number/);
  t.equal(login.code, 2);
  t.match(login.stderr, /--login: got "nopassword", want USER:PASSWORD/);
});
