import t from 'tap';
import { Parser, type FinalResults } from 'tap-parser';
import { parseScenario } from '../../src/scenario/load.js';
import { reportJunit } from '../../src/scenario/report-junit.js';
import { reportTap } from '../../src/scenario/report-tap.js';
import { runScenario } from '../../src/scenario/run-scenario.js';
import { runPaths } from '../../src/scenario/runner.js';
import { runCli } from '../fixtures/run-cli.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';
import { parseXml } from '../fixtures/xml-check.js';
import { projectPath } from '../fixtures/paths.js';

/**
 * A deliberately wrong expectation fails with got/want and the key fields of the session record; a
 * shouldFail on a session that succeeds is an unexpected pass and fails too; the CLI exits 1 and closes
 * with `N passed, N failed`. Also the external system under test: `sut:`/--sut and `await`.
 */

const WRONG = projectPath('test/scenario/fixtures/wrong-expectation.yaml');

t.test('a wrong expectation: got/want and the record', async (t) => {
  const summary = await runPaths([WRONG]);
  t.equal(summary.passed, 1);
  t.equal(summary.failed, 2);
  const [wrong, right, unexpected] = summary.scenarios[0]!.tests;
  t.equal(wrong!.ok, false);
  t.same(wrong!.mismatches, [
    { field: 'result', got: 'downgraded', want: 'tls' },
    { field: 'version', got: 'none', want: 'TLSv1.2' },
  ]);
  t.match(wrong!.record, { peer: 'connector', role: 'client', result: 'downgraded', protocol: 'smtp', tlsMode: 'explicit' });
  t.match(wrong!.record?.reason, /plaintext/);
  t.equal(wrong!.line, 11);
  t.equal(right!.ok, true);
  t.equal(unexpected!.ok, false);
  t.match(unexpected!.mismatches[0], { field: 'shouldFail', got: 'unexpected pass: result plaintext' });
  t.match(unexpected!.record, { peer: 'exchange-2010', role: 'server', result: 'plaintext', messages: 1 });

  const results = await new Promise<FinalResults>((resolve) => new Parser(resolve).end(reportTap(summary)));
  t.equal(results.ok, false);
  t.equal(results.count, 3);
  t.equal(results.fail, 2);
  const diag = results.failures[0]!.diag as { got: Record<string, string>; want: Record<string, string>; record: Record<string, unknown>; at: string };
  t.same(diag.got, { result: 'downgraded', version: 'none' });
  t.same(diag.want, { result: 'tls', version: 'TLSv1.2' });
  t.equal(diag.record.result, 'downgraded');
  t.equal(diag.at, `${WRONG}:11`);

  const failures = parseXml(reportJunit(summary)).filter((e) => e.name === 'failure');
  t.equal(failures.length, 2);
  t.match(failures[0]!.attributes.message, 'result: got downgraded, want tls');
  t.match(failures[0]!.text, /record:[\s\S]*result: downgraded/);
});

t.test('mxlab run: exit 1, the closing line on stdout (pretty) or stderr (tap, junit, json)', async (t) => {
  const pretty = await runCli(['run', WRONG]);
  t.equal(pretty.code, 1, pretty.stderr);
  t.equal(pretty.stdout.trimEnd().split('\n').pop(), '1 passed, 2 failed');
  t.match(pretty.stdout, /got\s+downgraded\n\s+want\s+tls/);
  for (const reporter of ['tap', 'junit', 'json']) {
    const r = await runCli(['run', WRONG, '--reporter', reporter, '--jobs', '2']);
    t.equal(r.code, 1, `${reporter}: exit 1`);
    t.equal(r.stderr.trimEnd().split('\n').pop(), '1 passed, 2 failed', `${reporter}: closing line on stderr`);
    t.notMatch(r.stdout, /^1 passed, 2 failed$/m);
  }
  const json = await runCli(['run', WRONG, '--reporter', 'json']);
  t.match(JSON.parse(json.stdout), { passed: 1, failed: 2 });
});

t.test('sut: an external receiver as the system under test, and --sut overriding it', async (t) => {
  const external = await startTestLab(t, [{ name: 'real-mx', profile: 'tls10-only', smtp: [0] }]);
  const target = `127.0.0.1:${portOf(external, 'real-mx')}`;
  const text = [
    'name: external',
    'sut: 127.0.0.1:1',
    'peers: []',
    'actions:',
    '  - send: { name: connector, policy: require-tls }',
    'expect:',
    '  - { peer: connector, shouldFail: true, expectedError: protocol_version }',
  ].join('\n');
  const { scenario, problems } = parseScenario('external.yaml', text);
  t.same(problems, []);
  const result = await runScenario(scenario!, { sut: target });
  t.equal(result.tests[0]!.ok, true, JSON.stringify(result.tests[0]));
  const seen = await external.waitForRecord('real-mx');
  t.equal(seen.result, 'handshake-failed');
});

t.test('await: the system under test connects to a scenario peer', async (t) => {
  const sut = await startTestLab(t);
  const text = [
    'name: await-sut',
    'peers:',
    '  - { name: rx, profile: modern, policy: required }',
    'await: { peer: rx, timeoutMs: 5000 }',
    'expect:',
    '  - { peer: rx, result: tls, version: { atLeast: TLSv1.2 }, clientHello: { offersTls13: true }, messages: 1 }',
  ].join('\n');
  const { scenario } = parseScenario('await.yaml', text);
  const result = await runScenario(scenario!, {
    // The "SUT" is mxlab's own sender in another lab, pointed at the peer once it listens.
    onStarted: (lab) => void sut.send({ to: `127.0.0.1:${lab.endpoints()[0]!.listener.port}`, policy: 'may' }),
  });
  t.equal(result.tests[0]!.ok, true, JSON.stringify(result.tests[0]));
});

t.test('a scenario needing a sut without one is bad input', async (t) => {
  const { scenario } = parseScenario('x.yaml', 'name: x\npeers: []\nactions:\n  - probe: { protocol: imap }\nexpect:\n  - { peer: probe-imap, result: tls }\n');
  const { runScenarios } = await import('../../src/scenario/runner.js');
  await t.rejects(runScenarios([scenario!]), /sends to or probes the system under test, but none is given/);
});

t.test('sanity: a peer that stops answering fails its sanity test, and sanity sessions are not selected', async (t) => {
  const text = [
    'name: sanity',
    'sanity: true',
    'peers:',
    '  - { name: mx, profile: modern }',
    '  - { name: gone, profile: modern }',
    'actions:',
    '  - send: { name: connector, to: mx }',
    'expect:',
    '  - { peer: mx, result: tls, messages: 1 }',
  ].join('\n');
  const { scenario, problems } = parseScenario('sanity.yaml', text);
  t.same(problems, []);
  const result = await runScenario(scenario!, { onStarted: (lab) => lab.receivers.find((r) => r.name === 'gone')!.stop() });
  const [expectation, mx, gone] = result.tests;
  t.equal(expectation!.ok, true, 'the last mx record is the delivery, not the sanity probe after it');
  t.match(mx, { ok: true, name: 'sanity: mx answers before and after the actions' });
  t.equal(gone!.ok, false);
  t.match(gone!.mismatches, [{ field: 'sanity.before', want: 'the peer answers its greeting' }, { field: 'sanity.after' }]);
  t.match(gone!.record, { result: 'error' });
});
