import t from 'tap';
import { linePort } from '../fixtures/mail-lab.js';
import { runCommand } from '../fixtures/run-command.js';
import { nextRecord, startTestLab } from '../fixtures/test-lab.js';

/**
 * `openssl s_client -starttls imap|pop3` pinned to each TLS version against the TLS 1.0-only
 * personality (Exchange before 2016 on POP/IMAP, docs/field-notes.md "TLS 1.0-only peers") and the modern one. The expected
 * outcomes are written out by hand, as in openssl-versions.test.ts for SMTP.
 */
type V = '-tls1' | '-tls1_1' | '-tls1_2' | '-tls1_3';
const VERSIONS: readonly V[] = ['-tls1', '-tls1_1', '-tls1_2', '-tls1_3'];
const NAMES: Record<V, string> = { '-tls1': 'TLSv1', '-tls1_1': 'TLSv1.1', '-tls1_2': 'TLSv1.2', '-tls1_3': 'TLSv1.3' };
const EXPECT: Record<string, readonly V[]> = { 'tls10-only': ['-tls1'], modern: ['-tls1_2', '-tls1_3'] };

t.test('openssl s_client -starttls imap|pop3, each version, tls10-only and modern', async (t) => {
  const lab = await startTestLab(t);
  for (const profile of Object.keys(EXPECT)) {
    await lab.addImapServer({ name: `${profile}-imap`, profile, imap: [0] });
    await lab.addPop3Server({ name: `${profile}-pop3`, profile, pop3: [0] });
  }
  const seen = new Set<string>();
  for (const profile of Object.keys(EXPECT)) {
    for (const proto of ['imap', 'pop3'] as const) {
      const peer = `${profile}-${proto}`;
      for (const v of VERSIONS) {
        // Level 0 lets Debian's client speak TLS 1.0/1.1: only the server's personality decides.
        const res = await runCommand('openssl', ['s_client', '-starttls', proto, '-connect', `127.0.0.1:${linePort(lab, peer)}`, v, '-cipher', 'DEFAULT@SECLEVEL=0', '-servername', 'mx.mxlab.test'], { input: proto === 'imap' ? 'z LOGOUT\r\n' : 'QUIT\r\n' });
        const rec = await nextRecord(lab, peer, seen);
        const m = /^New, (\S+), Cipher is (\S+)/m.exec(res.stdout);
        const cipher = m && m[2] !== '(NONE)' ? m[2] : undefined;
        const negotiated = cipher ? (/Protocol\s*:\s*(TLSv[\d.]+)/.exec(res.stdout)?.[1] ?? m![1]) : undefined;
        const what = `${peer} ${v}`;
        t.equal(rec.protocol, proto);
        t.equal(rec.startTlsOffered, true, `${what}: ${proto === 'imap' ? 'STARTTLS' : 'STLS'} offered`);
        t.equal(rec.startTlsAttempted, true, `${what}: used`);
        t.equal(rec.clientHello?.maxVersion, NAMES[v], `${what}: ClientHello read before OpenSSL`);
        if (EXPECT[profile]!.includes(v)) {
          t.equal(negotiated, NAMES[v], `${what}: client negotiated ${NAMES[v]}`);
          t.equal(rec.result, 'tls', `${what}: record tls`);
          t.equal(rec.version, NAMES[v], `${what}: record version`);
          t.equal(rec.cipher?.openssl, cipher, `${what}: record cipher = client's cipher`);
          t.equal(rec.sni, 'mx.mxlab.test', `${what}: SNI`);
          if (profile === 'tls10-only') t.equal(rec.cipher?.openssl, 'ECDHE-RSA-AES256-SHA', `${what}: the legacy suite`);
        } else {
          t.equal(negotiated, undefined, `${what}: no session`);
          t.equal(rec.result, 'handshake-failed', `${what}: record handshake-failed`);
          t.equal(rec.error?.alert?.name, 'protocol_version', `${what}: alert protocol_version (${rec.error?.message})`);
        }
      }
    }
  }
});
