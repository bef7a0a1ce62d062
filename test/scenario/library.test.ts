import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import { Parser, type FinalResults } from 'tap-parser';
import { reportJson } from '../../src/scenario/report-json.js';
import { reportJunit } from '../../src/scenario/report-junit.js';
import { reportPretty } from '../../src/scenario/report-pretty.js';
import { reportTap } from '../../src/scenario/report-tap.js';
import { closingLine, runPaths } from '../../src/scenario/runner.js';
import { parseXml } from '../fixtures/xml-check.js';
import { projectPath } from '../fixtures/paths.js';

/**
 * The scenario library (scenarios/) runs self-contained, mxlab's own peers on both ends, and every
 * expectation holds; its reports parse as TAP (tap's own parser), JUnit XML and JSON.
 */

const LIBRARY = `${projectPath('scenarios')}/`;

const parseTap = (text: string): Promise<FinalResults> => new Promise((resolve) => {
  const p = new Parser(resolve);
  p.end(text);
});

t.test('the library', async (t) => {
  const files = readdirSync(LIBRARY).filter((f) => f.endsWith('.yaml'));
  t.ok(files.length >= 20, `at least 20 scenarios (${files.length})`);
  for (const f of files) {
    const text = readFileSync(`${LIBRARY}${f}`, 'utf8');
    t.ok(text.startsWith('# yaml-language-server: $schema=./schema.json\n'), `${f} points editors at the schema`);
    t.match(text.split('\n')[1], /^# (Real case|Policy x legacy profile matrix|Sanity scenario)/, `${f} cites its real case`);
    t.match(text, new RegExp(`^name: ${f.replace(/\.yaml$/, '')}$`, 'm'), `${f} is named for its case`);
  }

  const summary = await runPaths([LIBRARY], { jobs: 4 });
  const tests = summary.scenarios.flatMap((s) => s.tests);
  for (const test of tests.filter((x) => !x.ok)) t.fail(`${test.scenario} › ${test.name}`, { mismatches: test.mismatches, record: test.record, error: test.error });
  t.equal(summary.failed, 0, closingLine(summary));
  t.equal(summary.scenarios.length, files.length, 'every file ran');
  t.ok(summary.passed >= files.length, 'at least one test per scenario');

  t.test('TAP parses with tap-parser: no failures, one point per expectation', async (t) => {
    const tap = reportTap(summary);
    const results = await parseTap(tap);
    t.equal(results.ok, true);
    t.equal(results.count, tests.length);
    t.equal(results.pass, tests.length);
    t.equal(results.fail, 0);
    t.equal(results.plan.end, tests.length);
    t.notMatch(tap, /^\d+ passed, \d+ failed$/m, 'the bare closing line is not in the TAP stream (it goes to stderr)');
    t.match(tap, `# ${closingLine(summary)}`);
  });

  t.test('JUnit is well-formed XML with one <testcase> per expectation', async (t) => {
    // The check (fast-xml-parser's validator and parser, one root required) rejects malformed XML.
    for (const bad of ['<a><b></a>', '<a x="1" x="2"/>', '<a>1 < 2</a>', '<a/><b/>', '<a x=1/>', '<a>x</a>tail']) t.throws(() => parseXml(bad), bad);
    const elements = parseXml(reportJunit(summary));
    t.equal(elements[0]!.name, 'testsuites');
    t.equal(elements[0]!.attributes.tests, String(tests.length));
    t.equal(elements[0]!.attributes.failures, '0');
    t.equal(elements.filter((e) => e.name === 'testsuite').length, summary.scenarios.length);
    const cases = elements.filter((e) => e.name === 'testcase');
    t.equal(cases.length, tests.length);
    t.ok(cases.every((c) => c.parent?.name === 'testsuite' && c.attributes.name && c.attributes.classname));
    t.equal(elements.filter((e) => e.name === 'failure').length, 0);
  });

  t.test('JSON and pretty', async (t) => {
    const json = JSON.parse(reportJson(summary)) as { passed: number; failed: number; scenarios: unknown[] };
    t.equal(json.passed, tests.length);
    t.equal(json.failed, 0);
    const pretty = reportPretty(summary);
    t.equal(pretty.trimEnd().split('\n').pop(), `${tests.length} passed, 0 failed`, 'the closing line comes last');
  });
});
