import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { writeDirAtomically } from '../../src/certs/atomic-dir.js';

t.test('first writer wins, the loser keeps nothing of its own', async (t) => {
  const dir = t.testdir();
  const write = (content: string) => writeDirAtomically(dir, 'x', [{ name: 'f', content }, { name: 'k', content, mode: 0o600 }], { replace: false });
  const outcomes = await Promise.all([write('one'), write('two'), write('three')]);
  t.same(outcomes.filter((o) => o === 'created').length, 1);
  t.same(outcomes.filter((o) => o === 'existed').length, 2);
  const winner = ['one', 'two', 'three'][outcomes.indexOf('created')];
  t.equal(await readFile(join(dir, 'x', 'f'), 'utf8'), winner);
  t.equal(await readFile(join(dir, 'x', 'k'), 'utf8'), winner, 'files of one writer, never mixed');
  t.equal((await stat(join(dir, 'x', 'k'))).mode & 0o777, 0o600);
  t.same(await readdir(dir), ['x'], 'temp folders removed');
});

t.test('replace swaps in a new folder and removes the old one', async (t) => {
  const dir = t.testdir({ x: { f: 'old', extra: 'gone' } });
  t.equal(await writeDirAtomically(dir, 'x', [{ name: 'f', content: 'new' }], { replace: true }), 'replaced');
  t.same(await readdir(join(dir, 'x')), ['f']);
  t.equal(await readFile(join(dir, 'x', 'f'), 'utf8'), 'new');
  t.equal(await writeDirAtomically(dir, 'y', [{ name: 'f', content: 'y' }], { replace: true }), 'created', 'nothing to replace');
  t.same((await readdir(dir)).sort(), ['x', 'y']);
});

t.test('a write that fails leaves no temp folder', async (t) => {
  const dir = t.testdir();
  await t.rejects(writeDirAtomically(dir, 'x', [{ name: 'sub/f', content: '' }], { replace: false }), { code: 'ENOENT' });
  t.same(await readdir(dir), []);
});
