import { readFileSync } from 'node:fs';
import t from 'tap';
import { runCommand } from '../fixtures/run-command.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * `mxlab send --subject/--body` messages come from nodemailer's mail composer: a non-ASCII subject is
 * RFC 2047 encoded (the header stays ASCII), and Perl's Encode (MIME-Header), a decoder mxlab does not
 * share, reads it back as it was given.
 */
t.test('a non-ASCII subject is RFC 2047 encoded and decodes back', async (t) => {
  const lab = await startTestLab(t, [{ name: 'rx', profile: 'modern', smtp: [0] }]);
  const subject = 'Prüfung: TLS 1.0 – Grüße ✓ 測試';
  const record = await lab.send({ to: `127.0.0.1:${portOf(lab, 'rx')}`, policy: 'encrypt', subject, body: 'Grüße aus dem Labor\nzweite Zeile\n', rcpt: 'user@example.net' });
  t.equal(record.result, 'tls', record.reason ?? '');
  const stored = lab.mailbox.list().at(-1);
  t.ok(stored, 'the receiver stored the message');
  const raw = readFileSync(stored!.file);
  const head = raw.subarray(0, raw.indexOf('\r\n\r\n')).toString('latin1');
  t.ok(/^[\x09\x0a\x0d\x20-\x7e]*$/.test(head), 'every header is ASCII');
  const folded = /^Subject:((?:.*)(?:\r\n[ \t].*)*)/m.exec(head)?.[1];
  t.match(folded, /=\?UTF-8\?[BQ]\?/i, 'encoded words');
  for (const name of ['From', 'To', 'Date', 'Message-ID', 'MIME-Version', 'Content-Type', 'Content-Transfer-Encoding', 'X-Mailer']) {
    t.match(head, new RegExp(`^${name}: `, 'mi'), `${name} header`);
  }
  t.match(head, /^To: user@example\.net$/m);
  t.match(head, /^Content-Type: text\/plain; charset=utf-8$/m);
  const decoded = await runCommand('perl', ['-MEncode', '-e', 'local $/; my $s = <STDIN>; $s =~ s/\\r?\\n[ \\t]/ /g; binmode STDOUT; print encode("UTF-8", decode("MIME-Header", $s))'], { input: `${folded!.trim()}` });
  t.equal(decoded.code, 0, decoded.stderr);
  t.equal(Buffer.from(decoded.stdout, 'latin1').toString('utf8'), subject, 'Perl decodes the subject as given');
});

t.test('an ASCII subject stays readable as it is', async (t) => {
  const lab = await startTestLab(t, [{ name: 'rx', profile: 'modern', smtp: [0] }]);
  await lab.send({ to: `127.0.0.1:${portOf(lab, 'rx')}`, subject: 'plain test', body: 'x' });
  const raw = readFileSync(lab.mailbox.list().at(-1)!.file, 'latin1');
  t.match(raw, /^Subject: plain test\r$/m);
});
