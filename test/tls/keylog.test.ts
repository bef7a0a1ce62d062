import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import t, { type Test } from 'tap';
import type { SessionRecord } from '../../src/model/session-record.js';
import { RawSmtp } from '../fixtures/raw-smtp.js';
import { runCommand } from '../fixtures/run-command.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * --keylog: every TLS session of a lab, server and client peers, lands in one SSLKEYLOGFILE. tshark is
 * not installed here, so instead of decrypting a capture the test checks the format, that every
 * session's client random is there with the labels its version needs, and that the secrets are the
 * ones the other end derived (openssl s_client -keylogfile and Node clients log their own copy).
 */

const LINE = /^(CLIENT_RANDOM|CLIENT_HANDSHAKE_TRAFFIC_SECRET|SERVER_HANDSHAKE_TRAFFIC_SECRET|CLIENT_TRAFFIC_SECRET_0|SERVER_TRAFFIC_SECRET_0|EXPORTER_SECRET) ([0-9a-f]{64}) ([0-9a-f]{64}|[0-9a-f]{96})$/;
/** A folder of our own (tap's t.testdir() is shared with any other tap run in this checkout). */
function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'mxlab-keylog-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const TLS13 = ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0', 'EXPORTER_SECRET'];

t.test('server and client peers, SMTPS and STARTTLS, TLS 1.2 and 1.3: all secrets in SSLKEYLOGFILE format', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'keys.log');
  const lab = await startTestLab(t, [], { keylog: file });
  await lab.addReceiver({ profile: 'modern', smtp: [0], smtps: [0] });
  const explicit = portOf(lab, 'modern');
  const implicit = portOf(lab, 'modern', 'implicit');

  // A Node client on SMTPS (TLS 1.3) that logs its own secrets from the start of its handshake.
  const theirs: string[] = [];
  const node = tls.connect({ port: implicit, host: '127.0.0.1', rejectUnauthorized: false, servername: 'mx.mxlab.test' });
  node.on('keylog', (l: Buffer) => theirs.push(l.toString('latin1').trim()));
  await new Promise<void>((resolve, reject) => node.once('data', () => resolve()).once('error', reject));
  node.write('QUIT\r\n');
  await new Promise((resolve) => node.once('close', resolve));
  // A Node client through STARTTLS (TLS 1.2), without a log of its own.
  const starttls = await RawSmtp.connect(explicit);
  await starttls.hello();
  await starttls.startTls({ maxVersion: 'TLSv1.2' });
  await starttls.command('EHLO again.example');
  await starttls.quit();

  // openssl s_client writes its own key log: ours must hold the same lines.
  const opensslLog = join(dir, 'openssl.log');
  await runCommand('openssl', ['s_client', '-starttls', 'smtp', '-connect', `127.0.0.1:${explicit}`, '-keylogfile', opensslLog], { input: 'QUIT\r\n' });
  await runCommand('openssl', ['s_client', '-starttls', 'smtp', '-connect', `127.0.0.1:${explicit}`, '-tls1_2', '-keylogfile', opensslLog], { input: 'QUIT\r\n' });

  // mxlab's own sender (a client peer) to the same receiver: both ends log.
  const sent = await lab.send({ to: `127.0.0.1:${explicit}`, policy: 'encrypt' });
  t.equal(sent.result, 'tls');

  const waitServer = async (n: number): Promise<SessionRecord[]> => {
    for (let i = 0; i < 100 && lab.records.filter((r) => r.role === 'server').length < n; i += 1) await new Promise((r) => setTimeout(r, 50));
    return lab.records.filter((r) => r.role === 'server');
  };
  const servers = await waitServer(5);
  t.equal(servers.filter((r) => r.result === 'tls').length, 5, 'five TLS sessions on the receiver');
  t.same(new Set(servers.map((r) => r.version)), new Set(['TLSv1.2', 'TLSv1.3']), 'both versions');
  t.same(new Set(servers.map((r) => r.tlsMode)), new Set(['explicit', 'implicit']), 'both modes');
  t.equal((statSync(file).mode & 0o777).toString(8), '600', 'the key log is private (0600)');

  const lines = readFileSync(file, 'latin1').split('\n').filter(Boolean);
  for (const line of lines) if (!LINE.test(line)) t.fail(`not an SSLKEYLOGFILE line: ${line}`);
  const byRandom = new Map<string, string[]>();
  for (const line of lines) {
    const [, label, random] = LINE.exec(line)!;
    byRandom.set(random!, [...(byRandom.get(random!) ?? []), label!]);
  }
  for (const r of servers.filter((x) => x.result === 'tls')) {
    const random = r.clientHello?.random;
    t.match(random, /^[0-9a-f]{64}$/, `${r.id}: the record has the client random`);
    const labels = byRandom.get(random!) ?? [];
    if (r.version === 'TLSv1.3') t.same([...new Set(labels)].sort(), [...TLS13].sort(), `${r.id} (${r.tlsMode}, TLS 1.3): the five TLS 1.3 secrets under its client random`);
    else t.same([...new Set(labels)], ['CLIENT_RANDOM'], `${r.id} (${r.tlsMode}, ${r.version}): CLIENT_RANDOM under its client random`);
  }

  // The sender's connection: its secrets appear twice, once from each end.
  const senderServer = servers.find((r) => r.remote.port === sent.local.port);
  t.ok(senderServer, 'the receiver side of the send');
  const twice = byRandom.get(senderServer!.clientHello!.random!) ?? [];
  t.equal(twice.length, 2 * (senderServer!.version === 'TLSv1.3' ? 5 : 1), 'both the client peer and the server peer logged it');

  // Whatever openssl derived on its side is in our file, verbatim.
  const theirsOpenssl = readFileSync(opensslLog, 'latin1').split('\n').filter((l) => LINE.test(l));
  t.ok(theirsOpenssl.length >= 6, `openssl logged ${theirsOpenssl.length} lines`);
  for (const line of theirsOpenssl) t.ok(lines.includes(line), `openssl's ${line.split(' ')[0]} is in ours`);
  t.equal(theirs.length, 5, 'the Node client logged its five TLS 1.3 secrets');
  for (const line of theirs) t.ok(lines.includes(line), `node client's ${line.split(' ')[0]} is in ours`);
});

t.test('a lab without --keylog writes none; a failed handshake writes nothing', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'keys.log');
  const lab = await startTestLab(t, [], { keylog: file });
  await lab.addReceiver({ profile: 'intolerant-tls10', smtps: [0] });
  const socket = tls.connect({ port: portOf(lab, 'intolerant-tls10', 'implicit'), host: '127.0.0.1', rejectUnauthorized: false });
  await new Promise<void>((resolve) => socket.once('error', () => resolve()).once('close', () => resolve()));
  await lab.waitForRecord('intolerant-tls10');
  t.equal(readFileSync(file, 'latin1'), '', 'no secrets for a refused hello');
  const plain = await startTestLab(t, [{ profile: 'modern', smtps: [0] }]);
  t.equal(plain.keylog, undefined);
});
