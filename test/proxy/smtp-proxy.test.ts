import t from 'tap';
import type { Lab } from '../../src/lab/lab.js';
import type { MitmProxy } from '../../src/proxy/proxy.js';
import { tableRow } from '../../src/record/render-table.js';
import { runCommand } from '../fixtures/run-command.js';
import { nextRecord, portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * swaks and mxlab's own sender through the STARTTLS-stripping proxy, with mxlab's receiver as the
 * upstream (issue 5, "MITM proxy"). Each connection is checked from both ends: the proxy's record
 * (role proxy, with the interception verdict) and the receiver's record of the same session.
 */

const swaks = (port: number, flag: '--tls' | '--tls-optional', extra: readonly string[] = []) =>
  runCommand('swaks', ['--to', 'user@example.net', '--from', 'sender@example.org', '--server', `127.0.0.1:${port}`, flag, '--helo', 'client.example.org', '--timeout', '5', ...extra]);

const portOfProxy = (p: MitmProxy): number => p.endpoints[0]!.port;

async function labWithProxies(t: Parameters<typeof startTestLab>[0]): Promise<{ lab: Lab; proxies: Record<string, MitmProxy> }> {
  const lab = await startTestLab(t, [{ name: 'rx', profile: 'modern', policy: 'optional', smtp: [0] }]);
  const upstream = `127.0.0.1:${portOf(lab, 'rx')}`;
  const proxies: Record<string, MitmProxy> = {};
  for (const strip of ['capability', 'reply-454', 'corrupt-command', 'none']) {
    proxies[strip] = await lab.addProxy({ name: strip, protocol: 'smtp', strip, upstream });
  }
  return { lab, proxies };
}

t.test('capability: swaks --tls fails, --tls-optional delivers in plaintext and the record says so', async (t) => {
  const { lab, proxies } = await labWithProxies(t);
  const seen = new Set<string>();
  const port = portOfProxy(proxies.capability!);

  const strict = await swaks(port, '--tls');
  t.not(strict.code, 0, 'swaks --tls exits non-zero');
  t.match(strict.all, /did not advertise STARTTLS/, 'swaks: STARTTLS not advertised');
  t.notMatch(strict.all, /250[ -]STARTTLS/, 'the client never saw STARTTLS');
  const p1 = await nextRecord(lab, 'capability', seen);
  const r1 = await nextRecord(lab, 'rx', seen);
  t.equal(p1.role, 'proxy');
  t.equal(p1.result, 'plaintext');
  t.equal(p1.startTlsOffered, false, 'startTlsOffered is what the client saw');
  t.match(p1.interception, {
    strip: 'capability', startTlsOfferedByUpstream: true, startTlsSeenByClient: false, clientSentStartTls: false,
    tlsEndToEnd: false, continuedInPlaintext: false, credentialsInClear: false, mailInClear: false,
  });
  t.same(p1.interception?.upstream, { host: '127.0.0.1', port: portOf(lab, 'rx') }, 'upstream endpoint');
  t.same(p1.interception?.rewrites, ['removed "250-STARTTLS" from the EHLO reply']);
  t.equal(r1.startTlsOffered, true, 'the receiver did offer STARTTLS');
  t.equal(r1.messages.length, 0);
  // The stripped EHLO reply stays well-formed: one final "250 " line, last.
  const ehlo = p1.transcript.filter((l) => l.dir === 'S' && /^250[ -]/.test(l.line) && !/Accepted|queued|Ok/.test(l.line));
  t.ok(ehlo.length > 2);
  t.same(ehlo.map((l) => l.line[3]), [...Array(ehlo.length - 1).fill('-'), ' '], 'every line but the last is 250-, the last 250 ');
  t.ok(p1.transcript.some((l) => l.dir === '*' && /^proxy: removed "250-STARTTLS"/.test(l.line)), 'transcript shows what the upstream sent');

  const optional = await swaks(port, '--tls-optional');
  t.equal(optional.code, 0, 'swaks --tls-optional delivers', { output: optional.all.slice(-1500) });
  const p2 = await nextRecord(lab, 'capability', seen);
  const r2 = await nextRecord(lab, 'rx', seen);
  t.equal(p2.result, 'plaintext');
  t.match(p2.interception, { continuedInPlaintext: true, mailInClear: true, credentialsInClear: false, tlsEndToEnd: false });
  t.equal(p2.interception?.summary, 'STARTTLS stripped from EHLO; client continued in plaintext: mail in the clear');
  t.match(tableRow(p2), /plaintext .*STARTTLS stripped from EHLO; client continued in plaintext: mail in the clear$/, 'table row shows the verdict');
  t.equal(r2.result, 'plaintext', 'the receiver got the message in plaintext');
  t.equal(r2.messages.length, 1);
  t.notOk(p2.transcript.some((l) => /This is a test mailing/.test(l.line)), 'message content stays out of the transcript');
  t.ok(p2.transcript.some((l) => /^message content: \d+ lines, \d+ bytes, in the clear$/.test(l.line)));
});

t.test('capability: AUTH in plaintext is credentials in the clear, even when the server refuses it', async (t) => {
  const { lab, proxies } = await labWithProxies(t);
  const res = await swaks(portOfProxy(proxies.capability!), '--tls-optional', ['--auth', 'PLAIN', '--auth-user', 'alice', '--auth-password', 'hunter2']);
  // smtp-server refuses AUTH before TLS (538), but by then the password has crossed the proxy.
  t.match(res.all, /538 5\.7\.0 .*STARTTLS/, 'the receiver refuses AUTH without TLS');
  const p = await nextRecord(lab, 'capability', new Set());
  t.match(p.interception, { credentialsInClear: true, mailInClear: false, continuedInPlaintext: true });
  t.equal(p.interception?.summary, 'STARTTLS stripped from EHLO; client continued in plaintext: credentials in the clear');
  const secret = Buffer.from('\0alice\0hunter2').toString('base64');
  t.notOk(JSON.stringify(p).includes(secret) || JSON.stringify(p).includes('hunter2'), 'no secret in the record');
  t.ok(p.transcript.some((l) => l.line === 'AUTH PLAIN /* secret masked */'), 'masked in the transcript');
});

t.test('none: swaks --tls gets TLS end to end, both records agree with swaks', async (t) => {
  const { lab, proxies } = await labWithProxies(t);
  const seen = new Set<string>();
  for (const version of ['tlsv1_3', 'tlsv1_2']) {
    const res = await swaks(portOfProxy(proxies.none!), '--tls', ['--tls-protocol', version]);
    t.equal(res.code, 0, `swaks --tls (${version}) through the observing proxy delivers`, { output: res.all.slice(-1500) });
    const started = /TLS started with cipher (TLSv[\d.]+):([^:\s]+):(\d+)/.exec(res.all);
    const p = await nextRecord(lab, 'none', seen);
    const r = await nextRecord(lab, 'rx', seen);
    t.equal(r.result, 'tls', 'upstream record: tls');
    t.equal(p.result, 'tls', 'proxy record: tls');
    t.equal(p.startTlsAttempted, true);
    t.equal(p.version, started?.[1], `proxy read the version from the ServerHello (${started?.[1]})`);
    t.equal(p.cipher?.openssl, started?.[2], 'and the suite');
    t.equal(p.version, r.version);
    t.equal(p.clientHello?.ja4, r.clientHello?.ja4, 'the proxy saw the same ClientHello as the receiver');
    t.match(p.interception, { strip: 'none', startTlsSeenByClient: true, clientSentStartTls: true, tlsEndToEnd: true, continuedInPlaintext: false, mailInClear: false, credentialsInClear: false });
    t.same(p.interception?.rewrites, []);
    t.match(p.interception?.summary, /^STARTTLS passed through; TLS end to end$/);
    t.equal(r.messages.length, 1);
  }
});

t.test('none: a handshake the server refuses is handshake-failed with the alert it sent', async (t) => {
  const lab = await startTestLab(t, [{ name: 'dhe', profile: 'dhe-only', smtp: [0] }]);
  const proxy = await lab.addProxy({ name: 'watch', protocol: 'smtp', strip: 'none', upstream: `127.0.0.1:${portOf(lab, 'dhe')}` });
  const res = await runCommand('openssl', ['s_client', '-starttls', 'smtp', '-connect', `127.0.0.1:${portOfProxy(proxy)}`, '-tls1_2', '-cipher', 'ECDHE-RSA-AES256-GCM-SHA384'], { input: 'QUIT\r\n' });
  t.match(res.all, /handshake failure/i);
  const p = await nextRecord(lab, 'watch', new Set());
  t.equal(p.result, 'handshake-failed');
  t.same(p.error?.alert, { name: 'handshake_failure', code: 40, sent: false });
  t.match(p.error?.message, /the upstream sent a fatal handshake_failure alert/);
  t.equal(p.interception?.tlsEndToEnd, false);
});

t.test('reply-454 and corrupt-command: swaks --tls fails, --tls-optional delivers in plaintext', async (t) => {
  const { lab, proxies } = await labWithProxies(t);
  const seen = new Set<string>();
  for (const strip of ['reply-454', 'corrupt-command'] as const) {
    const port = portOfProxy(proxies[strip]!);
    const strict = await swaks(port, '--tls');
    t.not(strict.code, 0, `${strip}: swaks --tls fails`);
    t.match(strict.all, strip === 'reply-454' ? /454 4\.7\.0 TLS not available due to temporary reason/ : /^<\*\* +5\d\d /m, `${strip}: swaks shows the refusal`);
    const p1 = await nextRecord(lab, strip, seen);
    const r1 = await nextRecord(lab, 'rx', seen);
    t.match(p1.interception, { strip, startTlsSeenByClient: true, clientSentStartTls: true, tlsEndToEnd: false, continuedInPlaintext: false, mailInClear: false });
    if (strip === 'reply-454') {
      t.equal(p1.reply, '454 4.7.0 TLS not available due to temporary reason');
      t.notOk(r1.transcript.some((l) => /^STARTTL/i.test(l.line)), 'the upstream never saw STARTTLS');
      t.equal(p1.interception?.summary, 'STARTTLS refused by the proxy (454); client did not continue in plaintext');
    } else {
      t.ok(r1.transcript.some((l) => l.dir === 'C' && l.line === 'STARTTLX'), 'the upstream got STARTTLX');
      t.match(p1.interception?.summary, /^STARTTLS mangled, upstream answered 5\d\d .*; client did not continue in plaintext$/);
    }

    const optional = await swaks(port, '--tls-optional');
    t.equal(optional.code, 0, `${strip}: --tls-optional delivers`, { output: optional.all.slice(-1500) });
    const p2 = await nextRecord(lab, strip, seen);
    const r2 = await nextRecord(lab, 'rx', seen);
    t.match(p2.interception, { continuedInPlaintext: true, mailInClear: true, tlsEndToEnd: false });
    t.equal(r2.result, 'plaintext');
    t.equal(r2.messages.length, 1);
  }
});

t.test("mxlab's sender through the stripper: may delivers in plaintext, encrypt sends nothing", async (t) => {
  const { lab, proxies } = await labWithProxies(t);
  const seen = new Set<string>();
  const to = `127.0.0.1:${portOfProxy(proxies.capability!)}`;
  const may = await lab.send({ to, policy: 'may', name: 'snd', rcpt: 'user@example.net' });
  t.equal(may.result, 'plaintext', 'may: plaintext');
  t.equal(may.messages.length, 1);
  const pMay = await nextRecord(lab, 'capability', seen);
  t.match(pMay.interception, { continuedInPlaintext: true, mailInClear: true });
  t.equal((await nextRecord(lab, 'rx', seen)).messages.length, 1);

  const encrypt = await lab.send({ to, policy: 'encrypt', name: 'snd', rcpt: 'user@example.net' });
  t.equal(encrypt.result, 'refused', 'encrypt: refused');
  t.equal(encrypt.messages.length, 0);
  const pEnc = await nextRecord(lab, 'capability', seen);
  t.match(pEnc.interception, { continuedInPlaintext: false, mailInClear: false, credentialsInClear: false });
  t.equal((await nextRecord(lab, 'rx', seen)).messages.length, 0, 'nothing reached the receiver');
});
