import net from 'node:net';
import t from 'tap';
import type { LabEventOf } from '../../src/events/events.js';
import { UsageError } from '../../src/usage-error.js';
import { RawSmtp } from '../fixtures/raw-smtp.js';
import { runCommand } from '../fixtures/run-command.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * The Lab commands front ends use on running peers: reconfigurePeer (the port stays, open sessions
 * finish on the old settings, new ones get the new), stopPeer / startPeer (same ports), listPeers,
 * and the peer-changed event. Checked with a real client, openssl s_client.
 */

/** s_client -starttls smtp pinned to one version; the negotiated version or undefined. */
async function sClient(port: number, version: '-tls1' | '-tls1_2'): Promise<string | undefined> {
  const res = await runCommand('openssl', ['s_client', '-starttls', 'smtp', '-connect', `127.0.0.1:${port}`, version, '-cipher', 'DEFAULT@SECLEVEL=0'], { input: 'QUIT\r\n' });
  const m = /^New, (\S+), Cipher is (\S+)/m.exec(res.stdout);
  if (!m || m[2] === '(NONE)') return undefined;
  return /Protocol\s*:\s*(TLSv[\d.]+)/.exec(res.stdout)?.[1] ?? m[1];
}

t.test('reconfigurePeer: modern → tls10-only while running', async (t) => {
  const lab = await startTestLab(t, [{ name: 'rx', profile: 'modern', smtp: [0] }]);
  const changes: LabEventOf<'peer-changed'>[] = [];
  lab.on('peer-changed', (e) => changes.push(e));
  const port = portOf(lab, 'rx');

  t.equal(await sClient(port, '-tls1_2'), 'TLSv1.2', 'before: TLS 1.2 works');
  const before = await lab.waitForRecord((r) => r.peer === 'rx' && r.result === 'tls');
  t.equal(before.profile, 'modern');

  // A session that is open when the peer changes keeps the settings it started with.
  const open = await RawSmtp.connect(port);
  await open.reply();
  await open.command('EHLO early.example');

  const info = await lab.reconfigurePeer('rx', { profile: 'tls10-only' });
  t.equal(info.settings.profile, 'tls10-only');
  t.equal(info.endpoints[0]!.port, port, 'the port stays');
  t.equal(changes.length, 1, 'one peer-changed event');
  t.equal(changes[0]!.before.profile, 'modern');
  t.equal(changes[0]!.after.profile, 'tls10-only');
  t.same(changes[0]!.after.quirks, [], 'tls10-only has no quirks');

  t.equal(await sClient(port, '-tls1_2'), undefined, 'after: s_client -tls1_2 fails');
  const refused = await lab.waitForRecord((r) => r.peer === 'rx' && r.result === 'handshake-failed');
  t.equal(refused.profile, 'tls10-only', 'the failed session ran on the new profile');
  t.equal(refused.error?.alert?.name, 'protocol_version');
  t.equal(await sClient(port, '-tls1'), 'TLSv1', 'after: s_client -tls1 works');
  t.ok(lab.records.some((r) => r.profile === 'tls10-only' && r.version === 'TLSv1'), 'record of the TLS 1.0 session');

  // The early session upgrades now, on modern: TLS 1.2 still works for it.
  const tlsSocket = await open.startTls({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
  t.equal(tlsSocket.getProtocol(), 'TLSv1.2', 'the session opened before the change handshakes on the old profile');
  await open.command('QUIT').catch(() => undefined);
  open.destroy();
  const early = await lab.waitForRecord((r) => r.peer === 'rx' && r.helo === 'early.example');
  t.equal(early.profile, 'modern', 'its record says modern');
  t.equal(early.version, 'TLSv1.2');
  t.equal(before.profile, 'modern', 'the earlier record still says modern');
});

t.test('reconfigurePeer: quirks, policy and personality; bad input changes nothing', async (t) => {
  const lab = await startTestLab(t, [{ name: 'rx', profile: 'modern', smtp: [0] }]);
  const port = portOf(lab, 'rx');
  await lab.reconfigurePeer('rx', { quirks: { intolerantAbove: 'TLSv1' } });
  t.same(lab.listPeers()[0]!.settings.quirks, ['intolerantAbove=TLSv1']);
  t.equal(await sClient(port, '-tls1_2'), undefined, 'the intolerance quirk now refuses a TLS 1.2 hello');
  const gated = await lab.waitForRecord((r) => r.peer === 'rx' && r.result === 'handshake-failed');
  t.match(gated.error?.code, /^QUIRK_/);

  await lab.reconfigurePeer('rx', { quirks: {}, policy: 'required', personality: 'postfix' });
  const c = await RawSmtp.connect(port);
  t.match((await c.reply())[0], /ESMTP Postfix/, 'the new personality greets');
  await c.command('EHLO x.example');
  t.match((await c.command('MAIL FROM:<a@example.org>'))[0], /^530/, 'policy required: 530 before STARTTLS');
  c.destroy();

  await t.rejects(lab.reconfigurePeer('rx', { profile: 'tls10-onyl' }), UsageError, 'unknown profile');
  await t.rejects(lab.reconfigurePeer('rx', { policy: 'sometimes' }), /policy/, 'unknown policy');
  await t.rejects(lab.reconfigurePeer('rx', { strip: 'capability' }), /only a proxy/, 'strip is for proxies');
  await t.rejects(lab.reconfigurePeer('rxx', { profile: 'modern' }), /did you mean "rx"/, 'unknown peer, with a suggestion');
  const s = lab.listPeers()[0]!.settings;
  t.same([s.profile, s.policy, s.personality], ['modern', 'required', 'postfix'], 'nothing changed by the bad calls');
});

t.test('stopPeer / startPeer: refused while stopped, the same port after', async (t) => {
  const lab = await startTestLab(t, [{ name: 'rx', profile: 'modern', smtp: [0], smtps: [0] }]);
  const port = portOf(lab, 'rx');
  const open = await RawSmtp.connect(port);
  await open.reply();
  const stopped = await lab.stopPeer('rx');
  t.equal(stopped.running, false);
  const cut = await lab.waitForRecord((r) => r.peer === 'rx');
  t.ok(cut, 'the open session was ended and recorded');
  const refused = await new Promise<string>((resolve) => net.connect({ port, host: '127.0.0.1' }).on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? '')).on('connect', () => resolve('connected')));
  t.equal(refused, 'ECONNREFUSED', 'nothing listens while stopped');
  const started = await lab.startPeer('rx');
  t.equal(started.running, true);
  t.same(started.endpoints.map((e) => e.port).sort(), lab.listPeers()[0]!.endpoints.map((e) => e.port).sort());
  t.equal(started.endpoints.find((e) => e.tlsMode === 'explicit')!.port, port, 'same STARTTLS port');
  t.equal(await sClient(port, '-tls1_2'), 'TLSv1.2', 'serves again');
  const info = lab.listPeers().find((p) => p.name === 'rx')!;
  t.equal(info.counters.sessions, 2, 'two sessions accepted');
  t.equal(info.counters.results.tls, 1, 'one of them tls');
  t.equal(info.protocol, 'smtp');
  t.match(info.summary, /.+/, 'the profile summary');
});

t.test('reconfigurePeer on IMAP/POP3 servers and a proxy', async (t) => {
  const lab = await startTestLab(t, [{ name: 'rx', profile: 'modern', smtp: [0] }]);
  await lab.addImapServer({ name: 'imap', profile: 'modern', imap: [0] });
  const px = await lab.addProxy({ name: 'px', protocol: 'smtp', strip: 'capability', upstream: `127.0.0.1:${portOf(lab, 'rx')}`, port: 0 });
  await lab.reconfigurePeer('imap', { profile: 'tls10-only', policy: 'required' });
  const imapPort = lab.endpoints().find((e) => e.peer === 'imap')!.listener.port;
  const res = await runCommand('openssl', ['s_client', '-starttls', 'imap', '-connect', `127.0.0.1:${imapPort}`, '-tls1', '-cipher', 'DEFAULT@SECLEVEL=0'], { input: 'a LOGOUT\r\n' });
  t.match(res.stdout, /Protocol\s*:\s*TLSv1\b/, 'IMAP now speaks TLS 1.0');
  await t.rejects(lab.reconfigurePeer('imap', { personality: 'postfix' }), /no SMTP personality/);
  await lab.reconfigurePeer('px', { strip: 'none' });
  t.equal(px.plan.strip, 'none');
  t.equal(lab.listPeers().find((p) => p.name === 'px')!.settings.policy, 'strip=none');
  await t.rejects(lab.reconfigurePeer('px', { profile: 'modern' }), /proxy has no TLS profile/);
});
