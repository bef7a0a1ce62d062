import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { getLabCa } from '../../src/certs/lab-ca.js';
import { linePort, startMailLab } from '../fixtures/mail-lab.js';
import { runCommand } from '../fixtures/run-command.js';
import { nextRecord, portOf } from '../fixtures/test-lab.js';

/**
 * Real clients against the fake IMAP and POP3 servers: curl over STARTTLS (--ssl-reqd) and implicit
 * TLS, gnutls-cli driving STARTTLS/STLS itself, and a message sent with swaks to the lab's SMTP
 * receiver fetched back byte for byte. The stored message, and so what IMAP and POP3 serve, is what
 * the client sent with the receiver's Received header in front (as on a real MTA's mailbox).
 */

/** curl's "SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384" line. */
const curlTls = (stderr: string): RegExpExecArray | null => /SSL connection using (TLSv[\d.]+) \/ (\S+)/.exec(stderr);
const curlLines = (stderr: string): string => stderr.split('\n').filter((l) => /^[<>]|curl:/.test(l)).join('\n');

t.test('swaks → SMTP receiver → curl over IMAP and POP3, STARTTLS and implicit TLS, byte-identical', async (t) => {
  const lab = await startMailLab(t);
  const ca = await getLabCa(lab.certsDir);
  const dir = t.testdir({});
  // A message with the things a careless server breaks: a dot line, a long header, 8-bit text.
  const data = [
    'From: Alice <alice@example.org>',
    'To: Bob <bob@example.net>',
    'Subject: interop =?utf-8?q?caf=C3=A9?=',
    `X-Long: ${'x'.repeat(200)}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Line one.',
    '.A line that starts with a dot.',
    '..two dots',
    'Café ünïcødé',
    '',
  ].join('\r\n');
  const dataFile = join(dir, 'message.eml');
  writeFileSync(dataFile, data);
  const swaks = await runCommand('swaks', ['--to', 'bob@example.net', '--from', 'alice@example.org', '--server', `127.0.0.1:${portOf(lab, 'rx')}`, '--tls', '--helo', 'client.example.org', '--data', dataFile]);
  t.equal(swaks.code, 0, 'swaks delivers', { output: swaks.all.slice(-2000) });
  const rx = await nextRecord(lab, 'rx', new Set());
  t.equal(rx.messages.length, 1);
  const stored = readFileSync(rx.messages[0]!.file!);
  const text = stored.toString('utf8');
  t.match(text, /^Received: from client\.example\.org \(localhost \[127\.0\.0\.1\]\)\r\n\t\(using TLSv1\.3 with cipher /, 'the receiver put its Received header first');
  // swaks sends the file, then CRLF "." CRLF: the CRLF before the dot is part of the message.
  t.ok(text.endsWith(`${data}\r\n`), 'then exactly the bytes swaks sent (dot-unstuffed)');

  const user = ['--user', 'alice:secret'];
  const seen = new Set<string>();
  const cases = [
    { url: `imap://127.0.0.1:${linePort(lab, 'imap')}/INBOX;MAILINDEX=1`, peer: 'imap', mode: 'explicit' },
    { url: `imap://127.0.0.1:${linePort(lab, 'imap')}/INBOX;UID=1`, peer: 'imap', mode: 'explicit' },
    { url: `imaps://127.0.0.1:${linePort(lab, 'imap', 'implicit')}/INBOX;MAILINDEX=1`, peer: 'imap', mode: 'implicit' },
    { url: `pop3://127.0.0.1:${linePort(lab, 'pop3')}/1`, peer: 'pop3', mode: 'explicit' },
    { url: `pop3s://127.0.0.1:${linePort(lab, 'pop3', 'implicit')}/1`, peer: 'pop3', mode: 'implicit' },
  ] as const;
  for (const [i, c] of cases.entries()) {
    const out = join(dir, `fetched-${i}.eml`);
    // mx.mxlab.test is the name on the lab chain; --connect-to keeps curl's checks on.
    const url = c.url.replace('127.0.0.1', 'mx.mxlab.test');
    const port = /:(\d+)\//.exec(c.url)![1];
    const res = await runCommand('curl', ['-sS', '-v', '--ssl-reqd', '--cacert', ca.certFile, '--connect-to', `mx.mxlab.test:${port}:127.0.0.1:${port}`, ...user, url, '-o', out]);
    t.equal(res.code, 0, `curl ${c.url} exits 0`, { stderr: curlLines(res.stderr) });
    t.same(readFileSync(out), stored, `${c.url}: fetched byte-identical to the stored message`);
    const conn = curlTls(res.stderr);
    const r = await nextRecord(lab, c.peer, seen);
    t.equal(r.tlsMode, c.mode);
    t.equal(r.result, 'tls', `${c.url}: record result tls`);
    t.equal(r.version, conn?.[1], 'record version = what curl saw');
    t.ok(r.cipher?.iana === conn?.[2] || r.cipher?.openssl === conn?.[2], `record cipher = curl's ${conn?.[2]}`);
    if (c.mode === 'explicit') t.equal(r.startTlsAttempted, true);
    t.ok(r.transcript.some((l) => /AUTHENTICATE PLAIN \/\* secret masked \*\/|^AUTH PLAIN|\/\* secret masked \*\//.test(l.line)), 'login masked in the transcript');
    t.notOk(JSON.stringify(r).includes(Buffer.from('\0alice\0secret').toString('base64')), 'no secret in the record');
  }

  // Listing: curl's folder list of INBOX and the POP3 message list.
  const list = await runCommand('curl', ['-sS', '--ssl-reqd', '-k', ...user, `imap://127.0.0.1:${linePort(lab, 'imap')}/INBOX`]);
  t.equal(list.code, 0);
  t.match(list.stdout, /^\* LIST \(\\HasNoChildren\) "\/" INBOX/m, 'curl lists INBOX');
  const popList = await runCommand('curl', ['-sS', '--ssl-reqd', '-k', ...user, `pop3://127.0.0.1:${linePort(lab, 'pop3')}/`]);
  t.equal(popList.code, 0);
  t.equal(popList.stdout.trim(), `1 ${stored.length}`, 'curl lists the one message with its size');
  const search = await runCommand('curl', ['-sS', '--ssl-reqd', '-k', ...user, `imap://127.0.0.1:${linePort(lab, 'imap')}/INBOX?ALL`]);
  t.match(search.stdout, /^\* SEARCH 1\r?$/m, 'curl SEARCH ALL');
});

t.test('required policy: curl without TLS is refused, with --ssl-reqd it works', async (t) => {
  const lab = await startMailLab(t, { policy: 'required' });
  const seen = new Set<string>();
  const imapPlain = await runCommand('curl', ['-sS', '-v', '--user', 'a:b', `imap://127.0.0.1:${linePort(lab, 'imap')}/INBOX`]);
  t.not(imapPlain.code, 0, 'curl without TLS fails');
  const ri = await nextRecord(lab, 'imap', seen);
  t.equal(ri.loginBeforeTls, false);
  t.ok(ri.capabilities?.beforeTls?.includes('LOGINDISABLED'), 'LOGINDISABLED advertised');
  t.notOk(ri.transcript.some((l) => /LOGIN a b|secret masked/.test(l.line)), 'curl never sent its password in the clear');
  const popPlain = await runCommand('curl', ['-sS', '-v', '--user', 'a:b', `pop3://127.0.0.1:${linePort(lab, 'pop3')}/`]);
  t.not(popPlain.code, 0, 'curl without TLS fails');
  const rp = await nextRecord(lab, 'pop3', seen);
  t.equal(rp.loginBeforeTls, false);
  t.notOk(rp.capabilities?.beforeTls?.includes('USER'), 'no USER in the plaintext CAPA, so curl has no way to log in');
  t.notOk(rp.transcript.some((l) => /^(USER|PASS|AUTH) /.test(l.line)), 'curl never sent its password in the clear');
  for (const [url, peer] of [[`imap://127.0.0.1:${linePort(lab, 'imap')}/INBOX`, 'imap'], [`pop3://127.0.0.1:${linePort(lab, 'pop3')}/`, 'pop3']] as const) {
    const ok = await runCommand('curl', ['-sS', '--ssl-reqd', '-k', '--user', 'a:b', url]);
    t.equal(ok.code, 0, `${url} with --ssl-reqd`);
    const r = await nextRecord(lab, peer, seen);
    t.equal(r.result, 'tls');
    t.equal(r.loginBeforeTls, false);
  }
});

t.test('gnutls-cli --starttls-proto=imap|pop3 against modern, verifying the lab CA', async (t) => {
  const lab = await startMailLab(t);
  const ca = await getLabCa(lab.certsDir);
  const seen = new Set<string>();
  for (const [proto, peer, input, expect] of [
    ['imap', 'imap', 'a CAPABILITY\r\nb LOGOUT\r\n', /^\* CAPABILITY IMAP4rev1 AUTH=PLAIN/m],
    ['pop3', 'pop3', 'CAPA\r\nQUIT\r\n', /^SASL PLAIN\r?$/m],
  ] as const) {
    const res = await runCommand('gnutls-cli', [`--starttls-proto=${proto}`, '-p', String(linePort(lab, peer)), '127.0.0.1', '--x509cafile', ca.certFile, '--verify-hostname', 'mx.mxlab.test'], { input });
    t.equal(res.code, 0, `gnutls-cli ${proto} exits 0`, { output: res.all.slice(-1500) });
    t.match(res.all, /Status: The certificate is trusted/, 'gnutls verified the lab chain');
    const desc = /Description: \((TLS[\d.]+)-X\.509\)-\(([^)]+)\)-\(([^)]+)\)-\(([^)]+)\)/.exec(res.all);
    t.ok(desc, 'gnutls describes the session');
    t.match(res.stdout, expect, `capabilities over TLS (${proto})`);
    const r = await nextRecord(lab, peer, seen);
    t.equal(r.result, 'tls');
    t.equal(r.version, desc?.[1]?.replace('TLS1.', 'TLSv1.'), 'record version = gnutls version');
    t.match(r.cipher?.iana, desc?.[4] === 'AES-256-GCM' ? /AES_256_GCM/ : /./, 'record cipher = gnutls cipher');
    t.equal(r.startTlsAttempted, true);
    t.ok(r.clientHello?.ciphers.length, 'the GnuTLS ClientHello was read before OpenSSL');
  }
});
