import { execFileSync } from 'node:child_process';
import { createECDH } from 'node:crypto';
import fc from 'fast-check';
import t from 'tap';
import type { ClientHelloSummary } from '../../src/model/client-hello.js';
import { isGrease } from '../../src/tls/cipher-suites.js';
import { buildClientHello, type BuiltClientHello, type ClientHelloSpec, type HelloExtension } from '../../src/tls/client-hello-builder.js';
import { parseClientHello } from '../../src/tls/client-hello.js';
import { FFDHE_GROUPS, ffdhePrime } from '../../src/tls/ffdhe-groups.js';
import { generateKeyShare, sharedSecret } from '../../src/tls/key-share.js';
import { RecordReader } from '../../src/tls/record-layer.js';
import { groupName, signatureSchemeName, versionName } from '../../src/tls/registry.js';
import { buildSslv2Hello } from '../../src/tls/sslv2-hello-builder.js';

/**
 * The ClientHello builder against the ClientHello parser (src/tls/client-hello.ts): what goes in comes
 * out, GREASE where Chrome puts it, the padding rules real clients learned, key shares that are real
 * keys, and the RFC 7919 primes checked against the ones OpenSSL has built in.
 */

function parsed(built: BuiltClientHello): { hello: ClientHelloSummary; consumed: number; handshake: Buffer } {
  const r = parseClientHello(built.bytes);
  if (r.status !== 'ok') throw new Error(`the parser refused a built hello: ${JSON.stringify(r)}`);
  return r;
}

/** [code, body length] of each extension of a built hello, read from its bytes. */
function extensionBodies(message: Buffer): [number, number][] {
  let p = 4 + 2 + 32;
  p += 1 + message[p]!;
  p += 2 + message.readUInt16BE(p);
  p += 1 + message[p]!;
  const out: [number, number][] = [];
  if (p === message.length) return out;
  const end = p + 2 + message.readUInt16BE(p);
  for (p += 2; p < end; ) {
    const length = message.readUInt16BE(p + 2);
    out.push([message.readUInt16BE(p), length]);
    p += 4 + length;
  }
  return out;
}

const FULL: ClientHelloSpec = {
  legacyVersion: 0x0303,
  suites: [0x1301, 0x1302, 0xc02f, 0x009f, 0x00ff],
  extensions: [
    { type: 'server_name', host: 'mx.example.org' },
    { type: 'supported_groups', groups: [0x001d, 0x0017, 0x0018, 0x0100] },
    { type: 'ec_point_formats', formats: [0, 1] },
    { type: 'signature_algorithms', schemes: [0x0804, 0x0403, 0x0401] },
    { type: 'alpn', protocols: ['smtp', 'h2'] },
    { type: 'supported_versions', versions: [0x0304, 0x0303] },
    { type: 'key_share', shares: [0x001d, 0x0017] },
    { type: 'session_ticket' },
    { type: 'extended_master_secret' },
    { type: 'encrypt_then_mac' },
    { type: 'renegotiation_info' },
    { type: 'status_request' },
    { type: 'psk_key_exchange_modes' },
    { type: 'raw', code: 0x7777, body: Buffer.from('anything') },
  ],
  // Exactly these extensions: the padding rules have a test of their own.
  padding: 'none',
};

t.test('round trip: every field the parser reads is what the builder was given', async (t) => {
  const built = buildClientHello(FULL);
  const { hello, consumed, handshake } = parsed(built);
  t.equal(consumed, built.bytes.length);
  t.same(handshake, built.message);
  t.equal(hello.length, built.message.length);
  t.equal(hello.recordVersion, 'TLSv1', 'record version 0x0301 by default');
  t.equal(hello.legacyVersion, 'TLSv1.2');
  t.same(hello.supportedVersions, ['TLSv1.3', 'TLSv1.2']);
  t.same(hello.ciphers.map((c) => c.code), FULL.suites);
  t.same(hello.extensions, [0x0000, 0x000a, 0x000b, 0x000d, 0x0010, 0x002b, 0x0033, 0x0023, 0x0017, 0x0016, 0xff01, 0x0005, 0x002d, 0x7777], 'in the order given');
  t.same(built.extensions, hello.extensions);
  t.equal(hello.sni, 'mx.example.org');
  t.same(hello.groups, ['X25519', 'P-256', 'P-384', 'ffdhe2048']);
  t.same(hello.pointFormats, [0, 1]);
  t.same(hello.signatureAlgorithms, ['rsa_pss_rsae_sha256', 'ecdsa_secp256r1_sha256', 'rsa_pkcs1_sha256']);
  t.same(hello.alpn, ['smtp', 'h2']);
  t.same(hello.keyShares, ['X25519', 'P-256']);
  t.same(built.keyShares.map((s) => [s.group, s.publicKey.length]), [[0x001d, 32], [0x0017, 65]]);
  t.equal(hello.random, built.random.toString('hex'));
  t.equal(hello.grease, false);
  t.equal(built.records, 1);
  t.same(extensionBodies(built.message).find(([code]) => code === 0x0005), [0x0005, 5], 'status_request: ocsp, no ids, no extensions');
});

t.test('GREASE where Chrome puts it, and the parser strips it again', async (t) => {
  const built = buildClientHello({ ...FULL, grease: true, random: Buffer.alloc(32, 0x33) });
  const { hello } = parsed(built);
  t.ok(isGrease(built.suites[0]!), 'a first GREASE suite');
  t.ok(isGrease(built.extensions[0]!), 'a first GREASE extension…');
  t.ok(isGrease(built.extensions.at(-1)!), '…and a last one');
  t.not(built.extensions[0], built.extensions.at(-1), 'two different values');
  const bodies = extensionBodies(built.message);
  t.same([bodies[0]![1], bodies.at(-1)![1]], [0, 1], 'the first empty, the last 1 byte (never an empty last extension)');
  t.ok(isGrease(built.keyShares[0]!.group) && built.keyShares[0]!.publicKey.length === 1, 'a 1-byte GREASE key share first');
  t.equal(hello.grease, true);
  t.same(hello.ciphers.map((c) => c.code), FULL.suites, 'GREASE removed from the suites');
  t.same(hello.groups, ['X25519', 'P-256', 'P-384', 'ffdhe2048']);
  t.same(hello.supportedVersions, ['TLSv1.3', 'TLSv1.2']);
  t.same(hello.keyShares, ['X25519', 'P-256']);
  t.same(buildClientHello({ ...FULL, grease: true, random: Buffer.alloc(32, 0x33) }).extensions, built.extensions, 'a fixed random gives the same GREASE');
});

t.test('no extensions block at all, an SSL 3.0 record version, a hello split over records', async (t) => {
  const sslv3 = buildClientHello({ legacyVersion: 0x0300, recordVersion: 0x0300, suites: [0x000a, 0x0005] });
  const { hello } = parsed(sslv3);
  t.equal(hello.recordVersion, 'SSLv3');
  t.same(hello.offeredVersions, ['SSLv3']);
  t.same(hello.extensions, []);
  t.equal(sslv3.message.length, 4 + 2 + 32 + 1 + 2 + 4 + 2, 'ends after compression_methods');
  t.equal(sslv3.padding, undefined, 'the hygiene rules never add a block the caller left out');

  const split = buildClientHello({ ...FULL, recordSplit: [1, 3, 50] });
  t.equal(split.records, 4);
  const records = new RecordReader();
  records.push(split.bytes);
  const sizes: number[] = [];
  for (let r = records.next(); r.status === 'record'; r = records.next()) sizes.push(r.record.fragment.length);
  t.same(sizes, [1, 3, 50, split.message.length - 54]);
  t.same(parsed(split).handshake, split.message, 'reassembled by the parser');
});

t.test('padding (RFC 7685) and hello hygiene at every length from 200 to 600', async (t) => {
  const base = (filler: number, padding: ClientHelloSpec['padding']): BuiltClientHello =>
    buildClientHello({ suites: [0xc02f], extensions: [{ type: 'raw', code: 0x7777, body: Buffer.alloc(filler) }, { type: 'extended_master_secret' }], padding, random: Buffer.alloc(32) });
  const fixed = base(0, 'none').message.length;
  let checked = 0;
  for (let length = fixed; length <= 600; length += 1) {
    const natural = base(length - fixed, 'none');
    t.equal(natural.message.length, length);
    const hygienic = base(length - fixed, 'hygienic');
    const bodies = extensionBodies(hygienic.message);
    let want: number;
    if (length >= 256 && length <= 507) want = 512;
    else want = length + 5; // 508–511 cannot reach 512 with a non-empty padding extension; elsewhere the empty last extension gets 1 byte.
    if (hygienic.message.length !== want) t.fail(`${length} bytes became ${hygienic.message.length}, want ${want}`);
    if (bodies.at(-1)![1] === 0) t.fail(`${length}: an empty last extension`);
    if (bodies.at(-1)![0] !== 0x0015) t.fail(`${length}: padding is not last`);
    const summary = parsed(hygienic).hello;
    if (summary.length !== want) t.fail(`${length}: the parser counts ${summary.length}`);
    checked += 1;
  }
  t.ok(checked > 300, `${checked} lengths`);
  t.equal(extensionBodies(base(0, 'none').message).at(-1)![1], 0, "'none' leaves the empty last extension alone");

  const noEmptyLast = buildClientHello({ suites: [0xc02f], extensions: [{ type: 'server_name', host: 'x.example' }] });
  t.equal(noEmptyLast.padding, undefined, 'a short hello ending in a non-empty extension is left as it is');

  const threeHundred = buildClientHello({ suites: [0xc02f], extensions: [{ type: 'raw', code: 0x7777, body: Buffer.alloc(300 - fixed + 4) }] });
  t.equal(threeHundred.message.length, 512, 'a hello that would be 300 bytes comes out 512');
  t.equal(threeHundred.padding, 512 - 300 - 4);
});

t.test('padding to exactly n bytes', async (t) => {
  for (const n of [255, 256, 511, 512, 1000]) {
    const built = buildClientHello({ legacyVersion: 0x0303, suites: [0x002f], padding: { exactly: n } });
    t.equal(built.message.length, n, `${n} bytes`);
    t.equal(parsed(built).hello.length, n);
    t.same(built.extensions, [0x0015], 'a block made for the padding alone');
  }
  t.throws(() => buildClientHello({ suites: [0x002f], padding: { exactly: 50 } }), RangeError);
});

t.test('key shares are real keys: two of a group agree on a secret', async (t) => {
  for (const [group, size] of [[0x001d, 32], [0x001e, 56], [0x0017, 65], [0x0018, 97], [0x0019, 133], [0x0100, 256], [0x0101, 384]] as const) {
    const a = generateKeyShare(group);
    const b = generateKeyShare(group);
    t.equal(a.publicKey.length, size, `${groupName(group)}: key_exchange of ${size} bytes (RFC 8446 §4.2.8)`);
    const secret = sharedSecret(a, b.publicKey);
    t.same(secret, sharedSecret(b, a.publicKey), `${groupName(group)}: each public key belongs to its private key`);
    t.notSame(a.publicKey, b.publicKey, `${groupName(group)}: fresh keys`);
  }
  // Independent of key-share.ts: node's own ECDH object takes the P-256 point (it refuses one off the curve).
  const share = generateKeyShare(0x0017);
  const other = createECDH('prime256v1');
  other.generateKeys();
  t.same(other.computeSecret(share.publicKey), sharedSecret(share, other.getPublicKey()));
  t.throws(() => generateKeyShare(0x11ec), /no key generator for group X25519MLKEM768/);
  t.throws(() => sharedSecret({ group: 0x001d, publicKey: Buffer.alloc(32) }, Buffer.alloc(32)), /no private key/);
});

t.test('the RFC 7919 primes are the ones OpenSSL has built in', async (t) => {
  for (const [group, spec] of FFDHE_GROUPS) {
    const params = execFileSync('openssl', ['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', `group:${spec.name}`]);
    const text = execFileSync('openssl', ['asn1parse'], { input: params, encoding: 'latin1' });
    const p = /INTEGER\s*:([0-9A-F]+)/.exec(text)?.[1]?.toLowerCase();
    t.equal(ffdhePrime(group)!.toString('hex'), p, `${spec.name}: ${spec.bits} bits`);
  }
});

t.test('random hellos round-trip through the parser', async (t) => {
  const shares = [generateKeyShare(0x001d), generateKeyShare(0x0017)];
  const host = fc.stringMatching(/^[a-z0-9]([a-z0-9.-]{0,40}[a-z0-9])?$/);
  const extension: fc.Arbitrary<HelloExtension> = fc.oneof(
    host.map((h) => ({ type: 'server_name', host: h }) as const),
    fc.array(fc.integer({ min: 1, max: 0x0104 }), { minLength: 1, maxLength: 8 }).map((groups) => ({ type: 'supported_groups', groups }) as const),
    fc.array(fc.integer({ min: 0x0401, max: 0x0808 }), { minLength: 1, maxLength: 8 }).map((schemes) => ({ type: 'signature_algorithms', schemes }) as const),
    // "jj", "zz" … are GREASE ALPN ids (RFC 8701 §3.1: 0x6A6A, 0x7A7A), which the parser rightly drops.
    fc.array(fc.stringMatching(/^[a-z0-9/.]{1,12}$/).filter((p) => !(p.length === 2 && isGrease((p.charCodeAt(0) << 8) | p.charCodeAt(1)))), { minLength: 1, maxLength: 4 }).map((protocols) => ({ type: 'alpn', protocols }) as const),
    fc.array(fc.constantFrom(0x0300, 0x0301, 0x0302, 0x0303, 0x0304, 0x7f1c), { minLength: 1, maxLength: 5 }).map((versions) => ({ type: 'supported_versions', versions }) as const),
    fc.subarray(shares, { minLength: 0 }).map((s) => ({ type: 'key_share', shares: s }) as const),
  );
  fc.assert(
    fc.property(
      fc.record({
        legacyVersion: fc.constantFrom(0x0300, 0x0301, 0x0302, 0x0303),
        suites: fc.array(fc.integer({ min: 1, max: 0xffff }).filter((c) => !isGrease(c)), { minLength: 1, maxLength: 40 }),
        extensions: fc.option(fc.uniqueArray(extension, { selector: (e) => e.type, maxLength: 6 }), { nil: undefined }),
        grease: fc.boolean(),
        padding: fc.constantFrom<ClientHelloSpec['padding']>('hygienic', 'none'),
        recordSplit: fc.option(fc.array(fc.integer({ min: 1, max: 100 }), { maxLength: 4 }), { nil: undefined }),
      }),
      (spec) => {
        const built = buildClientHello(spec);
        const r = parseClientHello(built.bytes);
        if (r.status !== 'ok') throw new Error(`refused: ${r.status === 'invalid' ? r.reason : r.status}`);
        const h = r.hello;
        const find = <T extends HelloExtension['type']>(type: T): Extract<HelloExtension, { type: T }> | undefined =>
          spec.extensions?.find((e): e is Extract<HelloExtension, { type: T }> => e.type === type);
        const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
        return (
          h.length === built.message.length &&
          r.consumed === built.bytes.length &&
          h.legacyVersion === versionName(spec.legacyVersion) &&
          same(h.ciphers.map((c) => c.code), spec.suites) &&
          same(h.extensions, built.extensions) &&
          h.sni === find('server_name')?.host &&
          same(h.groups, find('supported_groups')?.groups.map(groupName)) &&
          same(h.signatureAlgorithms, find('signature_algorithms')?.schemes.map(signatureSchemeName)) &&
          same(h.alpn, find('alpn')?.protocols) &&
          same(h.supportedVersions, find('supported_versions')?.versions.map(versionName)) &&
          same(h.keyShares, find('key_share')?.shares.map((s) => groupName(typeof s === 'number' ? s : s.group))) &&
          h.grease === (spec.grease === true)
        );
      },
    ),
    { numRuns: 500 },
  );
  t.pass('500 random specs');
});

t.test('the SSLv2-compatible hello', async (t) => {
  const bytes = buildSslv2Hello({ specs: [0x010080, 0x00002f, 0x000035], challenge: Buffer.alloc(32, 9) });
  const r = parseClientHello(bytes);
  if (r.status !== 'ok') throw new Error(JSON.stringify(r));
  t.equal(r.hello.format, 'sslv2');
  t.equal(r.hello.legacyVersion, 'TLSv1');
  t.same(r.hello.ciphers.map((c) => c.code), [0x010080, 0x00002f, 0x000035]);
  t.equal(r.hello.random, Buffer.alloc(32, 9).toString('hex'), 'the challenge is the random');
  t.equal(r.consumed, bytes.length);
  t.throws(() => buildSslv2Hello({ specs: Array<number>(11000).fill(0x2f) }), RangeError);
});
