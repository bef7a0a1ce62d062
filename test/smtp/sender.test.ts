import { readFileSync } from 'node:fs';
import net from 'node:net';
import t, { type Test } from 'tap';
import { getLabCa } from '../../src/certs/lab-ca.js';
import type { Lab } from '../../src/lab/lab.js';
import type { SessionRecord } from '../../src/model/session-record.js';
import { parseClientPolicy } from '../../src/model/client-policy.js';
import { sendOnce } from '../../src/smtp/sender.js';
import { UsageError } from '../../src/usage-error.js';
import { nextRecord, portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * mxlab as the sending MTA against mxlab's own receivers: every acceptance point of issue 3 that
 * needs no outside MTA. Each delivery is checked from both ends: the sender's record (role client)
 * and the receiver's records of the same connections.
 */

const to = (lab: Lab, peer: string, mode: 'explicit' | 'implicit' = 'explicit'): string => `127.0.0.1:${portOf(lab, peer, mode)}`;

/** Records of `peer` that arrive within `quietMs` after the ones already seen: proves "no further connection". */
async function noMoreRecords(lab: Lab, peer: string, seen: Set<string>, quietMs = 300): Promise<SessionRecord[]> {
  await new Promise((r) => setTimeout(r, quietMs));
  return lab.records.filter((r) => r.peer === peer && !seen.has(r.id));
}

/** A TCP server that plays a broken SMTP peer. */
async function fakeServer(t: Test, onConnection: (socket: net.Socket) => void): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    onConnection(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as net.AddressInfo).port;
}

function checkClientRecord(t: Test, rec: SessionRecord): void {
  t.equal(rec.role, 'client', 'record role is client');
  t.ok(rec.policyLabel, 'record carries the policy label');
  t.ok(rec.reason, `record carries a reason (${rec.reason})`);
  t.ok(rec.attempts?.length, 'record lists its attempts');
}

t.test('client policy names and aliases', async (t) => {
  t.same(parseClientPolicy('may'), { policy: 'may', vocabulary: 'mxlab', given: 'may', label: 'may' });
  t.equal(parseClientPolicy('require-tls').label, 'encrypt (Exchange RequireTLS, EncryptionOnly)');
  t.equal(parseClientPolicy('EncryptionOnly').policy, 'encrypt');
  t.equal(parseClientPolicy('--require-tls').policy, 'encrypt');
  t.equal(parseClientPolicy('IgnoreSTARTTLS').policy, 'none');
  t.equal(parseClientPolicy('ignore-starttls').policy, 'none');
  t.equal(parseClientPolicy('CertificateValidation').policy, 'verify');
  t.equal(parseClientPolicy('DomainValidation').policy, 'secure');
  t.equal(parseClientPolicy('off').policy, 'none');
  t.equal(parseClientPolicy('preferred').label, 'may (Cisco ESA TLS Preferred)');
  t.equal(parseClientPolicy('required').policy, 'encrypt');
  const pv = parseClientPolicy('preferred-verify');
  t.equal(pv.policy, 'verify');
  t.match(pv.note, /ESA itself would still deliver/, 'ESA preferred-verify: the difference is documented');
  t.equal(parseClientPolicy('Required - Verify').policy, 'secure');
  t.throws(() => parseClientPolicy('encrpyt'), UsageError);
  t.throws(() => parseClientPolicy('encrpyt'), { message: /--policy: got "encrpyt", want one of none, may, .* \(did you mean "encrypt"\?\)/ });
});

t.test('bad input rejects with a UsageError before anything is sent', async (t) => {
  const lab = await startTestLab(t);
  await t.rejects(lab.send({ to: 'no-port' }), UsageError);
  await t.rejects(lab.send({ to: '127.0.0.1:70000' }), { message: /port 70000/ });
  await t.rejects(lab.send({ to: '127.0.0.1:25', policy: 'sometimes' }), UsageError);
  await t.rejects(lab.send({ to: '127.0.0.1:25', profile: 'modrn' }), { message: /did you mean "modern"/ });
  await t.rejects(lab.send({ to: '127.0.0.1:25', implicit: true, policy: 'none' }), UsageError);
  await t.rejects(lab.send({ to: '127.0.0.1:25', ca: 'not a pem' }), { message: /--ca/ });
  await t.rejects(lab.send({ to: '127.0.0.1:25', rcpt: 'a b@example.net' }), { message: /--rcpt/ });
  t.equal(lab.records.length, 0, 'no session was started');
});

t.test('modern receiver + modern sender + may: tls, delivered, both ends agree', async (t) => {
  const lab = await startTestLab(t, [{ profile: 'modern', smtp: [0] }]);
  const rec = await lab.send({ to: to(lab, 'modern'), policy: 'may', from: 'a@example.org', rcpt: 'b@example.net', body: 'hello from the mxlab sender' });
  checkClientRecord(t, rec);
  t.equal(rec.result, 'tls');
  t.equal(rec.tlsMode, 'explicit');
  t.equal(rec.policy, 'may');
  t.equal(rec.version, 'TLSv1.3');
  t.equal(rec.keyExchange?.source, 'peer', 'key exchange read from the client side');
  t.equal(rec.keyExchange?.group, 'X25519');
  t.equal(rec.startTlsOffered, true);
  t.equal(rec.startTlsAttempted, true);
  t.ok(rec.ehlo?.beforeTls?.includes('STARTTLS'), 'EHLO before TLS offers STARTTLS');
  t.notOk(rec.ehlo?.afterTls?.includes('STARTTLS'), 'EHLO after TLS does not');
  t.equal(rec.authBeforeTls, true, 'AUTH was offered before TLS');
  t.equal(rec.chain?.length, 2, 'leaf and intermediate (the lab root is not in the default store)');
  t.equal(rec.chain?.[0]?.signatureAlgorithm, 'sha256WithRSAEncryption');
  t.equal(rec.chain?.[0]?.key, 'RSA 2048');
  t.equal(rec.verification?.required, 'nothing');
  t.equal(rec.verification?.chainValid, false, 'lab CA not in the default store');
  t.equal(rec.verification?.chainCode, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
  t.equal(rec.attempts?.length, 1);
  t.equal(rec.messages.length, 1);
  t.match(rec.reply, /^250 .*queued as/);
  t.ok(rec.transcript.some((l) => l.dir === 'C' && l.line === 'STARTTLS'));
  t.ok(rec.transcript.some((l) => l.dir === '*' && /^TLS established: TLSv1\.3/.test(l.line)));
  const server = await nextRecord(lab, 'modern', new Set());
  t.equal(server.result, 'tls', 'receiver: tls');
  t.equal(server.version, rec.version);
  t.equal(server.cipher?.openssl, rec.cipher?.openssl, 'same cipher at both ends');
  t.equal(server.helo, 'client.mxlab.test');
  t.equal(server.messages[0]?.id, rec.messages[0]?.id, 'the sender records the queue id the receiver gave');
  t.match(readFileSync(server.messages[0]!.file!, 'latin1'), /hello from the mxlab sender/);
  t.equal(server.remote.port, rec.local.port, 'the same connection seen from both ends');
});

t.test('policy none never uses STARTTLS, even when offered', async (t) => {
  const lab = await startTestLab(t, [{ profile: 'modern', smtp: [0] }]);
  const rec = await lab.send({ to: to(lab, 'modern'), policy: 'ignore-starttls' });
  t.equal(rec.result, 'plaintext');
  t.equal(rec.policyLabel, 'none (Exchange IgnoreSTARTTLS)');
  t.equal(rec.startTlsOffered, true);
  t.equal(rec.startTlsAttempted, false);
  t.match(rec.reason, /STARTTLS not used although the server offered it/);
  t.equal((await nextRecord(lab, 'modern', new Set())).result, 'plaintext');
});

t.test('tls10-only receiver + modern sender', async (t) => {
  const lab = await startTestLab(t, [{ profile: 'tls10-only', smtp: [0] }]);
  const seen = new Set<string>();

  await t.test('may: downgraded, two connections, the second plaintext, delivered', async (t) => {
    const rec = await lab.send({ to: to(lab, 'tls10-only'), policy: 'may' });
    checkClientRecord(t, rec);
    t.equal(rec.result, 'downgraded');
    t.equal(rec.attempt, 2);
    t.equal(rec.attempts?.length, 2, 'both attempts linked');
    t.match(rec.attempts?.[0], { attempt: 1, result: 'handshake-failed', tlsAllowed: true, errorCode: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' });
    t.match(rec.attempts?.[1], { attempt: 2, result: 'downgraded', tlsAllowed: false });
    t.equal(rec.startTlsAttempted, false, 'the retry never sends STARTTLS');
    t.equal(rec.messages.length, 1, 'delivered');
    const first = lab.records.find((r) => r.id === rec.attempts?.[0]?.session);
    t.equal(first?.role, 'client');
    t.equal(first?.result, 'handshake-failed', 'the first connection has its own record');
    t.equal(first?.delivery, rec.delivery, 'same delivery id');
    t.equal(first?.error?.stage, 'handshake');
    t.same(first?.error?.alert, { name: 'protocol_version', code: 70, sent: false }, 'the alert the server sent us');
    const a = await nextRecord(lab, 'tls10-only', seen);
    const b = await nextRecord(lab, 'tls10-only', seen);
    t.equal(a.result, 'handshake-failed', 'receiver: first connection failed the handshake');
    t.equal(a.error?.code, 'ERR_SSL_UNSUPPORTED_PROTOCOL');
    t.equal(b.result, 'plaintext', 'receiver: second connection in plaintext');
    t.equal(b.messages.length, 1, 'receiver: message delivered');
    t.not(a.remote.port, b.remote.port, 'two different connections');
  });

  await t.test('encrypt: refused, nothing sent in plaintext', async (t) => {
    const rec = await lab.send({ to: to(lab, 'tls10-only'), policy: 'encrypt' });
    checkClientRecord(t, rec);
    t.equal(rec.result, 'refused');
    t.match(rec.reason, /^4\.7\.0 TLS handshake failed \(ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION/);
    t.equal(rec.error?.code, 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
    t.equal(rec.attempts?.length, 1, 'no second connection');
    t.equal(rec.messages.length, 0);
    t.notOk(rec.transcript.some((l) => l.dir === 'C' && /^MAIL/i.test(l.line)), 'no MAIL FROM was sent');
    const a = await nextRecord(lab, 'tls10-only', seen);
    t.equal(a.result, 'handshake-failed');
    t.same(await noMoreRecords(lab, 'tls10-only', seen), [], 'receiver saw no second connection');
  });
});

t.test('md5-chain receiver', async (t) => {
  const lab = await startTestLab(t, [{ profile: 'md5-chain', smtp: [0] }]);
  const ca = (await getLabCa(lab.certsDir)).cert;
  const seen = new Set<string>();

  await t.test('verify (lab CA trusted): refused with the weak-digest reason', async (t) => {
    const rec = await lab.send({ to: to(lab, 'md5-chain'), policy: 'verify', ca });
    checkClientRecord(t, rec);
    t.equal(rec.result, 'refused');
    t.match(rec.reason, /^4\.7\.5 Server certificate not trusted: CA signature digest algorithm too weak \(md5WithRSAEncryption on O=mxlab, CN=mx\.mxlab\.test\)/, 'the MD5-signed leaf is named');
    t.equal(rec.verification?.trust, 'given-ca');
    t.equal(rec.verification?.chainValid, false);
    t.equal(rec.verification?.chainCode, 'UNSPECIFIED', "Node's code for CA_MD_TOO_WEAK");
    t.equal(rec.verification?.passed, false);
    t.equal(rec.chain?.[0]?.signatureAlgorithm, 'md5WithRSAEncryption', 'per-link signature algorithm: the leaf');
    t.equal(rec.chain?.[1]?.signatureAlgorithm, 'md5WithRSAEncryption', 'per-link signature algorithm: the intermediate');
    t.equal(rec.chain?.[1]?.key, 'RSA 2048', 'per-link key size');
    t.equal(rec.messages.length, 0);
    t.notOk(rec.transcript.some((l) => l.dir === 'C' && /^MAIL/i.test(l.line)), 'no MAIL FROM was sent');
    const server = await nextRecord(lab, 'md5-chain', seen);
    t.equal(server.result, 'tls', 'receiver: the handshake itself succeeded');
    t.equal(server.messages.length, 0, 'receiver: nothing delivered');
  });

  await t.test('encrypt: any certificate, tls', async (t) => {
    const rec = await lab.send({ to: to(lab, 'md5-chain'), policy: 'encrypt', ca });
    t.equal(rec.result, 'tls');
    t.equal(rec.verification?.required, 'nothing');
    t.equal(rec.verification?.passed, true);
    t.match(rec.verification?.summary, /digest algorithm too weak/, 'the verdict is still recorded');
    t.equal(rec.messages.length, 1);
    t.equal((await nextRecord(lab, 'md5-chain', seen)).messages.length, 1);
  });
});

t.test('wrong-name receiver', async (t) => {
  const lab = await startTestLab(t, [{ profile: 'wrong-name', smtp: [0] }]);
  const ca = (await getLabCa(lab.certsDir)).cert;
  const seen = new Set<string>();

  await t.test('secure (DomainValidation, TlsDomain mx.mxlab.test): refused for the name', async (t) => {
    const rec = await lab.send({ to: to(lab, 'wrong-name'), policy: 'DomainValidation', tlsDomain: 'mx.mxlab.test', ca });
    checkClientRecord(t, rec);
    t.equal(rec.result, 'refused');
    t.equal(rec.policyLabel, 'secure (Exchange RequireTLS, DomainValidation (+ TlsDomain))');
    t.match(rec.reason, /^4\.7\.5 Server certificate not verified: name mismatch: .*wrong\.example\.net/);
    t.equal(rec.verification?.chainValid, true, 'the chain itself is fine');
    t.equal(rec.verification?.nameValid, false);
    t.equal(rec.verification?.name, 'mx.mxlab.test');
    t.equal(rec.sni, 'mx.mxlab.test', 'TlsDomain sent as SNI');
    t.equal(rec.messages.length, 0);
    const server = await nextRecord(lab, 'wrong-name', seen);
    t.equal(server.sni, 'mx.mxlab.test', 'receiver saw the SNI');
    t.equal(server.messages.length, 0);
  });

  await t.test('verify with the lab CA: tls', async (t) => {
    const rec = await lab.send({ to: to(lab, 'wrong-name'), policy: 'verify', ca, tlsDomain: 'mx.mxlab.test' });
    t.equal(rec.result, 'tls');
    t.equal(rec.verification?.passed, true);
    t.equal(rec.verification?.nameValid, false, 'name mismatch noted, not required');
    t.equal(rec.messages.length, 1);
    t.equal((await nextRecord(lab, 'wrong-name', seen)).messages.length, 1);
  });

  await t.test('verify without the lab CA: refused, root unknown', async (t) => {
    const rec = await lab.send({ to: to(lab, 'wrong-name'), policy: 'CertificateValidation' });
    t.equal(rec.result, 'refused');
    t.equal(rec.verification?.trust, 'default-store');
    t.match(rec.reason, /unable to get local issuer certificate/);
    await nextRecord(lab, 'wrong-name', seen);
  });
});

t.test('secure against a good chain with the lab CA: tls, name checked against the host', async (t) => {
  const lab = await startTestLab(t, [{ profile: 'modern', smtp: [0] }]);
  const ca = (await getLabCa(lab.certsDir)).cert;
  const rec = await lab.send({ to: to(lab, 'modern'), policy: 'required-verify', ca });
  t.equal(rec.result, 'tls');
  t.equal(rec.policyLabel, 'secure (Cisco ESA TLS Required - Verify)');
  t.match(rec.verification, { chainValid: true, nameValid: true, name: '127.0.0.1', required: 'chain-and-name', passed: true, summary: 'verified' });
  t.equal(rec.chain?.length, 3, 'the path closes with the trusted lab root');
});

t.test('STARTTLS not offered (receiver policy off)', async (t) => {
  const lab = await startTestLab(t, [{ name: 'plain', profile: 'modern', policy: 'off', smtp: [0] }]);
  const seen = new Set<string>();

  await t.test('may: plaintext', async (t) => {
    const rec = await lab.send({ to: to(lab, 'plain'), policy: 'may' });
    t.equal(rec.result, 'plaintext');
    t.equal(rec.startTlsOffered, false);
    t.match(rec.reason, /STARTTLS not offered/);
    t.notOk(rec.ehlo?.afterTls);
    t.equal(rec.messages.length, 1);
    t.equal((await nextRecord(lab, 'plain', seen)).messages.length, 1);
  });

  await t.test('encrypt (ESA Required): refused, nothing sent', async (t) => {
    const rec = await lab.send({ to: to(lab, 'plain'), policy: 'required' });
    checkClientRecord(t, rec);
    t.equal(rec.result, 'refused');
    t.match(rec.reason, /^4\.7\.5 TLS is required, but was not offered by host 127\.0\.0\.1/);
    t.equal(rec.policyLabel, 'encrypt (Cisco ESA TLS Required)');
    t.equal(rec.messages.length, 0);
    t.notOk(rec.transcript.some((l) => l.dir === 'C' && /^(MAIL|STARTTLS)/i.test(l.line)), 'neither STARTTLS nor MAIL FROM was sent');
    t.ok(rec.transcript.some((l) => l.dir === 'C' && l.line === 'QUIT'), 'the sender said goodbye');
    const server = await nextRecord(lab, 'plain', seen);
    t.equal(server.messages.length, 0, 'receiver: nothing delivered');
  });
});

t.test('STARTTLS answered with 454 (a scripted server that cannot load its key)', async (t) => {
  const lab = await startTestLab(t);
  const sessions: string[][] = [];
  const port = await fakeServer(t, (s) => {
    const said: string[] = [];
    sessions.push(said);
    let inData = false;
    let buffer = '';
    s.write('220 mx.example.net ESMTP\r\n');
    s.on('data', (d: Buffer) => {
      buffer += d.toString('latin1');
      for (let nl = buffer.indexOf('\r\n'); nl >= 0; nl = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            s.write('250 2.0.0 Ok: queued as ABCDEF0123\r\n');
          }
          continue;
        }
        said.push(line);
        const verb = line.split(' ')[0]!.toUpperCase();
        if (verb === 'EHLO') s.write('250-mx.example.net\r\n250-PIPELINING\r\n250 STARTTLS\r\n');
        else if (verb === 'STARTTLS') s.write('454 4.7.0 TLS not available due to local problem\r\n');
        else if (verb === 'DATA') {
          inData = true;
          s.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') s.end('221 2.0.0 Bye\r\n');
        else s.write('250 2.1.0 Ok\r\n');
      }
    });
  });
  const may = await lab.send({ to: `127.0.0.1:${port}`, policy: 'may' });
  t.equal(may.result, 'plaintext', 'may: plaintext on the same connection');
  t.match(may.reason, /refused STARTTLS \(454 4\.7\.0 TLS not available due to local problem\)/);
  t.equal(may.attempts?.length, 1, 'one connection');
  t.equal(may.startTlsAttempted, false, 'no handshake was started');
  t.equal(may.messages[0]?.id, 'ABCDEF0123');
  const enc = await lab.send({ to: `127.0.0.1:${port}`, policy: 'encrypt' });
  t.equal(enc.result, 'refused');
  t.match(enc.reason, /^4\.7\.5 TLS is required, but host 127\.0\.0\.1\[127\.0\.0\.1\] refused to start TLS: 454 /);
  t.equal(enc.messages.length, 0);
  t.equal(sessions.length, 2, 'two connections in all');
  t.same(sessions[1], ['EHLO client.mxlab.test', 'STARTTLS'], 'encrypt: nothing after the refused STARTTLS');
});

t.test('dhe-only receiver + exchange-2019-ecdhe sender (the seed case)', async (t) => {
  const lab = await startTestLab(t, [{ profile: 'dhe-only', smtp: [0] }]);
  const seen = new Set<string>();

  await t.test('encrypt: handshake failure, refused', async (t) => {
    const rec = await lab.send({ to: to(lab, 'dhe-only'), profile: 'exchange-2019-ecdhe', policy: 'require-tls' });
    checkClientRecord(t, rec);
    t.equal(rec.result, 'refused');
    t.equal(rec.profile, 'exchange-2019-ecdhe');
    t.match(rec.reason, /^4\.7\.0 TLS handshake failed \(ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: .*the server sent alert handshake_failure/);
    t.equal(rec.error?.stage, 'handshake');
    t.same(rec.error?.alert, { name: 'handshake_failure', code: 40, sent: false });
    const server = await nextRecord(lab, 'dhe-only', seen);
    t.equal(server.result, 'handshake-failed');
    t.equal(server.error?.code, 'ERR_SSL_NO_SHARED_CIPHER', 'receiver: no shared cipher');
    t.ok(server.clientHello?.ciphers.every((c) => !c.name.includes('_DHE_')), 'receiver saw a ClientHello without DHE suites');
    t.same(await noMoreRecords(lab, 'dhe-only', seen), []);
  });

  await t.test('may: downgraded', async (t) => {
    const rec = await lab.send({ to: to(lab, 'dhe-only'), profile: 'exchange-2019-ecdhe', policy: 'may' });
    t.equal(rec.result, 'downgraded');
    t.equal(rec.attempts?.[0]?.errorCode, 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE');
    t.equal(rec.messages.length, 1);
    t.equal((await nextRecord(lab, 'dhe-only', seen)).result, 'handshake-failed');
    const second = await nextRecord(lab, 'dhe-only', seen);
    t.equal(second.result, 'plaintext');
    t.equal(second.messages.length, 1);
  });

  await t.test('a DHE-capable sender (modern overridden to DHE) gets through', async (t) => {
    const rec = await lab.send({ to: to(lab, 'dhe-only'), profile: 'modern', overrides: { maxVersion: 'TLSv1.2', ciphers: ['TLS_DHE_RSA_WITH_AES_128_GCM_SHA256'] }, policy: 'encrypt' });
    t.equal(rec.result, 'tls');
    t.equal(rec.cipher?.iana, 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256');
    t.same(rec.keyExchange, { type: 'DHE', bits: 2048, source: 'peer' }, 'DH size read by the client');
    await nextRecord(lab, 'dhe-only', seen);
  });
});

t.test('implicit TLS (SMTPS)', async (t) => {
  const lab = await startTestLab(t, [
    { profile: 'modern', smtps: [0] },
    { profile: 'tls10-only', smtps: [0] },
  ]);
  const ok = await lab.send({ to: to(lab, 'modern', 'implicit'), implicit: true, policy: 'encrypt' });
  t.equal(ok.result, 'tls');
  t.equal(ok.tlsMode, 'implicit');
  t.notOk(ok.ehlo?.beforeTls, 'no plaintext EHLO on an implicit port');
  t.ok(ok.ehlo?.afterTls?.length);
  t.equal(ok.messages.length, 1);
  t.equal((await nextRecord(lab, 'modern', new Set())).tlsMode, 'implicit');
  const failed = await lab.send({ to: to(lab, 'tls10-only', 'implicit'), implicit: true, policy: 'may' });
  t.equal(failed.result, 'handshake-failed', 'may cannot fall back on an implicit-TLS port');
  t.match(failed.reason, /no plaintext to fall back to/);
  t.equal(failed.attempts?.length, 1);
});

t.test('bad peers end in an error outcome with a reason, within the timeouts', async (t) => {
  const lab = await startTestLab(t);
  const timeouts = { connectMs: 1000, greetingMs: 400, commandMs: 400 };

  await t.test('refused connection', async (t) => {
    // A port the OS just handed out and that nobody listens on any more.
    const free = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const rec = await lab.send({ to: `127.0.0.1:${free}`, timeouts });
    t.equal(rec.result, 'error');
    t.match(rec.reason, /connection refused by 127\.0\.0\.1:\d+/);
    t.equal(rec.error?.code, 'ECONNREFUSED');
    t.equal(rec.error?.stage, 'connect');
  });

  await t.test('server closes right after its banner', async (t) => {
    const port = await fakeServer(t, (s) => s.end('220 mx.example.net ESMTP going away\r\n'));
    const rec = await lab.send({ to: `127.0.0.1:${port}`, timeouts });
    t.equal(rec.result, 'error');
    t.match(rec.reason, /(closed the connection|connection reset by the server) before replying to "EHLO client\.mxlab\.test"/);
    t.equal(rec.error?.stage, 'command');
    t.ok(rec.transcript.some((l) => l.dir === 'S' && /^220 /.test(l.line)), 'the banner is in the transcript');
  });

  await t.test('server never answers', async (t) => {
    const port = await fakeServer(t, () => undefined);
    const started = Date.now();
    const rec = await lab.send({ to: `127.0.0.1:${port}`, timeouts });
    const took = Date.now() - started;
    t.equal(rec.result, 'error');
    t.match(rec.reason, /no SMTP greeting from 127\.0\.0\.1:\d+ within 400 ms/);
    t.ok(took >= 350 && took < 2000, `ended after ${took} ms`);
  });

  await t.test('server goes silent after EHLO', async (t) => {
    const port = await fakeServer(t, (s) => s.write('220 mx.example.net ESMTP\r\n'));
    const started = Date.now();
    const rec = await lab.send({ to: `127.0.0.1:${port}`, timeouts });
    t.equal(rec.result, 'error');
    t.match(rec.reason, /the server went silent for 400 ms before replying to "EHLO client\.mxlab\.test"/);
    t.ok(Date.now() - started < 2000);
  });

  await t.test('garbage greeting', async (t) => {
    const port = await fakeServer(t, (s) => s.write('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const rec = await lab.send({ to: `127.0.0.1:${port}`, timeouts });
    t.equal(rec.result, 'error');
    t.equal(rec.reason, `not an SMTP greeting from 127.0.0.1:${port}: "HTTP/1.1 400 Bad Request"`);
  });

  await t.test('garbage replies to EHLO and HELO', async (t) => {
    const port = await fakeServer(t, (s) => {
      s.write('220 mx.example.net ESMTP\r\n');
      s.on('data', () => s.write('what?\r\n'));
    });
    const rec = await lab.send({ to: `127.0.0.1:${port}`, timeouts });
    t.equal(rec.result, 'error');
    t.match(rec.reason, /protocol error after "HELO client\.mxlab\.test": Invalid HELO\. response=what\?/);
    t.ok(rec.transcript.some((l) => l.dir === 'C' && /^EHLO /.test(l.line)) && rec.transcript.some((l) => l.dir === 'C' && /^HELO /.test(l.line)), 'EHLO, then HELO was tried');
  });

  await t.test('a multi-line reply that never ends', async (t) => {
    const port = await fakeServer(t, (s) => s.write('220-mx.example.net ESMTP\r\n220-still going\r\n'));
    const rec = await lab.send({ to: `127.0.0.1:${port}`, timeouts });
    t.equal(rec.result, 'error');
    t.match(rec.reason, /no SMTP greeting .* within 400 ms/);
  });

  await t.test('STARTTLS accepted, then the ClientHello is never answered (encrypt: refused)', async (t) => {
    const port = await fakeServer(t, (s) => {
      s.write('220 mx.example.net ESMTP\r\n');
      s.on('data', (d: Buffer) => {
        const line = d.toString('latin1');
        if (/^EHLO/i.test(line)) s.write('250-mx.example.net\r\n250 STARTTLS\r\n');
        else if (/^STARTTLS/i.test(line)) s.write('220 2.0.0 go ahead\r\n');
        else if (/^QUIT/i.test(line)) s.end('221 bye\r\n');
        // the ClientHello is never answered
      });
    });
    const rec = await lab.send({ to: `127.0.0.1:${port}`, policy: 'encrypt', timeouts });
    t.equal(rec.result, 'refused');
    t.equal(rec.error?.code, 'ERR_TLS_HANDSHAKE_TIMEOUT');
    t.match(rec.reason, /TLS handshake not finished within 400 ms/);
  });
});

t.test('a server refusal (policy none against a receiver that requires TLS): refused with the reply', async (t) => {
  const lab = await startTestLab(t, [{ name: 'strict', profile: 'modern', policy: 'required', smtp: [0] }]);
  const rec = await lab.send({ to: to(lab, 'strict'), policy: 'none' });
  t.equal(rec.result, 'refused');
  t.match(rec.reason, /^MAIL FROM refused by the server: 530 5\.7\.0 Must issue a STARTTLS command first/);
  t.equal(rec.reply, '530 5.7.0 Must issue a STARTTLS command first');
  t.ok(rec.transcript.some((l) => l.dir === 'C' && l.line === 'QUIT'), 'the sender ends the session politely');
  const server = await nextRecord(lab, 'strict', new Set());
  t.equal(server.result, 'refused', 'receiver: refused by its policy');
});

t.test('client records render in every format', async (t) => {
  const { tableRow } = await import('../../src/record/render-table.js');
  const { exchangeLog } = await import('../../src/record/render-exchange-log.js');
  const { postfixLog } = await import('../../src/record/render-postfix-log.js');
  const { esaLog } = await import('../../src/record/render-esa-log.js');
  const lab = await startTestLab(t, [{ profile: 'modern', smtp: [0] }, { name: 'plain', profile: 'modern', policy: 'off', smtp: [0] }]);
  const ok = await lab.send({ to: to(lab, 'modern'), policy: 'may' });
  const refused = await lab.send({ to: to(lab, 'plain'), policy: 'encrypt' });
  t.equal(refused.reply, refused.reason, 'a policy refusal is the deciding reply');
  for (const r of [ok, refused]) {
    t.match(tableRow(r), r.result);
    t.ok(exchangeLog(r).length > 0, `exchange log of ${r.result}`);
    t.ok(postfixLog(r).length > 0, `postfix log of ${r.result}`);
    t.ok(esaLog(r).length > 0, `esa log of ${r.result}`);
  }
  t.match(tableRow(refused), /4\.7\.5 TLS is required/);
  // smtp(8)'s status line: sent with the server's reply, or deferred with the reason.
  t.match(postfixLog(ok).at(-1), /postfix\/smtp\[\d+\]: [0-9A-F]{10}: to=<[^>]+>, relay=localhost\[127\.0\.0\.1\]:\d+, delay=[\d.]+, delays=[\d./]+, dsn=2\.0\.0, status=sent \(250 /);
  t.match(postfixLog(refused).at(-1), /, dsn=4\.7\.5, status=deferred \(TLS is required, but was not offered by host /);
});

t.test('sendOnce works without a lab', async (t) => {
  const lab = await startTestLab(t, [{ profile: 'modern', smtp: [0] }]);
  const rec = await sendOnce({ to: to(lab, 'modern'), policy: 'may' });
  t.equal(rec.result, 'tls');
  t.notOk(lab.records.some((r) => r.id === rec.id), 'its record stays on its own bus');
});
