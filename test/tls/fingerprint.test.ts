import { createHash } from 'node:crypto';
import t from 'tap';
import { parseClientHello } from '../../src/tls/client-hello.js';
import { fingerprints } from '../../src/tls/fingerprint.js';
import { HandshakeReassembler } from '../../src/tls/handshake-messages.js';
import { RecordReader } from '../../src/tls/record-layer.js';
import { captureHello, installed, REAL_CLIENTS } from '../fixtures/real-clients.js';
import { runCommand } from '../fixtures/run-command.js';
import { nextRecord, portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * JA3 and JA4 checked against a second, independent computation written only here: it walks the hello
 * message itself (not with our ClientHello parser), following the JA3 README and FoxIO's JA4.md; only
 * the record framing comes from src/tls (framing exists once). tshark is not installed on these
 * machines, so this stands in for its ja3/ja4 fields.
 */

const isGrease = (v: number): boolean => (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

interface Independent {
  ja3: string;
  ja3Hash: string;
  ja4: string;
}

/** The first handshake message of a client's bytes, through the record layer. */
function helloMessage(bytes: Buffer): Buffer {
  const records = new RecordReader();
  const messages = new HandshakeReassembler();
  records.push(bytes);
  for (let r = records.next(); r.status === 'record'; r = records.next()) {
    messages.push(r.record.fragment);
    const m = messages.next();
    if (m.status === 'message') return m.message.bytes;
  }
  throw new Error('no complete handshake message in the captured bytes');
}

function independent(bytes: Buffer): Independent {
  const hs = helloMessage(bytes);
  let p = 4;
  const version = hs.readUInt16BE(p);
  p += 2 + 32;
  p += 1 + hs[p]!;
  const cipherBytes = hs.readUInt16BE(p);
  p += 2;
  const ciphers: number[] = [];
  for (let i = 0; i < cipherBytes; i += 2) ciphers.push(hs.readUInt16BE(p + i));
  p += cipherBytes;
  p += 1 + hs[p]!;
  const exts: number[] = [];
  let groups: number[] = [];
  let formats: number[] = [];
  let sigs: number[] = [];
  let versions: number[] | undefined;
  let alpn: Buffer | undefined;
  if (p < hs.length) {
    const end = p + 2 + hs.readUInt16BE(p);
    p += 2;
    while (p < end) {
      const type = hs.readUInt16BE(p);
      const len = hs.readUInt16BE(p + 2);
      const body = hs.subarray(p + 4, p + 4 + len);
      p += 4 + len;
      exts.push(type);
      const list16 = (from: number, n: number): number[] => Array.from({ length: n / 2 }, (_, i) => body.readUInt16BE(from + 2 * i));
      if (type === 0x000a) groups = list16(2, body.readUInt16BE(0));
      if (type === 0x000b) formats = [...body.subarray(1, 1 + body[0]!)];
      if (type === 0x000d) sigs = list16(2, body.readUInt16BE(0));
      if (type === 0x002b) versions = list16(1, body[0]!);
      if (type === 0x0010) alpn = body.subarray(3, 3 + body[2]!);
    }
  }
  const clean = (l: number[]): number[] => l.filter((v) => !isGrease(v));
  const ja3 = `${version},${clean(ciphers).join('-')},${clean(exts).join('-')},${clean(groups).join('-')},${formats.join('-')}`;

  const top = versions ? Math.max(...clean(versions)) : version;
  const v = ({ 0x0304: '13', 0x0303: '12', 0x0302: '11', 0x0301: '10', 0x0300: 's3' } as Record<number, string>)[top] ?? '00';
  const e = clean(exts);
  const first = alpn && alpn.length ? String.fromCharCode(alpn[0]!, alpn[alpn.length - 1]!) : '00';
  const two = (n: number): string => String(Math.min(n, 99)).padStart(2, '0');
  const hex = (n: number): string => n.toString(16).padStart(4, '0');
  const a = `t${v}${e.includes(0) ? 'd' : 'i'}${two(clean(ciphers).length)}${two(e.length)}${first}`;
  const b = sha256(clean(ciphers).map(hex).sort().join(',')).slice(0, 12);
  const extList = e.filter((x) => x !== 0x0000 && x !== 0x0010).map(hex).sort().join(',');
  const sigList = clean(sigs).map(hex).join(',');
  const c = sha256(sigList ? `${extList}_${sigList}` : extList).slice(0, 12);
  return { ja3, ja3Hash: createHash('md5').update(ja3).digest('hex'), ja4: `${a}_${b}_${c}` };
}

t.test("FoxIO's worked example (JA4.md) gives its published hashes", async (t) => {
  const ciphers = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035];
  const extensions = [0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015];
  const signatureAlgorithms = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601];
  const f = fingerprints({ legacyVersion: 0x0303, ciphers: [0x0a0a, ...ciphers], extensions: [0x3a3a, ...extensions], signatureAlgorithms, supportedVersions: [0x5a5a, 0x0304, 0x0303], alpn: ['h2', 'http/1.1'] });
  t.equal(f.ja4, 't13d1516h2_8daaf6152771_e5627efa2ab1', 'JA4 of the example');
  t.equal(f.ja4r, 't13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601', 'JA4_r of the example');
  const noSigs = fingerprints({ legacyVersion: 0x0303, ciphers, extensions, supportedVersions: [0x0304] });
  t.equal(noSigs.ja4.split('_')[2], '6d807ffa2a79', 'without signature algorithms the list ends without an underscore');
  t.equal(fingerprints({ legacyVersion: 0x0301, ciphers: [], extensions: [] }).ja4, 't10i000000_000000000000_000000000000', 'empty lists give zeros');
  t.equal(fingerprints({ legacyVersion: 0x0303, ciphers, extensions: [0x0010], alpn: ['\xab\xcd'] }).ja4.slice(0, 10), 't12i1501ad', 'non-alphanumeric ALPN: first and last hex digit');
  t.equal(fingerprints({ legacyVersion: 0x0303, ciphers, extensions: [0x0010], alpn: ['0\xab\xcd1'] }).ja4.slice(8, 10), '01');
  t.equal(fingerprints({ legacyVersion: 0x0303, ciphers, extensions: [0x0010], alpn: ['x'] }).ja4.slice(8, 10), 'xx', 'a single character is first and last');
  // The JA3 README's own example string and hash.
  t.equal(createHash('md5').update('769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0').digest('hex'), 'ada70206e40642a3e4461f35503241d5');
  t.equal(fingerprints({ legacyVersion: 769, ciphers: [47, 53, 5, 10, 49161, 49162, 49171, 49172, 50, 56, 19, 4], extensions: [0, 10, 11], groups: [23, 24, 25], pointFormats: [0] }).ja3Hash, 'ada70206e40642a3e4461f35503241d5', 'JA3 README example');
});

for (const program of ['openssl', 'curl'] as const) {
  t.test(`${program}: parser fingerprints equal the independent computation, and the lab record carries them`, { skip: installed(program) ? false : `${program} not installed` }, async (t) => {
    const client = REAL_CLIENTS.find((c) => c.program === program)!;
    const bytes = await captureHello(client);
    const parsed = parseClientHello(bytes);
    if (parsed.status !== 'ok') throw new Error(`not a hello: ${JSON.stringify(parsed)}`);
    const mine = independent(bytes);
    t.equal(parsed.hello.ja3, mine.ja3, 'JA3 string');
    t.equal(parsed.hello.ja3Hash, mine.ja3Hash, `JA3 hash ${mine.ja3Hash}`);
    t.equal(parsed.hello.ja4, mine.ja4, `JA4 ${mine.ja4}`);
    t.equal(parsed.hello.random, parsed.handshake.subarray(6, 38).toString('hex'), 'client random');

    // The same client against a fake receiver: the record holds the same fingerprints and its label.
    const lab = await startTestLab(t, [{ profile: 'modern', smtp: [0] }]);
    const port = portOf(lab, 'modern');
    if (program === 'openssl') await runCommand('openssl', ['s_client', '-starttls', 'smtp', '-connect', `127.0.0.1:${port}`], { input: 'QUIT\r\n' });
    else await runCommand('curl', ['-sS', '--ssl-reqd', '-k', `smtp://127.0.0.1:${port}`, '--mail-from', 'a@example.org', '--mail-rcpt', 'b@example.net', '-T', '/dev/null']);
    const rec = await nextRecord(lab, 'modern', new Set());
    t.equal(rec.clientHello?.ja3Hash, mine.ja3Hash, 'record ja3Hash');
    t.equal(rec.clientHello?.ja3, mine.ja3, 'record ja3');
    t.equal(rec.clientHello?.ja4, mine.ja4, 'record ja4');
    t.equal(rec.clientHello?.client, client.label(client.version()), `record labels the client: ${rec.clientHello?.client}`);
  });
}

t.test('GREASE is left out of both fingerprints', async (t) => {
  const f = fingerprints({ legacyVersion: 0x0303, ciphers: [0x1a1a, 0x1301], extensions: [0x2a2a, 0x000a, 0x002b], groups: [0x3a3a, 0x001d], supportedVersions: [0x4a4a, 0x0304], signatureAlgorithms: [0x0403] });
  t.equal(f.ja3, '771,4865,10-43,29,');
  t.match(f.ja4, /^t13i0102/);
});
