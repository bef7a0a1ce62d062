import { randomBytes } from 'node:crypto';
import t, { type Test } from 'tap';
import { buildClientHello, type ClientHelloSpec } from '../../src/tls/client-hello-builder.js';
import { helloShape } from '../../src/tls/hello-shape-cache.js';

/**
 * The hello shape cache must never change an answer: a hello that differs from one seen before only
 * in its per-connection bytes (random, session id, key_share keys, ticket, PSK, padding contents) gets
 * exactly the summary a cold parser gives it, and any other difference is a new shape.
 */

type Parse = typeof import('../../src/tls/client-hello.js').parseClientHello;
const fresh = async (t: Test): Promise<Parse> => (await t.mockImport<typeof import('../../src/tls/client-hello.js')>('../../src/tls/client-hello.js')).parseClientHello;

const SPECS: Record<string, () => ClientHelloSpec> = {
  'TLS 1.2, no extensions block': () => ({ legacyVersion: 0x0301, suites: [0x002f, 0x0035, 0x000a] }),
  'TLS 1.3 like openssl: SNI, groups, sigalgs, ALPN, X25519 share, 32-byte session id, ticket': () => ({
    sessionId: randomBytes(32),
    suites: [0x1302, 0x1303, 0x1301, 0xc02c, 0xc030, 0xc02b, 0xc02f],
    extensions: [
      { type: 'server_name', host: 'mx.example.net' },
      { type: 'ec_point_formats' },
      { type: 'supported_groups', groups: [0x001d, 0x0017, 0x0018] },
      { type: 'session_ticket', ticket: randomBytes(48) },
      { type: 'alpn', protocols: ['smtp'] },
      { type: 'signature_algorithms', schemes: [0x0403, 0x0804, 0x0401] },
      { type: 'supported_versions', versions: [0x0304, 0x0303] },
      { type: 'psk_key_exchange_modes' },
      { type: 'key_share', shares: [0x001d] },
      { type: 'raw', code: 0x0029, body: randomBytes(40) },
    ],
  }),
  'hygienic padding, two key shares': () => ({ suites: [0x1301, 0xc02f], extensions: [{ type: 'supported_versions', versions: [0x0304] }, { type: 'key_share', shares: [0x001d, 0x0017] }, { type: 'supported_groups', groups: [0x001d, 0x0017] }] }),
};

t.test('a repeat of a known shape gets the summary a cold parser gives it', async (t) => {
  const warm = await fresh(t);
  for (const [name, spec] of Object.entries(SPECS)) {
    const first = buildClientHello(spec());
    const again = buildClientHello(spec());
    t.not(again.bytes.toString('hex'), first.bytes.toString('hex'), `${name}: the two hellos differ on the wire`);
    t.equal(helloShape(again.message, 0x0301), helloShape(first.message, 0x0301), `${name}: but have the same shape`);
    const seen = warm(first.bytes);
    t.equal(seen.status, 'ok');
    const hit = warm(again.bytes);
    const cold = (await fresh(t))(again.bytes);
    t.same(hit, cold, `${name}: cached summary = cold parse`);
    t.equal(hit.status === 'ok' && hit.hello.random, again.random.toString('hex'), `${name}: with this hello's own random`);
  }
});

t.test('anything else that differs is a different shape', async (t) => {
  const parse = await fresh(t);
  const base = SPECS['TLS 1.3 like openssl: SNI, groups, sigalgs, ALPN, X25519 share, 32-byte session id, ticket']!();
  const a = buildClientHello(base);
  const b = buildClientHello({ ...base, extensions: base.extensions!.map((e) => (e.type === 'server_name' ? { ...e, host: 'other.example.net' } : e)) });
  const c = buildClientHello({ ...base, suites: [...base.suites].reverse() });
  const d = buildClientHello({ ...base, recordVersion: 0x0303 });
  const shapes = new Set([a, b, c].map((h) => helloShape(h.message, 0x0301)));
  shapes.add(helloShape(d.message, 0x0303));
  t.equal(shapes.size, 4, 'SNI, suite order and record version each make a new shape');
  // GREASE values are drawn anew per hello (as Chrome does) and the summary keeps the codes as sent.
  const g1 = buildClientHello({ grease: true, suites: [0x1301] });
  const g2 = buildClientHello({ grease: true, suites: [0x1301] });
  if (g1.suites[0] !== g2.suites[0]) t.not(helloShape(g2.message, 0x0301), helloShape(g1.message, 0x0301), 'other GREASE values: another shape');
  parse(a.bytes);
  const sb = parse(b.bytes);
  t.equal(sb.status === 'ok' && sb.hello.sni, 'other.example.net', 'a new SNI is read, not taken from the cache');
  const sc = parse(c.bytes);
  t.same(sc.status === 'ok' && sc.hello.ciphers.map((x) => x.code), [...base.suites].reverse(), 'so is a new suite order');
  const sd = parse(d.bytes);
  t.equal(sd.status === 'ok' && sd.hello.recordVersion, 'TLSv1.2');
});

t.test('a hello whose framing does not add up has no shape (the full parser says why)', async (t) => {
  const h = buildClientHello({ suites: [0x1301], extensions: [{ type: 'supported_versions', versions: [0x0304] }] });
  const cut = Buffer.from(h.message);
  cut.writeUInt16BE(cut.readUInt16BE(cut.length - 7) + 9, cut.length - 7);
  t.equal(helloShape(cut.subarray(0, cut.length - 1), 0x0301), undefined);
});
