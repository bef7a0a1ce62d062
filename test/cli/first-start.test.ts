import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { makeChains } from '../../src/cli/serve.js';
import { CATALOGUE } from '../../src/profiles/catalogue.js';

/**
 * A lab's first start: the chains its peers need are made together, after one line saying so, and
 * their private keys are readable by the owner alone; a second start says nothing and makes nothing.
 */

t.test('first start: one line, every chain made, keys 0600; second start: silent', async (t) => {
  const dir = t.testdir();
  const specs = CATALOGUE.map((p) => ({ profile: p.name }));
  const log: string[] = [];
  await makeChains(specs, dir, (s) => void log.push(s));
  const distinct = new Set(CATALOGUE.map((p) => JSON.stringify(p.chain))).size;
  t.match(log[0], new RegExp(`^making ${distinct} certificate chain\\(s\\) in ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(first start; cached from now on\\)…\\n$`), 'says what it makes, before it does');
  t.match(log[1], /^certificates ready in \d+\.\d s\n$/);
  t.equal(log.length, 2);
  const folders = readdirSync(dir).filter((d) => /-[0-9a-f]{12}$/.test(d));
  t.equal(folders.length, distinct, 'one folder per distinct chain');
  const keys = [join(dir, 'lab-ca', 'ca-key.pem'), ...folders.flatMap((f) => readdirSync(join(dir, f)).filter((n) => n.endsWith('key.pem')).map((n) => join(dir, f, n)))];
  t.ok(keys.length > distinct, `${keys.length} private keys`);
  for (const k of keys) t.equal((statSync(k).mode & 0o777).toString(8), '600', `${k.slice(dir.length + 1)} is 0600`);
  const again: string[] = [];
  await makeChains(specs, dir, (s) => void again.push(s));
  t.same(again, [], 'cached: not a word');
});
