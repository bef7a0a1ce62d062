import fc from 'fast-check';
import t from 'tap';
import { alertRecord } from '../../src/tls/alert.js';
import { ByteWriter } from '../../src/tls/byte-writer.js';
import { writeHandshake } from '../../src/tls/handshake-messages.js';
import { parseServerFlight, ServerFlightReader, type ServerFlightParse } from '../../src/tls/parse-server-flight.js';
import { CONTENT_TYPE, writeRecord, writeRecords } from '../../src/tls/record-layer.js';
import { serverFlight, serverHelloMessage } from '../../src/tls/server-hello.js';

/**
 * The first-flight parser on flights written here: mxlab's own imitated flight (src/tls/server-hello.ts)
 * read back, each message the parser knows, and the strictness that makes it useful as a test oracle.
 * test/tls/server-flight-openssl.test.ts reads real OpenSSL flights with it.
 */

const PEM = (body: string): string => `-----BEGIN CERTIFICATE-----\n${Buffer.from(body).toString('base64')}\n-----END CERTIFICATE-----\n`;
const CHAIN = PEM('leaf certificate') + PEM('intermediate');
const RANDOM = Buffer.alloc(32, 0x11);
const SESSION = Buffer.alloc(32, 0x22);

function reason(bytes: Buffer): string {
  const r = parseServerFlight(bytes);
  return r.status === 'invalid' ? r.reason : `not invalid: ${r.status}`;
}

/** A ServerHello body: version, random, session id, suite, null compression, then the extension bytes given. */
function serverHello(o: { version?: number; random?: Buffer; sessionId?: Buffer; suite?: number; extensions?: readonly (readonly [number, Buffer])[] }): Buffer {
  const w = new ByteWriter();
  w.u16(o.version ?? 0x0303).bytes(o.random ?? RANDOM).open(1).bytes(o.sessionId ?? SESSION).close().u16(o.suite ?? 0xc02f).u8(0);
  if (o.extensions) {
    w.open(2);
    for (const [code, body] of o.extensions) w.u16(code).open(2).bytes(body).close();
    w.close();
  }
  return writeHandshake(2, w.finish());
}

const certificate = (ders: readonly Buffer[]): Buffer => {
  const w = new ByteWriter().open(3);
  for (const der of ders) w.open(3).bytes(der).close();
  return writeHandshake(11, w.close().finish());
};
const DONE = writeHandshake(14, Buffer.alloc(0));
const flight = (version: number, ...messages: Buffer[]): Buffer => writeRecords(CONTENT_TYPE.handshake, version, Buffer.concat(messages));

t.test("mxlab's imitated RC4 flight, read back", async (t) => {
  const written = serverFlight({ version: 0x0301, suite: 0x0005, certPem: CHAIN, renegotiationInfo: true, random: RANDOM, sessionId: SESSION });
  const r = parseServerFlight(written.bytes);
  t.match(r, {
    status: 'ok',
    flight: {
      recordVersion: 0x0301,
      serverHello: { legacyVersion: 0x0301, version: 0x0301, suite: 0x0005, compression: 0, extensions: [0xff01], helloRetry: false },
      certificateRequest: false,
      messages: [2, 11, 14],
      end: 'server-hello-done',
      consumed: written.bytes.length,
    },
  });
  if (r.status !== 'ok') return;
  t.same(r.flight.serverHello.random, RANDOM);
  t.same(r.flight.serverHello.sessionId, SESSION);
  t.same(r.flight.certificates?.map((c) => c.toString()), ['leaf certificate', 'intermediate']);
  t.match(parseServerFlight(written.bytes, 'server-hello'), { status: 'ok', flight: { end: 'server-hello', messages: [2] } }, 'asked for the ServerHello only');

  // Byte by byte, and every record split in two: the same answer, and only at the end.
  const reader = new ServerFlightReader();
  const statuses = [...written.bytes].map((b) => reader.push(Buffer.from([b])).status);
  t.equal(statuses.lastIndexOf('incomplete'), written.bytes.length - 2, 'incomplete up to the last byte');
  t.same(reader.push(Buffer.alloc(0)), r);
  const message = Buffer.concat([serverHelloMessage({ version: 0x0301, suite: 0x0005, certPem: CHAIN, random: RANDOM, sessionId: SESSION }), certificate([Buffer.from('leaf')]), DONE]);
  t.match(parseServerFlight(writeRecords(CONTENT_TYPE.handshake, 0x0301, message, { maxFragment: 3 })), { status: 'ok', flight: { messages: [2, 11, 14] } }, 'reassembled from 3-byte records');
});

t.test('ServerKeyExchange: DH prime size, named curve, the PSK and anonymous forms', async (t) => {
  const dhe = (version: number, suite: number, prime: Buffer, signed: 'tls12' | 'tls10' | 'none'): ServerFlightParse => {
    const w = new ByteWriter();
    if (suite === 0x00aa) w.open(2).close(); // DHE_PSK: an empty psk_identity_hint
    w.open(2).bytes(prime).close().open(2).u8(2).close().open(2).bytes(Buffer.alloc(prime.length, 3)).close();
    if (signed === 'tls12') w.u16(0x0804);
    if (signed !== 'none') w.open(2).bytes(Buffer.alloc(256, 4)).close();
    return parseServerFlight(flight(version, serverHello({ version, suite }), certificate([Buffer.from('c')]), writeHandshake(12, w.finish()), DONE));
  };
  const p2048 = Buffer.concat([Buffer.from([0xff]), Buffer.alloc(255, 0xab)]);
  t.match(dhe(0x0303, 0x009f, p2048, 'tls12'), { status: 'ok', flight: { serverKeyExchange: { kind: 'dhe', primeBits: 2048, signatureScheme: 0x0804 }, messages: [2, 11, 12, 14] } });
  t.match(dhe(0x0301, 0x0039, Buffer.concat([Buffer.from([0, 0x7f]), Buffer.alloc(127)]), 'tls10'), { status: 'ok', flight: { serverKeyExchange: { kind: 'dhe', primeBits: 1023 } } }, 'a leading zero byte and a short top byte: 1023 bits, no scheme before TLS 1.2');
  t.match(dhe(0x0303, 0x0034, Buffer.alloc(64, 0xff), 'none'), { status: 'ok', flight: { serverKeyExchange: { kind: 'dhe', primeBits: 512 } } }, 'DH_anon: unsigned (TLS_DH_anon_WITH_AES_128_CBC_SHA)');
  t.match(dhe(0x0303, 0x00aa, Buffer.alloc(128, 0xff), 'none'), { status: 'ok', flight: { serverKeyExchange: { kind: 'dhe', primeBits: 1024 } } }, 'DHE_PSK: a hint first, no signature');
  t.equal(reason(flight(0x0303, serverHello({ suite: 0x009f }), writeHandshake(12, Buffer.from([0, 0])), DONE)), 'dh_p is empty');
  const extra = (() => {
    const w = new ByteWriter().open(2).bytes(p2048).close().open(2).u8(2).close().open(2).u8(9).close().u16(0x0804).open(2).u8(1).close().u8(0);
    return reason(flight(0x0303, serverHello({ suite: 0x009f }), writeHandshake(12, w.finish()), DONE));
  })();
  t.equal(extra, '1 byte after signature in the ServerKeyExchange');

  const ecdhe = new ByteWriter().u8(3).u16(0x0017).open(1).bytes(Buffer.alloc(65, 4)).close().u16(0x0403).open(2).bytes(Buffer.alloc(70)).close().finish();
  t.match(parseServerFlight(flight(0x0303, serverHello({ suite: 0xc02b }), certificate([Buffer.from('c')]), writeHandshake(12, ecdhe), DONE)), {
    status: 'ok',
    flight: { serverKeyExchange: { kind: 'ecdhe', curveType: 3, curve: 0x0017, curveName: 'P-256', signatureScheme: 0x0403 } },
  });
  t.match(parseServerFlight(flight(0x0303, serverHello({ suite: 0xc02b }), writeHandshake(12, Buffer.from([1, 9, 9])), DONE)), { status: 'ok', flight: { serverKeyExchange: { kind: 'ecdhe', curveType: 1 } } }, 'an explicit curve is named by its type only');
  t.match(parseServerFlight(flight(0x0303, serverHello({ suite: 0x0062 }), writeHandshake(12, Buffer.alloc(9)), DONE)), { status: 'ok', flight: { serverKeyExchange: { kind: 'other', length: 9 } } }, 'RSA_EXPORT1024 parameters are not read');
});

t.test('TLS 1.3: the ServerHello, a HelloRetryRequest, the key share', async (t) => {
  const hrrRandom = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');
  const sv = [0x002b, Buffer.from([3, 4])] as const;
  const share = [0x0033, Buffer.concat([Buffer.from([0, 0x1d, 0, 32]), Buffer.alloc(32, 5)])] as const;
  const hello = serverHello({ suite: 0x1301, extensions: [sv, share] });
  const ccs = writeRecord(CONTENT_TYPE.changeCipherSpec, 0x0303, Buffer.from([1]));
  const r = parseServerFlight(Buffer.concat([flight(0x0303, hello), ccs]));
  t.match(r, { status: 'ok', flight: { serverHello: { version: 0x0304, legacyVersion: 0x0303, keyShareGroup: 0x001d, helloRetry: false }, end: 'encrypted', messages: [2] } });
  t.same(r.status === 'ok' && r.flight.serverHello.keyExchange, Buffer.alloc(32, 5));
  t.equal(reason(flight(0x0303, hello, DONE)), '4 bytes follow the TLS 1.3 ServerHello in its record, where the keys change');

  const hrr = serverHello({ random: hrrRandom, suite: 0x1301, extensions: [sv, [0x0033, Buffer.from([0, 0x18])]] });
  t.match(parseServerFlight(flight(0x0303, hrr)), { status: 'ok', flight: { serverHello: { helloRetry: true, keyShareGroup: 0x0018 }, end: 'hello-retry' } });
  t.equal(reason(flight(0x0303, serverHello({ extensions: [[0x002b, Buffer.from([3, 4, 0])]] }))), '1 byte after selected_version in the supported_versions extension');
  t.equal(reason(flight(0x0303, serverHello({ extensions: [[0x002b, Buffer.from([3, 9])]] }))), 'ServerHello chose an unknown version 0x0309');
  t.equal(reason(flight(0x0303, serverHello({ extensions: [sv, [0x0033, Buffer.from([0, 0x1d, 0, 0])]] }))), 'key_exchange for X25519 is empty');
});

t.test('abbreviated handshakes and alerts', async (t) => {
  const resumed = Buffer.concat([flight(0x0303, serverHello({})), writeRecord(CONTENT_TYPE.changeCipherSpec, 0x0303, Buffer.from([1]))]);
  t.match(parseServerFlight(resumed), { status: 'ok', flight: { end: 'change-cipher-spec', messages: [2] } }, 'ServerHello then ChangeCipherSpec: a resumed session');
  const ticket = Buffer.concat([flight(0x0303, serverHello({}), writeHandshake(4, Buffer.alloc(10))), writeRecord(CONTENT_TYPE.changeCipherSpec, 0x0303, Buffer.from([1]))]);
  t.match(parseServerFlight(ticket), { status: 'ok', flight: { end: 'change-cipher-spec', messages: [2, 4] } }, 'with a NewSessionTicket (RFC 5077 §3.1)');
  t.same(parseServerFlight(alertRecord(40)), { status: 'alert', level: 2, description: 40 });
  t.same(parseServerFlight(alertRecord(40).subarray(0, 6)), { status: 'incomplete' });
  t.same(parseServerFlight(Buffer.concat([flight(0x0303, serverHello({})), alertRecord(80, { version: 0x0303 })])), { status: 'alert', level: 2, description: 80 }, 'an alert after the ServerHello');
  t.equal(reason(writeRecord(CONTENT_TYPE.alert, 0x0303, Buffer.alloc(24))), 'alert record length 24, want 2 (an encrypted alert cannot be read)');
});

t.test('strict: lengths, order, versions', async (t) => {
  t.equal(reason(Buffer.from('500 5.5.1 what?\r\n')), 'record type 53 (unknown), not a TLS content type');
  t.equal(reason(flight(0x0303, certificate([]))), 'the first handshake message is Certificate, not a ServerHello');
  t.equal(reason(Buffer.from([22, 3, 3, 0, 40, 11])), 'the first handshake message is Certificate, not a ServerHello', 'from its first byte');
  t.equal(reason(writeRecord(CONTENT_TYPE.applicationData, 0x0303, Buffer.alloc(3))), 'a application_data record (content type 23) where the ServerHello should be');
  t.equal(reason(flight(0x0303, serverHello({ sessionId: Buffer.alloc(33) }))), 'session_id length 33 exceeds 32');
  t.equal(reason(flight(0x0303, writeHandshake(2, Buffer.alloc(20)))), 'the ServerHello ends inside random (18 of 32 bytes)');
  t.equal(reason(flight(0x0303, serverHello({ extensions: [[0xff01, Buffer.from([0])], [0xff01, Buffer.from([0])]] }))), 'extension 0xff01 (renegotiation_info) sent twice');
  const badList = writeHandshake(11, Buffer.from([0, 0, 9, 0, 0, 1, 7]));
  t.equal(reason(flight(0x0303, serverHello({}), badList, DONE)), 'certificate_list length 9 overruns the Certificate (4 bytes left)');
  t.equal(reason(flight(0x0303, serverHello({}), writeHandshake(11, Buffer.from([0, 0, 3, 0, 0, 0])), DONE)), 'certificate 1 is empty');
  t.equal(reason(flight(0x0303, serverHello({}), writeHandshake(14, Buffer.from([0])))), 'ServerHelloDone of 1 byte, want 0 (RFC 5246 §7.4.5)');
  t.equal(reason(flight(0x0303, serverHello({}), DONE, certificate([]))), '7 bytes follow the ServerHelloDone in its record');
  t.equal(reason(flight(0x0303, serverHello({}), writeHandshake(13, Buffer.alloc(5)), certificate([]), DONE)), "Certificate (handshake type 11) after CertificateRequest in the server's first flight");
  t.equal(reason(flight(0x0303, serverHello({}), writeHandshake(12, Buffer.alloc(3)), certificate([]), DONE)), "Certificate (handshake type 11) after ServerKeyExchange in the server's first flight");
  t.equal(reason(flight(0x0303, serverHello({}), writeHandshake(20, Buffer.alloc(12)))), "Finished (handshake type 20) after ServerHello in the server's first flight");
  const mixed = Buffer.concat([flight(0x0303, serverHello({})), flight(0x0301, certificate([]), DONE)]);
  t.equal(reason(mixed), 'record 2 has version 0x0301, the first had 0x0303');
  t.equal(reason(Buffer.concat([flight(0x0303, serverHello({})), Buffer.from([22, 3, 3, 0, 0])])), 'record 2: empty handshake record (RFC 8446 §5.1 forbids them)');
});

t.test('random and mutated flights never throw', async (t) => {
  const base = serverFlight({ version: 0x0303, suite: 0xc02f, certPem: CHAIN, renegotiationInfo: true }).bytes;
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), fc.nat(255), fc.array(fc.nat(), { maxLength: 5 }), (noise, at, value, cuts) => {
      const mutated = Buffer.from(base);
      mutated[at % mutated.length] = value;
      for (const input of [Buffer.from(noise), mutated, mutated.subarray(0, at % mutated.length)]) {
        const whole = parseServerFlight(input);
        if (whole.status === 'invalid' && whole.reason.length === 0) return false;
        // Fed in pieces it must say the same, or stop earlier with the same verdict.
        const reader = new ServerFlightReader();
        let last: ServerFlightParse = { status: 'incomplete' };
        let from = 0;
        for (const c of [...cuts.map((n) => n % (input.length + 1)).sort((a, b) => a - b), input.length]) {
          last = reader.push(input.subarray(from, Math.max(from, c)));
          from = Math.max(from, c);
        }
        // The verdict is the same; an 'invalid' reason may name fewer bytes when it came earlier.
        if (last.status !== whole.status) return false;
        if (whole.status !== 'invalid' && JSON.stringify(last) !== JSON.stringify(whole)) return false;
      }
      return true;
    }),
    { numRuns: 3000 },
  );
  t.pass('no exception, and the same verdict however the bytes are cut');
});
