import t from 'tap';
import { formatProblem, loadScenarioFile, parseScenario, ScenarioLoadError } from '../../src/scenario/load.js';
import { loadScenarios } from '../../src/scenario/runner.js';
import { runCli } from '../fixtures/run-cli.js';
import { projectPath } from '../fixtures/paths.js';

/**
 * Malformed scenario files: each gives `file:line: path: got X, want Y (did you mean Z?)`, every
 * problem of a file at once, and `mxlab run` exits 2 without running anything.
 */

const fixture = (name: string): string => projectPath('test/scenario/fixtures/malformed', name);

async function problemsOf(name: string): Promise<string[]> {
  try {
    await loadScenarioFile(fixture(name));
  } catch (err) {
    if (err instanceof ScenarioLoadError) return err.problems.map(formatProblem);
    throw err;
  }
  throw new Error(`${name} loaded without a problem`);
}

t.test('bad YAML: the line of the syntax error', async (t) => {
  const [p, ...rest] = await problemsOf('bad-yaml.yaml');
  t.equal(rest.length, 0);
  t.match(p, /bad-yaml\.yaml:5: yaml: got invalid YAML, want a YAML mapping \(.+\)$/);
});

t.test('unknown field: its line, the allowed fields and a did-you-mean', async (t) => {
  t.same(await problemsOf('unknown-field.yaml'), [
    `${fixture('unknown-field.yaml')}:5: peers[0].polcy: got unknown field "polcy", want one of name, proxy, protocol, profile, policy, personality, implicit, port, address, overrides, quirks, credentials (did you mean "policy"?)`,
  ]);
});

t.test('wrong type: got the value, want the type', async (t) => {
  t.same(await problemsOf('wrong-type.yaml'), [`${fixture('wrong-type.yaml')}:5: peers[0].port: got "twenty-five", want integer`]);
});

t.test('unknown profile: the catalogue names and a did-you-mean', async (t) => {
  const [p] = await problemsOf('unknown-profile.yaml');
  t.match(p, `${fixture('unknown-profile.yaml')}:4: peers[0].profile: got "tls10-onyl", want one of modern, `);
  t.match(p, /\(did you mean "tls10-only"\?\)$/);
});

t.test('contradiction: expectedError without shouldFail (the BoringSSL runner lint)', async (t) => {
  t.same(await problemsOf('contradiction.yaml'), [
    `${fixture('contradiction.yaml')}:10: expect[0].expectedError: got expectedError without shouldFail: true, want both (an expected error on a session that must succeed is a contradiction)`,
  ]);
});

t.test('a scenario that starts no peer, and an expectation naming an unknown peer', async (t) => {
  t.same(await problemsOf('no-peer.yaml'), [
    `${fixture('no-peer.yaml')}:2: peers: got no peer and no action, want at least one: a scenario that starts no peer tests nothing`,
    `${fixture('no-peer.yaml')}:4: expect[0].peer: got "mx", want the name of a peer or action (none is defined)`,
  ]);
});

t.test('every problem of a file at once, schema and lint together', async (t) => {
  const f = fixture('many-errors.yaml');
  t.same(await problemsOf('many-errors.yaml'), [
    `${f}:5: peers[0].policy: got "requried", want one of off, optional, required, preferred, requiretls, none (did you mean "required"?)`,
    `${f}:6: peers[0].implicit: got "yes-please", want boolean`,
    `${f}:10: expect[0].peer: got "mxx", want one of mx, sender (did you mean "mx"?)`,
    `${f}:13: expect[1].version: got "TLS1.2", want one of TLSv1, TLSv1.1, TLSv1.2, TLSv1.3, or { atLeast: V } / { atMost: V } (did you mean "TLSv1.2"?)`,
  ]);
});

t.test('more lint: shouldFail with a successful result, a send to an IMAP peer, a duplicate name, an unknown policy', async (t) => {
  const text = [
    'name: lint',
    'peers:',
    '  - { name: mx, profile: modern }',
    '  - { name: imap, protocol: imap, profile: modern }',
    'actions:',
    '  - send: { name: mx, to: imap, policy: encrpyt }',
    'expect:',
    '  - { peer: mx, shouldFail: true, result: tls }',
  ].join('\n');
  const { problems } = parseScenario('lint.yaml', text);
  t.same(problems.map(formatProblem), [
    'lint.yaml:6: actions[0]: got "mx" twice, want each peer and action name once (records are selected by it)',
    'lint.yaml:6: actions[0].send.policy: got "encrpyt", want one of none, may, encrypt, verify, secure, ignore-starttls, require-tls, EncryptionOnly, CertificateValidation, DomainValidation, off, preferred, required, preferred-verify, required-verify (did you mean "encrypt"?)',
    'lint.yaml:6: actions[0].send.to: got imap peer "imap", want an SMTP receiver (send delivers mail; use probe for IMAP/POP3)',
    'lint.yaml:8: expect[0].result: got shouldFail: true with result "tls", want a failing result (refused, handshake-failed, error) or no result',
  ]);
});

t.test('loading several files reports the problems of all of them', async (t) => {
  const err = await loadScenarios([fixture('wrong-type.yaml'), fixture('unknown-profile.yaml')]).catch((e: unknown) => e);
  t.type(err, ScenarioLoadError);
  t.equal((err as ScenarioLoadError).problems.length, 2);
});

t.test('mxlab run: every problem on stderr, exit 2, nothing run', async (t) => {
  const dir = `${projectPath('test/scenario/fixtures/malformed')}/`;
  const r = await runCli(['run', dir, '--reporter', 'tap']);
  t.equal(r.code, 2, r.stderr);
  t.equal(r.stdout, '');
  for (const name of ['bad-yaml', 'unknown-field', 'wrong-type', 'unknown-profile', 'contradiction', 'no-peer', 'many-errors']) {
    t.match(r.stderr, new RegExp(`${name}\\.yaml:\\d+: `), `${name} reported`);
  }
  t.match(r.stderr, /problem\(s\) in scenario files; nothing was run/);
  const bad = await runCli(['run', dir, '--reporter', 'xml']);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /--reporter: got "xml", want one of tap, junit, json, pretty/);
});

t.test('proxy peers: no profile on a proxy, a known upstream of the same protocol', async (t) => {
  const text = [
    'name: proxies',
    'peers:',
    '  - { name: mx, profile: modern }',
    '  - { name: imap, protocol: imap, profile: modern }',
    '  - { name: p1, proxy: { upstream: mx }, profile: modern }',
    '  - { name: p2, proxy: { upstream: mz } }',
    '  - { name: p3, proxy: { upstream: imap } }',
    '  - { name: rx }',
    'expect:',
    '  - { peer: p1, interception: { mailInClear: true } }',
  ].join('\n');
  t.same(parseScenario('proxies.yaml', text).problems.map(formatProblem), [
    'proxies.yaml:5: peers[2].profile: got profile on a proxy peer, want none (a proxy relays; the upstream\'s profile decides the TLS)',
    'proxies.yaml:6: peers[3].proxy.upstream: got "mz", want one of mx, imap, rx, sut or HOST:PORT (did you mean "mx"?)',
    'proxies.yaml:7: peers[4].proxy.upstream: got imap peer "imap", want a smtp server (set protocol on the proxy)',
    'proxies.yaml:8: peers[5].profile: got nothing, want a value (required unless proxy is given)',
  ]);
});

t.test('hostile YAML is refused quickly and by name: alias bombs and oversized files', async (t) => {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 8; i += 1) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
  const started = Date.now();
  const bomb = parseScenario('bomb.yaml', `${levels.join('\n')}\nname: laughs\n`);
  t.match(bomb.problems.map(formatProblem), [/^bomb\.yaml:1: yaml: got a document whose aliases expand too far .*want at most 100 alias expansions$/]);
  const big = parseScenario('big.yaml', `name: big\n# ${'x'.repeat(2 * 1024 * 1024)}\n`);
  t.match(big.problems.map(formatProblem), [/^big\.yaml:1: \(file\): got \d+ characters, want at most 1048576/]);
  t.ok(Date.now() - started < 2000, `both refused in ${Date.now() - started} ms`);
});
