import t, { type Test } from 'tap';
import { getLabCa } from '../../src/certs/lab-ca.js';
import type { Lab } from '../../src/lab/lab.js';
import type { SessionRecord } from '../../src/model/session-record.js';
import type { SendSpec } from '../../src/client/send-spec.js';
import { type PostfixInstance, type PostfixOptions, postfixProblem, startPostfix } from '../fixtures/postfix-instance.js';
import { startTestLab } from '../fixtures/test-lab.js';

/**
 * mxlab's sender against a real MTA nobody here wrote: Debian's Postfix 3.7 in a private instance
 * (test/fixtures/postfix-instance.ts) with TLS optional, then required, then optional but TLS 1.2+
 * only. Every delivery is checked from both ends: the sender's record and Postfix's own log.
 *
 * Needs root and the postfix package (.ci/run installs it); without them this test fails and says so.
 */

const FROM = 'sender@client.mxlab.test';
const RCPT = 'user@example.net';
/** How smtpd names the client: getnameinfo(127.0.0.1) is "localhost" from /etc/hosts. */
const CLIENT = 'localhost[127.0.0.1]';
const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const DISCONNECT = new RegExp(`disconnect from ${esc(CLIENT)}`);

interface Delivery {
  readonly rec: SessionRecord;
  /** Postfix's log lines for this delivery's connection(s), through their "disconnect from". */
  readonly log: string;
}

/** One lab.send against the instance, and the log lines it caused (deliveries run one at a time per instance). */
async function send(pf: PostfixInstance, lab: Lab, ca: string, spec: Partial<SendSpec>, connections = 1): Promise<Delivery> {
  const from = pf.logOffset();
  const rec = await lab.send({ to: pf.target, from: FROM, rcpt: RCPT, ca, ...spec });
  const log = await pf.waitForLog(DISCONNECT, { from, count: connections });
  return { rec, log };
}

/** The queue id the sender recorded from "250 2.0.0 Ok: queued as ID" is Postfix's: received, discarded, removed. */
async function checkQueued(t: Test, pf: PostfixInstance, d: Delivery): Promise<string> {
  t.match(d.rec.reply, /^250 2\.0\.0 Ok: queued as [0-9A-F]+$/, `Postfix accepted the message: ${d.rec.reply}`);
  t.equal(d.rec.messages.length, 1, 'the sender records one message');
  const id = d.rec.messages[0]?.id ?? '';
  t.match(id, /^[0-9A-F]{6,}$/, `queue id ${id}`);
  t.match(d.log, new RegExp(`: ${id}: client=${esc(CLIENT)}\\n`), `smtpd logged ${id}: client=${CLIENT}`);
  const log = await pf.waitForLog(new RegExp(`: ${id}: removed`));
  t.match(log, new RegExp(`: ${id}: from=<${esc(FROM)}>, size=\\d+, nrcpt=1 \\(queue active\\)`), 'qmgr took it');
  t.match(log, new RegExp(`: ${id}: to=<${esc(RCPT)}>, relay=none, .*status=sent \\(delivered nowhere \\(mxlab test instance\\)\\)`), 'discard(8) disposed of it');
  return id;
}

function tlsLine(log: string): string | undefined {
  return /Anonymous TLS connection established from .*/.exec(log)?.[0];
}

interface Setup {
  readonly pf: PostfixInstance;
  readonly lab: Lab;
  /** The lab CA: what verify and secure are given as --ca. */
  readonly ca: string;
}

const problem = postfixProblem();
if (problem) t.fail(`Postfix interop test cannot run: ${problem}`);
const skip = problem ? 'Postfix cannot run here (see the failure above)' : false;

/**
 * The three instances start at once (a first `postfix start` runs post-install and takes 1 to 5 s
 * here, mostly fork and exec); each is stopped when the whole file ends, whatever happened.
 */
function instance(options: PostfixOptions): Promise<Setup> {
  if (problem) return new Promise(() => undefined);
  const setup = (async (): Promise<Setup> => {
    const [pf, lab] = await Promise.all([startPostfix(t, options), startTestLab(t)]);
    const ca = (await getLabCa(lab.certsDir)).cert;
    return { pf, lab, ca };
  })();
  setup.catch(() => undefined); // reported by the subtest that awaits it
  return setup;
}
const mayServer = instance({ tlsSecurityLevel: 'may' });
const encryptServer = instance({ tlsSecurityLevel: 'encrypt' });
const tls12Server = instance({ tlsSecurityLevel: 'may', name: 'tls12', mainCf: { smtpd_tls_protocols: '>=TLSv1.2' } });

async function ready(t: Test, setup: Promise<Setup>): Promise<Setup> {
  const s = await setup;
  t.comment(`Postfix ${s.pf.name} on ${s.pf.target}: "${s.pf.greeting}" after ${s.pf.timings.startMs} ms (${s.pf.timings.startAttempts} attempt(s)), config ${s.pf.configDir}`);
  return s;
}

t.test('Postfix at smtpd_tls_security_level = may', { skip }, async (t) => {
  const { pf, lab, ca } = await ready(t, mayServer);

  await t.test('modern sender, may: tls over TLS 1.3, the cipher Postfix logs', async (t) => {
    const d = await send(pf, lab, ca, { policy: 'may', profile: 'modern' });
    t.equal(d.rec.result, 'tls', `result (${d.rec.reason})`);
    t.equal(d.rec.version, 'TLSv1.3');
    t.equal(d.rec.cipher?.openssl, 'TLS_AES_256_GCM_SHA384', 'OpenSSL 3.0 on both ends prefers AES-256-GCM');
    t.equal(d.rec.startTlsOffered, true);
    t.ok(d.rec.ehlo?.beforeTls?.includes('STARTTLS'), 'Postfix offers STARTTLS before TLS');
    t.notOk(d.rec.ehlo?.afterTls?.includes('STARTTLS'), 'and not after');
    t.equal(d.rec.authBeforeTls, false, 'no SASL configured, so no AUTH');
    // Leaf and intermediate come from smtpd_tls_cert_file; the record adds the lab root from --ca.
    t.match(d.rec.chain?.map((c) => c.subject), [/CN=mx\.mxlab\.test$/, /CN=mxlab Lab Intermediate CA$/], 'Postfix sends leaf and intermediate');
    const line = tlsLine(d.log);
    t.ok(line, `Postfix logged: ${line}`);
    t.match(line, new RegExp(`^Anonymous TLS connection established from ${esc(CLIENT)}: TLSv1\\.3 with cipher ${esc(d.rec.cipher?.openssl ?? '?')} \\(${d.rec.cipher?.bits}/${d.rec.cipher?.bits} bits\\)`), 'same version and cipher in Postfix\'s log');
    t.match(line, new RegExp(`key-exchange ${esc(d.rec.keyExchange?.group ?? '?')} `), `same key exchange (${d.rec.keyExchange?.group})`);
    t.match(d.log, /disconnect from \S+ ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=7/, 'smtpd: EHLO, STARTTLS, EHLO, MAIL, RCPT, DATA, QUIT');
    await checkQueued(t, pf, d);
  });

  await t.test('none: plaintext although offered, accepted', async (t) => {
    const d = await send(pf, lab, ca, { policy: 'none' });
    t.equal(d.rec.result, 'plaintext', `result (${d.rec.reason})`);
    t.equal(d.rec.startTlsOffered, true);
    t.equal(d.rec.startTlsAttempted, false);
    t.equal(d.rec.version, undefined);
    t.notOk(tlsLine(d.log), 'no TLS in Postfix\'s log');
    t.match(d.log, /disconnect from \S+ ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5/);
    await checkQueued(t, pf, d);
  });

  await t.test('verify with the lab CA: tls, chain valid', async (t) => {
    const d = await send(pf, lab, ca, { policy: 'verify' });
    t.equal(d.rec.result, 'tls', `result (${d.rec.reason})`);
    t.match(d.rec.verification, { trust: 'given-ca', required: 'chain', chainValid: true, passed: true });
    t.ok(tlsLine(d.log));
    await checkQueued(t, pf, d);
  });

  await t.test('secure, TlsDomain mx.mxlab.test: tls, name matched', async (t) => {
    const d = await send(pf, lab, ca, { policy: 'secure', tlsDomain: 'mx.mxlab.test' });
    t.equal(d.rec.result, 'tls', `result (${d.rec.reason})`);
    t.match(d.rec.verification, { required: 'chain-and-name', chainValid: true, name: 'mx.mxlab.test', nameValid: true, passed: true });
    t.equal(d.rec.sni, 'mx.mxlab.test');
    await checkQueued(t, pf, d);
  });

  await t.test('secure, TlsDomain other.example: refused for the name, nothing sent', async (t) => {
    const d = await send(pf, lab, ca, { policy: 'secure', tlsDomain: 'other.example' });
    t.equal(d.rec.result, 'refused');
    t.match(d.rec.reason, /^4\.7\.5 Server certificate not verified: name mismatch: .*other\.example/);
    t.match(d.rec.verification, { chainValid: true, name: 'other.example', nameValid: false, passed: false });
    t.equal(d.rec.messages.length, 0);
    t.ok(tlsLine(d.log), 'the handshake itself succeeded');
    t.match(d.log, /disconnect from \S+ ehlo=2 starttls=1 quit=1 commands=4\n/, 'smtpd: the sender quit after the second EHLO, no MAIL');
    t.notMatch(d.log, /: client=/, 'nothing queued');
  });

  await t.test('tls10-only sender, may: Postfix 3.7 accepts TLS 1.0', async (t) => {
    // Not the downgrade one might expect. OpenSSL 3.0 alone refuses TLS 1.0 at its default security
    // level 1: an `openssl s_server` here, even with Postfix's `medium` cipher list, fails the same
    // handshake with "no suitable signature algorithm". Debian's Postfix 3.7 accepts it: TLS 1.0 and
    // 1.1 are on by default (smtpd_tls_protocols = >=TLSv1) and Postfix sets the OpenSSL security
    // level itself (libpostfix-tls calls SSL_CTX_set_security_level; its cipher grades begin with
    // aNULL, which only level 0 allows), so an Exchange-2010-era sender still gets TLS 1.0 with a CBC
    // suite. The downgrade needs a hardened Postfix: "smtpd_tls_protocols = >=TLSv1.2" below.
    const d = await send(pf, lab, ca, { policy: 'may', profile: 'tls10-only' });
    t.equal(d.rec.result, 'tls', `result (${d.rec.reason})`);
    t.equal(d.rec.version, 'TLSv1');
    t.equal(d.rec.cipher?.openssl, 'ECDHE-RSA-AES256-SHA');
    t.equal(d.rec.attempts?.length, 1, 'one connection');
    const line = tlsLine(d.log);
    t.match(line, new RegExp(`^Anonymous TLS connection established from ${esc(CLIENT)}: TLSv1 with cipher ECDHE-RSA-AES256-SHA \\(256/256 bits\\)`), `Postfix logged: ${line}`);
    await checkQueued(t, pf, d);
  });
});

t.test('Postfix at smtpd_tls_security_level = encrypt', { skip }, async (t) => {
  const { pf, lab, ca } = await ready(t, encryptServer);

  await t.test('none: refused by Postfix with 530 5.7.0 Must issue a STARTTLS command first', async (t) => {
    const d = await send(pf, lab, ca, { policy: 'none' });
    t.equal(d.rec.result, 'refused');
    t.equal(d.rec.reply, '530 5.7.0 Must issue a STARTTLS command first', 'Postfix\'s own reply decides');
    t.match(d.rec.reason, /MAIL FROM refused by the server: 530 5\.7\.0 Must issue a STARTTLS command first/);
    t.equal(d.rec.startTlsOffered, true, 'STARTTLS was offered');
    t.equal(d.rec.messages.length, 0);
    t.match(d.log, /disconnect from \S+ ehlo=1 mail=0\/1 /, 'smtpd counts the refused MAIL');
    t.notMatch(d.log, /: client=/, 'nothing queued');
  });

  await t.test('may: tls, accepted', async (t) => {
    const d = await send(pf, lab, ca, { policy: 'may' });
    t.equal(d.rec.result, 'tls', `result (${d.rec.reason})`);
    t.equal(d.rec.version, 'TLSv1.3');
    t.match(tlsLine(d.log), new RegExp(`TLSv1\\.3 with cipher ${esc(d.rec.cipher?.openssl ?? '?')} `));
    await checkQueued(t, pf, d);
  });
});

t.test('Postfix at may with smtpd_tls_protocols = >=TLSv1.2 (hardened)', { skip }, async (t) => {
  const { pf, lab, ca } = await ready(t, tls12Server);

  await t.test('tls10-only sender, may: downgraded, the plaintext retry accepted', async (t) => {
    const d = await send(pf, lab, ca, { policy: 'may', profile: 'tls10-only' }, 2);
    t.equal(d.rec.result, 'downgraded', `result (${d.rec.reason})`);
    t.equal(d.rec.attempts?.length, 2, 'two connections');
    t.match(d.rec.attempts?.[0], { attempt: 1, result: 'handshake-failed', tlsAllowed: true });
    t.match(d.rec.attempts?.[1], { attempt: 2, result: 'downgraded', tlsAllowed: false });
    t.comment(`first attempt: ${d.rec.attempts?.[0]?.reason}`);
    t.notOk(tlsLine(d.log), 'no TLS session in Postfix\'s log');
    t.match(d.log, /SSL_accept error from \S+: -1/, 'Postfix logged the failed handshake');
    t.match(d.log, /disconnect from \S+ ehlo=1 starttls=0\/1 commands=1\/2\n/, 'first connection: STARTTLS failed');
    t.match(d.log, /disconnect from \S+ ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5\n/, 'second connection: plaintext delivery');
    await checkQueued(t, pf, d);
  });

  await t.test('tls10-only sender, encrypt: refused, nothing sent', async (t) => {
    const d = await send(pf, lab, ca, { policy: 'encrypt', profile: 'tls10-only' });
    t.equal(d.rec.result, 'refused');
    t.match(d.rec.reason, /^4\.7\.0 TLS handshake failed/);
    t.equal(d.rec.attempts?.length, 1, 'no second connection');
    t.notMatch(d.log, /: client=/, 'nothing queued');
  });

  await t.test('modern sender, may: tls 1.3 as before', async (t) => {
    const d = await send(pf, lab, ca, { policy: 'may' });
    t.equal(d.rec.result, 'tls', `result (${d.rec.reason})`);
    t.equal(d.rec.version, 'TLSv1.3');
    await checkQueued(t, pf, d);
  });
});
