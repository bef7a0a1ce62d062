import { readFileSync } from 'node:fs';
import t from 'tap';
import { formatProblem, parseScenario } from '../../src/scenario/load.js';
import { projectPath } from '../fixtures/paths.js';

/** The scenario files shown in the README guide load without a problem (the docs stay true). */

const readme = readFileSync(projectPath('README.md'), 'utf8');
const guide = readme.slice(readme.indexOf('### Turn your connector settings into a regression suite'));
const blocks = [...guide.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

t.ok(blocks.length >= 3, `the guide shows scenario files (${blocks.length})`);
for (const [i, text] of blocks.entries()) {
  const { scenario, problems } = parseScenario(`README block ${i + 1}`, text);
  t.same(problems.map(formatProblem), [], `block ${i + 1} loads`);
  t.ok(scenario, `block ${i + 1}: ${scenario?.scenario.name}`);
}
