import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { PROJECT_ROOT } from '../fixtures/paths.js';

/**
 * The project stands alone: a clone has no design or field-note files from outside it, so nothing in
 * it may send a reader there (docs/field-notes.md is the project's own).
 */
const root = `${PROJECT_ROOT}/`;
const files = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter((f) => f && !f.startsWith('test/structure/stands-alone'));
const OUTSIDE = /FIELD-NOTES|DESIGN\.md|STYLE\.md|TECH-NOTES|\.\.\/shared|\/work\/shared|(?<![\w/])shared\/(?:seeds|DESIGN|FIELD)/;

t.ok(files.length > 100, `${files.length} tracked files`);
const hits: string[] = [];
for (const f of files) {
  let text: string;
  try {
    text = readFileSync(join(root, f), 'utf8');
  } catch {
    continue;
  }
  text.split('\n').forEach((line, i) => {
    if (OUTSIDE.test(line)) hits.push(`${f}:${i + 1}: ${line.trim().slice(0, 120)}`);
  });
}
t.same(hits, [], 'no pointer to files outside the project');
t.ok(readFileSync(join(root, 'docs/field-notes.md'), 'utf8').includes('## Policies'), 'the field notes a user needs are in docs/');
