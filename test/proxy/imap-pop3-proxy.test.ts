import { readFileSync } from 'node:fs';
import t from 'tap';
import type { Lab } from '../../src/lab/lab.js';
import type { MitmProxy } from '../../src/proxy/proxy.js';
import { deliverMessage, linePort, sampleMessage, startMailLab } from '../fixtures/mail-lab.js';
import { runCommand } from '../fixtures/run-command.js';
import { nextRecord } from '../fixtures/test-lab.js';

/**
 * curl through the STARTTLS-stripping proxy to mxlab's IMAP and POP3 servers (issue 5, "MITM
 * proxy"): `--ssl-reqd` refuses to go on without TLS, `--ssl` logs in and fetches in plaintext, and
 * the proxy's record says what crossed in the clear.
 */

const STRIPS = ['capability', 'reply-454', 'corrupt-command', 'none'] as const;
type Strip = (typeof STRIPS)[number];

async function proxies(lab: Lab, protocol: 'imap' | 'pop3'): Promise<Record<Strip, MitmProxy>> {
  const upstream = `127.0.0.1:${linePort(lab, protocol)}`;
  const out = {} as Record<Strip, MitmProxy>;
  for (const strip of STRIPS) out[strip] = await lab.addProxy({ name: `${protocol}-${strip}`, protocol, strip, upstream });
  return out;
}

const url = (protocol: 'imap' | 'pop3', p: MitmProxy): string => `${protocol}://127.0.0.1:${p.endpoints[0]!.port}/${protocol === 'imap' ? 'INBOX;MAILINDEX=1' : '1'}`;
const curl = (flag: '--ssl-reqd' | '--ssl', target: string) => runCommand('curl', ['-sS', '-v', '-k', flag, '--user', 'alice:secret', target]);
const curlLines = (stderr: string): string => stderr.split('\n').filter((l) => /^[<>]|curl:/.test(l)).join('\n');

for (const protocol of ['imap', 'pop3'] as const) {
  t.test(`${protocol}: curl --ssl-reqd fails through every attack, --ssl fetches in plaintext`, async (t) => {
    const lab = await startMailLab(t);
    const stored = readFileSync((await deliverMessage(lab, sampleMessage(1))).file, 'latin1');
    const px = await proxies(lab, protocol);
    const seen = new Set<string>();
    const word = protocol === 'imap' ? 'STARTTLS' : 'STLS';
    for (const strip of ['capability', 'reply-454', 'corrupt-command'] as const) {
      const strict = await curl('--ssl-reqd', url(protocol, px[strip]));
      t.not(strict.code, 0, `${strip}: curl --ssl-reqd fails`);
      t.match(strict.stderr, strip === 'capability' ? /not (available|supported)/ : /denied/i, `${strip}: curl says why`, { stderr: curlLines(strict.stderr) });
      const p1 = await nextRecord(lab, `${protocol}-${strip}`, seen);
      await nextRecord(lab, protocol, seen);
      t.match(p1.interception, { strip, tlsEndToEnd: false, continuedInPlaintext: false, credentialsInClear: false, mailInClear: false }, `${strip}: nothing sent in the clear`);
      t.equal(p1.interception?.startTlsOfferedByUpstream, true);
      t.equal(p1.interception?.startTlsSeenByClient, strip !== 'capability');
      t.equal(p1.interception?.clientSentStartTls, strip !== 'capability');
      t.notOk(p1.transcript.some((l) => /secret masked|^\S+ LOGIN|^PASS/.test(l.line)), `${strip}: no login was tried`);

      const loose = await curl('--ssl', url(protocol, px[strip]));
      t.equal(loose.code, 0, `${strip}: curl --ssl goes on in plaintext`, { stderr: curlLines(loose.stderr) });
      t.equal(loose.stdout, stored, `${strip}: and fetches the message`);
      const p2 = await nextRecord(lab, `${protocol}-${strip}`, seen);
      const r2 = await nextRecord(lab, protocol, seen);
      t.equal(p2.result, 'plaintext');
      t.match(p2.interception, { continuedInPlaintext: true, credentialsInClear: true, mailInClear: true, tlsEndToEnd: false }, `${strip}: credentials and mail in the clear`);
      t.match(p2.interception?.summary, /; client continued in plaintext: credentials and mail in the clear$/);
      t.equal(r2.result, 'plaintext', 'the server saw a plaintext session');
      t.notOk(JSON.stringify(p2).replaceAll('secret masked', '').includes('secret'), 'password masked');
      t.notOk(JSON.stringify(p2).includes(Buffer.from('\0alice\0secret').toString('base64')), 'SASL response masked');
      t.notOk(p2.transcript.some((l) => /Body of message 1/.test(l.line)), 'message content stays out of the transcript');
    }
    const summaries = lab.records.filter((r) => r.role === 'proxy').map((r) => r.interception?.summary);
    t.ok(summaries.includes(`${word} stripped from ${protocol === 'imap' ? 'CAPABILITY' : 'CAPA'}; client did not continue in plaintext`), 'capability summary', { summaries });
    t.ok(summaries.includes(`${word} refused by the proxy (${protocol === 'imap' ? 'NO' : '-ERR'}); client continued in plaintext: credentials and mail in the clear`), 'reply-454 summary', { summaries });
  });

  t.test(`${protocol}: none relays curl's TLS end to end`, async (t) => {
    const lab = await startMailLab(t);
    await deliverMessage(lab, sampleMessage(2));
    const px = await proxies(lab, protocol);
    const res = await curl('--ssl-reqd', url(protocol, px.none));
    t.equal(res.code, 0, 'curl --ssl-reqd through the observing proxy', { stderr: curlLines(res.stderr) });
    const conn = /SSL connection using (TLSv[\d.]+) \/ (\S+)/.exec(res.stderr);
    const p = await nextRecord(lab, `${protocol}-none`, new Set());
    const r = await nextRecord(lab, protocol, new Set());
    t.equal(r.result, 'tls');
    t.equal(p.result, 'tls');
    t.equal(p.version, conn?.[1], 'version read from the ServerHello = what curl saw');
    t.ok(p.cipher?.iana === conn?.[2] || p.cipher?.openssl === conn?.[2], `cipher = curl's ${conn?.[2]}`);
    t.match(p.interception, { tlsEndToEnd: true, credentialsInClear: false, mailInClear: false, continuedInPlaintext: false });
    t.ok(p.capabilities?.beforeTls?.includes(protocol === 'imap' ? 'STARTTLS' : 'STLS'), 'the capabilities the client saw are in the record');
  });
}

t.test('imap capability strip also hides LOGINDISABLED: curl --ssl sends its password to a server that requires TLS', async (t) => {
  const lab = await startMailLab(t, { policy: 'required' });
  const px = await proxies(lab, 'imap');
  const direct = await runCommand('curl', ['-sS', '-v', '-k', '--ssl', '--user', 'alice:secret', `imap://127.0.0.1:${linePort(lab, 'imap')}/INBOX`]);
  t.equal(direct.code, 0, 'direct: curl --ssl upgrades, as STARTTLS is offered');
  const res = await curl('--ssl', `imap://127.0.0.1:${px.capability.endpoints[0]!.port}/INBOX`);
  t.not(res.code, 0, 'through the stripper the login is refused');
  const p = await lab.waitForRecord((r) => r.peer === 'imap-capability');
  t.equal(p.loginBeforeTls, true, 'the client was told plaintext login is fine');
  t.notOk(p.capabilities?.beforeTls?.includes('LOGINDISABLED'));
  t.ok(p.interception?.rewrites.some((w) => /STARTTLS and LOGINDISABLED/.test(w)), 'both removed');
  t.match(p.interception, { credentialsInClear: true, continuedInPlaintext: true, mailInClear: false });
  t.ok(p.transcript.some((l) => l.dir === 'S' && /PRIVACYREQUIRED/.test(l.line)), 'the server refused the login, after the password had crossed');
});
