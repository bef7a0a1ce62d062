import { createDecipheriv, createHash, createHmac, randomBytes, X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import t from 'tap';
import { buildClientHello, type BuiltClientHello, type ClientHelloSpec } from '../../src/tls/client-hello-builder.js';
import { type KeyShare, sharedSecret } from '../../src/tls/key-share.js';
import { type FirstFlight, parseServerFlight, ServerFlightReader, type ServerFlightParse } from '../../src/tls/parse-server-flight.js';
import { HandshakeReassembler } from '../../src/tls/handshake-messages.js';
import { CONTENT_TYPE, MAX_CIPHERTEXT, RecordReader } from '../../src/tls/record-layer.js';
import { startOpensslServer } from '../fixtures/openssl-server.js';
import { sendHello } from '../fixtures/raw-tls.js';

/**
 * Hellos from the src builder sent to a real `openssl s_server`, and its answer read by the src
 * first-flight parser: what OpenSSL chose (version, suite, key share or DH size) and the chain it sent
 * must match what the hello offered and the server was told. For TLS 1.3 the test goes one step
 * further and decrypts the server's first encrypted record with the X25519 key the builder made,
 * which proves the key share was a real one and the hello bytes were what the server hashed.
 */

const SIGALGS = [0x0804, 0x0805, 0x0401, 0x0403, 0x0501];
const SERVER_NAME = 'mx.mxlab.test';

async function exchange(port: number, hello: Buffer): Promise<{ bytes: Buffer; parsed: ServerFlightParse }> {
  const answer = await sendHello(port, hello, { waitMs: 5000, stopAfter: (b) => parseServerFlight(b).status !== 'incomplete' });
  answer.socket.destroy();
  return { bytes: answer.bytes, parsed: parseServerFlight(answer.bytes) };
}

function flightOf(parsed: ServerFlightParse): FirstFlight {
  if (parsed.status !== 'ok') throw new Error(`no server flight: ${JSON.stringify(parsed)}`);
  return parsed.flight;
}

const tls12Hello = (over: Partial<ClientHelloSpec> = {}): BuiltClientHello =>
  buildClientHello({
    legacyVersion: 0x0303,
    suites: [0xc02f, 0xc030, 0x009e, 0x009f],
    extensions: [
      { type: 'server_name', host: SERVER_NAME },
      { type: 'supported_groups', groups: [0x001d, 0x0017] },
      { type: 'ec_point_formats' },
      { type: 'signature_algorithms', schemes: SIGALGS },
      { type: 'renegotiation_info' },
      { type: 'extended_master_secret' },
    ],
    ...over,
  });

const tls13Hello = (shares: readonly (number | KeyShare)[], groups: readonly number[]): BuiltClientHello =>
  buildClientHello({
    suites: [0x1301, 0x1302],
    extensions: [
      { type: 'server_name', host: SERVER_NAME },
      { type: 'supported_groups', groups },
      { type: 'signature_algorithms', schemes: SIGALGS },
      { type: 'supported_versions', versions: [0x0304] },
      { type: 'psk_key_exchange_modes' },
      { type: 'key_share', shares },
    ],
  });

t.test('TLS 1.2 ECDHE: ServerHello, the two-certificate chain, X25519 parameters, ServerHelloDone', async (t) => {
  const server = await startOpensslServer(t, ['-tls1_2']);
  const hello = tls12Hello();
  const { bytes, parsed } = await exchange(server.port, hello.bytes);
  const flight = flightOf(parsed);
  t.equal(flight.recordVersion, 0x0303);
  t.equal(flight.serverHello.version, 0x0303, 'TLS 1.2');
  t.equal(flight.serverHello.legacyVersion, 0x0303);
  t.equal(flight.serverHello.suite, 0xc02f, "the client's first suite (s_server keeps the client's order)");
  t.equal(flight.serverHello.compression, 0);
  t.equal(flight.serverHello.helloRetry, false);
  t.ok(flight.serverHello.extensions.includes(0xff01), 'renegotiation_info answered');
  t.ok(flight.serverHello.extensions.includes(0x0017), 'extended_master_secret answered');
  t.same(flight.messages, [2, 11, 12, 14], 'ServerHello, Certificate, ServerKeyExchange, ServerHelloDone');
  t.equal(flight.end, 'server-hello-done');
  t.equal(flight.consumed, bytes.length, 'the flight is all it sent');
  t.equal(flight.certificates?.length, 2, 'leaf and intermediate');
  t.match(new X509Certificate(flight.certificates![0]!).subject, /CN=mx\.mxlab\.test/);
  t.match(flight.serverKeyExchange, { kind: 'ecdhe', curveType: 3, curve: 0x001d, curveName: 'X25519' });
  const ske = flight.serverKeyExchange;
  t.ok(ske?.kind === 'ecdhe' && SIGALGS.includes(ske.signatureScheme ?? -1), 'signed with a scheme the hello offered');

  // The same answer a byte at a time: nothing until the last byte of ServerHelloDone.
  const reader = new ServerFlightReader();
  const statuses = [...bytes].map((b) => reader.push(Buffer.from([b])).status);
  t.same(new Set(statuses.slice(0, -1)), new Set(['incomplete']));
  t.same(reader.push(Buffer.alloc(0)), parsed, 'the same flight');
});

t.test('TLS 1.2 DHE: the size of the DH prime the server was given', async (t) => {
  const server = await startOpensslServer(t, ['-tls1_2', '-cipher', 'DHE-RSA-AES256-GCM-SHA384'], (dir) => {
    const file = join(dir, 'ffdhe3072.pem');
    execFileSync('openssl', ['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'group:ffdhe3072', '-out', file]);
    return ['-dhparam', file];
  });
  const hello = buildClientHello({ suites: [0x009f], extensions: [{ type: 'signature_algorithms', schemes: SIGALGS }, { type: 'renegotiation_info' }] });
  const flight = flightOf((await exchange(server.port, hello.bytes)).parsed);
  t.equal(flight.serverHello.suite, 0x009f, 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384');
  t.match(flight.serverKeyExchange, { kind: 'dhe', primeBits: 3072 });
  t.same(flight.serverKeyExchange?.kind === 'dhe' && [...flight.serverKeyExchange.generator], [2], 'g = 2');
  t.equal(flight.certificates?.length, 2);
  t.equal(flight.end, 'server-hello-done');
});

t.test('a hello padded to 512 bytes by the hygiene rules is answered', async (t) => {
  const server = await startOpensslServer(t, ['-tls1_2']);
  // 100 suites more than it needs put the unpadded hello between 256 and 511 bytes.
  const filler = Array.from({ length: 100 }, (_, i) => 0xc100 + i);
  const unpadded = tls12Hello({ suites: [0xc02f, ...filler], padding: 'none' }).message.length;
  t.ok(unpadded >= 256 && unpadded <= 511, `${unpadded} bytes without padding`);
  const hello = tls12Hello({ suites: [0xc02f, ...filler] });
  t.equal(hello.message.length, 512, 'padded to 512 (F5 rule)');
  t.equal(hello.extensions.at(-1), 0x0015, 'padding last');
  const flight = flightOf((await exchange(server.port, hello.bytes)).parsed);
  t.equal(flight.serverHello.suite, 0xc02f);
  t.equal(flight.end, 'server-hello-done');
});

t.test('TLS 1.3 with a real X25519 key share: the ServerHello, and its encrypted flight decrypts', async (t) => {
  const server = await startOpensslServer(t);
  const hello = tls13Hello([0x001d], [0x001d, 0x0017]);
  const { bytes, parsed } = await exchange(server.port, hello.bytes);
  const flight = flightOf(parsed);
  t.equal(flight.serverHello.version, 0x0304, 'TLS 1.3 through supported_versions');
  t.equal(flight.serverHello.legacyVersion, 0x0303, 'legacy_version 0x0303 (RFC 8446 §4.1.3)');
  t.equal(flight.serverHello.suite, 0x1301);
  t.equal(flight.serverHello.keyShareGroup, 0x001d, "the server's share is X25519");
  t.equal(flight.serverHello.helloRetry, false);
  t.equal(flight.end, 'encrypted', 'nothing after the ServerHello is readable without keys');
  t.equal(flight.certificates, undefined);
  t.same(flight.messages, [2]);

  const decrypted = await decryptFirstServerRecord(server.port, hello);
  t.equal(decrypted[0], 8, 'the first encrypted message is EncryptedExtensions');
  t.ok(bytes.length > flight.consumed, 'encrypted records followed the ServerHello');
});

t.test('TLS 1.3 with a P-256 or an ffdhe2048 share only: OpenSSL takes the key', async (t) => {
  const server = await startOpensslServer(t);
  for (const group of [0x0017, 0x0100]) {
    const hello = tls13Hello([group], [group]);
    const flight = flightOf((await exchange(server.port, hello.bytes)).parsed);
    t.equal(flight.serverHello.keyShareGroup, group, `answered with group 0x${group.toString(16)}`);
    t.equal(flight.serverHello.version, 0x0304);
  }
  // A P-256 point off the curve is refused: the builder's points are real ones.
  const bad = tls13Hello([{ group: 0x0017, publicKey: Buffer.concat([Buffer.from([4]), randomBytes(64)]) }], [0x0017]);
  const answer = (await exchange(server.port, bad.bytes)).parsed;
  t.same(answer, { status: 'alert', level: 2, description: 47 }, 'a fatal illegal_parameter alert for a point off the curve');
});

t.test('a HelloRetryRequest for the group the server wants', async (t) => {
  const server = await startOpensslServer(t, ['-groups', 'P-384']);
  const hello = tls13Hello([0x001d], [0x001d, 0x0018]);
  const flight = flightOf((await exchange(server.port, hello.bytes)).parsed);
  t.equal(flight.serverHello.helloRetry, true);
  t.equal(flight.serverHello.keyShareGroup, 0x0018, 'asks for P-384');
  t.equal(flight.serverHello.version, 0x0304);
  t.equal(flight.end, 'hello-retry');
});

t.test('a leading alert: a TLS 1.3-only server refuses a TLS 1.2 hello', async (t) => {
  const server = await startOpensslServer(t, ['-tls1_3']);
  const { parsed } = await exchange(server.port, tls12Hello().bytes);
  t.same(parsed, { status: 'alert', level: 2, description: 70 }, 'fatal protocol_version');
});

// --- TLS 1.3 key schedule (RFC 8446 §7.1), just far enough to open the server's first record ---

const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();
const hkdfExtract = (salt: Buffer, ikm: Buffer): Buffer => createHmac('sha256', salt).update(ikm).digest();

/** HKDF-Expand-Label (RFC 8446 §7.1); one HMAC block is enough for the 12-, 16- and 32-byte outputs here. */
function hkdfExpandLabel(secret: Buffer, label: string, context: Buffer, length: number): Buffer {
  const full = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, full.length]), full, Buffer.from([context.length]), context, Buffer.from([1])]);
  return createHmac('sha256', secret).update(info).digest().subarray(0, length);
}

/** The server's ServerHello message (for the transcript) and its first application_data record. */
function splitAnswer(bytes: Buffer): { serverHello?: Buffer; encrypted?: { header: Buffer; fragment: Buffer } } {
  const records = new RecordReader({ maxLength: MAX_CIPHERTEXT });
  records.push(bytes);
  const messages = new HandshakeReassembler();
  let serverHello: Buffer | undefined;
  for (let read = records.next(); read.status === 'record'; read = records.next()) {
    const { type, version, fragment } = read.record;
    if (type === CONTENT_TYPE.handshake && !serverHello) {
      messages.push(fragment);
      const m = messages.next();
      if (m.status === 'message') serverHello = m.message.bytes;
    }
    if (type === CONTENT_TYPE.applicationData) {
      const header = Buffer.from([type, version >> 8, version & 0xff, fragment.length >> 8, fragment.length & 0xff]);
      return { ...(serverHello && { serverHello }), encrypted: { header, fragment } };
    }
  }
  return serverHello ? { serverHello } : {};
}

/**
 * Connects again with the same hello, derives the server handshake traffic key from the X25519 key
 * the builder made and the server's share, and opens the first encrypted record (AES-128-GCM,
 * sequence number 0, RFC 8446 §5.3). GCM's tag check fails unless key share and transcript are right.
 */
async function decryptFirstServerRecord(port: number, hello: BuiltClientHello): Promise<Buffer> {
  const answer = await sendHello(port, hello.bytes, { waitMs: 5000, stopAfter: (b) => splitAnswer(b).encrypted !== undefined });
  answer.socket.destroy();
  const { serverHello, encrypted } = splitAnswer(answer.bytes);
  const flight = flightOf(parseServerFlight(answer.bytes));
  const mine = hello.keyShares.find((s) => s.group === 0x001d);
  if (!serverHello || !encrypted || !mine || !flight.serverHello.keyExchange) throw new Error('no TLS 1.3 answer to decrypt');
  const shared = sharedSecret(mine, flight.serverHello.keyExchange);
  const early = hkdfExtract(Buffer.alloc(32), Buffer.alloc(32));
  const derived = hkdfExpandLabel(early, 'derived', sha256(Buffer.alloc(0)), 32);
  const handshakeSecret = hkdfExtract(derived, shared);
  const serverSecret = hkdfExpandLabel(handshakeSecret, 's hs traffic', sha256(Buffer.concat([hello.message, serverHello])), 32);
  const decipher = createDecipheriv('aes-128-gcm', hkdfExpandLabel(serverSecret, 'key', Buffer.alloc(0), 16), hkdfExpandLabel(serverSecret, 'iv', Buffer.alloc(0), 12));
  decipher.setAAD(encrypted.header);
  decipher.setAuthTag(encrypted.fragment.subarray(-16));
  return Buffer.concat([decipher.update(encrypted.fragment.subarray(0, -16)), decipher.final()]);
}
