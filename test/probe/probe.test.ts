import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { getLabCa } from '../../src/certs/lab-ca.js';
import type { SessionRecord } from '../../src/model/session-record.js';
import { linePort } from '../fixtures/mail-lab.js';
import { runCli } from '../fixtures/run-cli.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * `mxlab probe smtp|imap|pop3`: like openssl s_client -starttls, but the answer is a session record
 * — capabilities before and after TLS, what was negotiated, the chain verdict, whether a login was
 * allowed before TLS — and nothing is ever sent that matters (no mail, no password).
 */

t.test('probes against the lab\'s own peers, under the client policies', async (t) => {
  const lab = await startTestLab(t, [
    { name: 'rx', profile: 'modern', smtp: [0], smtps: [0] },
    { name: 'rx-off', profile: 'modern', policy: 'off', smtp: [0] },
  ]);
  for (const [name, policy, profile] of [['opt', 'optional', 'modern'], ['req', 'required', 'modern'], ['off', 'off', 'modern'], ['wrong', 'optional', 'wrong-name']] as const) {
    await lab.addImapServer({ name: `${name}-imap`, profile, policy, imap: [0], imaps: [0] });
    await lab.addPop3Server({ name: `${name}-pop3`, profile, policy, pop3: [0], pop3s: [0] });
  }
  const ca = (await getLabCa(lab.certsDir)).cert;
  const to = (port: number): string => `127.0.0.1:${port}`;

  await t.test('imap and pop3, policy may: capabilities on both sides of STARTTLS, login before TLS', async (t) => {
    for (const proto of ['imap', 'pop3'] as const) {
      const opt = await lab.probe({ protocol: proto, to: to(linePort(lab, `opt-${proto}`)), ca, tlsDomain: 'mx.mxlab.test' });
      t.equal(opt.role, 'client');
      t.equal(opt.protocol, proto);
      t.equal(opt.result, 'tls', `${proto}: tls`);
      t.equal(opt.startTlsOffered, true);
      t.equal(opt.startTlsAttempted, true);
      t.equal(opt.loginBeforeTls, true, `${proto} optional: a login was allowed before TLS`);
      t.ok(opt.capabilities?.beforeTls?.length && opt.capabilities.afterTls?.length, 'both capability lists');
      t.equal(opt.verification?.trust, 'given-ca');
      t.equal(opt.verification?.summary, 'verified');
      t.equal(opt.keyExchange?.source, 'peer', 'the client side reads the group from OpenSSL');
      t.ok(opt.chain?.length, 'chain recorded');
      const req = await lab.probe({ protocol: proto, to: to(linePort(lab, `req-${proto}`)) });
      t.equal(req.result, 'tls');
      t.equal(req.loginBeforeTls, false, `${proto} required: no login before TLS`);
      const server = await lab.waitForRecord(`req-${proto}`);
      t.equal(server.loginBeforeTls, false, 'the server record says the same');
      t.notOk(JSON.stringify(req.transcript).match(/LOGIN |USER |PASS |AUTH /), 'no credentials sent');
    }
  });

  await t.test('encrypt refuses a server without STARTTLS; none stays in plaintext; implicit TLS', async (t) => {
    for (const proto of ['imap', 'pop3'] as const) {
      const enc = await lab.probe({ protocol: proto, to: to(linePort(lab, `off-${proto}`)), policy: 'encrypt' });
      t.equal(enc.result, 'refused');
      t.match(enc.reply, /TLS is required, but (STARTTLS|STLS) was not offered/);
      t.equal(enc.startTlsOffered, false);
      const none = await lab.probe({ protocol: proto, to: to(linePort(lab, `opt-${proto}`)), policy: 'none' });
      t.equal(none.result, 'plaintext');
      t.equal(none.startTlsAttempted, false);
      const imp = await lab.probe({ protocol: proto, to: to(linePort(lab, `opt-${proto}`, 'implicit')), implicit: true, profile: 'tls10-only' });
      t.equal(imp.result, 'handshake-failed', 'a TLS 1.0-only probe cannot talk to a modern server');
      t.equal(imp.tlsMode, 'implicit');
      const imp2 = await lab.probe({ protocol: proto, to: to(linePort(lab, `opt-${proto}`, 'implicit')), implicit: true });
      t.equal(imp2.result, 'tls');
      t.ok(imp2.capabilities?.afterTls?.length && !imp2.capabilities.beforeTls, 'implicit: only the TLS side');
    }
  });

  await t.test('secure: a wrong certificate name is refused after the handshake', async (t) => {
    const r = await lab.probe({ protocol: 'imap', to: to(linePort(lab, 'wrong-imap')), policy: 'secure', ca, tlsDomain: 'mx.mxlab.test' });
    t.equal(r.result, 'refused');
    t.match(r.reply, /name mismatch/);
    t.equal(r.verification?.nameValid, false);
    t.equal(r.version !== undefined, true, 'TLS was made before the verdict');
  });

  await t.test('smtp probe: the sender\'s engine, no mail', async (t) => {
    const before = lab.mailbox.list().length;
    const r = await lab.probe({ protocol: 'smtp', to: to(portOf(lab, 'rx')), ca });
    t.equal(r.protocol, 'smtp');
    t.equal(r.result, 'tls');
    t.match(r.reason, /probe: TLS with TLSv1\.3 .*no mail sent/);
    t.ok(r.ehlo?.beforeTls?.includes('STARTTLS'));
    t.ok(r.ehlo?.afterTls?.length);
    t.same(r.messages, []);
    t.equal(lab.mailbox.list().length, before, 'nothing delivered');
    t.notOk(r.transcript.some((l) => /^(MAIL|RCPT|DATA)/.test(l.line)), 'no envelope sent');
    const off = await lab.probe({ protocol: 'smtp', to: to(portOf(lab, 'rx-off')) });
    t.equal(off.result, 'plaintext');
    t.match(off.reason, /STARTTLS not offered by the server; the session stayed in plaintext .*no mail sent/);
    const smtps = await lab.probe({ protocol: 'smtp', to: to(portOf(lab, 'rx', 'implicit')), implicit: true });
    t.equal(smtps.result, 'tls');
  });

  await t.test('a closed port and bad input', async (t) => {
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer();
      s.listen(0, '127.0.0.1', () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const r = await lab.probe({ protocol: 'pop3', to: to(closed) });
    t.equal(r.result, 'error');
    t.equal(r.error?.code, 'ECONNREFUSED');
    await t.rejects(lab.probe({ protocol: 'nntp', to: to(closed) }), /protocol: got "nntp", want one of smtp, imap, pop3/);
    await t.rejects(lab.probe({ protocol: 'imap', to: 'nohost' }), /want HOST:PORT/);
  });
});

t.test('mxlab probe on the command line', async (t) => {
  const lab = await startTestLab(t);
  await lab.addImapServer({ name: 'imap', profile: 'modern', policy: 'required', imap: [0] });
  const ca = await getLabCa(lab.certsDir);
  const dir = t.testdir({});
  writeFileSync(join(dir, 'ca.pem'), ca.cert);
  const port = linePort(lab, 'imap');
  const [text, json, bad] = await Promise.all([
    runCli(['probe', 'imap', `127.0.0.1:${port}`, '--ca', join(dir, 'ca.pem'), '--tls-domain', 'mx.mxlab.test', '--policy', 'secure', '--run-dir', join(dir, 'run1')], { timeoutMs: 30000 }),
    runCli(['probe', 'imap', `127.0.0.1:${port}`, '--json', '--run-dir', join(dir, 'run2')], { timeoutMs: 30000 }),
    runCli(['probe', 'imap4', `127.0.0.1:${port}`, '--run-dir', join(dir, 'run3')], { timeoutMs: 30000 }),
  ]);
  t.equal(text.code, 0, `exit 0 (${text.stderr})`);
  t.match(text.stdout, /^IMAP TLS {2}127\.0\.0\.1:\d+ \(STARTTLS\)/);
  t.match(text.stdout, /certificate {3}passed chain and name check: verified/);
  t.match(text.stdout, /CAPA \(plain\) {2}IMAP4rev1 STARTTLS LOGINDISABLED/);
  t.match(text.stdout, /login pre-TLS +refused until TLS/);
  t.equal(json.code, 0);
  const record = JSON.parse(json.stdout) as SessionRecord;
  t.equal(record.protocol, 'imap');
  t.equal(record.loginBeforeTls, false);
  t.equal(bad.code, 2, 'an unknown protocol is a usage error');
  t.match(bad.stderr, /protocol: got "imap4", want one of smtp, imap, pop3 \(did you mean "imap"\?\)/);
});
