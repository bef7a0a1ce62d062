import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { getLabCa } from '../../src/certs/lab-ca.js';
import type { DeliveryVerdict } from '../../src/model/delivery.js';
import { parseScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run-scenario.js';
import { runCommand } from '../fixtures/run-command.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * The verdict on a sending MTA under test: its connections to one receiver grouped into a delivery,
 * with the sessions as evidence. Senders here: mxlab's own (every policy, both fallbacks) and swaks.
 * The window is short (the sender's retries here come at once or after a given wait).
 */

const WINDOW = 2500;

t.test('delivery verdicts on senders', async (t) => {
  const lab = await startTestLab(t, [
    { name: 'old', profile: 'intolerant-tls10', smtp: [0] },
    { name: 'modern', profile: 'modern', smtp: [0] },
    { name: 'selfsigned', profile: 'self-signed', smtp: [0] },
    { name: 'plain', profile: 'modern', policy: 'off', smtp: [0] },
  ], { deliveryWindowMs: WINDOW });
  const to = (peer: string): string => `127.0.0.1:${portOf(lab, peer)}`;
  const ca = (await getLabCa(lab.certsDir)).cert;
  const next = (peer: string, helo: string): Promise<DeliveryVerdict> => lab.waitForDelivery((d) => d.peer === peer && d.client.helo === helo, WINDOW * 6);

  await t.test('may, immediate fallback, to a version-intolerant receiver: downgraded, both sessions linked', async (t) => {
    const rec = await lab.send({ to: to('old'), policy: 'may', helo: 'may.sender.test' });
    const d = await next('old', 'may.sender.test');
    t.equal(d.verdict, 'downgraded', d.summary);
    t.equal(d.sessions.length, 2, 'two connections');
    t.same(d.evidence.map((e) => e.tls), ['failed', 'none']);
    t.match(d.evidence[0]!.what, /STARTTLS, handshake failed \(QUIRK_VERSION_INTOLERANCE/);
    t.equal(d.messages?.length, 1);
    t.equal(d.messages?.[0], rec.messages[0]?.id, 'the message the sender delivered');
    t.match(d.summary, /fell back to plaintext .*minimal_backoff_time/);
  });

  await t.test('may with --fallback deferred: the retry comes later and is still one delivery', async (t) => {
    const rec = await lab.send({ to: to('old'), policy: 'may', helo: 'postfix-like.sender.test', fallback: 'deferred', retryAfterMs: 800 });
    t.match(rec.attempts?.[0]?.reason, /deferred: policy may retries without TLS on a new connection after 0\.8 s/);
    const d = await next('old', 'postfix-like.sender.test');
    t.equal(d.verdict, 'downgraded', d.summary);
    t.equal(d.sessions.length, 2);
    t.match(d.summary, /delivered in plaintext on \S+ \d+(\.\d)? s after/);
  });

  await t.test('encrypt to the same receiver: deferred once the window passes', async (t) => {
    const rec = await lab.send({ to: to('old'), policy: 'encrypt', helo: 'encrypt.sender.test' });
    t.equal(rec.result, 'refused');
    const d = await next('old', 'encrypt.sender.test');
    t.equal(d.verdict, 'deferred', d.summary);
    t.equal(d.sessions.length, 1);
    t.match(d.summary, /no connection delivered within 2\.5 s/);
  });

  await t.test('verify against a self-signed receiver: TLS up, QUIT, no mail: rejected-certificate', async (t) => {
    const rec = await lab.send({ to: to('selfsigned'), policy: 'verify', ca, helo: 'verify.sender.test' });
    t.equal(rec.result, 'refused', rec.reason ?? '');
    const d = await next('selfsigned', 'verify.sender.test');
    t.equal(d.verdict, 'rejected-certificate', d.summary);
    t.match(d.evidence[0]!.what, /^TLS TLSv1\.3 .*then QUIT without mail/);
  });

  await t.test('tls and plaintext', async (t) => {
    await lab.send({ to: to('modern'), policy: 'may', helo: 'tls.sender.test' });
    const tls = await next('modern', 'tls.sender.test');
    t.equal(tls.verdict, 'tls', tls.summary);
    t.match(tls.summary, /delivered over TLSv1\.3/);
    await lab.send({ to: to('plain'), policy: 'may', helo: 'plain.sender.test' });
    const plain = await next('plain', 'plain.sender.test');
    t.equal(plain.verdict, 'plaintext', plain.summary);
    t.match(plain.summary, /STARTTLS was not offered/);
    await lab.send({ to: to('modern'), policy: 'none', helo: 'none.sender.test' });
    const none = await next('modern', 'none.sender.test');
    t.equal(none.verdict, 'plaintext', none.summary);
    t.match(none.summary, /STARTTLS was offered/);
  });

  await t.test('swaks --tls-optional: does not reconnect; the operator\'s plaintext retry makes it downgraded', async (t) => {
    const first = await runCommand('swaks', ['--server', to('old'), '--tls-optional', '--ehlo', 'swaks.sender.test', '--to', 'user@example.net', '--from', 'a@example.org', '--timeout', '10'], { timeoutMs: 20000 });
    t.match(first.stdout + first.stderr, /STARTTLS attempted but failed/, 'swaks tried TLS and went on in plaintext on the dead connection');
    const second = await runCommand('swaks', ['--server', to('old'), '--ehlo', 'swaks.sender.test', '--to', 'user@example.net', '--from', 'a@example.org', '--timeout', '10'], { timeoutMs: 20000 });
    t.equal(second.code, 0, second.stderr);
    const d = await next('old', 'swaks.sender.test');
    t.equal(d.verdict, 'downgraded', d.summary);
    t.equal(d.sessions.length, 2);
    t.same(d.from, ['a@example.org']);
  });

  await t.test('swaks --tls-optional alone: TLS failed and no mail came: deferred', async (t) => {
    await runCommand('swaks', ['--server', to('old'), '--tls-optional', '--ehlo', 'swaks-once.sender.test', '--to', 'user@example.net', '--from', 'a@example.org', '--timeout', '10'], { timeoutMs: 20000 });
    const d = await next('old', 'swaks-once.sender.test');
    t.equal(d.verdict, 'deferred', d.summary);
  });

  await t.test('deliveries.jsonl has every verdict', async (t) => {
    const lines = readFileSync(join(lab.runDir.path, 'deliveries.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DeliveryVerdict);
    t.same(lines.map((d) => d.id), lab.deliveries.map((d) => d.id));
    t.ok(lines.length >= 8, `${lines.length} verdicts`);
  });
});

t.test('a delivery still open when the lab stops gets its verdict, marked cut short', async (t) => {
  const lab = await startTestLab(t, [{ name: 'old', profile: 'intolerant-tls10', smtp: [0] }]);
  await lab.send({ to: `127.0.0.1:${portOf(lab, 'old')}`, policy: 'encrypt', helo: 'stop.sender.test' });
  await lab.waitForRecord((r) => r.role === 'server');
  t.equal(lab.deliveries.length, 0, 'the default window (900 s) is not over');
  t.equal(lab.deliveryWindowMs, 900_000);
  await lab.stop();
  t.equal(lab.deliveries[0]?.verdict, 'deferred');
  t.equal(lab.deliveries[0]?.cutShort, true);
  t.match(lab.deliveries[0]?.summary, /the lab stopped before the 900 s window was over/);
});

t.test('scenario: swaks --tls-optional against intolerant-tls10, then its plaintext retry, awaited: downgraded', async (t) => {
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const { scenario } = parseScenario('swaks.yaml', [
    'name: swaks-tls-optional-vs-intolerant-tls10',
    'deliveryWindowMs: 5000',
    `peers: [{ name: old, profile: intolerant-tls10, port: ${port} }]`,
    'await: { peer: old, count: 2, timeoutMs: 20000 }',
    'expect:',
    '  - { name: the first connection died in the handshake, peer: old, nth: 1, result: handshake-failed }',
    '  - { name: the verdict on swaks is downgraded, peer: old, delivery: downgraded }',
  ].join('\n'));
  const swaks = (...extra: string[]): Promise<unknown> => runCommand('swaks', ['--server', `127.0.0.1:${port}`, ...extra, '--ehlo', 'swaks.example', '--to', 'user@example.net', '--from', 'a@example.org', '--timeout', '10'], { timeoutMs: 20000 });
  const result = await runScenario(scenario!, {
    onStarted: async () => {
      await swaks('--tls-optional');
      await swaks();
    },
  });
  for (const test of result.tests) t.ok(test.ok, `${test.name} ${JSON.stringify(test.mismatches)}`);
  t.equal(result.tests.length, 2);
});

t.test('a probe is no connection of a delivery: the sender that comes after it is judged alone', async (t) => {
  const lab = await startTestLab(t, [{ name: 'modern', profile: 'modern', smtp: [0] }], { deliveryWindowMs: 1500 });
  const to = `127.0.0.1:${portOf(lab, 'modern')}`;
  const probed = await lab.probe({ protocol: 'smtp', to });
  t.equal(probed.result, 'tls');
  await lab.send({ to, policy: 'none' });
  const sender = await lab.waitForDelivery((d) => d.client.helo === 'client.mxlab.test', 10000);
  t.equal(sender.verdict, 'plaintext', `${sender.summary}: not "downgraded" by the probe's TLS session before it`);
  t.equal(sender.sessions.length, 1);
  const probe = await lab.waitForDelivery((d) => d.client.helo === 'probe.mxlab.test', 10000);
  t.equal(probe.verdict, 'rejected-certificate', 'the probe alone looks like a sender that left after TLS');
  t.match(probe.summary, /unless it never meant to send \(a probe/, 'and the wording says it may be a probe');
});

t.test('a lab stopped while a send waits out its deferred retry ends at once; the delivery stays deferred', async (t) => {
  const lab = await startTestLab(t, [{ name: 'old', profile: 'intolerant-tls10', smtp: [0] }], { deliveryWindowMs: 60000 });
  const sending = lab.send({ to: `127.0.0.1:${portOf(lab, 'old')}`, policy: 'may', helo: 'waiting.sender.test', fallback: 'deferred', retryAfterMs: 300000 });
  await lab.waitForRecord((r) => r.role === 'client' && r.peer.startsWith('send'), 10000);
  const stopped = lab.stop();
  const rec = await sending;
  await stopped;
  t.equal(rec.attempt ?? 1, 1, 'no plaintext retry was made');
  t.not(rec.result, 'plaintext');
  const d = lab.deliveries.find((x) => x.client.helo === 'waiting.sender.test');
  t.equal(d?.verdict, 'deferred', d?.summary ?? 'no verdict');
});
