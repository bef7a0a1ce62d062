import t from 'tap';
import net from 'node:net';
import tls from 'node:tls';
import { spawn } from 'node:child_process';
import { parseClientHello, type ClientHelloParse } from '../../src/tls/client-hello.js';
import type { ClientHelloSummary } from '../../src/model/client-hello.js';
import { decide } from '../../src/handshake/quirk-gate.js';
import { buildClientHello, type HelloExtension } from '../../src/tls/client-hello-builder.js';
import { CONTENT_TYPE, writeRecords } from '../../src/tls/record-layer.js';
import { buildSslv2Hello } from '../../src/tls/sslv2-hello-builder.js';

// --- Capturing real hellos: a raw listener on loopback and a real client that talks to it ---

type Start = (port: number) => () => void;

/** Starts a client against a fresh 127.0.0.1 listener and returns the first bytes up to a whole hello. */
function capture(start: Start): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let stop = (): void => {};
    const server = net.createServer((socket) => {
      let got = Buffer.alloc(0);
      socket.on('error', () => {});
      socket.on('data', (d: Buffer) => {
        got = Buffer.concat([got, d]);
        if (parseClientHello(got).status === 'incomplete') return;
        clearTimeout(timer);
        socket.destroy();
        server.close();
        stop();
        resolve(got);
      });
    });
    const timer = setTimeout(() => {
      server.close();
      stop();
      reject(new Error('no ClientHello within 5 s'));
    }, 5000);
    server.listen(0, '127.0.0.1', () => {
      stop = start((server.address() as net.AddressInfo).port);
    });
  });
}

const opensslClient =
  (...args: string[]): Start =>
  (port) => {
    const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, ...args], { stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', () => {});
    return () => child.kill();
  };

const nodeClient =
  (opts: tls.ConnectionOptions): Start =>
  (port) => {
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...opts });
    socket.on('error', () => {});
    return () => socket.destroy();
  };

const CLIENTS = {
  opensslTls1: opensslClient('-tls1', '-cipher', 'DEFAULT@SECLEVEL=0', '-servername', 'mx1.example.test'),
  opensslTls12: opensslClient('-tls1_2', '-cipher', 'DEFAULT@SECLEVEL=0'),
  opensslTls13: opensslClient('-tls1_3', '-servername', 'mx13.example.test'),
  opensslAlpn: opensslClient('-alpn', 'smtp,h2', '-servername', 'alpn.example.test'),
  nodeDefault: nodeClient({ servername: 'mail.example.org', ALPNProtocols: ['smtp'] }),
  nodeTls1: nodeClient({ minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0', servername: 'old.example.org' }),
  nodeTls13: nodeClient({ minVersion: 'TLSv1.3', servername: 'new.example.org' }),
  nodeTls10to12: nodeClient({ minVersion: 'TLSv1', maxVersion: 'TLSv1.2', ciphers: 'DEFAULT@SECLEVEL=0' }),
} as const;
type ClientName = keyof typeof CLIENTS;

const captured = new Map<ClientName, Buffer>();
t.before(async () => {
  await Promise.all(
    Object.entries(CLIENTS).map(async ([name, start]) => captured.set(name as ClientName, await capture(start))),
  );
});

function real(name: ClientName): Buffer {
  const b = captured.get(name);
  if (b === undefined) throw new Error(`no capture for ${name}`);
  return b;
}

function ok(r: ClientHelloParse): Extract<ClientHelloParse, { status: 'ok' }> {
  if (r.status !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r;
}

function hello(buf: Buffer): ClientHelloSummary {
  return ok(parseClientHello(buf)).hello;
}

function reason(buf: Buffer): string {
  const r = parseClientHello(buf);
  return r.status === 'invalid' ? r.reason : `not invalid: ${r.status}`;
}

const names = (h: ClientHelloSummary): string[] => h.ciphers.map((c) => c.name);

// --- Hellos from src/tls/client-hello-builder.ts; corruptions are byte edits of what it writes ---

/** For extension bodies written by hand (the corruptions below). */
const u16 = (n: number): Buffer => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const vec8 = (b: Buffer): Buffer => Buffer.concat([Buffer.from([b.length]), b]);
const vec16 = (b: Buffer): Buffer => Buffer.concat([u16(b.length), b]);
const u16s = (codes: readonly number[]): Buffer => Buffer.concat(codes.map(u16));

/** An extension from the builder, or [code, body] written by hand. */
type Ext = HelloExtension | readonly [number, Buffer];

interface HelloSpec {
  readonly version?: number;
  readonly sessionId?: Buffer;
  readonly suites?: readonly number[];
  readonly compression?: readonly number[];
  /** Omit for a hello without an extensions block. */
  readonly extensions?: readonly Ext[];
  /** Raw bytes of the extensions block (inside its length prefix), instead of `extensions`. */
  readonly rawExtensions?: Buffer;
}

/** The handshake message with exactly the fields given: a fixed random, no GREASE, no padding. */
function helloMessage(spec: HelloSpec): Buffer {
  const extensions = spec.rawExtensions !== undefined ? [] : spec.extensions?.map((e): HelloExtension => ('type' in e ? e : { type: 'raw', code: e[0], body: e[1] }));
  const message = buildClientHello({
    legacyVersion: spec.version ?? 0x0303,
    random: Buffer.alloc(32, 0x5a),
    ...(spec.sessionId && { sessionId: spec.sessionId }),
    suites: spec.suites ?? [0xc02f, 0x009c, 0x00ff],
    ...(spec.compression && { compression: spec.compression }),
    ...(extensions && { extensions }),
    padding: 'none',
  }).message;
  if (spec.rawExtensions === undefined) return message;
  // The empty block's 2 length bytes replaced by a block of any bytes, and the message length fixed.
  const raw = Buffer.concat([message.subarray(0, message.length - 2), vec16(spec.rawExtensions)]);
  raw.writeUIntBE(raw.length - 4, 1, 3);
  return raw;
}

/** Wraps a handshake message in records of the given body sizes (the rest goes in a last record). */
const records = (message: Buffer, sizes: readonly number[] = []): Buffer => writeRecords(CONTENT_TYPE.handshake, 0x0301, message, { split: sizes });

const build = (spec: HelloSpec): Buffer => records(helloMessage(spec));

const ext = {
  sni: (host: string): HelloExtension => ({ type: 'server_name', host }),
  groups: (groups: readonly number[]): HelloExtension => ({ type: 'supported_groups', groups }),
  pointFormats: (formats: readonly number[]): HelloExtension => ({ type: 'ec_point_formats', formats }),
  sigalgs: (schemes: readonly number[]): HelloExtension => ({ type: 'signature_algorithms', schemes }),
  alpn: (protocols: readonly string[]): HelloExtension => ({ type: 'alpn', protocols }),
  versions: (versions: readonly number[]): HelloExtension => ({ type: 'supported_versions', versions }),
  /** Shares of the given sizes, filled with 7s (the parser reads only their groups). */
  keyShare: (shares: readonly (readonly [number, number])[]): HelloExtension => ({
    type: 'key_share',
    shares: shares.map(([group, size]) => ({ group, publicKey: Buffer.alloc(size, 7) })),
  }),
};

// --- Real hellos ---

t.test('openssl s_client -tls1 offers TLS 1.0 only, without supported_versions', async (t) => {
  const buf = real('opensslTls1');
  const r = ok(parseClientHello(buf));
  const h = r.hello;
  t.equal(h.format, 'tls');
  t.equal(h.recordVersion, 'TLSv1');
  t.equal(h.legacyVersion, 'TLSv1');
  t.equal(h.supportedVersions, undefined);
  t.same(h.offeredVersions, ['TLSv1']);
  t.equal(h.maxVersion, 'TLSv1');
  t.equal(h.sni, 'mx1.example.test');
  t.notOk(h.extensions.includes(0x002b), 'no supported_versions extension');
  t.equal(h.signatureAlgorithms, undefined, 'TLS 1.0 has no signature_algorithms');
  t.equal(h.keyShares, undefined);
  t.ok(names(h).includes('TLS_RSA_WITH_AES_128_CBC_SHA'));
  t.ok(names(h).includes('TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA'));
  t.ok(names(h).includes('TLS_EMPTY_RENEGOTIATION_INFO_SCSV'), 'OpenSSL signals RFC 5746 with the SCSV');
  t.notOk(names(h).some((n) => /GCM|CHACHA|SHA256|SHA384/.test(n)), 'no TLS 1.2-only suites');
  t.ok(h.groups?.includes('X25519'));
  t.same(h.pointFormats, [0, 1, 2]);
  t.equal(h.grease, false);
  t.equal(r.consumed, buf.length);
  t.equal(r.handshake[0], 1);
  t.equal(h.length, r.handshake.length);
  t.same(r.handshake, buf.subarray(5), 'one record: handshake is the record body');
});

t.test('openssl s_client -tls1_2 offers TLS 1.0 to 1.2 through legacy_version', async (t) => {
  const h = hello(real('opensslTls12'));
  t.equal(h.legacyVersion, 'TLSv1.2');
  t.equal(h.recordVersion, 'TLSv1');
  t.equal(h.supportedVersions, undefined);
  t.same(h.offeredVersions, ['TLSv1.2', 'TLSv1.1', 'TLSv1']);
  t.equal(h.maxVersion, 'TLSv1.2');
  t.ok(names(h).includes('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'));
  t.notOk(names(h).includes('TLS_AES_128_GCM_SHA256'), 'no TLS 1.3 suites');
  t.ok(h.signatureAlgorithms?.includes('rsa_pss_rsae_sha256'));
  t.ok(h.signatureAlgorithms?.includes('rsa_pkcs1_sha1'), 'SECLEVEL=0 adds SHA-1 signatures');
  t.equal(h.sni, undefined, 'no SNI for an IP address');
});

t.test('openssl s_client -tls1_3 offers only TLS 1.3', async (t) => {
  const h = hello(real('opensslTls13'));
  t.equal(h.legacyVersion, 'TLSv1.2', 'RFC 8446 §4.1.2: legacy_version stays 0x0303');
  t.equal(h.recordVersion, 'TLSv1');
  t.same(h.supportedVersions, ['TLSv1.3']);
  t.same(h.offeredVersions, ['TLSv1.3']);
  t.equal(h.maxVersion, 'TLSv1.3');
  t.equal(h.sni, 'mx13.example.test');
  t.same(h.keyShares, ['X25519']);
  t.ok(names(h).includes('TLS_AES_128_GCM_SHA256'));
  t.ok(names(h).includes('TLS_AES_256_GCM_SHA384'));
  t.ok(
    names(h).every((n) => n.startsWith('TLS_AES_') || n.startsWith('TLS_CHACHA20_') || n.endsWith('_SCSV')),
    'only TLS 1.3 suites (and the SCSV)',
  );
  t.ok(h.extensions.includes(0x002b) && h.extensions.includes(0x0033));
});

t.test('openssl s_client default with ALPN', async (t) => {
  const h = hello(real('opensslAlpn'));
  t.same(h.alpn, ['smtp', 'h2']);
  t.ok(h.supportedVersions?.includes('TLSv1.3'));
  t.ok(h.supportedVersions?.includes('TLSv1.2'));
  t.equal(h.offeredVersions[0], 'TLSv1.3');
  t.equal(h.sni, 'alpn.example.test');
});

t.test('node tls.connect default offers TLS 1.3 and 1.2', async (t) => {
  const h = hello(real('nodeDefault'));
  t.equal(h.legacyVersion, 'TLSv1.2');
  t.same(h.supportedVersions, ['TLSv1.3', 'TLSv1.2'], 'Node defaults to minVersion TLSv1.2');
  t.same(h.offeredVersions, ['TLSv1.3', 'TLSv1.2']);
  t.equal(h.maxVersion, 'TLSv1.3');
  t.equal(h.sni, 'mail.example.org');
  t.same(h.alpn, ['smtp']);
  t.ok(h.groups?.includes('X25519') && h.groups.includes('P-256'));
  t.ok(h.keyShares?.length);
  t.ok(names(h).includes('TLS_AES_256_GCM_SHA384'));
  t.ok(names(h).includes('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'));
  t.ok(h.signatureAlgorithms?.includes('ecdsa_secp256r1_sha256'));
  t.notOk(h.ciphers.some((c) => c.name.startsWith('0x')), 'every suite Node offers is in the table');
});

t.test('node tls.connect pinned to TLS 1.0', async (t) => {
  const h = hello(real('nodeTls1'));
  t.equal(h.legacyVersion, 'TLSv1');
  t.equal(h.supportedVersions, undefined);
  t.same(h.offeredVersions, ['TLSv1']);
  t.equal(h.sni, 'old.example.org');
});

t.test('node tls.connect with minVersion TLSv1.3', async (t) => {
  const h = hello(real('nodeTls13'));
  t.same(h.supportedVersions, ['TLSv1.3']);
  t.same(h.offeredVersions, ['TLSv1.3']);
  t.equal(h.sni, 'new.example.org');
});

t.test('node tls.connect TLS 1.0 to 1.2 at SECLEVEL=0', async (t) => {
  const h = hello(real('nodeTls10to12'));
  t.equal(h.legacyVersion, 'TLSv1.2');
  t.equal(h.supportedVersions, undefined, 'no supported_versions without TLS 1.3');
  t.same(h.offeredVersions, ['TLSv1.2', 'TLSv1.1', 'TLSv1']);
  t.ok(h.signatureAlgorithms?.includes('rsa_pkcs1_sha1'));
  t.equal(h.sni, undefined);
});

// --- Reassembly ---

t.test('every prefix of a real hello is incomplete', async (t) => {
  for (const name of Object.keys(CLIENTS) as ClientName[]) {
    const buf = real(name);
    let bad = 0;
    for (let n = 0; n < buf.length; n += 1) if (parseClientHello(buf.subarray(0, n)).status !== 'incomplete') bad += 1;
    t.equal(bad, 0, `${name}: all ${buf.length} truncations are incomplete`);
  }
});

t.test('1-byte writes: feeding a growing buffer gives the same hello once complete', async (t) => {
  const buf = real('nodeDefault');
  const whole = ok(parseClientHello(buf));
  let acc = Buffer.alloc(0);
  let result: ClientHelloParse = { status: 'incomplete' };
  for (const byte of buf) {
    acc = Buffer.concat([acc, Buffer.from([byte])]);
    result = parseClientHello(acc);
    if (result.status !== 'incomplete') break;
  }
  t.same(result, whole);
});

t.test('a hello split over two records, and over one record per byte', async (t) => {
  for (const name of ['opensslTls1', 'nodeDefault', 'opensslTls13'] as const) {
    const buf = real(name);
    const whole = ok(parseClientHello(buf));
    const message = whole.handshake;
    for (const sizes of [[1], [4], [50], [message.length - 1], Array<number>(message.length).fill(1)]) {
      const split = records(message, sizes);
      const r = ok(parseClientHello(split));
      t.same(r.hello, whole.hello, `${name} split ${sizes.length > 1 ? 'per byte' : `at ${sizes[0]}`}`);
      t.same(r.handshake, message);
      t.equal(r.consumed, split.length);
      for (let n = 0; n < split.length; n += 1) {
        if (parseClientHello(split.subarray(0, n)).status !== 'incomplete') t.fail(`${name}: prefix ${n} of a split hello`);
      }
    }
  }
});

t.test('bytes after the hello are not consumed', async (t) => {
  const buf = real('nodeTls13');
  const more = Buffer.concat([buf, Buffer.from([0x14, 0x03, 0x03, 0x00, 0x01, 0x01])]);
  const r = ok(parseClientHello(more));
  t.equal(r.consumed, buf.length);
});

// --- Hand-built hellos: versions, GREASE, extensions ---

t.test('offeredVersions without supported_versions', async (t) => {
  const sslv3 = hello(build({ version: 0x0300 }));
  t.equal(sslv3.legacyVersion, 'SSLv3');
  t.same(sslv3.offeredVersions, ['SSLv3']);
  t.equal(sslv3.extensions.length, 0, 'no extensions block at all');
  t.equal(sslv3.sni, undefined);

  const tls11 = hello(build({ version: 0x0302, extensions: [] }));
  t.same(tls11.offeredVersions, ['TLSv1.1', 'TLSv1']);

  const tls13NoExt = hello(build({ version: 0x0304 }));
  t.equal(tls13NoExt.legacyVersion, 'TLSv1.3');
  t.same(tls13NoExt.offeredVersions, ['TLSv1.2', 'TLSv1.1', 'TLSv1'], 'RFC 8446 §4.2.1: TLS 1.3 needs the extension');

  const future = hello(build({ version: 0x0305 }));
  t.equal(future.legacyVersion, '0x0305');
  t.equal(future.maxVersion, 'TLSv1.2');

  const ancient = hello(build({ version: 0x0200 }));
  t.same(ancient.offeredVersions, []);
  t.equal(ancient.maxVersion, '0x0200');

  const v2 = hello(build({ version: 0x0002 }));
  t.same(v2.offeredVersions, ['SSLv2']);
});

t.test('supported_versions: order, drafts, GREASE and unknown codes', async (t) => {
  const h = hello(build({ extensions: [ext.versions([0x0303, 0x3a3a, 0x7f17, 0x0304, 0xfefd, 0x0301])] }));
  t.same(h.supportedVersions, ['TLSv1.2', 'TLSv1.3-draft23', 'TLSv1.3', '0xfefd', 'TLSv1'], 'as sent, GREASE removed');
  t.same(h.offeredVersions, ['TLSv1.3', 'TLSv1.3-draft23', 'TLSv1.2', 'TLSv1', '0xfefd'], 'highest first');
  t.equal(h.maxVersion, 'TLSv1.3');
  t.equal(h.grease, true);

  const onlyGrease = hello(build({ version: 0x0303, extensions: [ext.versions([0x0a0a])] }));
  t.same(onlyGrease.supportedVersions, []);
  t.same(onlyGrease.offeredVersions, []);
  t.equal(onlyGrease.maxVersion, 'TLSv1.2', 'falls back to legacy_version');

  const withSsl2 = hello(build({ extensions: [ext.versions([0x0300, 0x0002])] }));
  t.same(withSsl2.offeredVersions, ['SSLv3', 'SSLv2']);
});

t.test('GREASE is removed from name lists but kept in extensions', async (t) => {
  const r = ok(
    parseClientHello(
      build({
        suites: [0x2a2a, 0x1301, 0xc02f],
        extensions: [
          [0x8a8a, Buffer.alloc(0)],
          ext.sni('grease.example'),
          ext.groups([0xdada, 0x11ec, 0x001d, 0x0017]),
          ext.sigalgs([0x0a0a, 0x0403, 0x0804]),
          ext.alpn(['\x1a\x1a', 'h2']),
          ext.versions([0x6a6a, 0x0304, 0x0303]),
          ext.keyShare([
            [0xdada, 1],
            [0x11ec, 1216],
            [0x001d, 32],
          ]),
          [0xfafa, Buffer.from([0])],
        ],
      }),
    ),
  );
  const h = r.hello;
  t.equal(h.grease, true);
  t.same(names(h), ['TLS_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256']);
  t.same(h.extensions, [0x8a8a, 0x0000, 0x000a, 0x000d, 0x0010, 0x002b, 0x0033, 0xfafa]);
  t.same(h.groups, ['X25519MLKEM768', 'X25519', 'P-256']);
  t.same(h.signatureAlgorithms, ['ecdsa_secp256r1_sha256', 'rsa_pss_rsae_sha256']);
  t.same(h.alpn, ['h2']);
  t.same(h.supportedVersions, ['TLSv1.3', 'TLSv1.2']);
  t.same(h.keyShares, ['X25519MLKEM768', 'X25519']);
  t.ok(r.handshake.length > 1216, 'a post-quantum key share fits in one record');

  t.equal(hello(build({ suites: [0x0a0a, 0x002f] })).grease, true, 'GREASE only in cipher suites');
  t.equal(hello(build({ extensions: [ext.sigalgs([0x0a0a, 0x0401])] })).grease, true, 'GREASE only in signature algorithms');
  t.equal(hello(build({ extensions: [ext.sni('x')] })).grease, false);
});

t.test('names: unknown codes print as hex, legacy suites by IANA name', async (t) => {
  const h = hello(
    build({
      suites: [0x0005, 0x000a, 0x0003, 0x0a0b, 0x5600],
      extensions: [
        ext.groups([0x0017, 0x6399, 0x1234]),
        ext.sigalgs([0x0201, 0x0203, 0x0101, 0x0202, 0xeeee]),
        ext.pointFormats([0]),
        [0xff01, Buffer.from([0])],
        [0x7777, Buffer.from('anything')],
      ],
    }),
  );
  t.same(names(h), [
    'TLS_RSA_WITH_RC4_128_SHA',
    'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
    'TLS_RSA_EXPORT_WITH_RC4_40_MD5',
    '0x0A,0x0B',
    'TLS_FALLBACK_SCSV',
  ]);
  t.same(h.groups, ['P-256', 'X25519Kyber768Draft00', '0x1234']);
  t.same(h.signatureAlgorithms, ['rsa_pkcs1_sha1', 'ecdsa_sha1', 'rsa_pkcs1_md5', 'dsa_sha1', '0xeeee']);
  t.same(h.pointFormats, [0]);
  t.same(h.extensions, [0x000a, 0x000d, 0x000b, 0xff01, 0x7777]);
});

t.test('server_name with a non-host_name entry, key_share with no shares', async (t) => {
  const sni = vec16(Buffer.concat([Buffer.from([7]), vec16(Buffer.from('other')), Buffer.from([0]), vec16(Buffer.from('host.example'))]));
  const h = hello(build({ extensions: [[0x0000, sni], ext.keyShare([])] }));
  t.equal(h.sni, 'host.example');
  t.same(h.keyShares, [], 'an empty client_shares asks for a HelloRetryRequest (RFC 8446 §4.2.8)');
});

t.test('a session id of 32 bytes is fine', async (t) => {
  t.equal(hello(build({ sessionId: Buffer.alloc(32, 1) })).length, helloMessage({ sessionId: Buffer.alloc(32, 1) }).length);
});

// --- SSLv2-compatible hello (RFC 5246 E.2) ---

/** An SSLv2-compatible hello from the builder; `type` and `extra` are corruptions written over its bytes. */
function sslv2Hello(opts: { version?: number; specs?: readonly number[]; sessionId?: number; challenge?: number; type?: number; extra?: number } = {}): Buffer {
  const built = buildSslv2Hello({
    ...(opts.version !== undefined && { version: opts.version }),
    specs: opts.specs ?? [0x010080, 0x000004, 0x000005, 0x00000a, 0x0700c0, 0x0a0a0a, 0x000a0a, 0x080080],
    sessionId: Buffer.alloc(opts.sessionId ?? 0, 2),
    challenge: Buffer.alloc(opts.challenge ?? 16, 3),
  });
  if (opts.type !== undefined) built[2] = opts.type;
  if (!opts.extra) return built;
  const longer = Buffer.concat([built, Buffer.alloc(opts.extra)]);
  longer.writeUInt16BE(0x8000 | (longer.length - 2), 0);
  return longer;
}

t.test('SSLv2-compatible ClientHello', async (t) => {
  const buf = sslv2Hello();
  const r = ok(parseClientHello(buf));
  const h = r.hello;
  t.equal(h.format, 'sslv2');
  t.equal(h.recordVersion, 'SSLv2');
  t.equal(h.legacyVersion, 'TLSv1');
  t.same(h.offeredVersions, ['TLSv1', 'SSLv2'], 'SSLv2 cipher kinds mean the client speaks SSL 2.0 too');
  t.equal(h.maxVersion, 'TLSv1');
  t.same(names(h), [
    'SSL_CK_RC4_128_WITH_MD5',
    'TLS_RSA_WITH_RC4_128_MD5',
    'TLS_RSA_WITH_RC4_128_SHA',
    'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
    'SSL_CK_DES_192_EDE3_CBC_WITH_MD5',
    '0x0A,0x0A,0x0A',
    '0x08,0x00,0x80',
  ]);
  t.equal(h.grease, true, 'a GREASE suite in a 3-byte spec');
  t.same(h.extensions, []);
  t.equal(r.consumed, buf.length);
  t.equal(h.length, buf.length - 2);
  t.same(r.handshake, buf.subarray(2));

  const tlsOnly = hello(sslv2Hello({ version: 0x0300, specs: [0x00000a] }));
  t.same(tlsOnly.offeredVersions, ['SSLv3']);
  t.equal(tlsOnly.grease, false);
  const pureV2 = hello(sslv2Hello({ version: 0x0002, specs: [0x010080], sessionId: 16, challenge: 32 }));
  t.same(pureV2.offeredVersions, ['SSLv2']);
  const weird = hello(sslv2Hello({ version: 0x0200, specs: [0x00002f] }));
  t.same(weird.offeredVersions, []);
  t.equal(weird.maxVersion, '0x0200');

  for (let n = 0; n < buf.length; n += 1) {
    if (parseClientHello(buf.subarray(0, n)).status !== 'incomplete') t.fail(`SSLv2 prefix ${n}`);
  }
  t.equal(ok(parseClientHello(Buffer.concat([buf, Buffer.from('tail')]))).consumed, buf.length);
});

t.test('SSLv2 hello corruptions', async (t) => {
  t.match(reason(sslv2Hello({ type: 4 })), /^SSLv2 message type 4, want 1 \(CLIENT-HELLO\): first bytes 80 /);
  t.equal(reason(Buffer.from([0x80, 0x05, 0x01, 0x03, 0x01, 0, 0, 0])), 'SSLv2 CLIENT-HELLO length 5 is shorter than its 9-byte header');
  t.equal(reason(sslv2Hello({ specs: [] })), 'SSLv2 cipher_spec_length 0 is not a positive multiple of 3');
  const bad = sslv2Hello();
  bad.writeUInt16BE(22, 5);
  t.equal(reason(bad), 'SSLv2 cipher_spec_length 22 is not a positive multiple of 3');
  t.equal(reason(sslv2Hello({ sessionId: 8 })), 'SSLv2 session_id_length 8, want 0 or 16');
  t.equal(reason(sslv2Hello({ challenge: 8 })), 'SSLv2 challenge_length 8, want 16 to 32');
  t.equal(reason(sslv2Hello({ challenge: 33 })), 'SSLv2 challenge_length 33, want 16 to 32');
  t.equal(reason(sslv2Hello({ extra: 3 })), '3 bytes after challenge in the SSLv2 hello');
  const short = sslv2Hello();
  short.writeUInt16BE(0x8000 | (short.length - 2 - 10), 0);
  t.match(reason(short), /^the SSLv2 hello ends inside /);
});

// --- Precise reasons ---

t.test('not TLS at all, or the wrong record', async (t) => {
  t.equal(reason(Buffer.from('EHLO x\r\n')), 'not a TLS record: first bytes 45 48 4c 4f 20 78 0d 0a ("EHLO x\\r\\n")');
  t.equal(reason(Buffer.from('E')), 'not a TLS record: first bytes 45 ("E")');
  t.equal(reason(Buffer.from('GET / HTTP/1.1\r\n')), 'not a TLS record: first bytes 47 45 54 20 2f 20 48 54 ("GET / HT")');
  t.equal(reason(Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x28])), 'record type 21 (alert), want 22 (handshake)');
  t.equal(reason(Buffer.from([0x15, 0x03])), 'record type 21 (alert), want 22 (handshake)');
  t.equal(reason(Buffer.from([0x15])), 'record type 21 (alert), want 22 (handshake)', 'one byte is enough to refuse');
  t.equal(reason(Buffer.from([0x17, 0x00, 0x00])), 'not a TLS record: first bytes 17 00 00 ("\\u0017\\u0000\\u0000")');
  t.equal(reason(Buffer.from([0x16, 0x02, 0x00, 0x00, 0x10])), 'record version 0x0200, want 0x03xx');
  t.equal(reason(Buffer.from([0x16, 0x04])), 'record version 0x04??, want 0x03xx');
  t.equal(reason(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x00])), 'empty handshake record (RFC 8446 §5.1 forbids them)');
  t.equal(reason(Buffer.from([0x16, 0x03, 0x01, 0x4e, 0x20])), 'record length 20000 exceeds 16384 (RFC 8446 §5.1)');
  t.equal(reason(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x40, 0x02])), 'handshake type 2 (ServerHello), want 1 (ClientHello)');
  t.equal(reason(Buffer.from([0x16, 0x03, 0x03, 0x00, 0x40, 0x63])), 'handshake type 99 (unknown), want 1 (ClientHello)');
  t.equal(parseClientHello(Buffer.alloc(0)).status, 'incomplete');
});

t.test('bad records after the first', async (t) => {
  const message = helloMessage({ extensions: [ext.sni('a.example')] });
  const split = records(message, [10]);
  const second = 5 + 10;
  const appData = Buffer.from(split);
  appData[second] = 23;
  t.equal(reason(appData), 'record 2: record type 23 (application_data), want 22 (handshake)');
  t.equal(reason(Buffer.concat([split.subarray(0, second), Buffer.from([0x15])])), 'record 2: record type 21 (alert), want 22 (handshake)');
  const badVersion = Buffer.from(split);
  badVersion[second + 1] = 0x01;
  t.equal(reason(badVersion), 'record 2: record version 0x0101, want 0x03xx');
  const empty = Buffer.concat([split.subarray(0, second), Buffer.from([0x16, 0x03, 0x01, 0x00, 0x00])]);
  t.equal(reason(empty), 'record 2: empty handshake record (RFC 8446 §5.1 forbids them)');
  const trailing = records(Buffer.concat([message, Buffer.from([0x0b, 0, 0, 0])]));
  t.equal(reason(trailing), '4 bytes follow the ClientHello in its last record');
  t.equal(parseClientHello(split.subarray(0, second + 3)).status, 'incomplete');
});

t.test('body corruptions', async (t) => {
  const oddSuites = helloMessage({ suites: [0x002f, 0x0035, 0x000a] });
  oddSuites.writeUInt16BE(7, 4 + 2 + 32 + 1);
  t.equal(reason(records(oddSuites)), 'cipher_suites length 7 is odd');

  const longSuites = helloMessage({});
  longSuites.writeUInt16BE(0x0100, 4 + 2 + 32 + 1);
  t.equal(reason(records(longSuites)), 'cipher_suites length 256 overruns the hello (8 bytes left)');

  t.equal(reason(build({ suites: [] })), 'cipher_suites is empty');
  t.equal(reason(build({ compression: [] })), 'compression_methods is empty');
  t.equal(reason(build({ sessionId: Buffer.alloc(33) })), 'session_id length 33 exceeds 32');

  t.equal(
    reason(build({ rawExtensions: Buffer.concat([u16(0x002b), u16(9), Buffer.alloc(4)]) })),
    'extension 0x002b length 9 overruns the hello (4 bytes left)',
  );
  t.equal(reason(build({ rawExtensions: Buffer.from([0x00]) })), 'the hello ends inside extension type (1 of 2 bytes)');
  t.equal(reason(build({ rawExtensions: Buffer.from([0x00, 0x0a, 0x00]) })), 'the hello ends inside extension 0x000a length (1 of 2 bytes)');

  const overExtensions = helloMessage({ extensions: [ext.sni('x.example')] });
  overExtensions.writeUInt16BE(overExtensions.readUInt16BE(overExtensions.length - 20) + 5, overExtensions.length - 20);
  t.match(reason(records(overExtensions)), /^extensions length \d+ overruns the hello \(\d+ bytes left\)$/);

  const afterExtensions = Buffer.concat([helloMessage({ extensions: [] }), Buffer.from([1, 2])]);
  afterExtensions.writeUIntBE(afterExtensions.length - 4, 1, 3);
  t.equal(reason(records(afterExtensions)), '2 bytes after extensions in the hello');

  const oneByteExt = Buffer.concat([helloMessage({}), Buffer.from([0])]);
  oneByteExt.writeUIntBE(oneByteExt.length - 4, 1, 3);
  t.equal(reason(records(oneByteExt)), 'the hello ends inside extensions length (1 of 2 bytes)');

  const truncatedBody = helloMessage({}).subarray(0, 20);
  truncatedBody.writeUIntBE(16, 1, 3);
  t.equal(reason(records(truncatedBody)), 'the hello ends inside random (14 of 32 bytes)');

  t.equal(
    reason(build({ extensions: [ext.sni('a.example'), ext.groups([23]), ext.sni('b.example')] })),
    'extension 0x0000 (server_name) sent twice',
  );
});

t.test('extension content corruptions', async (t) => {
  const cases: [Ext, string][] = [
    [[0x0000, Buffer.alloc(0)], 'the server_name extension ends inside server_name_list length (0 of 2 bytes)'],
    [[0x0000, vec16(Buffer.alloc(0))], 'server_name_list is empty'],
    [[0x0000, Buffer.concat([vec16(Buffer.alloc(0)), Buffer.from([0])])], '1 byte after server_name_list in the server_name extension'],
    [[0x0000, vec16(Buffer.from([0, 0, 0]))], 'host_name is empty'],
    [[0x0000, vec16(Buffer.from([0, 0, 9, 0x61]))], 'host_name length 9 overruns the server_name_list (1 byte left)'],
    [[0x0000, vec16(Buffer.concat([Buffer.from([0]), vec16(Buffer.from('a')), Buffer.from([0]), vec16(Buffer.from('b'))]))], 'server_name_list has two host_names'],
    [[0x0000, vec16(Buffer.concat([Buffer.from([5]), vec16(Buffer.from('a'))]))], 'server_name_list has no host_name'],
    [[0x0000, Buffer.from([0x00, 0x10, 0x00])], 'server_name_list length 16 overruns the server_name extension (1 byte left)'],
    [[0x000a, vec16(Buffer.alloc(0))], 'named_group_list is empty'],
    [[0x000a, Buffer.from([0x00, 0x03, 0x00, 0x17, 0x00])], 'named_group_list length 3 is odd'],
    [[0x000a, Buffer.concat([vec16(u16s([23])), Buffer.from([0])])], '1 byte after named_group_list in the supported_groups extension'],
    [[0x000b, vec8(Buffer.alloc(0))], 'ec_point_format_list is empty'],
    [[0x000b, Buffer.from([0x05, 0x00])], 'ec_point_format_list length 5 overruns the ec_point_formats extension (1 byte left)'],
    [[0x000d, vec16(Buffer.alloc(0))], 'supported_signature_algorithms is empty'],
    [[0x0010, vec16(Buffer.alloc(0))], 'protocol_name_list is empty'],
    [[0x0010, vec16(Buffer.from([0]))], 'ALPN protocol name is empty'],
    [[0x0010, Buffer.concat([vec16(vec8(Buffer.from('h2'))), Buffer.from([9])])], '1 byte after protocol_name_list in the application_layer_protocol_negotiation extension'],
    [[0x002b, vec8(Buffer.alloc(0))], 'versions is empty'],
    [[0x002b, Buffer.from([0x03, 0x03, 0x04, 0x03])], 'versions length 3 is odd'],
    [[0x002b, Buffer.from([0x04, 0x03, 0x04])], 'versions length 4 overruns the supported_versions extension (2 bytes left)'],
    [[0x0033, vec16(Buffer.from([0x00, 0x1d, 0x00, 0x00]))], 'key_exchange for X25519 is empty'],
    [[0x0033, vec16(Buffer.from([0x00, 0x1d, 0x00, 0x20, 1]))], 'key_exchange for X25519 length 32 overruns the client_shares (1 byte left)'],
    [[0x0033, vec16(Buffer.from([0x00]))], 'the client_shares ends inside key share group (1 of 2 bytes)'],
    [[0x0033, Buffer.concat([vec16(Buffer.alloc(0)), Buffer.from([0])])], '1 byte after client_shares in the key_share extension'],
  ];
  for (const [extension, want] of cases) t.equal(reason(build({ extensions: [extension] })), want, want);
});

// --- Never throws ---

/** mulberry32: a small seeded PRNG so a failing fuzz case can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

t.test('truncations at every offset of corrupted hellos never throw', async (t) => {
  const base = real('nodeDefault');
  let checked = 0;
  for (const at of [3, 4, 9, 43, 44, 100, 200, base.length - 3]) {
    const bad = Buffer.from(base);
    bad[at] = (bad[at]! + 0x41) & 0xff;
    for (let n = 0; n <= bad.length; n += 1) {
      const status = parseClientHello(bad.subarray(0, n)).status;
      if (status !== 'incomplete' && status !== 'invalid' && !(status === 'ok' && n === bad.length)) {
        t.fail(`corrupt at ${at}, prefix ${n}: ${status}`);
      }
      checked += 1;
    }
  }
  t.ok(checked > 2000);
});

const EVERY_QUIRK = {
  intolerantAbove: 'TLSv1.1',
  intolerantOfTls13: true,
  intolerantHelloSizes: { min: 300, max: 301 },
  imitateLegacySuites: ['TLS_RSA_WITH_RC4_128_SHA', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA'],
} as const;

t.test('100,000 random and mutated buffers never throw', async (t) => {
  const rand = prng(0x6d786c61); // "mxla"
  const int = (n: number): number => Math.floor(rand() * n);
  const bases = [...captured.values(), sslv2Hello(), build({ extensions: [ext.versions([0x0a0a, 0x0304]), ext.keyShare([[0x001d, 32]])] })];
  const counts = { ok: 0, incomplete: 0, invalid: 0 };
  for (let i = 0; i < 100000; i += 1) {
    let buf: Buffer;
    const kind = i % 6;
    if (kind === 5) {
      // Bad extensions: known types with random bodies, some sent twice, some with GREASE types.
      const types = [0x0000, 0x000a, 0x000b, 0x000d, 0x0010, 0x002b, 0x0033, 0xff01, 0x0a0a, int(0x10000)];
      const exts: Ext[] = [];
      for (let e = int(5); e >= 0; e -= 1) exts.push([types[int(types.length)]!, Buffer.from(Array.from({ length: int(12) }, () => (rand() < 0.3 ? 0 : int(256))))]);
      buf = build({ extensions: exts, suites: Array.from({ length: 1 + int(4) }, () => int(0x10000)) });
    } else if (kind === 0) {
      buf = Buffer.from(Array.from({ length: int(64) }, () => int(256)));
      if (rand() < 0.5 && buf.length > 0) buf[0] = 0x16;
    } else {
      buf = Buffer.from(bases[int(bases.length)]!);
      const edits = 1 + int(4);
      for (let e = 0; e < edits; e += 1) {
        const at = int(buf.length);
        if (kind === 1) buf[at] = int(256);
        else if (kind === 2 && at + 1 < buf.length) buf.writeUInt16BE(rand() < 0.5 ? int(0x10000) : buf.readUInt16BE(at) + int(5) - 2 & 0xffff, at);
        else if (kind === 3) buf = buf.subarray(0, at);
        else buf = Buffer.concat([buf.subarray(0, at), Buffer.from([int(256), int(256)]), buf.subarray(at)]);
      }
    }
    const r = parseClientHello(buf);
    counts[r.status] += 1;
    if (r.status === 'ok') {
      if (r.consumed > buf.length || r.hello.length !== r.handshake.length) t.fail(`inconsistent ok for case ${i}`);
      if (!/^t(1[0-3]|s[23]|d[123]|00)[di]\d{4}[0-9A-Za-z]{2}_[0-9a-f]{12}_[0-9a-f]{12}$/.test(r.hello.ja4 ?? '')) t.fail(`bad JA4 ${r.hello.ja4} for case ${i}`);
      // The quirk gate reads every field of what the parser accepted: it must not throw either.
      decide(EVERY_QUIRK, r.hello, undefined, { min: 'TLSv1', max: 'TLSv1.2' });
    } else if (r.status === 'invalid' && (typeof r.reason !== 'string' || r.reason.length === 0)) {
      t.fail(`empty reason for case ${i}`);
    }
  }
  t.equal(counts.ok + counts.incomplete + counts.invalid, 100000);
  t.ok(counts.invalid > 1000, `invalid: ${counts.invalid}`);
  t.ok(counts.incomplete > 100, `incomplete: ${counts.incomplete}`);
  t.ok(counts.ok > 100, `ok: ${counts.ok}`);
});
