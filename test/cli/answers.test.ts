import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { badChoice, didYouMean, didYouMeanAll } from '../../src/text/did-you-mean.js';
import { runCli } from '../fixtures/run-cli.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/** Answers instead of silence: the hints a first-hour user needs from probe, send and scan. */

const work = mkdtempSync(join(tmpdir(), 'mxlab-answers-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

t.test('--ca lab: the lab root as trust anchor; an unknown-CA verdict on a lab chain says to add it', async (t) => {
  const lab = await startTestLab(t, [
    { name: 'rx', profile: 'modern', smtp: [0] },
    { name: 'private', profile: 'untrusted-root', smtp: [0] },
  ]);
  const to = `127.0.0.1:${portOf(lab, 'rx')}`;
  const [without, withLab, sent, scanned, privateRoot] = await Promise.all([
    runCli(['probe', 'smtp', to, '--policy', 'verify', '--run-dir', join(work, 'ca1')], { cwd: work, timeoutMs: 120000 }),
    runCli(['probe', 'smtp', to, '--policy', 'verify', '--ca', 'lab', '--run-dir', join(work, 'ca2')], { cwd: work, timeoutMs: 120000 }),
    runCli(['send', '--to', to, '--policy', 'secure', '--tls-domain', 'mx.mxlab.test', '--ca', 'lab', '--run-dir', join(work, 'ca3')], { cwd: work, timeoutMs: 120000 }),
    runCli(['scan', 'smtp', to, '--run-dir', join(work, 'ca4')], { cwd: work, timeoutMs: 120000 }),
    runCli(['probe', 'smtp', `127.0.0.1:${portOf(lab, 'private')}`, '--policy', 'verify', '--run-dir', join(work, 'ca5')], { cwd: work, timeoutMs: 120000 }),
  ]);
  t.equal(without.code, 1);
  t.match(without.stdout, /certificate +FAILED chain check: unable to get local issuer certificate/);
  t.match(without.stdout, /this chain was issued by the mxlab lab CA, which the trust store does not hold: add --ca lab/);
  t.equal(withLab.code, 0, withLab.stderr);
  t.match(withLab.stdout, /certificate +passed chain check: verified/);
  t.notMatch(withLab.stdout, /add --ca lab/);
  t.equal(sent.code, 0, sent.stderr);
  t.match(sent.stdout, /certificate +passed chain and name check: verified/);
  t.match(scanned.stdout, /^verdict \(system trust, name 127\.0\.0\.1\): unable to get local issuer certificate.*\n {2}this chain was issued by the mxlab lab CA.*add --ca lab$/m);
  t.equal(privateRoot.code, 1);
  t.notMatch(privateRoot.stdout, /add --ca lab/, 'a chain from another (private) root gets no such hint');
  const help = await runCli(['probe', '--help'], { cwd: work, timeoutMs: 120000 });
  t.match(help.stdout, /--ca <file\|lab>/);
});

t.test('one clear line for bad input: the missing port, the implicit-TLS name, an unreadable --ca, profile typos', async (t) => {
  const [noPort, imapNone, pop3None, badCa] = await Promise.all([
    runCli(['probe', 'smtp', '127.0.0.1'], { cwd: work, timeoutMs: 120000 }),
    runCli(['probe', 'imap', '127.0.0.1:993', '--implicit', '--policy', 'none'], { cwd: work, timeoutMs: 120000 }),
    runCli(['probe', 'pop3', '127.0.0.1:995', '--implicit', '--policy', 'none'], { cwd: work, timeoutMs: 120000 }),
    runCli(['probe', 'smtp', '127.0.0.1:25', '--ca', join(work, 'nope.pem')], { cwd: work, timeoutMs: 120000 }),
  ]);
  t.equal(noPort.code, 2);
  t.equal(noPort.stderr, 'mxlab: the HOST:PORT argument: got "127.0.0.1", want HOST:PORT (e.g. mx.example.net:25, [::1]:25); the port is missing\n');
  t.notMatch(noPort.stderr, /--to/, 'names the argument, not --to');
  t.equal(imapNone.code, 2);
  t.equal(imapNone.stderr, 'mxlab: --policy none cannot be combined with --implicit: an IMAPS (993 style) port has no plaintext\n');
  t.match(pop3None.stderr, /POP3S \(995 style\)/);
  t.notMatch(pop3None.stderr, /SMTPS/);
  t.equal(badCa.code, 2);
  t.match(badCa.stderr, /^mxlab: --ca: cannot read .*nope\.pem: ENOENT\n$/);
  const typos = [
    [['probe', 'smtp', '127.0.0.1:25', '--profile', 'tls10'], 'tls10-only'],
    [['send', '--to', '127.0.0.1:25', '--profile', 'exchange2019'], 'exchange-2019-default" or "exchange-2019-ecdhe'],
    [['serve', '--smtp', '0', '--profile', 'md5'], 'md5-chain" or "md5-intermediate'],
    [['send', '--to', '127.0.0.1:25', '--profile', 'tls10-onyl+md5-chain'], 'tls10-only'],
  ] as const;
  const results = await Promise.all(typos.map(([args]) => runCli(args, { cwd: work, timeoutMs: 120000 })));
  for (const [i, [args, hint]] of typos.entries()) {
    const r = results[i]!;
    t.equal(r.code, 2, args.join(' '));
    t.match(r.stderr, new RegExp(`^mxlab: --profile: got ".*", want one of .* \\(did you mean "${hint}"\\?\\)\\n$`), `${args.join(' ')}: did you mean ${hint}`);
  }
});

t.test('didYouMean: close typos, then a unique shortened name, never a guess among several', async (t) => {
  const names = ['modern', 'tls10-only', 'intolerant-tls10', 'exchange-2019-ecdhe', 'rsa-kex-only', 'rsa-1024'];
  t.equal(didYouMean('modrn', names), 'modern');
  t.equal(didYouMean('tls10', names), 'tls10-only');
  t.equal(didYouMean('Exchange_2019', names), 'exchange-2019-ecdhe');
  t.equal(didYouMean('rsa', names), undefined, 'two names start with rsa');
  t.equal(didYouMean('xyz', names), undefined);
  t.equal(didYouMean('ts', names), undefined, 'too short to mean anything');
  // Several names it could shorten: all of them are offered, never one guessed.
  t.same(didYouMeanAll('rsa', names), ['rsa-kex-only', 'rsa-1024']);
  t.match(badChoice('--profile', 'rsa', names), /\(did you mean "rsa-kex-only" or "rsa-1024"\?\)$/);
  t.same(didYouMeanAll('mail', ['mail-first', 'mail-second', 'mail-third', 'mail-fourth', 'mail-fifth']), [], 'five names it could shorten: no hint');
});
