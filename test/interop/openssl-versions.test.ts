import t from 'tap';
import { runCommand } from '../fixtures/run-command.js';
import { nextRecord, portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * openssl s_client -starttls smtp pinned to each TLS version against every TLS personality. The
 * expected outcomes are written out here by hand (not derived from the profiles) so the test fails
 * if a profile drifts from what it claims to imitate.
 */
type V = '-tls1' | '-tls1_1' | '-tls1_2' | '-tls1_3';
const VERSIONS: readonly V[] = ['-tls1', '-tls1_1', '-tls1_2', '-tls1_3'];
const NAMES: Record<V, string> = { '-tls1': 'TLSv1', '-tls1_1': 'TLSv1.1', '-tls1_2': 'TLSv1.2', '-tls1_3': 'TLSv1.3' };

const EXPECT: Record<string, { ok: readonly V[]; cipher?: RegExp }> = {
  modern: { ok: ['-tls1_2', '-tls1_3'], cipher: /^(ECDHE-RSA-AES256-GCM-SHA384|TLS_AES_256_GCM_SHA384)$/ },
  'exchange-2019-ecdhe': { ok: ['-tls1_2'], cipher: /^ECDHE-RSA-AES256-GCM-SHA384$/ },
  'tls10-only': { ok: ['-tls1'], cipher: /^ECDHE-RSA-AES256-SHA$/ },
  'tls11-max': { ok: ['-tls1', '-tls1_1'], cipher: /^ECDHE-RSA-AES256-SHA$/ },
  'dhe-only': { ok: ['-tls1_2'], cipher: /^DHE-RSA-AES256-GCM-SHA384$/ },
  'dhe-1024': { ok: ['-tls1_2'], cipher: /^DHE-RSA-AES256-GCM-SHA384$/ },
  'rsa-kex-only': { ok: ['-tls1', '-tls1_1', '-tls1_2'], cipher: /^AES256-SHA$/ },
  'postfix-3.7-default': { ok: ['-tls1', '-tls1_1', '-tls1_2', '-tls1_3'] },
  'dovecot-2.3-default': { ok: ['-tls1_2', '-tls1_3'] },
  // Schannel picks in its own order: ECDHE-RSA-AES256-GCM at TLS 1.2 (position 3), ECDHE-RSA-AES256-SHA below.
  'exchange-2019-default': { ok: ['-tls1', '-tls1_1', '-tls1_2'], cipher: /^ECDHE-RSA-AES256-(GCM-SHA384|SHA)$/ },
  'exchange-2010-sp3': { ok: ['-tls1'], cipher: /^AES128-SHA$/ },
  'exim-4.96-default': { ok: ['-tls1', '-tls1_1', '-tls1_2', '-tls1_3'] },
  'office365-inbound': { ok: ['-tls1_2', '-tls1_3'], cipher: /^ECDHE-RSA-AES256-GCM-SHA384$/ },
  'cisco-esa-default': { ok: ['-tls1_1', '-tls1_2'], cipher: /^ECDHE-RSA-AES256-(GCM-SHA384|SHA)$/ },
  'md5-chain': { ok: ['-tls1_2', '-tls1_3'] },
  'md5-intermediate': { ok: ['-tls1_2', '-tls1_3'] },
  'sha1-chain': { ok: ['-tls1_2', '-tls1_3'] },
  'rsa-1024': { ok: ['-tls1_2', '-tls1_3'] },
  'self-signed': { ok: ['-tls1_2', '-tls1_3'] },
  expired: { ok: ['-tls1_2', '-tls1_3'] },
  'wrong-name': { ok: ['-tls1_2', '-tls1_3'] },
  'untrusted-root': { ok: ['-tls1_2', '-tls1_3'] },
  'missing-intermediate': { ok: ['-tls1_2', '-tls1_3'] },
};

t.test('openssl s_client -starttls smtp, each version, each profile', async (t) => {
  const profiles = Object.keys(EXPECT);
  const lab = await startTestLab(t, profiles.map((profile) => ({ profile, smtp: [0] })));
  const seen = new Set<string>();
  for (const profile of profiles) {
    const port = portOf(lab, profile);
    for (const v of VERSIONS) {
      // Debian's client runs at security level 2; level 0 lets it speak TLS 1.0 and accept weak chains
      // and 1024-bit DH, so that only the server's personality decides.
      const res = await runCommand('openssl', ['s_client', '-starttls', 'smtp', '-connect', `127.0.0.1:${port}`, v, '-cipher', 'DEFAULT@SECLEVEL=0', '-servername', 'mx.mxlab.test'], { input: 'QUIT\r\n' });
      const rec = await nextRecord(lab, profile, seen);
      const shouldWork = EXPECT[profile]!.ok.includes(v);
      // s_client's "New, X, Cipher is Y" names the cipher's spec version (SSLv3 for AES256-SHA), so the
      // real version comes from the session block ("Protocol  : TLSv1"), printed for TLS <= 1.2 only.
      const m = /^New, (\S+), Cipher is (\S+)/m.exec(res.stdout);
      const cipher = m && m[2] !== '(NONE)' ? m[2] : undefined;
      const negotiated = cipher ? (/Protocol\s*:\s*(TLSv[\d.]+)/.exec(res.stdout)?.[1] ?? m![1]) : undefined;
      if (shouldWork) {
        t.equal(negotiated, NAMES[v], `${profile} ${v}: client negotiated ${NAMES[v]}`);
        t.equal(rec.result, 'tls', `${profile} ${v}: record result tls`);
        t.equal(rec.version, NAMES[v], `${profile} ${v}: record version is the negotiated one`);
        t.equal(rec.cipher?.openssl, cipher, `${profile} ${v}: record cipher = client's cipher`);
        if (EXPECT[profile]!.cipher && v !== '-tls1_3') t.match(rec.cipher?.openssl, EXPECT[profile]!.cipher, `${profile} ${v}: server-preferred suite`);
        t.ok(rec.cipher?.iana.startsWith('TLS_'), `${profile} ${v}: IANA name ${rec.cipher?.iana}`);
        t.ok((rec.cipher?.bits ?? 0) >= 128, `${profile} ${v}: bits ${rec.cipher?.bits}`);
        t.equal(rec.startTlsOffered, true, `${profile}: STARTTLS offered`);
        t.equal(rec.startTlsAttempted, true, `${profile}: STARTTLS used`);
        t.equal(rec.clientHello?.maxVersion, NAMES[v], `${profile} ${v}: ClientHello max version seen before OpenSSL`);
        t.equal(rec.sni, 'mx.mxlab.test', `${profile} ${v}: SNI`);
        t.match(rec.reply ?? '', /^220 2\.0\.0 Ready to start TLS/, `${profile} ${v}: reply`);
      } else {
        t.equal(negotiated, undefined, `${profile} ${v}: client did not get a session`);
        t.equal(rec.result, 'handshake-failed', `${profile} ${v}: record result handshake-failed`);
        t.ok(rec.error?.code, `${profile} ${v}: error code ${rec.error?.code}`);
        t.equal(rec.error?.alert?.name, 'protocol_version', `${profile} ${v}: alert protocol_version (${rec.error?.message})`);
      }
    }
  }
});
