import { X509Certificate, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { describeCertificate, signatureAlgorithmOf } from '../../src/certs/describe.js';
import { getChain } from '../../src/certs/factory.js';
import { pemToDer } from '../../src/certs/pem.js';
import { labChain, leaf, link, openssl } from './fixtures/helpers.js';

const EMPTY = { subject: '', issuer: '', signatureAlgorithm: '', key: '', notBefore: '', notAfter: '', fingerprint256: '' };

t.test('agrees with node X509Certificate on PEM, DER and base64 input', async (t) => {
  const dir = t.testdir();
  const chain = await getChain(labChain({ leaf: leaf('sha256', { dnsNames: ['mx.test', 'mail.mx.test'] }) }), { dir });
  for (const pem of chain.all) {
    const x = new X509Certificate(pem);
    const fromPem = describeCertificate(pem);
    t.equal(fromPem.fingerprint256, x.fingerprint256);
    t.equal(fromPem.subject, x.subject.split('\n').join(', '));
    t.equal(fromPem.issuer, x.issuer.split('\n').join(', '));
    t.equal(fromPem.notBefore, new Date(x.validFrom).toISOString());
    t.equal(fromPem.notAfter, new Date(x.validTo).toISOString());
    t.equal(fromPem.key, `RSA ${x.publicKey.asymmetricKeyDetails?.modulusLength}`);
    t.same(describeCertificate(x.raw), fromPem, 'DER Buffer gives the same');
    t.same(describeCertificate(new Uint8Array(x.raw)), fromPem, 'plain Uint8Array too');
    t.same(describeCertificate(x.raw.toString('base64')), fromPem, 'bare base64 too');
  }
  t.same(describeCertificate(chain.cert).dnsNames, ['mx.test', 'mail.mx.test'], 'first block of a bundle; IP SANs left out');
  t.notOk('dnsNames' in describeCertificate(chain.root), 'no SAN extension: no dnsNames field');
});

t.test('certificates made elsewhere: v1, Ed25519, escaped names', async (t) => {
  const dir = t.testdir();
  const key = join(dir, 'k.pem');
  const csr = join(dir, 'r.csr');
  await openssl(['req', '-new', '-newkey', 'rsa:1024', '-nodes', '-keyout', key, '-subj', '/C=DE/O=Acme, Inc./CN=v1.example', '-out', csr]);
  await openssl(['x509', '-req', '-in', csr, '-signkey', key, '-days', '3', '-out', join(dir, 'v1.pem')]);
  const v1 = describeCertificate(await readFile(join(dir, 'v1.pem'), 'utf8'));
  t.equal(v1.subject, 'C=DE, O=Acme, Inc., CN=v1.example');
  t.equal(v1.signatureAlgorithm, 'sha256WithRSAEncryption');
  t.equal(v1.key, 'RSA 1024');
  t.ok(Date.parse(v1.notAfter) > Date.now(), 'validity read without a version field');

  await openssl(['req', '-x509', '-newkey', 'ed25519', '-nodes', '-keyout', join(dir, 'e.pem'), '-subj', '/CN=ed', '-days', '2', '-out', join(dir, 'ed.pem')]);
  const ed = describeCertificate(await readFile(join(dir, 'ed.pem'), 'utf8'));
  t.equal(ed.signatureAlgorithm, 'ED25519');
  t.equal(ed.key, 'ED25519');

  const named = await getChain(
    labChain({ intermediates: [link('Ünïcødé CA, Inc.', 'md5')], leaf: leaf('sha256', { cn: 'a+b=c, "d"', org: 'Acme; Ltd' }) }),
    { dir },
  );
  t.same(named.all.slice(0, 2).map((p) => describeCertificate(p).subject), ['O=Acme; Ltd, CN=a+b=c, "d"', 'O=mxlab, CN=Ünïcødé CA, Inc.']);
  t.equal(describeCertificate(named.all[0]!).issuer, 'O=mxlab, CN=Ünïcødé CA, Inc.');
});

t.test('never throws, returns what it can', async (t) => {
  const dir = t.testdir();
  const chain = await getChain(labChain(), { dir });
  const der = pemToDer(chain.cert)!;
  t.same(describeCertificate(''), EMPTY);
  t.same(describeCertificate('-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----'), EMPTY);
  t.same(describeCertificate(Buffer.alloc(0)), EMPTY);
  t.same(describeCertificate(null as unknown as string), EMPTY, 'even a wrong type from plain JS');
  t.equal(describeCertificate(Buffer.from('not a certificate')).subject, '');

  const truncated = describeCertificate(der.subarray(0, 200));
  t.equal(truncated.subject, '', 'subject lies past the cut');
  t.equal(truncated.fingerprint256.length, 95, 'fingerprint of what was given');

  const trailing = describeCertificate(Buffer.concat([der, Buffer.from([1, 2, 3])]));
  t.equal(trailing.fingerprint256, describeCertificate(der).fingerprint256, 'trailing bytes ignored');

  // Corrupt the outer signature algorithm OID to one nobody knows: reported dotted.
  const odd = Buffer.from(der);
  const at = odd.lastIndexOf(Buffer.from('06092a864886f70d01010b', 'hex'));
  odd[at + 10] = 0x63;
  t.equal(describeCertificate(odd).signatureAlgorithm, '1.2.840.113549.1.1.99');
  t.equal(describeCertificate(odd).subject, describeCertificate(der).subject, 'other fields unaffected');
  t.equal(signatureAlgorithmOf(Buffer.from([0x30, 0x00])), undefined);

  // Random single-byte corruption: every field is a string, nothing throws.
  for (let i = 0; i < 2000; i++) {
    const copy = Buffer.from(der);
    const n = 1 + (i % 4);
    for (let j = 0; j < n; j++) copy[randomBytes(2).readUInt16BE() % copy.length] = randomBytes(1)[0]!;
    const d = describeCertificate(copy);
    for (const key of Object.keys(EMPTY) as (keyof typeof EMPTY)[]) {
      if (typeof d[key] !== 'string') t.fail(`${key} is not a string after corruption`);
    }
  }
  for (let i = 0; i < 500; i++) describeCertificate(randomBytes(i));
  t.pass('survived corrupted and random input');
});

t.test('fast enough to call per session', async (t) => {
  const dir = t.testdir();
  const chain = await getChain(labChain(), { dir });
  const der = pemToDer(chain.cert)!;
  const n = 5000;
  for (let i = 0; i < 500; i++) describeCertificate(i % 2 ? der : chain.cert); // let the JIT settle first
  let start = performance.now();
  for (let i = 0; i < n; i++) describeCertificate(der);
  const derUs = ((performance.now() - start) * 1000) / n;
  start = performance.now();
  for (let i = 0; i < n; i++) describeCertificate(chain.cert);
  const pemUs = ((performance.now() - start) * 1000) / n;
  t.comment(`describeCertificate: ${derUs.toFixed(1)} µs from DER, ${pemUs.toFixed(1)} µs from PEM`);
  t.ok(derUs < 500, 'well under a millisecond');
});
