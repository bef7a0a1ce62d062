import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { clearChains, listChains } from '../../src/certs/cache.js';
import { getChain } from '../../src/certs/factory.js';
import { exportLabCa, getLabCa, readLabCa } from '../../src/certs/lab-ca.js';
import { specId } from '../../src/certs/spec-id.js';
import { labChain, leaf, link } from './fixtures/helpers.js';

t.test('listChains describes each cached chain; clearChains removes only generated material', async (t) => {
  const dir = t.testdir({ 'README.md': '# certs\n', 'notes.txt': 'mine\n' });
  t.same(await listChains(join(dir, 'nope')), [], 'missing dir: empty list');
  const md5 = labChain({ intermediates: [link('MD5 CA', 'md5')] });
  const self = { root: 'none' as const, intermediates: [], leaf: leaf('sha1') };
  const before = Date.now();
  await getChain(md5, { dir, name: 'md5-chain' });
  await getChain(self, { dir, name: 'self signed!' });
  await mkdir(join(dir, 'half-0123456789ab')); // incomplete folder: skipped
  const list = await listChains(dir);
  t.same(list.map((c) => [c.name, c.id]), [['md5-chain', specId(md5)], ['self_signed_', specId(self)]]);
  const [m, s] = list;
  t.same(m!.subjects, ['O=mxlab, CN=mx.test', 'O=mxlab, CN=MD5 CA', 'O=mxlab, CN=mxlab Lab Root CA']);
  t.same(m!.signatureAlgorithms, ['sha256WithRSAEncryption', 'md5WithRSAEncryption', 'sha256WithRSAEncryption']);
  t.same(s!.signatureAlgorithms, ['sha1WithRSAEncryption']);
  t.equal(m!.dir, join(dir, `md5-chain-${specId(md5)}`));
  t.ok(Date.parse(m!.created) >= before - 1000, 'created is the generation time');

  await mkdir(join(dir, '.tmp-crashed-xyz'));
  const removed = await clearChains(dir, { keepLabCa: true });
  t.same(removed, ['.tmp-crashed-xyz', 'half-0123456789ab', `md5-chain-${specId(md5)}`, `self_signed_-${specId(self)}`]);
  t.same((await readdir(dir)).sort(), ['README.md', 'lab-ca', 'notes.txt']);
  t.same(await clearChains(dir), ['lab-ca']);
  t.same((await readdir(dir)).sort(), ['README.md', 'notes.txt'], 'README.md and foreign files kept');
  t.same(await clearChains(join(dir, 'nope')), []);
});

t.test('lab CA: one per dir, exported without its key', async (t) => {
  const dir = t.testdir();
  t.equal(await readLabCa(dir), undefined, 'not made until asked for');
  const [a, b] = await Promise.all([getLabCa(dir), getLabCa(dir)]);
  t.equal(a, b, 'concurrent callers share one creation');
  t.equal(a.certFile, join(dir, 'lab-ca', 'ca.pem'));
  t.equal((await stat(a.keyFile)).mode & 0o777, 0o600);
  const chain = await getChain(labChain(), { dir });
  t.equal(chain.root, a.cert, 'lab chains are anchored at it');
  const out = await exportLabCa(dir, join(dir, 'export', 'mxlab-ca.pem'));
  t.equal(await readFile(out, 'utf8'), a.cert);
  t.notMatch(await readFile(out, 'utf8'), /PRIVATE KEY/);
  t.equal((await getLabCa(dir)).cert, a.cert, 'stable across calls');

  const other = t.testdir();
  t.not((await getLabCa(other)).cert, a.cert, 'another dir has its own');
  await writeFile(join(other, 'lab-ca', 'ca-key.pem'), 'junk', { mode: 0o000 });
  if (process.getuid?.() !== 0) await t.rejects(readLabCa(other), /lab CA in .* could not be read/);
});
