import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import t from 'tap';
import type { Quirks } from '../../src/profiles/quirks.js';
import { resolveProfile } from '../../src/profiles/resolve.js';
import { buildClientHello, type ClientHelloSpec } from '../../src/tls/client-hello-builder.js';
import { parseClientHello } from '../../src/tls/client-hello.js';
import { type FirstFlight, parseServerFlight } from '../../src/tls/parse-server-flight.js';
import type { ClientHelloSummary } from '../../src/model/client-hello.js';
import { checkTlsQuirks, decide } from '../../src/handshake/quirk-gate.js';
import { UsageError } from '../../src/usage-error.js';
import { captureClientHello } from '../fixtures/raw-smtp.js';
import { sendHello } from '../fixtures/raw-tls.js';
import { nextRecord, portOf, startTestLab } from '../fixtures/test-lab.js';

const RC4_SHA = 0x0005;
const RC4_MD5 = 0x0004;
const DES3 = 0x000a;
const AES128 = 0x002f;
const SCSV = 0x00ff;

function summary(bytes: Buffer): ClientHelloSummary {
  const r = parseClientHello(bytes);
  if (r.status !== 'ok') throw new Error(`not a hello: ${JSON.stringify(r)}`);
  return r.hello;
}

const TLS10 = { min: 'TLSv1', max: 'TLSv1' };

/** A hand-made hello: TLS 1.0 unless told, a fixed random, no extensions block unless given, no padding unless asked. */
function rawHello(spec: Partial<ClientHelloSpec> & Pick<ClientHelloSpec, 'suites'>): Buffer {
  return buildClientHello({ legacyVersion: 0x0301, random: Buffer.alloc(32, 0x42), padding: 'none', ...spec }).bytes;
}

/** Stops reading once the imitated flight is whole. */
const flightDone = (b: Buffer): boolean => parseServerFlight(b).status === 'ok';

function flightOf(bytes: Buffer): FirstFlight {
  const r = parseServerFlight(bytes);
  if (r.status !== 'ok') throw new Error(`not a whole server flight: ${JSON.stringify(r)}`);
  return r.flight;
}

// --- Decisions (pure) ---

t.test('version intolerance reads legacy_version and supported_versions', async (t) => {
  const q: Quirks = { intolerantAbove: 'TLSv1' };
  t.same(decide(q, summary(rawHello({ legacyVersion: 0x0301, suites: [AES128] })), undefined, TLS10), { action: 'pass' }, 'TLS 1.0 hello passes');
  const legacy = decide(q, summary(rawHello({ legacyVersion: 0x0302, suites: [AES128] })), undefined, TLS10);
  t.match(legacy, { action: 'refuse', reaction: 'close', code: 'QUIRK_VERSION_INTOLERANCE', why: 'the client offered legacy_version TLSv1.1, above TLSv1' });
  const sv = decide(q, summary(rawHello({ legacyVersion: 0x0301, suites: [AES128], extensions: [{ type: 'supported_versions', versions: [0x0a0a, 0x0304, 0x0301] }] })), undefined, TLS10);
  t.match(sv, { action: 'refuse', why: 'the client offered supported_versions TLSv1.3, above TLSv1' }, 'supported_versions counts even with a TLS 1.0 legacy_version; GREASE does not');
  const future = decide({ intolerantAbove: 'TLSv1.2' }, summary(rawHello({ legacyVersion: 0x0303, suites: [AES128], extensions: [{ type: 'supported_versions', versions: [0x0305] }] })), undefined, TLS10);
  t.match(future, { action: 'refuse', why: /0x0305/ }, 'an unknown future version is above too');
  t.match(decide({ intolerantAbove: 'TLSv1', intoleranceReaction: 'alert' }, summary(rawHello({ legacyVersion: 0x0303, suites: [AES128] })), undefined, TLS10), { reaction: 'alert', alert: 70 });
});

t.test('TLS 1.3 intolerance and hello size intolerance', async (t) => {
  const q: Quirks = { intolerantOfTls13: true };
  t.same(decide(q, summary(rawHello({ legacyVersion: 0x0303, suites: [AES128] })), undefined, TLS10), { action: 'pass' }, 'a TLS 1.2 hello passes');
  t.match(decide(q, summary(rawHello({ legacyVersion: 0x0303, suites: [AES128], extensions: [{ type: 'supported_versions', versions: [0x7f1c, 0x0303] }] })), undefined, TLS10), { action: 'refuse', code: 'QUIRK_TLS13_INTOLERANCE', why: /TLSv1\.3-draft28/ }, 'a TLS 1.3 draft counts');
  const sizes: Quirks = { intolerantHelloSizes: { min: 256, max: 511 }, intoleranceReaction: 'hang' };
  for (const [size, refused] of [[255, false], [256, true], [511, true], [512, false]] as const) {
    const hello = summary(rawHello({ legacyVersion: 0x0303, suites: [AES128], padding: { exactly: size } }));
    t.equal(hello.length, size, `built a ${size}-byte hello`);
    t.equal(decide(sizes, hello, undefined, TLS10).action, refused ? 'refuse' : 'pass', `${size} bytes: ${refused ? 'dropped' : 'passes'}`);
  }
});

t.test('legacy suite imitation: the server picks in its own order, at min(legacy_version, its max)', async (t) => {
  const rc4: Quirks = { imitateLegacySuites: ['TLS_RSA_WITH_RC4_128_SHA', 'TLS_RSA_WITH_RC4_128_MD5'] };
  t.match(decide(rc4, summary(rawHello({ legacyVersion: 0x0303, suites: [RC4_MD5, RC4_SHA, SCSV] })), undefined, TLS10), { action: 'imitate', imitation: { suite: { code: RC4_SHA }, version: 0x0301, renegotiationInfo: true } });
  t.match(decide(rc4, summary(rawHello({ legacyVersion: 0x0301, suites: [RC4_MD5] })), undefined, TLS10), { imitation: { suite: { code: RC4_MD5 }, renegotiationInfo: false } });
  t.match(decide(rc4, summary(rawHello({ legacyVersion: 0x0303, suites: [AES128] })), undefined, TLS10), { action: 'refuse', reaction: 'alert', alert: 40, code: 'ERR_SSL_NO_SHARED_CIPHER' });
  t.match(decide(rc4, summary(rawHello({ legacyVersion: 0x0300, suites: [RC4_SHA] })), undefined, TLS10), { action: 'refuse', alert: 70, why: /below the server's lowest, TLSv1/ }, 'an SSL 3.0 client is below a TLS 1.0 server');
  t.match(decide(rc4, summary(rawHello({ legacyVersion: 0x0303, suites: [RC4_SHA] })), undefined, { min: 'TLSv1', max: 'TLSv1.3' }), { imitation: { version: 0x0303 } }, 'a TLS 1.2 server answers TLS 1.2, never 1.3');
  const ssl3: Quirks = { imitateVersion: 'SSLv3', imitateLegacySuites: ['TLS_RSA_WITH_3DES_EDE_CBC_SHA'] };
  t.match(decide(ssl3, summary(rawHello({ legacyVersion: 0x0303, suites: [DES3, SCSV] })), undefined, TLS10), { imitation: { version: 0x0300, renegotiationInfo: false } }, 'SSL 3.0 whatever the client offered');
  t.match(decide(rc4, undefined, 'record type 23 (application_data), want 22 (handshake)', TLS10), { action: 'refuse', alert: 50 }, 'an imitated server never lets OpenSSL answer');
  t.same(decide({}, undefined, 'garbage', TLS10), { action: 'pass' }, 'without quirks garbage goes to OpenSSL');
});

t.test('bad quirk values are usage errors naming the field', async (t) => {
  const bad = (quirks: Record<string, unknown>): string => {
    try {
      checkTlsQuirks({ ...resolveProfile('modern'), quirks: quirks as Quirks });
      return 'accepted';
    } catch (err) {
      return err instanceof UsageError ? err.message : `not a UsageError: ${String(err)}`;
    }
  };
  t.match(bad({ intolerantAbove: 'TLS1' }), /quirks\.intolerantAbove: got "TLS1", want one of SSLv3, TLSv1, TLSv1\.1, TLSv1\.2/);
  t.match(bad({ intoleranceReaction: 'drop' }), /intoleranceReaction: got "drop"/);
  t.match(bad({ intolerantHelloSizes: { min: 500, max: 200 } }), /intolerantHelloSizes/);
  t.match(bad({ imitateLegacySuites: ['TLS_RSA_WITH_RC5_SHA'] }), /unknown cipher suite TLS_RSA_WITH_RC5_SHA/);
  t.match(bad({ imitateLegacySuites: ['TLS_ECDHE_RSA_WITH_RC4_128_SHA'] }), /not an RSA key-exchange suite/);
  t.match(bad({ imitateVersion: 'SSLv3' }), /needs imitateLegacySuites/);
  t.equal(bad({ imitateLegacySuites: ['TLS_RSA_WITH_RC4_128_SHA'], imitateVersion: 'SSLv3' }), 'accepted');
});

// --- On the wire, against lab receivers (SMTPS listeners: the hello is the first thing sent) ---

t.test('a client offering RC4-SHA gets a well-formed ServerHello choosing 0x0005, with the peer certificate', async (t) => {
  const lab = await startTestLab(t, [{ profile: 'rc4-only', smtps: [0], handshakeTimeoutMs: 3000 }]);
  const port = portOf(lab, 'rc4-only', 'implicit');
  const answer = await sendHello(port, rawHello({ legacyVersion: 0x0301, suites: [0x0035, RC4_SHA, SCSV] }), { stopAfter: flightDone });
  t.equal(answer.end, 'open', 'the server sent a whole flight');
  const flight = flightOf(answer.bytes);
  const hello = flight.serverHello;
  t.equal(flight.recordVersion, 0x0301, 'record version TLS 1.0');
  t.equal(hello.version, 0x0301, 'ServerHello version TLS 1.0');
  t.equal(hello.suite, RC4_SHA, 'ServerHello chooses TLS_RSA_WITH_RC4_128_SHA (0x0005)');
  t.equal(hello.compression, 0, 'null compression');
  t.equal(hello.sessionId.length, 32, 'a 32-byte session id');
  t.same(hello.extensions, [0xff01], 'renegotiation_info, because the client sent the SCSV');
  t.same(flight.messages, [2, 11, 14], 'ServerHello, Certificate, ServerHelloDone and nothing else');
  t.equal(flight.end, 'server-hello-done');
  t.equal(flight.certificates?.length, 2, 'leaf and intermediate');
  const leaf = new X509Certificate(flight.certificates![0]!);
  t.match(leaf.subject, /CN=mx\.mxlab\.test/, 'the peer leaf certificate');
  t.equal(leaf.publicKey.asymmetricKeyType, 'rsa', 'an RSA key, as RSA key exchange needs');
  // The client says nothing for a while, then leaves: the record says what was imitated and how it ended,
  // and the transcript puts the ServerHello when it was written, not when the session ended.
  const flightSeen = Date.now();
  await new Promise((r) => setTimeout(r, 1500));
  answer.socket.destroy();
  const rec = await nextRecord(lab, 'rc4-only', new Set());
  t.equal(rec.result, 'handshake-failed');
  t.same({ suite: rec.imitated?.suite, code: rec.imitated?.code, openssl: rec.imitated?.openssl, version: rec.imitated?.version }, { suite: 'TLS_RSA_WITH_RC4_128_SHA', code: 5, openssl: 'RC4-SHA', version: 'TLSv1' });
  t.match(rec.imitated?.note, /^imitated up to ServerHello: ServerHello TLSv1 TLS_RSA_WITH_RC4_128_SHA \(RC4-SHA\), Certificate \(2 certificates\), ServerHelloDone; the client closed the connection without an alert; mxlab cannot carry RC4/);
  t.equal(rec.error?.code, 'QUIRK_IMITATED_HANDSHAKE');
  t.equal(rec.error?.stage, 'handshake');
  t.same(rec.clientHello?.ciphers.map((c) => c.code), [0x0035, RC4_SHA, SCSV], 'the offered suites');
  const line = rec.transcript.find((l) => l.line === 'imitated ServerHello: TLSv1 TLS_RSA_WITH_RC4_128_SHA (RC4-SHA)');
  t.ok(line, 'transcript line');
  const failed = rec.transcript.find((l) => /TLS handshake failed/.test(l.line));
  t.ok(line && failed && line.t <= failed.t - 1000, `ServerHello at ${line?.t} ms, the end at ${failed?.t} ms: stamped when written`);
  t.ok(Date.parse(rec.timings.start) + (line?.t ?? Infinity) <= flightSeen + 5, 'not after the client had it');
});

t.test('sslv3-only answers SSL 3.0 to a TLS 1.2 hello; the client alert is recorded', async (t) => {
  const lab = await startTestLab(t, [{ profile: 'sslv3-only', smtps: [0], handshakeTimeoutMs: 3000 }]);
  const port = portOf(lab, 'sslv3-only', 'implicit');
  const answer = await sendHello(port, rawHello({ legacyVersion: 0x0303, suites: [0xc02f, DES3, SCSV], extensions: [{ type: 'renegotiation_info' }] }), { stopAfter: flightDone });
  const flight = flightOf(answer.bytes);
  t.equal(flight.serverHello.version, 0x0300, 'ServerHello SSL 3.0');
  t.equal(flight.recordVersion, 0x0300);
  t.equal(flight.serverHello.suite, DES3, 'DES-CBC3-SHA, the only one of its suites offered');
  t.same(flight.serverHello.extensions, [], 'no extensions: the server predates RFC 5746');
  // What a TLS client does with an SSL 3.0 ServerHello: fatal protocol_version.
  answer.socket.write(Buffer.from([21, 3, 3, 0, 2, 2, 70]));
  const rec = await nextRecord(lab, 'sslv3-only', new Set());
  t.equal(rec.result, 'handshake-failed');
  t.equal(rec.imitated?.version, 'SSLv3');
  t.match(rec.imitated?.note, /the client refused it with a fatal protocol_version alert \(70\); mxlab does not speak SSL 3\.0/);
  t.same(rec.error?.alert, { name: 'protocol_version', code: 70, sent: false }, 'the alert the client sent');
  answer.socket.destroy();
  // None of its suites offered: the handshake_failure alert comes in an SSL 3.0 record, as the only record version it knows.
  const refused = await sendHello(port, rawHello({ legacyVersion: 0x0303, suites: [0xc02f] }));
  t.same([...refused.bytes], [21, 3, 0, 0, 2, 2, 40], 'a fatal handshake_failure alert in an SSL 3.0 record');
});

t.test('3des-only: DES-CBC3-SHA offered gets a ServerHello; RC4 only gets handshake_failure', async (t) => {
  const lab = await startTestLab(t, [{ profile: '3des-only', smtps: [0], handshakeTimeoutMs: 3000 }]);
  const port = portOf(lab, '3des-only', 'implicit');
  const seen = new Set<string>();
  const ok = await sendHello(port, rawHello({ legacyVersion: 0x0301, suites: [RC4_SHA, DES3] }), { stopAfter: flightDone });
  t.equal(flightOf(ok.bytes).serverHello.suite, DES3);
  ok.socket.destroy();
  t.equal((await nextRecord(lab, '3des-only', seen)).imitated?.openssl, 'DES-CBC3-SHA');
  const no = await sendHello(port, rawHello({ legacyVersion: 0x0301, suites: [RC4_SHA] }));
  t.same([...no.bytes], [21, 3, 1, 0, 2, 2, 40], 'a fatal handshake_failure alert in a TLS 1.0 record');
  t.equal(no.end, 'fin', 'then a clean close');
  const rec = await nextRecord(lab, '3des-only', seen);
  t.equal(rec.error?.code, 'ERR_SSL_NO_SHARED_CIPHER');
  t.same(rec.error?.alert, { name: 'handshake_failure', code: 40, sent: true });
  t.match(rec.error?.message, /the server's only suites are TLS_RSA_WITH_3DES_EDE_CBC_SHA, and the client offered none of them \(1 suites offered\)/);
});

t.test('version intolerance reactions on the wire: close, reset, alert, hang', async (t) => {
  const nodeHello = await captureClientHello({});
  const reactions = ['close', 'reset', 'alert', 'hang'] as const;
  // The session deadline (1500 ms here) is the only bound on a hang: the 700 ms handshake timeout is not.
  const lab = await startTestLab(t, reactions.map((r) => ({ name: r, profile: 'intolerant-tls10', overrides: { quirks: { intoleranceReaction: r } }, smtps: [0], handshakeTimeoutMs: 700, limits: { sessionDeadlineMs: 1500 } })));
  const want = { close: 'fin', reset: 'rst', alert: 'fin', hang: 'fin' } as const;
  for (const reaction of reactions) {
    const answer = await sendHello(portOf(lab, reaction, 'implicit'), nodeHello, { waitMs: 10000 });
    t.equal(answer.end, want[reaction], `${reaction}: the connection ends with ${want[reaction]}`);
    t.same([...answer.bytes], reaction === 'alert' ? [21, 3, 1, 0, 2, 2, 70] : [], `${reaction}: ${reaction === 'alert' ? 'a protocol_version alert' : 'no bytes at all'}`);
    if (reaction === 'hang') t.ok(answer.ms >= 1400, `hang: silent past the handshake timeout, until the session deadline (${answer.ms} ms)`);
    else t.ok(answer.ms < 600, `${reaction}: at once (${answer.ms} ms)`);
    const rec = await nextRecord(lab, reaction, new Set());
    t.equal(rec.result, 'handshake-failed', `${reaction}: handshake-failed`);
    t.equal(rec.error?.code, 'QUIRK_VERSION_INTOLERANCE');
    t.match(rec.error?.message, /^the client offered legacy_version TLSv1\.2 and supported_versions TLSv1\.3, TLSv1\.2, above TLSv1; the server /, `${reaction}: ${rec.error?.message}`);
    t.equal(rec.transcript.filter((l) => /TLS handshake failed/.test(l.line)).length, 1, `${reaction}: one failure line`);
    if (reaction === 'alert') t.same(rec.error?.alert, { name: 'protocol_version', code: 70, sent: true });
    if (reaction === 'hang') t.ok(rec.transcript.some((l) => /held the connection until the session deadline of 1500 ms passed/.test(l.line)), 'hang: ended by the session deadline, and says so');
  }
});

t.test('hello-size-intolerant: a 300-byte hello hangs, a 512-byte one reaches OpenSSL', async (t) => {
  const lab = await startTestLab(t, [{ profile: 'hello-size-intolerant', smtps: [0], handshakeTimeoutMs: 800 }]);
  const port = portOf(lab, 'hello-size-intolerant', 'implicit');
  const seen = new Set<string>();
  // The client waits 2.5 s, three times the handshake timeout: the server holds on (a real F5 hang never
  // closes) and the client is the one that gives up.
  const hung = await sendHello(port, rawHello({ legacyVersion: 0x0303, suites: [0xc02f], padding: { exactly: 300 } }), { waitMs: 2500 });
  t.equal(hung.bytes.length, 0, 'no answer');
  t.equal(hung.end, 'silent', 'the server never closed: the client gave up');
  const rec = await nextRecord(lab, 'hello-size-intolerant', seen);
  t.match(rec.error?.message, /the ClientHello is 300 bytes, inside 256-511; the server went silent instead of a ServerHello \(quirk intolerantHelloSizes=256-511, reaction hang\); the client gave up and closed the connection/);
  // A real client whose hello is outside the range handshakes normally.
  const socket = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false, servername: 'x'.repeat(240) + '.example' });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', () => resolve());
    socket.once('error', reject);
  });
  socket.destroy();
  const ok = await nextRecord(lab, 'hello-size-intolerant', seen);
  t.ok((ok.clientHello?.length ?? 0) > 511, `hello of ${ok.clientHello?.length} bytes`);
  t.equal(ok.version, 'TLSv1.2', 'went through to OpenSSL (the profile stops at TLS 1.2)');
});

t.test('a malformed hello gives handshake-failed with the parser reason, on SMTPS and after STARTTLS', async (t) => {
  const lab = await startTestLab(t, [{ profile: 'modern', smtp: [0], smtps: [0], handshakeTimeoutMs: 2000 }]);
  const seen = new Set<string>();
  const twice = rawHello({ legacyVersion: 0x0303, suites: [0xc02f], extensions: [{ type: 'supported_groups', groups: [0x001d] }, { type: 'supported_groups', groups: [0x0017] }] });
  await sendHello(portOf(lab, 'modern', 'implicit'), twice, { waitMs: 2000 });
  const rec = await nextRecord(lab, 'modern', seen);
  t.equal(rec.result, 'handshake-failed');
  t.match(rec.error?.message, /the client's first bytes were not a ClientHello: extension 0x000a \(supported_groups\) sent twice/, rec.error?.message ?? '');
  t.ok(rec.error?.code, `code ${rec.error?.code}`);

  const { RawSmtp } = await import('../fixtures/raw-smtp.js');
  const smtp = await RawSmtp.connect(portOf(lab, 'modern'));
  await smtp.hello();
  t.match((await smtp.command('STARTTLS'))[0], /^220/);
  smtp.write(Buffer.from([22, 3, 1, 0, 5, 1, 0, 0, 1, 3]));
  await smtp.waitClosed(3000).catch(() => smtp.destroy());
  const starttls = await nextRecord(lab, 'modern', seen);
  t.equal(starttls.result, 'handshake-failed');
  t.match(starttls.error?.message, /not a ClientHello: the hello ends inside legacy_version \(1 of 2 bytes\)/, starttls.error?.message ?? '');
});
