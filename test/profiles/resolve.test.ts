import { createSecureContext } from 'node:tls';
import t, { type Test } from 'tap';
import { getChain } from '../../src/certs/factory.js';
import { DEFAULT_CERTS_DIR } from '../../src/lab/lab.js';
import { CATALOGUE, DEFAULT_CHAIN } from '../../src/profiles/catalogue.js';
import { cipherString, compileProfile, securityLevel } from '../../src/profiles/compile.js';
import { dhParamsPem } from '../../src/profiles/dh-params.js';
import { labSecureContext } from '../../src/profiles/secure-context.js';
import { applyOverrides, chainName, profileNames, resolveProfile } from '../../src/profiles/resolve.js';
import { suiteByIana } from '../../src/tls/cipher-suites.js';
import { UsageError } from '../../src/usage-error.js';

/** Runs fn, expecting a UsageError whose message matches every pattern. */
function usageError(t: Test, fn: () => unknown, patterns: readonly (RegExp | string)[], what: string): void {
  try {
    fn();
    t.fail(`${what}: no error`);
  } catch (err) {
    t.ok(err instanceof UsageError, `${what}: a UsageError (${(err as Error).message})`);
    t.equal((err as UsageError).code, 'EUSAGE');
    for (const p of patterns) t.match((err as Error).message, p, `${what}: message has ${String(p)}`);
    t.notOk((err as Error).message.includes('\n'), `${what}: one line`);
  }
}

t.test('resolveProfile: single names and combinations', async (t) => {
  t.same(profileNames(), CATALOGUE.map((p) => p.name));
  for (const p of CATALOGUE) {
    const r = resolveProfile(p.name);
    t.equal(r.name, p.name, `${p.name} resolves to itself`);
    t.equal(r.kind, 'tls', `${p.name} runs as a TLS personality`);
    t.ok(r.chain, `${p.name} has a chain`);
  }
  const modern = resolveProfile('modern');
  const md5 = resolveProfile('md5-chain');
  t.equal(md5.minVersion, modern.minVersion, 'a certificate personality alone runs on modern TLS');
  t.same(md5.ciphers, modern.ciphers);
  t.same(md5.chain, CATALOGUE.find((p) => p.name === 'md5-chain')!.chain, 'with its own chain');

  const combo = resolveProfile('tls10-only+md5-chain');
  t.equal(combo.name, 'tls10-only+md5-chain');
  t.equal(combo.minVersion, 'TLSv1');
  t.equal(combo.maxVersion, 'TLSv1');
  t.same(combo.ciphers, CATALOGUE.find((p) => p.name === 'tls10-only')!.ciphers);
  t.equal(combo.chain?.intermediates[0]?.hash, 'md5', 'chain from the certificate personality');
  t.match(combo.summary, /TLS 1\.0 only.*; .*MD5/, 'summary names both');

  const reversed = resolveProfile('md5-chain+tls10-only');
  t.equal(reversed.minVersion, 'TLSv1', 'order does not matter for the settings');
  t.equal(reversed.chain?.intermediates[0]?.hash, 'md5');
  t.equal(resolveProfile(' tls10-only + md5-chain ').name, 'tls10-only+md5-chain', 'spaces are ignored');

  t.same(resolveProfile('tls10-only').chain, DEFAULT_CHAIN, 'a TLS personality alone serves the good chain');
  t.equal(chainName(resolveProfile('tls10-only')), 'default', 'TLS personalities share the default chain');
  t.equal(chainName(resolveProfile('dhe-1024+expired')), 'expired');
  t.equal(chainName(resolveProfile('wrong-name')), 'wrong-name');
});

t.test('resolveProfile: errors', async (t) => {
  usageError(t, () => resolveProfile('tls10only'), ['"tls10only"', 'modern', 'missing-intermediate', 'did you mean "tls10-only"'], 'typo');
  usageError(t, () => resolveProfile('tls10-only+md5chain'), ['"md5chain"', 'did you mean "md5-chain"'], 'typo in the second part');
  usageError(t, () => resolveProfile('tls10-only+tls11-max'), ['two TLS personalities', 'tls10-only', 'tls11-max'], 'two TLS personalities');
  usageError(t, () => resolveProfile('md5-chain+expired'), ['two certificate personalities', 'md5-chain', 'expired'], 'two certificate personalities');
  usageError(t, () => resolveProfile(''), ['--profile'], 'empty');
  usageError(t, () => resolveProfile('+'), ['--profile'], 'only a plus');
  usageError(t, () => resolveProfile('zzzzzzzzzzzz'), ['"zzzzzzzzzzzz"'], 'far from every name');
  try {
    resolveProfile('zzzzzzzzzzzz');
  } catch (err) {
    t.notMatch((err as Error).message, /did you mean/, 'no did-you-mean when nothing is close');
  }
});

t.test('overrides', async (t) => {
  const widened = resolveProfile('modern', { minVersion: 'TLSv1' });
  t.equal(widened.minVersion, 'TLSv1');
  t.match(widened.summary, /overridden: minVersion/);
  t.equal(securityLevel(widened), 0, 'TLS 1.0 allowed: security level 0');

  const narrowed = resolveProfile('tls11-max', { minVersion: 'TLSv1.1' });
  t.equal(narrowed.minVersion, 'TLSv1.1');
  t.equal(narrowed.maxVersion, 'TLSv1.1');

  usageError(t, () => resolveProfile('tls10-only', { minVersion: 'TLSv1.2' }), ['minVersion TLSv1.2', 'maxVersion TLSv1'], 'min above max');
  usageError(t, () => resolveProfile('modern', { maxVersion: 'TLSv1.1' }), ['minVersion TLSv1.2', 'maxVersion TLSv1.1'], 'max below the default min');
  usageError(t, () => resolveProfile('modern', { minVersion: 'TLSv1.4' as never }), ['--min-version', '"TLSv1.4"', 'TLSv1.3'], 'unknown version');
  usageError(t, () => resolveProfile('modern', { maxVersion: 'SSLv3' as never }), ['--max-version', '"SSLv3"'], 'SSLv3');
  usageError(t, () => resolveProfile('dhe-only', { dhBits: 1536 as never }), ['--dh-bits', '"1536"', '2048'], 'odd DH size');

  const dh = resolveProfile('dhe-only', { dhBits: 1024 });
  t.equal(dh.dhBits, 1024);
  t.equal(securityLevel(dh), 1, '1024-bit DH: level 1');

  const ciphers = resolveProfile('modern', { ciphers: ['TLS_RSA_WITH_AES_128_CBC_SHA'], maxVersion: 'TLSv1.2' });
  t.equal(cipherString(ciphers), 'AES128-SHA:@SECLEVEL=2');

  const quirks = resolveProfile('modern', { quirks: { hideStartTls: true } });
  t.equal(quirks.quirks?.hideStartTls, true);
  t.notMatch(quirks.summary, /overridden/, 'quirks alone do not mark the summary');

  const base = CATALOGUE.find((p) => p.name === 'tls10-only')!;
  const before = JSON.stringify(base);
  applyOverrides(base, { minVersion: 'TLSv1', ciphers: ['TLS_RSA_WITH_AES_128_CBC_SHA'] });
  t.equal(JSON.stringify(base), before, 'overrides never change the catalogue');
});

t.test('compileProfile: cipher strings and security levels', async (t) => {
  const modern = compileProfile(resolveProfile('modern'));
  t.equal(
    modern.ciphers,
    'ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=2:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256',
    'modern: IANA names mapped to OpenSSL names, TLS 1.3 suites after',
  );
  t.match(modern.ciphers, /:@SECLEVEL=2:TLS_AES_256_GCM_SHA384/, 'modern: level 2 written out (Node defaults to 1)');
  t.equal(modern.minVersion, 'TLSv1.2');
  t.equal(modern.maxVersion, 'TLSv1.3');
  t.equal(modern.ecdhCurve, 'X25519:P-256:P-384');
  t.equal(modern.honorCipherOrder, true, 'server preference by default');
  t.equal(modern.dhparam, undefined, 'no DH parameters without DHE suites');

  const tls10 = compileProfile(resolveProfile('tls10-only'));
  t.equal(tls10.ciphers, 'ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA:DHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA:AES256-SHA:AES128-SHA:@SECLEVEL=0', 'tls10-only: SECLEVEL=0, no TLS 1.3 suites');
  t.equal(tls10.minVersion, 'TLSv1');
  t.equal(tls10.maxVersion, 'TLSv1');
  t.ok(tls10.dhparam, 'tls10-only offers DHE: DH parameters');

  t.match(compileProfile(resolveProfile('md5-chain')).ciphers, /:@SECLEVEL=0:TLS_AES_256_GCM_SHA384/, 'md5-chain: SECLEVEL=0 before the TLS 1.3 names');
  t.match(compileProfile(resolveProfile('sha1-chain')).ciphers, /@SECLEVEL=0/, 'sha1-chain: SECLEVEL=0');
  t.match(compileProfile(resolveProfile('rsa-1024')).ciphers, /@SECLEVEL=[01]/, 'rsa-1024: below level 2');
  t.match(compileProfile(resolveProfile('dhe-1024')).ciphers, /^DHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=1$/, 'dhe-1024: SECLEVEL=1');
  t.match(compileProfile(resolveProfile('dhe-1024+md5-chain')).ciphers, /@SECLEVEL=0$/, 'dhe-1024+md5-chain: the chain pulls it to 0');
  t.match(compileProfile(resolveProfile('dhe-only')).ciphers, /@SECLEVEL=2$/, 'dhe-only: level 2');
  t.equal(securityLevel(resolveProfile('modern', { securityLevel: 1 })), 1, 'explicit level wins');

  for (const p of CATALOGUE) {
    const r = resolveProfile(p.name);
    const c = compileProfile(r);
    for (const name of c.ciphers!.split(':')) {
      if (name.startsWith('@SECLEVEL=') || name === 'DEFAULT') continue;
      t.ok(r.ciphers?.some((iana) => suiteByIana(iana)?.openssl === name) || suiteByIana(name)?.tls13, `${p.name}: ${name} comes from the profile`);
    }
  }
});

t.test('compileProfile: DH parameters', async (t) => {
  for (const [name, bits] of [['dhe-only', 2048], ['dhe-1024', 1024], ['tls10-only', 2048], ['tls11-max', 2048]] as const) {
    const c = compileProfile(resolveProfile(name));
    t.ok(typeof c.dhparam === 'string' && c.dhparam.startsWith('-----BEGIN DH PARAMETERS-----\n'), `${name}: PEM DH parameters`);
    t.equal(c.dhparam, dhParamsPem(bits), `${name}: ${bits}-bit group`);
    t.doesNotThrow(() => labSecureContext({ dhparam: c.dhparam, ciphers: c.ciphers, minVersion: c.minVersion, maxVersion: c.maxVersion }), `${name}: node accepts the parameters`);
  }
  // The modulus really is the size claimed: DER length of the prime.
  for (const bits of [1024, 2048, 3072, 4096]) {
    const pem = dhParamsPem(bits);
    const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
    t.equal(der[0], 0x30, `${bits}: a DER SEQUENCE`);
    t.doesNotThrow(() => labSecureContext({ dhparam: pem, ciphers: 'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0' }), `${bits}-bit parameters accepted`);
  }
  t.throws(() => dhParamsPem(512), /no built-in DH group of 512 bits/);
  t.notOk(compileProfile(resolveProfile('rsa-kex-only')).dhparam, 'rsa-kex-only: no DH parameters');
});

t.test('compileProfile: bad suites and groups are usage errors', async (t) => {
  usageError(t, () => compileProfile(resolveProfile('modern', { ciphers: ['TLS_FOO_BAR'] })), ['TLS_FOO_BAR', 'unknown cipher suite'], 'unknown suite');
  usageError(t, () => compileProfile(resolveProfile('modern', { ciphers: ['TLS_RSA_WITH_RC4_128_SHA'] })), ['TLS_RSA_WITH_RC4_128_SHA', 'cannot be negotiated'], 'RC4');
  usageError(t, () => compileProfile(resolveProfile('modern', { tls13Ciphers: ['TLS_FOO'] })), ['TLS_FOO', 'not a TLS 1.3 cipher suite'], 'unknown TLS 1.3 suite');
  usageError(t, () => compileProfile(resolveProfile('modern', { groups: ['X999'] })), ['"X999"', 'group'], 'unknown group');
  for (const g of ['X25519', 'P-256', 'P-384', 'P-521', 'X448', 'ffdhe2048']) {
    t.doesNotThrow(() => compileProfile(resolveProfile('modern', { groups: [g] })), `group ${g} accepted`);
  }
});

t.test('every catalogue profile compiles into a secure context with its chain', async (t) => {
  for (const p of CATALOGUE) {
    const profile = resolveProfile(p.name);
    const material = await getChain(profile.chain!, { dir: DEFAULT_CERTS_DIR, name: chainName(profile) });
    const options = compileProfile(profile, material);
    t.doesNotThrow(() => labSecureContext(options), `${p.name} compiles`);
    t.equal(options.key, material.key);
    t.equal(options.cert, material.cert);
  }
  // The weak chains need the level the compiler picked: at level 2 OpenSSL refuses them.
  const md5 = resolveProfile('md5-chain');
  const material = await getChain(md5.chain!, { dir: DEFAULT_CERTS_DIR, name: chainName(md5) });
  t.throws(() => createSecureContext({ ...compileProfile(md5, material), ciphers: 'DEFAULT' }), 'md5 chain refused at the default level');
  // Pinned to TLS 1.3 (--min-version TLSv1.3): no TLS ≤ 1.2 suite can be chosen, yet the context builds.
  for (const name of CATALOGUE.filter((p) => p.kind === 'tls' && (p.maxVersion ?? 'TLSv1.3') === 'TLSv1.3' && !p.quirks).map((p) => p.name)) {
    const only13 = resolveProfile(name, { minVersion: 'TLSv1.3' });
    const m = await getChain(only13.chain!, { dir: DEFAULT_CERTS_DIR, name: chainName(only13) });
    t.doesNotThrow(() => createSecureContext(compileProfile(only13, m)), `${name} --min-version TLSv1.3 compiles`);
  }
  // Every TLS personality combined with every certificate personality.
  for (const tls of CATALOGUE.filter((p) => p.kind === 'tls')) {
    for (const cert of CATALOGUE.filter((p) => p.kind === 'cert')) {
      const profile = resolveProfile(`${tls.name}+${cert.name}`);
      const m = await getChain(profile.chain!, { dir: DEFAULT_CERTS_DIR, name: chainName(profile) });
      t.doesNotThrow(() => labSecureContext(compileProfile(profile, m)), `${profile.name} compiles`);
    }
  }
});

t.test('extension fields, server order and DH auto compile to OpenSSL options', async (t) => {
  const { constants } = await import('node:crypto');
  const { SSL_OP_NO_EXTENDED_MASTER_SECRET } = await import('../../src/profiles/compile.js');
  const { autoDhBits, serverKeyExchange } = await import('../../src/tls/key-exchange.js');
  const old = compileProfile(resolveProfile('tls10-only'));
  t.equal(old.secureOptions, constants.SSL_OP_NO_ENCRYPT_THEN_MAC | SSL_OP_NO_EXTENDED_MASTER_SECRET | constants.SSL_OP_NO_TICKET, 'tls10-only: no ETM, no EMS, no tickets');
  t.equal(old.honorCipherOrder, true);
  const schannel = compileProfile(resolveProfile('exchange-2010-sp3'));
  t.equal(schannel.secureOptions, constants.SSL_OP_NO_ENCRYPT_THEN_MAC | constants.SSL_OP_NO_TICKET, 'Schannel after MS15-121: EMS kept');
  const postfix = compileProfile(resolveProfile('postfix-3.7-default'));
  t.equal(postfix.secureOptions, undefined, 'postfix-3.7-default: every extension OpenSSL answers');
  t.equal(postfix.honorCipherOrder, false, 'postfix-3.7-default: client order');
  t.equal(postfix.dhparam, 'auto', 'postfix-3.7-default: OpenSSL picks the DH size');
  t.match(postfix.ciphers, /ADH-AES256-GCM-SHA384:.*@SECLEVEL=0/, 'anonymous suites, at level 0');
  t.equal(compileProfile(resolveProfile('tls10-only', { extendedMasterSecret: true })).secureOptions, constants.SSL_OP_NO_ENCRYPT_THEN_MAC | constants.SSL_OP_NO_TICKET, 'an override turns one back on');
  usageError(t, () => resolveProfile('modern', { dhBits: 1536 as 1024 }), ['--dh-bits', '"1536"', 'auto'], 'dhBits outside the list');
  t.same([autoDhBits('TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', 2048), autoDhBits('TLS_DH_anon_WITH_AES_256_GCM_SHA384'), autoDhBits('TLS_DH_anon_WITH_AES_128_CBC_SHA'), autoDhBits('TLS_DHE_RSA_WITH_AES_128_CBC_SHA', 1024)], [2048, 3072, 1024, 1024], 'OpenSSL auto DH sizes (what the real Postfix showed: 2048 / 3072 / 1024)');
  t.same(serverKeyExchange('TLSv1.2', 'TLS_DH_anon_WITH_AES_256_CBC_SHA', undefined, resolveProfile('postfix-3.7-default'), 2048), { type: 'DHE', bits: 3072, source: 'configured' }, 'records say what auto chose');
});
