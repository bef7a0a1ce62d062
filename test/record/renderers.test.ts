import { readFileSync } from 'node:fs';
import t from 'tap';
import { esaLog, esaMailLog } from '../../src/record/render-esa-log.js';
import { exchangeLog, exchangeTlsContext } from '../../src/record/render-exchange-log.js';
import { postfixLog } from '../../src/record/render-postfix-log.js';
import { tableHeader, tableRow } from '../../src/record/render-table.js';
import type { SessionRecord } from '../../src/model/session-record.js';
import { RawSmtp } from '../fixtures/raw-smtp.js';
import { nextRecord, portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * Every renderer reads only SessionRecords, so the records here come from real sessions through a Lab:
 * a TLS 1.2 delivery, a version mismatch, and a 530 refusal. The expected strings are the wording of
 * the real logs (Exchange protocol log, Postfix smtpd, Cisco ESA) and Postfix's Received header.
 */

/** Splits one CSV line (RFC 4180 quoting) into fields. */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

const PFX = /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d mx postfix\/smtpd\[\d+\]: /;

t.test('renderers on real sessions', async (t) => {
  const lab = await startTestLab(t, [
    { name: 'good', profile: 'modern', smtp: [0] },
    { name: 'legacy', profile: 'tls10-only', smtp: [0] },
    { name: 'strict', profile: 'modern', policy: 'required', smtp: [0] },
  ]);
  const seen = new Set<string>();

  // 1. TLS 1.2 session with one message.
  const c1 = await RawSmtp.connect(portOf(lab, 'good'));
  await c1.hello('sender.mxlab.test');
  await c1.startTls({ maxVersion: 'TLSv1.2' });
  await c1.command('EHLO sender.mxlab.test');
  await c1.command('MAIL FROM:<alice@example.org>');
  await c1.command('RCPT TO:<bob@example.net>');
  await c1.command('DATA');
  const queued = await c1.command('Subject: renderers\r\nFrom: alice@example.org\r\n\r\nhello\r\n.');
  t.match(queued[0], /^250 /, 'message queued');
  await c1.quit();
  const tlsRec = await nextRecord(lab, 'good', seen);

  // 2. A TLS 1.2-only client against a TLS 1.0-only server.
  const c2 = await RawSmtp.connect(portOf(lab, 'legacy'));
  await c2.hello('sender.mxlab.test');
  const err = await c2.startTls({ minVersion: 'TLSv1.2' }).then(
    () => undefined,
    (e: NodeJS.ErrnoException) => e,
  );
  t.ok(err, `client handshake failed (${err?.code})`);
  c2.destroy();
  const failRec = await nextRecord(lab, 'legacy', seen);

  // 3. Plaintext MAIL on a receiver that requires TLS.
  const c3 = await RawSmtp.connect(portOf(lab, 'strict'));
  await c3.hello('sender.mxlab.test');
  const refusal = await c3.command('MAIL FROM:<alice@example.org>');
  t.match(refusal[0], /^530 /, 'MAIL refused with 530');
  await c3.quit();
  const refusedRec = await nextRecord(lab, 'strict', seen);

  // 4. A client that leaves in the middle of DATA.
  const c4 = await RawSmtp.connect(portOf(lab, 'good'));
  await c4.hello('sender.mxlab.test');
  await c4.command('MAIL FROM:<alice@example.org>');
  await c4.command('RCPT TO:<bob@example.net>');
  await c4.command('DATA');
  c4.write('Subject: cut\r\n\r\npartial\r\n');
  await new Promise((r) => setTimeout(r, 100));
  c4.destroy();
  const cutRec = await nextRecord(lab, 'good', seen);
  t.equal(cutRec.result, 'error');

  t.equal(tlsRec.result, 'tls');
  t.equal(tlsRec.version, 'TLSv1.2');
  t.equal(tlsRec.cipher?.openssl, 'ECDHE-RSA-AES256-GCM-SHA384');
  t.equal(failRec.result, 'handshake-failed');
  t.equal(refusedRec.result, 'refused');

  t.test('tableRow', async (t) => {
    const header = tableHeader();
    t.match(header, /RESULT/);
    const row = tableRow(tlsRec);
    t.match(row, /\btls\b/);
    t.match(row, /TLSv1\.2/);
    t.match(row, /ECDHE-RSA-AES256-GCM-SHA384/);
    t.match(row, /starttls/, 'mode column says starttls');
    t.match(row, /250 /, 'reply column has the queue reply');
    const failRow = tableRow(failRec);
    t.match(failRow, /handshake-failed/);
    t.match(failRow, /ERR_SSL_UNSUPPORTED_PROTOCOL/, 'reason column names the OpenSSL error');
    const refusedRow = tableRow(refusedRec);
    t.match(refusedRow, /refused/);
    t.match(refusedRow, /530 5\.7\.0 Must issue a STARTTLS command first/);
    t.match(refusedRow, /\bplain\b/);
    // Columns line up with the header.
    t.match(row.slice(header.indexOf('RESULT')), /^tls +TLSv1\.2 +ECDHE/, 'RESULT, VERSION, CIPHER columns aligned with the header');
  });

  t.test('exchangeLog', async (t) => {
    for (const [what, r] of [['tls', tlsRec], ['failed', failRec], ['refused', refusedRec]] as const) {
      const lines = exchangeLog(r);
      for (const l of lines) t.equal(csvFields(l).length, 9, `${what}: 9 CSV fields in ${l.slice(0, 80)}`);
      t.equal(csvFields(lines[0]!)[6], '+', `${what}: starts with a connect event`);
      t.equal(csvFields(lines.at(-1)!)[6], '-', `${what}: ends with a disconnect event`);
      const seqs = lines.map((l) => Number(csvFields(l)[3]));
      t.same(seqs, seqs.map((_, i) => i), `${what}: sequence numbers 0..n`);
      const session = new Set(lines.map((l) => csvFields(l)[2]));
      t.equal(session.size, 1, `${what}: one session id`);
      t.match(csvFields(lines[0]!)[5], /^127\.0\.0\.1:\d+$/, `${what}: remote endpoint`);
    }
    const ok = exchangeLog(tlsRec).map(csvFields);
    const tlsLine = ok.find((f) => f[6] === '*' && /^TLS protocol/.test(f[8] ?? ''));
    t.same(ok[1]?.slice(6), ['*', 'SMTPSubmit SMTPAcceptAnySender SMTPAcceptAuthoritativeDomainSender AcceptRoutingHeaders', 'Set Session Permissions'], 'anonymous session permissions first');
    t.ok(ok.some((f) => f[6] === '>' && /^250  \S+ Hello .* STARTTLS/.test(f[7]!)), 'the multi-line EHLO reply is one event, "250  host …"');
    t.ok(ok.some((f) => f[6] === '*' && f[8] === 'Sending certificate'), 'Sending certificate');
    t.ok(ok.some((f) => f[6] === '*' && f[8] === 'receiving message'), 'receiving message after MAIL FROM');
    t.equal(ok.at(-1)?.[8], 'Local', 'the session ended with QUIT: Local');
    t.ok(tlsLine, 'TLS event line present');
    t.match(tlsLine?.[8], 'TLS protocol SP_PROT_TLS1_2_SERVER negotiation succeeded using bulk encryption algorithm CALG_AES_256 with strength 256 bits');
    t.match(tlsLine?.[8], /key exchange algorithm CALG_ECDHE/);
    t.equal(exchangeTlsContext(tlsRec), tlsLine?.[8]);
    t.ok(ok.some((f) => f[6] === '<' && f[7] === 'STARTTLS'), 'client STARTTLS received (<)');
    t.ok(ok.some((f) => f[6] === '>' && /^220 .*Ready to start TLS/.test(f[7]!)), 'server 220 sent (>)');
    // The TLS line comes after the 220 and before the second EHLO.
    const i220 = ok.findIndex((f) => f[6] === '>' && /Ready to start TLS/.test(f[7]!));
    const iTls = ok.indexOf(tlsLine!);
    const iEhlo2 = ok.findIndex((f, i) => i > iTls && f[6] === '<' && /^EHLO/.test(f[7]!));
    t.ok(i220 < iTls && iTls < iEhlo2, 'TLS line sits between the 220 and the next EHLO');

    const bad = exchangeLog(failRec).map(csvFields);
    t.ok(bad.some((f) => f[6] === '*' && f[8] === 'TLS negotiation failed with error UnsupportedFunction'), 'version mismatch: UnsupportedFunction');
    const refused = exchangeLog(refusedRec).map(csvFields);
    t.notOk(refused.some((f) => f[6] === '*' && /^TLS /.test(f[8] ?? '')), 'no TLS line for a plaintext session');
    t.ok(refused.some((f) => f[6] === '>' && /^530 /.test(f[7]!)), '530 logged as sent');
  });

  t.test('postfixLog', async (t) => {
    const ok = postfixLog(tlsRec);
    for (const l of ok) t.match(l, PFX, `syslog prefix: ${l.slice(0, 50)}`);
    t.ok(ok.some((l) => l.endsWith('connect from localhost[127.0.0.1]')), 'connect from');
    t.ok(ok.some((l) => l.endsWith('Anonymous TLS connection established from localhost[127.0.0.1]: TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)')), 'TLS line in Postfix wording');
    t.ok(ok.some((l) => l.endsWith(`${tlsRec.messages[0]!.id}: client=localhost[127.0.0.1]`)), 'queue id line');
    t.ok(ok.at(-1)!.endsWith('disconnect from localhost[127.0.0.1] ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=7'), `disconnect with counts: ${ok.at(-1)}`);
    const pids = new Set(ok.map((l) => /\[(\d+)\]: /.exec(l)![1]));
    t.equal(pids.size, 1, 'one smtpd pid per session');

    const bad = postfixLog(failRec);
    t.ok(bad.some((l) => /SSL_accept error from localhost\[127\.0\.0\.1\]/.test(l)), 'SSL_accept error');
    t.ok(bad.some((l) => /warning: TLS library problem: /.test(l)), 'TLS library problem');
    t.ok(bad.at(-1)!.endsWith('disconnect from localhost[127.0.0.1] ehlo=1 starttls=0/1 commands=1/2'), `disconnect: ${bad.at(-1)}`);

    const refused = postfixLog(refusedRec);
    // A real Postfix at smtpd_tls_security_level = encrypt logs no NOQUEUE line for this 530 (test/interop/postfix-log.test.ts).
    t.notOk(refused.some((l) => l.includes('NOQUEUE')), 'no NOQUEUE reject line');
    // Postfix counts a refused command as ok/total.
    t.ok(refused.at(-1)!.endsWith('disconnect from localhost[127.0.0.1] ehlo=1 mail=0/1 quit=1 commands=2/3'), `disconnect: ${refused.at(-1)}`);
  });

  t.test('postfixLog of a session cut in DATA', async (t) => {
    const cut = postfixLog(cutRec);
    t.ok(cut.some((l) => /lost connection after DATA/.test(l)), 'lost connection after DATA');
    t.ok(cut.at(-1)!.endsWith('disconnect from localhost[127.0.0.1] ehlo=1 mail=1 rcpt=1 data=0/1 commands=3/4'), `disconnect: ${cut.at(-1)}`);
    t.equal(tableRow(cutRec).includes('middle of DATA'), true, 'table shows the reason');
  });

  t.test('esaLog', async (t) => {
    t.match(esaLog(tlsRec), /ICID \d+/);
    t.match(esaLog(tlsRec), /TLSv1\.2/);
    t.match(esaLog(tlsRec), /ECDHE-RSA-AES256-GCM-SHA384/);
    t.match(esaLog(failRec), /ICID \d+.*TLS failed/);
    t.match(esaLog(refusedRec), /without TLS/);
    t.match(esaLog(tlsRec), /^ICID \d+ TLS success protocol TLSv1\.2 cipher ECDHE-RSA-AES256-GCM-SHA384$/, 'mail_logs TLS success line');
    const session = esaMailLog(tlsRec);
    const at = /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4} Info: /;
    for (const l of session) t.match(l, at, `ctime and Info: ${l}`);
    t.match(session[0], /Info: New SMTP ICID \d+ interface Management \(127\.0\.0\.1\) address 127\.0\.0\.1 reverse dns host unknown verified no$/);
    t.match(session[1], /Info: ICID \d+ ACCEPT SG None match SBRS None$/);
    t.ok(session.some((l) => /Info: Start MID \d+ ICID \d+$/.test(l)), 'Start MID');
    t.ok(session.some((l) => /Info: MID \d+ ICID \d+ RID 0 To: <[^>]+>$/.test(l)), 'RID 0 To:');
    t.ok(session.some((l) => /Info: MID \d+ ready \d+ bytes from <[^>]+>$/.test(l)), 'ready N bytes');
    t.match(session.at(-1), /Info: ICID \d+ close$/);
    t.equal(/ICID (\d+)/.exec(esaLog(tlsRec))![1], /ICID (\d+)/.exec(esaLog(tlsRec))![1], 'stable ICID');
  });

  t.test('stored message has the Postfix Received header', async (t) => {
    const file = tlsRec.messages[0]?.file;
    t.ok(file, 'message file recorded');
    const eml = readFileSync(file!, 'latin1');
    const id = tlsRec.messages[0]!.id;
    t.match(eml, /^Received: from sender\.mxlab\.test \(localhost \[127\.0\.0\.1\]\)\r\n/, 'starts with Received from the EHLO name');
    const header = eml.slice(0, eml.indexOf('Subject:'));
    t.match(header, '\t(using TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits))\r\n', 'real version and cipher');
    t.match(header, '\t(No client certificate requested)\r\n');
    t.match(header, `with ESMTPS id ${id}\r\n`, 'ESMTPS and the queue id');
    t.match(header, /\tfor <bob@example\.net>; \w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d \+0000 \(UTC\)\r\n/, 'recipient and date');
    t.match(eml, /Subject: renderers\r\n/, 'original message follows');
    t.equal(tlsRec.messages[0]!.size, Buffer.byteLength(eml, 'latin1'), 'recorded size = stored size');
  });

  t.test('records survive a JSON round trip into the renderers', async (t) => {
    const back = JSON.parse(JSON.stringify(tlsRec)) as SessionRecord;
    t.same(exchangeLog(back), exchangeLog(tlsRec));
    t.same(postfixLog(back), postfixLog(tlsRec));
    t.equal(tableRow(back), tableRow(tlsRec));
  });
});
