import { spawn } from 'node:child_process';
import t from 'tap';
import { nextRecord, startTestLab } from '../fixtures/test-lab.js';

/**
 * Client-initiated renegotiation is refused the same way on every listener kind: openssl s_client
 * asks for it with a line "R" and gets OpenSSL's no_renegotiation refusal (before, SMTPS and IMAP took
 * any number of them; Node's own limit applies only to sockets a tls.Server accepts), and the session's
 * record says the client tried and was refused.
 */

function renegotiate(port: number, starttls?: string): Promise<string> {
  return new Promise((resolve) => {
    const c = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_2', ...(starttls ? ['-starttls', starttls] : [])]);
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const asked = setInterval(() => {
      if (/Verify return code/.test(out)) {
        clearInterval(asked);
        c.stdin.write('R\n');
        setTimeout(() => c.stdin.end(), 700);
      }
    }, 20);
    const kill = setTimeout(() => c.kill('SIGKILL'), 8000);
    c.on('close', () => {
      clearInterval(asked);
      clearTimeout(kill);
      resolve(out);
    });
  });
}

t.test('renegotiation is refused on SMTP, IMAP and POP3, STARTTLS and implicit', async (t) => {
  const lab = await startTestLab(t, [{ name: 'smtp', profile: 'modern', smtp: [0], smtps: [0] }]);
  await lab.addImapServer({ name: 'imap', profile: 'modern', imap: [0], imaps: [0] });
  await lab.addPop3Server({ name: 'pop3', profile: 'modern', pop3: [0], pop3s: [0] });
  const seen = new Set<string>();
  for (const e of lab.endpoints()) {
    const out = await renegotiate(e.listener.port, e.listener.tlsMode === 'explicit' ? e.protocol : undefined);
    t.match(out, /RENEGOTIATING/, `${e.peer} ${e.listener.tlsMode}: s_client asked`);
    t.match(out, /no renegotiation/, `${e.peer} ${e.listener.tlsMode}: refused with no_renegotiation`);
    const record = await nextRecord(lab, e.peer, seen);
    t.equal(record.version, 'TLSv1.2', `${e.peer} ${e.listener.tlsMode}: the session's TLS stays as negotiated`);
    t.ok(record.transcript.some((l) => /client tried to renegotiate TLS: refused with a no_renegotiation alert/.test(l.line)), `${e.peer} ${e.listener.tlsMode}: the record says the client tried to renegotiate and was refused`);
  }
});
