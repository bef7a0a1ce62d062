import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { CATALOGUE } from '../../src/profiles/catalogue.js';
import { type CliResult, runCli } from '../fixtures/run-cli.js';

/**
 * Bad input on the command line: exit status 2 and one line on stderr that names the bad value, what
 * was wanted and, for a near miss, the likely intended name. Every case runs the real CLI from source
 * in a scratch working directory, so a case that wrongly starts a lab would leave runs/ behind there.
 * The runs are started together up front (each costs a Node start-up) and checked one by one.
 */

const work = mkdtempSync(join(tmpdir(), 'mxlab-cli-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

const missing = join(work, 'no-such-file.yaml');
const badYaml = join(work, 'bad.yaml');
writeFileSync(badYaml, 'minVersion: [TLSv1\nciphers: x: y\n');
const unknownField = join(work, 'unknown-field.yaml');
writeFileSync(unknownField, 'minVersoin: TLSv1\n');
const aFile = join(work, 'a-file');
writeFileSync(aFile, 'not a folder\n');

/** A port another process already holds. */
const blocker = net.createServer();
await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
const busyPort = (blocker.address() as net.AddressInfo).port;
t.teardown(() => new Promise<void>((resolve) => blocker.close(() => resolve())));


// Every serve case names its own run folder inside `work` except where the test is that no folder
// is made at all; cwd is `work`, so a stray default runs/ shows up there.
// Each run is a Node start-up with tsx (about a second of CPU): a few at a time, not all at once.
const queue: (() => void)[] = [];
let running = 0;
const run = async (args: readonly string[]): Promise<CliResult> => {
  if (running >= 3) await new Promise<void>((resolve) => queue.push(resolve));
  running++;
  try {
    return await runCli(args, { cwd: work, timeoutMs: 30000 });
  } finally {
    running--;
    queue.shift()?.();
  }
};
const cases = {
  unknownProfile: run(['serve', '--profile', 'tls10only', '--smtp', '0']),
  twoTls: run(['serve', '--profile', 'tls10-only+tls11-max', '--smtp', '0']),
  portHigh: run(['serve', '--smtp', '70000']),
  portText: run(['serve', '--smtps', 'abc']),
  policy: run(['serve', '--policy', 'mandatory', '--smtp', '0']),
  format: run(['serve', '--format', 'xml', '--smtp', '0']),
  bogus: run(['serve', '--bogus']),
  fileMissing: run(['serve', '--profile-file', missing, '--smtp', '0']),
  fileBadYaml: run(['serve', '--profile-file', badYaml, '--smtp', '0']),
  fileUnknownField: run(['serve', '--profile-file', unknownField, '--smtp', '0']),
  cipher: run(['serve', '--ciphers', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA386', '--smtp', '0']),
  portInUse: run(['serve', '--smtp', String(busyPort), '--run-dir', join(work, 'busy-run')]),
  runDirFile: run(['serve', '--smtp', '0', '--run-dir', aFile]),
  runDirUnder: run(['serve', '--smtp', '0', '--run-dir', join(aFile, 'run')]),
  runDirProc: run(['serve', '--smtp', '0', '--run-dir', '/proc/1/nope']),
  runDirSys: run(['serve', '--smtp', '0', '--run-dir', '/sys/mxlab']),
  keylogFolder: run(['serve', '--smtp', '0', '--keylog', work]),
  listenBad: run(['serve', '--smtp', '0', '--listen', '999.1.1.1']),
  listenForeign: run(['serve', '--smtp', '0', '--listen', '192.0.2.1']),
  caNotPem: run(['send', '--to', '127.0.0.1:9', '--ca', aFile]),
  exportCaFolder: run(['certs', '--export-ca', work]),
};

/** Common shape of a usage error: exit 2, nothing on stdout, one `mxlab: …` line on stderr. */
function usage(t: Test, r: CliResult, what: string): string {
  t.equal(r.code, 2, `${what}: exit status 2 (stderr: ${r.stderr.trim()})`);
  t.equal(r.stdout, '', `${what}: nothing on stdout`);
  const lines = r.stderr.split('\n').filter(Boolean);
  t.equal(lines.length, 1, `${what}: exactly one line on stderr`);
  t.match(lines[0], /^mxlab: /, `${what}: prefixed with the program name`);
  t.notMatch(r.stderr, /\n\s+at /, `${what}: no stack trace`);
  return lines[0] ?? '';
}

t.test('unknown profile', async (t) => {
  const line = usage(t, await cases.unknownProfile, 'tls10only');
  t.match(line, '"tls10only"', 'names the bad value');
  for (const p of CATALOGUE) t.match(line, p.name, `lists ${p.name}`);
  t.match(line, 'did you mean "tls10-only"?');
});

t.test('two TLS personalities', async (t) => {
  const line = usage(t, await cases.twoTls, 'tls10-only+tls11-max');
  t.match(line, 'tls10-only');
  t.match(line, 'tls11-max');
  t.match(line, /two TLS personalities/);
});

t.test('bad ports', async (t) => {
  const high = usage(t, await cases.portHigh, '--smtp 70000');
  t.match(high, '--smtp');
  t.match(high, '"70000"');
  t.match(high, '0-65535');
  const text = usage(t, await cases.portText, '--smtps abc');
  t.match(text, '--smtps');
  t.match(text, '"abc"');
  t.match(text, '0-65535');
});

t.test('bad policy', async (t) => {
  const line = usage(t, await cases.policy, '--policy mandatory');
  t.match(line, '--policy');
  t.match(line, '"mandatory"');
  t.match(line, /off, optional, required/);
});

t.test('bad format', async (t) => {
  const line = usage(t, await cases.format, '--format xml');
  t.match(line, '"xml"');
  t.match(line, /table, jsonl, exchange, postfix, esa/);
});

t.test('unknown flag', async (t) => {
  t.match(usage(t, await cases.bogus, '--bogus'), '--bogus');
});

t.test('--profile-file problems name the file and the field', async (t) => {
  const m = usage(t, await cases.fileMissing, 'missing file');
  t.match(m, missing);
  t.match(m, /ENOENT/);
  const y = usage(t, await cases.fileBadYaml, 'bad YAML');
  t.match(y, badYaml);
  t.match(y, /not valid YAML/);
  const f = usage(t, await cases.fileUnknownField, 'unknown field');
  t.match(f, unknownField);
  t.match(f, '"minVersoin"');
  t.match(f, 'did you mean "minVersion"?');
});

t.test('unknown cipher suite in an override', async (t) => {
  const c = usage(t, await cases.cipher, 'unknown cipher');
  t.match(c, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA386');
});

t.test('port already in use', async (t) => {
  const line = usage(t, await cases.portInUse, 'port in use');
  t.match(line, `127.0.0.1:${busyPort}`, 'names the address and port');
  t.match(line, /EADDRINUSE|in use/);
});

t.test('paths and addresses that cannot work: one line, exit 2, no hang', async (t) => {
  t.match(usage(t, await cases.runDirFile, '--run-dir on a file'), /--run-dir .*a-file is a file, not a folder/);
  t.match(usage(t, await cases.runDirUnder, '--run-dir under a file'), /a-file is a file, not a folder/);
  t.match(usage(t, await cases.runDirProc, '--run-dir under /proc'), /--run-dir \/proc\/1\/nope: /);
  t.match(usage(t, await cases.runDirSys, '--run-dir under /sys'), /--run-dir \/sys\/mxlab: /);
  t.match(usage(t, await cases.keylogFolder, '--keylog a folder'), /--keylog .*: is a folder, want a file/);
  t.match(usage(t, await cases.listenBad, '--listen 999.1.1.1'), /--listen: got "999\.1\.1\.1"/);
  t.match(usage(t, await cases.listenForeign, '--listen not ours'), /cannot listen on 192\.0\.2\.1:0 \(smtp\): EADDRNOTAVAIL/);
  t.match(usage(t, await cases.caNotPem, '--ca not a certificate'), /--ca: .*a-file holds no PEM certificate/);
  t.match(usage(t, await cases.exportCaFolder, '--export-ca a folder'), /--export-ca .*: is a folder, want a file/);
  t.same(readdirSync(work).filter((f) => f !== 'a-file' && !f.endsWith('.yaml')), [], 'no run folder left behind by any of them');
});

t.test('usage errors start no lab', async (t) => {
  for (const p of Object.values(cases)) await p;
  t.same(readdirSync(work).filter((f) => f === 'runs'), [], 'no runs/ folder made by a failed start');
});
