import t from 'tap';
import { linePort } from '../fixtures/mail-lab.js';
import { RawLine } from '../fixtures/raw-line.js';
import { runCommand } from '../fixtures/run-command.js';
import { nextRecord, startTestLab } from '../fixtures/test-lab.js';

/**
 * The IMAP and POP3 servers play the same quirks as the SMTP receiver, through the shared line layer:
 * the hello gate's version intolerance, the STARTTLS quirks, and the faults after the handshake.
 */

t.test('quirks on IMAP and POP3', async (t) => {
  const lab = await startTestLab(t);
  const add = async (name: string, profile: string, quirks: Record<string, unknown> = {}): Promise<void> => {
    await lab.addImapServer({ name: `${name}-imap`, profile, overrides: { quirks }, imap: [0], imaps: [0] });
    await lab.addPop3Server({ name: `${name}-pop3`, profile, overrides: { quirks }, pop3: [0], pop3s: [0] });
  };
  await add('intolerant', 'intolerant-tls10');
  await add('hidden', 'modern', { hideStartTls: true });
  await add('refusing', 'modern', { refuseStartTls: true });
  await add('cut', 'modern', { closeAfterHandshake: true });
  await add('mute', 'modern', { closeAfterFirstCommand: true });
  const seen = new Set<string>();

  await t.test('version intolerance: a TLS 1.2 hello is dropped before OpenSSL, a TLS 1.0 hello gets through', async (t) => {
    for (const proto of ['imap', 'pop3'] as const) {
      const peer = `intolerant-${proto}`;
      const modern = await runCommand('openssl', ['s_client', '-starttls', proto, '-connect', `127.0.0.1:${linePort(lab, peer)}`, '-tls1_2'], { input: '' });
      t.notMatch(modern.stdout, /^New, TLSv1\.2/m, `${proto}: no TLS 1.2 session`);
      const r = await nextRecord(lab, peer, seen);
      t.equal(r.result, 'handshake-failed', `${proto}: handshake-failed`);
      t.match(r.error?.message ?? '', /TLS|version|closed/i, `${proto}: the gate's reason (${r.error?.message})`);
      const old = await runCommand('openssl', ['s_client', '-starttls', proto, '-connect', `127.0.0.1:${linePort(lab, peer)}`, '-tls1', '-cipher', 'DEFAULT@SECLEVEL=0'], { input: '' });
      t.match(old.stdout, /^New, TLSv1\.0, Cipher is /m, `${proto}: TLS 1.0 works`);
      t.equal((await nextRecord(lab, peer, seen)).result, 'tls');
    }
  });

  await t.test('hideStartTls leaves it out of the capabilities but it works; refuseStartTls answers NO / -ERR', async (t) => {
    const i = await RawLine.connect(linePort(lab, 'hidden-imap'));
    t.notMatch(await i.line(), /STARTTLS/);
    t.same(await i.imap('a', 'STARTTLS'), ['a OK Begin TLS negotiation now']);
    await i.startTls();
    await i.imap('b', 'LOGOUT');
    const ri = await nextRecord(lab, 'hidden-imap', seen);
    t.equal(ri.startTlsOffered, false);
    t.equal(ri.result, 'tls');
    const p = await RawLine.connect(linePort(lab, 'refusing-pop3'));
    await p.line();
    t.ok((await p.popMulti('CAPA')).lines.includes('STLS'), 'advertised');
    t.equal(await p.pop('STLS'), '-ERR [SYS/TEMP] TLS not available due to local problem');
    await p.pop('QUIT');
    t.equal((await nextRecord(lab, 'refusing-pop3', seen)).result, 'plaintext');
    const r = await RawLine.connect(linePort(lab, 'refusing-imap'));
    await r.line();
    t.same(await r.imap('a', 'STARTTLS'), ['a NO [UNAVAILABLE] TLS not available due to local problem']);
    await r.imap('b', 'LOGOUT');
    await nextRecord(lab, 'refusing-imap', seen);
  });

  await t.test('closeAfterHandshake and closeAfterFirstCommand', async (t) => {
    for (const proto of ['imap', 'pop3'] as const) {
      const c = await RawLine.connectTls(linePort(lab, `cut-${proto}`, 'implicit'));
      await c.waitClosed();
      const rc = await nextRecord(lab, `cut-${proto}`, seen);
      t.equal(rc.result, 'error', `${proto}: closed after the handshake`);
      t.equal(rc.error?.code, 'QUIRK_SESSION_FAULT');
      t.equal(rc.version !== undefined, true, 'the handshake itself is recorded');
      const m = await RawLine.connectTls(linePort(lab, `mute-${proto}`, 'implicit'));
      await m.line();
      m.write(proto === 'imap' ? 'a CAPABILITY\r\n' : 'CAPA\r\n');
      await m.waitClosed();
      const rm = await nextRecord(lab, `mute-${proto}`, seen);
      t.equal(rm.error?.code, 'QUIRK_SESSION_FAULT', `${proto}: closed on the first command`);
      t.notOk(rm.transcript.some((l) => l.dir === 'S' && /CAPABILITY completed|Capability list/.test(l.line)), 'never answered');
    }
  });
});
