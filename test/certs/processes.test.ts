import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { describeCertificate } from '../../src/certs/describe.js';
import { getChain } from '../../src/certs/factory.js';
import { labChain, openssl } from './fixtures/helpers.js';
import { PROJECT_ROOT, projectPath } from '../fixtures/paths.js';

const projectRoot = `${PROJECT_ROOT}/`;
const script = projectPath('test/certs/fixtures/make-chain.ts');

function runChild(dir: string): Promise<{ leaf: string; root: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', script, dir], { cwd: projectRoot }, (error, stdout, stderr) => {
      if (error) reject(new Error(`child failed: ${stderr}`));
      else resolve(JSON.parse(stdout) as { leaf: string; root: string });
    });
  });
}

t.test('processes racing on an empty dir agree on one lab CA and one chain', async (t) => {
  const dir = t.testdir();
  const results = await Promise.all([runChild(dir), runChild(dir), runChild(dir), runChild(dir)]);
  // Every process may have generated its own, but all must end up serving the one on disk.
  const chain = await getChain(labChain(), { dir, name: 'race' });
  const onDisk = { leaf: describeCertificate(chain.cert).fingerprint256, root: describeCertificate(chain.root).fingerprint256 };
  for (const result of results) t.same(result, onDisk);
  t.equal(await readFile(join(dir, 'lab-ca', 'ca.pem'), 'utf8'), chain.root);
  t.same((await readdir(dir)).sort(), ['lab-ca', chain.dir.split('/').pop()], 'no temp folders left behind');
  const leafFile = join(dir, 'leaf.pem');
  const { writeFile } = await import('node:fs/promises');
  await writeFile(leafFile, chain.all[0]!);
  await writeFile(join(dir, 'inter.pem'), chain.all[1]!);
  const verify = await openssl(['verify', '-CAfile', join(dir, 'lab-ca', 'ca.pem'), '-untrusted', join(dir, 'inter.pem'), leafFile]);
  t.equal(verify.code, 0, verify.output);
});
