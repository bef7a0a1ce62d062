import { X509Certificate } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { DEFAULT_VALIDITY, type ChainSpec } from '../../src/certs/chain-spec.js';
import { describeCertificate } from '../../src/certs/describe.js';
import { getChain } from '../../src/certs/factory.js';
import { specId } from '../../src/certs/spec-id.js';
import { RSA2048, file, labChain, leaf, link, nameHex, openssl } from './fixtures/helpers.js';

const DAY = 86_400_000;

/** Writes leaf and intermediates of a chain to files and runs `openssl verify` with the given trust anchor. */
async function verify(dir: string, rootPem: string, all: readonly string[], intermediates: readonly string[], extra: readonly string[] = []) {
  const leafFile = await file(dir, 'leaf.pem', all[0] as string);
  const rootFile = await file(dir, 'trusted.pem', rootPem);
  const args = ['verify', ...extra, '-CAfile', rootFile];
  if (intermediates.length > 0) args.push('-untrusted', await file(dir, 'untrusted.pem', intermediates.join('')));
  return openssl([...args, leafFile]);
}

t.test('sha256 lab chain: shape, extensions, and openssl verify', async (t) => {
  const dir = t.testdir();
  const chain = await getChain(
    labChain({ intermediates: [link('mxlab Issuing CA', 'sha256', { key: RSA2048 })], leaf: leaf('sha256', { key: RSA2048 }) }),
    { dir, name: 'good' },
  );
  t.equal(chain.all.length, 3, 'all: leaf, intermediate, root');
  t.equal(chain.cert, chain.all[0]! + chain.all[1]!, 'chain.pem is leaf then intermediate');
  t.equal(chain.root, await readFile(join(dir, 'lab-ca', 'ca.pem'), 'utf8'), 'root is the lab CA');
  t.equal(chain.all[2], chain.root);
  t.match(chain.dir, new RegExp(`good-${chain.id}$`));
  t.equal(chain.id.length, 12);

  const result = await verify(dir, chain.root, chain.all, [chain.all[1]!], ['-auth_level', '2']);
  t.equal(result.code, 0, result.output);
  t.match(result.output, /: OK/);

  const [leafInfo, interInfo, rootInfo] = chain.all.map((pem) => describeCertificate(pem));
  for (const info of [leafInfo, interInfo, rootInfo]) t.equal(info!.signatureAlgorithm, 'sha256WithRSAEncryption');
  t.equal(leafInfo!.key, 'RSA 2048');
  t.same(leafInfo!.dnsNames, ['mx.test', 'localhost']);
  t.equal(rootInfo!.subject, 'O=mxlab, CN=mxlab Lab Root CA');
  const rootYears = (Date.parse(rootInfo!.notAfter) - Date.parse(rootInfo!.notBefore)) / (365 * DAY);
  t.ok(rootYears > 9.9 && rootYears < 10.1, `lab CA valid ~10 years (${rootYears.toFixed(2)})`);
  const leafDays = (Date.parse(leafInfo!.notAfter) - Date.now()) / DAY;
  t.ok(leafDays > 395 && leafDays < 397, `default leaf validity ends in 396 days (${leafDays.toFixed(2)})`);
  const leafSpan = (Date.parse(leafInfo!.notAfter) - Date.parse(leafInfo!.notBefore)) / DAY;
  t.ok(leafSpan <= 397, `default leaf valid 397 days in all, within the CA/B limit (testssl.sh flags > 825): ${leafSpan}`);

  const rootText = (await openssl(['x509', '-noout', '-text', '-in', join(dir, 'lab-ca', 'ca.pem')])).output;
  t.match(rootText, /Basic Constraints: critical\s+CA:TRUE/);
  t.match(rootText, /Key Usage: critical\s+Certificate Sign, CRL Sign/);
  t.match(rootText, /Public-Key: \(2048 bit\)/);
  const interText = (await openssl(['x509', '-noout', '-text', '-in', await file(dir, 'i.pem', chain.all[1]!)])).output;
  t.match(interText, /Basic Constraints: critical\s+CA:TRUE/);
  const leafText = (await openssl(['x509', '-noout', '-text', '-in', await file(dir, 'l.pem', chain.all[0]!)])).output;
  t.match(leafText, /Basic Constraints: critical\s+CA:FALSE/);
  t.match(leafText, /Key Usage: critical\s+Digital Signature, Key Encipherment/);
  t.match(leafText, /TLS Web Server Authentication, TLS Web Client Authentication/);
  t.match(leafText, /DNS:mx.test, DNS:localhost, IP Address:127.0.0.1/);

  // Strict verifiers compare names byte for byte, so each issuer must be its parent's exact subject.
  t.equal(nameHex(chain.all[0]!, 'issuer'), nameHex(chain.all[1]!, 'subject'));
  t.equal(nameHex(chain.all[1]!, 'issuer'), nameHex(chain.all[2]!, 'subject'));
});

t.test('md5 intermediate (forge): shows md5WithRSAEncryption and is too weak at auth level 1', async (t) => {
  const dir = t.testdir();
  const chain = await getChain(labChain({ intermediates: [link('MD5 Issuing CA', 'md5')] }), { dir, name: 'md5' });
  const intermediate = chain.all[1]!;
  t.equal(describeCertificate(intermediate).signatureAlgorithm, 'md5WithRSAEncryption');
  t.equal(describeCertificate(chain.all[0]!).signatureAlgorithm, 'sha256WithRSAEncryption', 'leaf still sha256');
  const text = await openssl(['x509', '-noout', '-text', '-in', await file(dir, 'i.pem', intermediate)]);
  t.match(text.output, /Signature Algorithm: md5WithRSAEncryption/);
  // The signature itself is sound: openssl verify without a security level accepts it…
  const lax = await verify(dir, chain.root, chain.all, [intermediate]);
  t.equal(lax.code, 0, lax.output);
  // …and at level 1 (what TLS uses by default) refuses it, which is the point of this personality.
  const strict = await verify(dir, chain.root, chain.all, [intermediate], ['-auth_level', '1']);
  t.not(strict.code, 0);
  t.match(strict.output, /CA signature digest algorithm too weak/);
  // A selfsigned child of a forge parent must still name it byte for byte.
  t.equal(nameHex(chain.all[0]!, 'issuer'), nameHex(intermediate, 'subject'));
  t.equal(nameHex(intermediate, 'issuer'), nameHex(chain.root, 'subject'));
});

t.test('md5 self-signed leaf and md5 leaf under md5 intermediate', async (t) => {
  const dir = t.testdir();
  const self = await getChain({ root: 'none', intermediates: [], leaf: leaf('md5') }, { dir, name: 'md5-self' });
  t.equal(describeCertificate(self.cert).signatureAlgorithm, 'md5WithRSAEncryption');
  t.equal(nameHex(self.cert, 'issuer'), nameHex(self.cert, 'subject'));
  const both = await getChain(labChain({ intermediates: [link('MD5 CA', 'md5')], leaf: leaf('md5') }), { dir, name: 'md5-all' });
  t.same(both.all.map((p) => describeCertificate(p).signatureAlgorithm), ['md5WithRSAEncryption', 'md5WithRSAEncryption', 'sha256WithRSAEncryption']);
  t.equal((await verify(dir, both.root, both.all, [both.all[1]!])).code, 0);
});

t.test('sha1, sha384 and sha512 links', async (t) => {
  const dir = t.testdir();
  const sha1 = await getChain(labChain({ intermediates: [link('SHA1 CA', 'sha1')], leaf: leaf('sha1') }), { dir, name: 'sha1' });
  t.same(sha1.all.map((p) => describeCertificate(p).signatureAlgorithm), ['sha1WithRSAEncryption', 'sha1WithRSAEncryption', 'sha256WithRSAEncryption']);
  const text = await openssl(['x509', '-noout', '-text', '-in', await file(dir, 'l.pem', sha1.all[0]!)]);
  t.match(text.output, /Signature Algorithm: sha1WithRSAEncryption/);
  t.equal((await verify(dir, sha1.root, sha1.all, [sha1.all[1]!])).code, 0);
  const big = await getChain(labChain({ intermediates: [link('SHA384 CA', 'sha384')], leaf: leaf('sha512') }), { dir, name: 'big' });
  t.same(big.all.map((p) => describeCertificate(p).signatureAlgorithm), ['sha512WithRSAEncryption', 'sha384WithRSAEncryption', 'sha256WithRSAEncryption']);
});

t.test('small RSA keys: 1024- and 512-bit leaves', async (t) => {
  const dir = t.testdir();
  for (const bits of [1024, 512]) {
    const chain = await getChain(labChain({ leaf: leaf('sha256', { key: { type: 'rsa', bits } }) }), { dir, name: `rsa${bits}` });
    const cert = new X509Certificate(chain.all[0]!);
    t.equal(cert.publicKey.asymmetricKeyDetails?.modulusLength, bits, `leaf key is ${bits} bits`);
    t.equal(describeCertificate(chain.all[0]!).key, `RSA ${bits}`);
    const text = await openssl(['x509', '-noout', '-text', '-in', await file(dir, `${bits}.pem`, chain.all[0]!)]);
    t.match(text.output, new RegExp(`Public-Key: \\(${bits} bit\\)`));
  }
});

t.test('EC keys: EC leaf under the RSA lab CA (forge), all-EC intermediates (selfsigned)', async (t) => {
  const dir = t.testdir();
  const mixed = await getChain(labChain({ leaf: leaf('sha256', { key: { type: 'ec', curve: 'P-256' } }) }), { dir, name: 'ec-leaf' });
  t.equal(describeCertificate(mixed.all[0]!).key, 'EC P-256');
  t.equal(describeCertificate(mixed.all[0]!).signatureAlgorithm, 'sha256WithRSAEncryption', 'signed by the RSA intermediate');
  t.equal((await verify(dir, mixed.root, mixed.all, [mixed.all[1]!])).code, 0);
  const leafText = await openssl(['x509', '-noout', '-text', '-in', await file(dir, 'ec.pem', mixed.all[0]!)]);
  t.match(leafText.output, /Key Usage: critical\s+Digital Signature\n/, 'no keyEncipherment on an EC key');

  const ec = await getChain(
    labChain({
      intermediates: [link('EC CA', 'sha384', { key: { type: 'ec', curve: 'P-384' } })],
      leaf: leaf('sha256', { key: { type: 'ec', curve: 'P-256' } }),
    }),
    { dir, name: 'ec-all' },
  );
  t.same(ec.all.map((p) => describeCertificate(p).signatureAlgorithm), ['ecdsa-with-SHA256', 'sha384WithRSAEncryption', 'sha256WithRSAEncryption']);
  t.same(ec.all.map((p) => describeCertificate(p).key), ['EC P-256', 'EC P-384', 'RSA 2048']);
  t.equal((await verify(dir, ec.root, ec.all, [ec.all[1]!])).code, 0);
  t.equal(nameHex(ec.all[1]!, 'issuer'), nameHex(ec.root, 'subject'));

  // An RSA leaf under an EC intermediate is the other mixed case (forge structure, ECDSA signature).
  const rsaUnderEc = await getChain(
    labChain({ intermediates: [link('EC CA', 'sha256', { key: { type: 'ec' } })], leaf: leaf('sha1') }),
    { dir, name: 'rsa-under-ec' },
  );
  t.equal(describeCertificate(rsaUnderEc.all[0]!).signatureAlgorithm, 'ecdsa-with-SHA1');
  t.equal((await verify(dir, rsaUnderEc.root, rsaUnderEc.all, [rsaUnderEc.all[1]!])).code, 0);
});

t.test('expired leaf', async (t) => {
  const dir = t.testdir();
  const chain = await getChain(labChain({ leaf: leaf('sha256', { validity: { fromDays: -400, toDays: -30 } }) }), { dir, name: 'expired' });
  const info = describeCertificate(chain.all[0]!);
  t.ok(Date.parse(info.notAfter) < Date.now() - 29 * DAY, `notAfter ${info.notAfter} is in the past`);
  t.ok(Date.parse(info.notBefore) < Date.now() - 399 * DAY);
  const result = await verify(dir, chain.root, chain.all, [chain.all[1]!]);
  t.not(result.code, 0);
  t.match(result.output, /certificate has expired/);
});

t.test('self-signed leaf (root none)', async (t) => {
  const dir = t.testdir();
  const chain = await getChain({ root: 'none', intermediates: [], leaf: leaf() }, { dir, name: 'self' });
  t.equal(chain.all.length, 1);
  t.equal(chain.cert, chain.root, 'the leaf is its own root');
  const info = describeCertificate(chain.cert);
  t.equal(info.issuer, info.subject);
  t.equal((await verify(dir, chain.root, chain.all, [])).code, 0, 'verifies when the leaf itself is trusted');
  const leafFile = await file(dir, 'self.pem', chain.cert);
  const untrusted = await openssl(['verify', '-no-CAfile', '-no-CApath', '-no-CAstore', leafFile]);
  t.not(untrusted.code, 0);
  t.match(untrusted.output, /self-signed certificate/, 'reported as self-signed, not as a missing issuer');
  await t.rejects(
    getChain({ root: 'none', intermediates: [link('X CA')], leaf: leaf() }, { dir }),
    /root 'none'.*cannot have intermediates/,
  );
});

t.test('private root does not verify against the lab CA', async (t) => {
  const dir = t.testdir();
  const chain = await getChain({ ...labChain(), root: 'private' }, { dir, name: 'untrusted' });
  t.equal(describeCertificate(chain.root).subject, 'O=mxlab, CN=mxlab Untrusted Root');
  t.equal(chain.all[2], chain.root);
  t.equal((await verify(dir, chain.root, chain.all, [chain.all[1]!])).code, 0, 'verifies against its own root');
  // The lab CA exists only if something made it; make it the way a 'lab' chain would.
  await getChain(labChain(), { dir, name: 'lab' });
  const labRoot = await readFile(join(dir, 'lab-ca', 'ca.pem'), 'utf8');
  t.not(labRoot, chain.root);
  const result = await verify(dir, labRoot, chain.all, [chain.all[1]!]);
  t.not(result.code, 0);
  t.match(result.output, /unable to get local issuer certificate/);
  t.equal(((await stat(join(chain.dir, 'root-key.pem'))).mode & 0o777), 0o600);
});

t.test('omitIntermediates leaves only the leaf in chain.pem', async (t) => {
  const dir = t.testdir();
  const chain = await getChain(labChain({ omitIntermediates: true }), { dir, name: 'missing-intermediate' });
  t.equal(chain.cert, chain.all[0]);
  t.equal((await readFile(join(chain.dir, 'chain.pem'), 'utf8')).match(/BEGIN CERTIFICATE/g)?.length, 1);
  t.equal(chain.all.length, 3, 'all.pem still has the intermediate');
  const result = await verify(dir, chain.root, chain.all, []);
  t.match(result.output, /unable to get local issuer certificate/);
});

t.test('key files are mode 0600', async (t) => {
  const dir = t.testdir();
  const chain = await getChain(labChain({ intermediates: [link('A CA'), link('B CA')] }), { dir, name: 'modes' });
  const files = await readdir(chain.dir);
  t.same(files.sort(), ['all.pem', 'chain.pem', 'intermediate-1-key.pem', 'intermediate-2-key.pem', 'key.pem', 'root.pem', 'spec.json']);
  for (const name of ['key.pem', 'intermediate-1-key.pem', 'intermediate-2-key.pem']) {
    t.equal((await stat(join(chain.dir, name))).mode & 0o777, 0o600, name);
  }
  t.equal((await stat(join(dir, 'lab-ca', 'ca-key.pem'))).mode & 0o777, 0o600, 'lab CA key');
  t.equal((await stat(join(chain.dir, 'chain.pem'))).mode & 0o777, 0o644, 'certificates stay readable');
  t.same(JSON.parse(await readFile(join(chain.dir, 'spec.json'), 'utf8')), JSON.parse(JSON.stringify(labChain({ intermediates: [link('A CA'), link('B CA')] }))));
  // Two intermediates: the server sends leaf, B (signed the leaf), A.
  t.same(chain.all.map((p) => describeCertificate(p).subject), ['O=mxlab, CN=mx.test', 'O=mxlab, CN=B CA', 'O=mxlab, CN=A CA', 'O=mxlab, CN=mxlab Lab Root CA']);
  t.equal(chain.cert, chain.all.slice(0, 3).join(''));
  t.equal((await verify(dir, chain.root, chain.all, chain.all.slice(1, 3))).code, 0);
});

t.test('cache: second call reads the files, concurrent calls share one generation', async (t) => {
  const dir = t.testdir();
  const spec = labChain();
  const [a, b, c] = await Promise.all([getChain(spec, { dir, name: 'c' }), getChain(spec, { dir, name: 'c' }), getChain(spec, { dir, name: 'c' })]);
  t.equal(a, b, 'concurrent callers get the same promise result');
  t.equal(a, c);
  const entries = await readdir(dir);
  t.same(entries.sort(), ['c-' + specId(spec), 'lab-ca'], 'one folder, no temp leftovers');
  const before = await stat(join(a.dir, 'chain.pem'));
  const start = performance.now();
  const again = await getChain(spec, { dir, name: 'c' });
  const ms = performance.now() - start;
  t.comment(`cached getChain: ${ms.toFixed(2)} ms`);
  t.not(again, a, 'a fresh read, not a memo');
  t.same(again, a, 'same material');
  t.equal(describeCertificate(again.cert).fingerprint256, describeCertificate(a.cert).fingerprint256);
  t.equal((await stat(join(a.dir, 'chain.pem'))).mtimeMs, before.mtimeMs, 'files not rewritten');

  // Same spec, keys in another order: same id.
  const reordered = JSON.parse(JSON.stringify({ leaf: spec.leaf, intermediates: spec.intermediates, root: spec.root })) as ChainSpec;
  t.equal(specId(reordered), specId(spec));
  t.equal((await getChain(reordered, { dir, name: 'c' })).dir, a.dir);

  // The cache key includes the default validity: a spec that names none keys like one naming the
  // default, and unlike one naming the old 825-day default (so chains cached before the change are made again).
  const explicit: ChainSpec = { ...spec, intermediates: spec.intermediates.map((l) => ({ ...l, validity: DEFAULT_VALIDITY })), leaf: { ...spec.leaf, validity: DEFAULT_VALIDITY } };
  t.equal(specId(explicit), specId(spec), 'absent validity keys as the default');
  const old: ChainSpec = { ...spec, leaf: { ...spec.leaf, validity: { fromDays: -1, toDays: 825 } } };
  t.not(specId(old), specId(spec), 'another validity, another key');
});

t.test('a chain signed by a lab CA that was replaced is regenerated', async (t) => {
  const dir = t.testdir();
  const { rm } = await import('node:fs/promises');
  const first = await getChain(labChain(), { dir, name: 'stale' });
  await rm(join(dir, 'lab-ca'), { recursive: true });
  const second = await getChain(labChain(), { dir, name: 'stale' });
  t.not(second.root, first.root, 'new lab CA');
  t.equal(second.root, await readFile(join(dir, 'lab-ca', 'ca.pem'), 'utf8'));
  t.equal((await verify(dir, second.root, second.all, [second.all[1]!])).code, 0);
  t.same((await readdir(dir)).filter((e) => e.startsWith('.')), [], 'no temp or old folders left');
  // A folder missing a file is also regenerated rather than served half.
  await rm(join(second.dir, 'key.pem'));
  const third = await getChain(labChain(), { dir, name: 'stale' });
  t.equal(third.root, second.root);
  t.not(third.cert, second.cert);
});

t.test('invalid specs are refused with errors that name the link', async (t) => {
  const dir = t.testdir();
  const bad = (spec: unknown) => getChain(spec as ChainSpec, { dir, name: 'bad' });
  await t.rejects(bad(labChain({ leaf: leaf('md4' as 'md5') })), /chain "bad-[0-9a-f]{12}": invalid spec: leaf "mx.test": unknown hash "md4"/);
  await t.rejects(bad(labChain({ intermediates: [link('Weak CA', 'sha256', { key: { type: 'rsa', bits: 256 } })] })), /intermediate #1 "Weak CA": RSA bits/);
  await t.rejects(bad(labChain({ intermediates: [link('EC CA', 'sha256', { key: { type: 'ec' } })], leaf: leaf('md5') })), /leaf "mx.test": md5 needs an RSA issuer/);
  await t.rejects(bad({ ...labChain(), root: 'system' }), /unknown root "system"/);
  await t.rejects(bad(labChain({ leaf: leaf('sha256', { validity: { fromDays: 5, toDays: 1 } }) })), /validity needs finite fromDays < toDays/);
  await t.rejects(bad(labChain({ leaf: leaf('sha256', { ipAddresses: ['mx.test'] }) })), /"mx.test" is not an IP address/);
  t.same(await readdir(dir), [], 'nothing generated');
});
