import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import t from 'tap';
import { CHECKS } from '../../src/scan/policy-checks.js';
import { parseScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run-scenario.js';

/** The `scan` action: a scan of a peer or the sut inside a scenario, its findings judged by `scan:` checks. */

const scenario = (body: string): string => `name: scan-case\n${body}`;

t.test('the schema names every check the scanner has', async (t) => {
  const schema = JSON.parse(readFileSync(new URL('../../scenarios/schema.json', import.meta.url), 'utf8')) as { definitions: { scanCheckNames: { items: { enum: string[] } } } };
  t.same(schema.definitions.scanCheckNames.items.enum, [...CHECKS]);
});

t.test('bad scan actions and expectations are named where they are', async (t) => {
  const problems = (text: string): string[] => parseScenario('s.yaml', text).problems.map((p) => `${p.line} ${p.path}: ${p.message}`);
  t.match(problems(scenario('peers:\n  - { name: old, profile: tls10-only }\nactions:\n  - scan: { to: olf }\nexpect:\n  - { peer: scan, scan: { versions: [TLSv1] } }\n')), [/^5 actions\[0\]\.scan\.to: .*did you mean "old"/]);
  t.match(problems(scenario('peers:\n  - { name: old, profile: tls10-only }\nactions:\n  - scan: { to: old }\nexpect:\n  - { peer: old, scan: { versions: [TLSv1] } }\n')), [/expect\[0\]\.peer: got "old" with scan checks, want the name of a scan action \(scan\)/]);
  t.match(problems(scenario('peers:\n  - { name: old, profile: tls10-only }\nactions:\n  - scan: { to: old }\nexpect:\n  - { peer: scan, result: tls }\n')), [/expect\[0\]\.result: got result on the scan "scan", want only scan checks/]);
  t.match(problems(scenario('peers:\n  - { name: old, profile: tls10-only }\nactions:\n  - scan: { to: old }\nexpect:\n  - { peer: scan, scan: { checks: { failed: [tls10] } } }\n')), [/expect\[0\]\.scan\.checks\.failed\[0\]: got "tls10", want one of .*tls1\.0/]);
  t.same(problems(scenario('peers:\n  - { name: old, profile: tls10-only }\nactions:\n  - scan: { to: old }\n  - scan: { to: old, protocol: smtp, maxConns: 4 }\nexpect:\n  - { peer: scan, scan: { versions: [TLSv1] } }\n  - { peer: scan-2, scan: { reachable: true } }\n')), [], 'default names scan, scan-2');
});

t.test('a scan action runs, and its findings pass or fail the checks', async (t) => {
  const text = scenario(`peers:
  - { name: rc4, profile: rc4-only }
  - { name: old, profile: tls10-only }
actions:
  - scan: { name: scan-rc4, to: rc4 }
  - scan: { name: scan-old, to: old }
expect:
  - { peer: scan-rc4, scan: { versions: [TLSv1], suites: { includes: [RC4-SHA] }, checks: { failed: [rc4] } } }
  - { peer: scan-old, scan: { versions: [TLSv1.2, TLSv1.3], suites: { includes: [RC4-SHA], excludes: [ECDHE-RSA-AES256-SHA] }, checks: { failed: [rc4], passed: [tls1.0] }, dhBits: { atLeast: 3072 } } }
`);
  const { scenario: loaded, problems } = parseScenario('s.yaml', text);
  t.same(problems, []);
  const result = await runScenario(loaded!);
  const [rc4, old] = result.tests;
  t.ok(rc4!.ok, `rc4-only: the imitated RC4 suite is found (${JSON.stringify(rc4!.mismatches)})`);
  t.notOk(old!.ok, 'tls10-only against wrong checks fails');
  t.same(old!.mismatches.map((m) => m.field), ['scan.versions', 'scan.suites.includes', 'scan.suites.excludes', 'scan.checks.failed', 'scan.checks.passed', 'scan.dhBits']);
  t.match(old!.mismatches[0], { got: 'TLSv1', want: 'TLSv1.2, TLSv1.3' });
  t.match(old!.mismatches[5], { got: '2048', want: '≥ 3072' });
  t.match(old!.record, { scan: 'scan-old', target: /^smtp 127\.0\.0\.1:\d+$/ });
});

t.test('a scan of a sut that is not there: reachable false holds, other checks say why they cannot', async (t) => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const text = scenario(`sut: 127.0.0.1:${port}
peers: []
actions:
  - scan: {}
  - scan: {}
expect:
  - { peer: scan, scan: { reachable: false } }
  - { peer: scan-2, scan: { versions: [TLSv1.2] } }
`);
  const { scenario: loaded, problems } = parseScenario('s.yaml', text);
  t.same(problems, []);
  const result = await runScenario(loaded!);
  t.ok(result.tests[0]!.ok, JSON.stringify(result.tests[0]));
  t.notOk(result.tests[1]!.ok);
  t.match(result.tests[1]!.mismatches, [{ field: 'scan.reachable', got: /^not scanned: refused/, want: 'scanned' }]);
});
