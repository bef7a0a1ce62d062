import { spawnSync } from 'node:child_process';
import { freePort } from '../fixtures/free-port.js';
import t, { type Test } from 'tap';
import type { Lab } from '../../src/lab/lab.js';
import type { DeliveryVerdict } from '../../src/model/delivery.js';
import { parseScenario } from '../../src/scenario/load.js';
import { runScenario, type ScenarioResult } from '../../src/scenario/run-scenario.js';
import { type PostfixInstance, postfixProblem, startPostfix } from '../fixtures/postfix-instance.js';

/**
 * A real Postfix 3.7 as the sending MTA under test, relaying to a mxlab receiver, and mxlab's verdict
 * on its delivery, each expected by a scenario that `await`s it:
 * - smtp_tls_security_level = may against intolerant-tls10: the handshake dies, Postfix defers the
 *   message and retries without TLS only once it is older than minimal_backoff_time → downgraded, both
 *   (all) sessions linked;
 * - encrypt against intolerant-tls10 → deferred (no plaintext, ever);
 * - verify against self-signed: the handshake completes, Postfix does not trust the chain and leaves
 *   without mail → rejected-certificate.
 * The backoff is lowered in main.cf (2 s) and the queue flushed with `postqueue -f`, so the test does not
 * wait 300 s. Needs root and the postfix package.
 */

const problem = postfixProblem();
if (problem) t.fail(`Postfix sender test cannot run: ${problem}`);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Hands Postfix one message for user@example.org (relayed to the mxlab receiver). */
function submit(pf: PostfixInstance, subject: string): void {
  const r = spawnSync('/usr/sbin/sendmail', ['-C', pf.configDir, '-f', 'sender@postfix.test', 'user@example.org'], {
    input: `From: sender@postfix.test\r\nTo: user@example.org\r\nSubject: ${subject}\r\n\r\nmxlab sender verdict test\r\n`, timeout: 20000,
  });
  if (r.status !== 0) throw new Error(`sendmail -C ${pf.configDir} failed (${r.status}): ${r.stderr.toString()}`);
}

function flush(pf: PostfixInstance): void {
  spawnSync('/usr/sbin/postqueue', ['-c', pf.configDir, '-f'], { timeout: 20000 });
}

interface Case {
  readonly level: 'may' | 'encrypt' | 'verify';
  readonly profile: string;
  readonly verdict: string;
  readonly windowMs: number;
  /** After the first session: wait past the backoff and flush the queue (the plaintext retry of may). */
  readonly retry: boolean;
}

async function senderCase(t: Test, c: Case): Promise<{ result: ScenarioResult; pf: PostfixInstance; delivery?: DeliveryVerdict }> {
  const port = await freePort();
  const pf = await startPostfix(t, {
    tlsSecurityLevel: 'may',
    name: `sender-${c.level}`,
    mainCf: {
      // This instance sends: everything for example.org goes to the mxlab receiver.
      default_transport: 'smtp',
      relay_transport: 'smtp',
      relayhost: `[127.0.0.1]:${port}`,
      smtp_tls_security_level: c.level,
      smtp_tls_loglevel: '1',
      // Retry soon (the defaults are 300 s, 4000 s and 300 s), but only when flushed or after the backoff.
      minimal_backoff_time: '2s',
      maximal_backoff_time: '4s',
      queue_run_delay: '2s',
    },
  });
  const yaml = [
    `name: postfix-${c.level}-to-${c.profile}`,
    `description: A real Postfix at smtp_tls_security_level=${c.level} sends to ${c.profile}.`,
    `deliveryWindowMs: ${c.windowMs}`,
    'timeoutMs: 60000',
    'peers:',
    `  - { name: rx, profile: ${c.profile}, port: ${port} }`,
    `await: { peer: rx, count: ${c.retry ? 2 : 1}, timeoutMs: 45000 }`,
    'expect:',
    `  - name: the verdict on Postfix at ${c.level} is ${c.verdict}`,
    '    peer: rx',
    `    delivery: ${c.verdict}`,
  ].join('\n');
  const { scenario, problems } = parseScenario(`postfix-${c.level}.yaml`, yaml);
  if (!scenario) throw new Error(problems.map((p) => p.message).join('; '));
  let lab: Lab | undefined;
  const result = await runScenario(scenario, {
    onStarted: async (l) => {
      lab = l;
      submit(pf, `verdict ${c.level}`);
      if (!c.retry) return;
      // The first attempt dies in the handshake; Postfix defers. Past minimal_backoff_time, flush.
      void l.waitForRecord((r) => r.peer === 'rx', 30000).then(async () => {
        await sleep(2500);
        flush(pf);
      }, () => undefined);
    },
  });
  t.ok(lab, 'the scenario ran');
  const delivery = lab?.deliveries.find((d) => d.peer === 'rx');
  t.comment(`verdict: ${delivery?.verdict}: ${delivery?.summary}`);
  return { result, pf, ...(delivery ? { delivery } : {}) };
}

function check(t: Test, result: ScenarioResult): void {
  for (const test of result.tests) t.ok(test.ok, `${test.name}${test.ok ? '' : `: ${JSON.stringify(test.mismatches)} ${test.error ?? ''}`}`);
}

t.test('Postfix at may against intolerant-tls10: downgraded, after minimal_backoff_time', { skip: problem ? 'Postfix cannot run here' : false }, async (t) => {
  const { result, pf, delivery } = await senderCase(t, { level: 'may', profile: 'intolerant-tls10', verdict: 'downgraded', windowMs: 30000, retry: true });
  check(t, result);
  t.ok((delivery?.sessions.length ?? 0) >= 2, `both sessions linked: ${delivery?.sessions.join(', ')}`);
  t.equal(delivery?.evidence[0]?.tls, 'failed', 'the first: the failed handshake');
  t.match(delivery?.evidence.at(-1), { tls: 'none', messages: 1 }, 'the last: the mail in plaintext');
  t.equal(delivery?.client.helo, 'mx.mxlab.test', "Postfix's EHLO name (its myhostname)");
  const log = pf.log();
  t.match(log, /Cannot start TLS: handshake failure|SSL_connect error/, 'Postfix logged the failed handshake');
  t.match(log, /status=deferred/, 'and deferred the message first');
  t.match(log, /status=sent \(250 /, 'then sent it');
});

t.test('Postfix at encrypt against intolerant-tls10: deferred', { skip: problem ? 'Postfix cannot run here' : false }, async (t) => {
  const { result, pf } = await senderCase(t, { level: 'encrypt', profile: 'intolerant-tls10', verdict: 'deferred', windowMs: 3000, retry: false });
  check(t, result);
  t.notMatch(pf.log(), /status=sent/, 'nothing was sent');
});

t.test('Postfix at verify against self-signed: rejected-certificate', { skip: problem ? 'Postfix cannot run here' : false }, async (t) => {
  const { result, pf, delivery } = await senderCase(t, { level: 'verify', profile: 'self-signed', verdict: 'rejected-certificate', windowMs: 3000, retry: false });
  check(t, result);
  t.match(delivery?.evidence[0]?.what, /^TLS TLSv1\.3 .*then (QUIT|RSET and QUIT|a close) without mail$/, delivery?.evidence[0]?.what ?? '');
  t.match(pf.log(), /certificate not trusted|certificate verification failed/i, 'Postfix logged the untrusted certificate');
});
