import net from 'node:net';
import tls from 'node:tls';
import fc from 'fast-check';
import t from 'tap';
import { getChain } from '../../src/certs/factory.js';
import { DEFAULT_CERTS_DIR } from '../../src/lab/lab.js';
import { findProfile } from '../../src/profiles/resolve.js';
import { stripEhlo } from '../../src/proxy/smtp-dialect.js';
import { type TlsWatchReport, TlsWatch } from '../../src/proxy/tls-watch.js';
import { parseServerFlight, type ServerFlightParse } from '../../src/tls/parse-server-flight.js';
import { CONTENT_TYPE, writeRecords } from '../../src/tls/record-layer.js';
import { captureClientHello } from '../fixtures/raw-smtp.js';

/**
 * The proxy's pieces on their own: the EHLO rewrite, the first-flight reader (src/tls) asked for the
 * ServerHello only, and the
 * handshake watch, fed the bytes of real Node handshakes, split every way, and random garbage.
 */

/** What the proxy takes from a ServerHello: the chosen version and suite, and whether it is an HRR. */
function serverHello(buf: Buffer): Exclude<ServerFlightParse, { status: 'ok' }> | { status: 'ok'; version: number; suite: number; helloRetry: boolean } {
  const parsed = parseServerFlight(buf, 'server-hello');
  if (parsed.status !== 'ok') return parsed;
  const { version, suite, helloRetry } = parsed.flight.serverHello;
  return { status: 'ok', version, suite, helloRetry };
}

/** A real server's answer (ServerHello and the rest of its first flight) to a real ClientHello. */
async function serverFlight(maxVersion: tls.SecureVersion): Promise<Buffer> {
  const modern = findProfile('modern')!;
  const material = await getChain(modern.chain!, { dir: DEFAULT_CERTS_DIR, name: 'default' });
  const server = tls.createServer({ key: material.key, cert: material.cert, maxVersion });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const hello = await captureClientHello({ maxVersion: 'TLSv1.3' });
  const socket = net.connect({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1' });
  socket.on('error', () => undefined);
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  socket.write(hello);
  await new Promise((r) => setTimeout(r, 300));
  socket.destroy();
  server.close();
  return Buffer.concat(chunks);
}

t.test('stripEhlo keeps the reply well-formed wherever STARTTLS was', async (t) => {
  t.same(stripEhlo(['250-mx Hello', '250-STARTTLS', '250 SIZE 10']), ['250-mx Hello', '250 SIZE 10']);
  t.same(stripEhlo(['250-mx Hello', '250-PIPELINING', '250 STARTTLS']), ['250-mx Hello', '250 PIPELINING'], 'STARTTLS last: the line before gets "250 "');
  t.same(stripEhlo(['250-mx Hello', '250-starttls']), ['250 mx Hello'], 'any case; the greeting line alone is left');
  t.same(stripEhlo(['250-mx Hello', '250-STARTTLSX', '250 8BITMIME']), ['250-mx Hello', '250-STARTTLSX', '250 8BITMIME'], 'only the STARTTLS keyword');
});

t.test('the first-flight reader reads real ServerHellos, whole and a byte at a time', async (t) => {
  for (const [max, version, hrr] of [['TLSv1.3', 0x0304, false], ['TLSv1.2', 0x0303, false]] as const) {
    const flight = await serverFlight(max);
    const parsed = serverHello(flight);
    t.equal(parsed.status, 'ok', `${max}: ok`);
    if (parsed.status !== 'ok') continue;
    t.equal(parsed.version, version, `${max}: the chosen version (supported_versions for 1.3)`);
    t.equal(parsed.helloRetry, hrr);
    t.ok([0x1301, 0x1302, 0x1303, 0xc02f, 0xc030, 0xcca8].includes(parsed.suite), `${max}: a real suite (0x${parsed.suite.toString(16)})`);
    const recordLength = 5 + flight.readUInt16BE(3);
    const early = Array.from({ length: recordLength }, (_, n) => serverHello(flight.subarray(0, n)).status);
    t.same(new Set(early), new Set(['incomplete']), `${max}: every prefix of the record is incomplete`);
    // The same hello split over records of 7 bytes each, as a record layer may.
    const message = flight.subarray(5, recordLength);
    const split = writeRecords(CONTENT_TYPE.handshake, 0x0303, message, { maxFragment: 7 });
    t.match(serverHello(split), { status: 'ok', version, suite: parsed.suite }, `${max}: reassembled across records`);
  }
  t.same(serverHello(Buffer.from([21, 3, 3, 0, 2, 2, 70])), { status: 'alert', level: 2, description: 70 }, 'an alert');
  t.match(serverHello(Buffer.from('500 5.5.1 what?\r\n')), { status: 'invalid' }, 'not TLS');
  t.match(serverHello(Buffer.from([22, 3, 3, 0, 4, 11, 0, 0, 0])), { status: 'invalid', reason: /Certificate, not a ServerHello/ });
});

t.test('TlsWatch follows a real TLS 1.3 and 1.2 handshake through a relay', async (t) => {
  const modern = findProfile('modern')!;
  const material = await getChain(modern.chain!, { dir: DEFAULT_CERTS_DIR, name: 'default' });
  for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
    const reports: TlsWatchReport[] = [];
    const watch = new TlsWatch((r) => reports.push(r));
    const server = tls.createServer({ key: material.key, cert: material.cert, maxVersion }, (s) => s.end('hi'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const relay = net.createServer((c) => {
      const u = net.connect({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1' });
      // Byte by byte, to prove no record boundary is assumed.
      c.on('data', (d: Buffer) => {
        for (const b of d) watch.fromClient(Buffer.from([b]));
        u.write(d);
      });
      u.on('data', (d: Buffer) => {
        for (const b of d) watch.fromUpstream(Buffer.from([b]));
        c.write(d);
      });
      c.on('close', () => u.destroy());
      u.on('close', () => c.destroy());
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    const got = await new Promise<string>((resolve, reject) => {
      const s = tls.connect({ port: (relay.address() as net.AddressInfo).port, host: '127.0.0.1', rejectUnauthorized: false, servername: 'mx.mxlab.test' });
      let text = '';
      s.on('data', (d: Buffer) => (text += d.toString()));
      s.on('end', () => resolve(text));
      s.on('error', reject);
    });
    relay.close();
    server.close();
    t.equal(got, 'hi');
    t.same(reports.map((r) => r.kind), ['client-hello', 'server-hello', 'established'], `${maxVersion}: hello, ServerHello, established`);
    t.match(reports[1], { version: maxVersion === 'TLSv1.3' ? 0x0304 : 0x0303 });
    t.ok(watch.established);
  }
});

t.test('neither reader throws on random or mutated input', async (t) => {
  const flight = await serverFlight('TLSv1.3');
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(flight.length), fc.nat(255), (noise, at, value) => {
      const mutated = Buffer.from(flight);
      mutated[at % mutated.length] = value;
      for (const input of [Buffer.from(noise), mutated, mutated.subarray(0, at)]) {
        serverHello(input);
        parseServerFlight(input);
        const watch = new TlsWatch(() => undefined);
        watch.fromClient(input);
        watch.fromUpstream(input);
        watch.fromUpstream(Buffer.from(noise));
      }
    }),
    { numRuns: 5000 },
  );
  t.pass('no exception escaped');
});
