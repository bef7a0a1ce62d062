import t from 'tap';
import { RawSmtp } from '../fixtures/raw-smtp.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * A client that is greeted and then says nothing: the receiver closes it after the idle time with
 * smtp-server's own 421, on a STARTTLS port and on an SMTPS port alike, and records why. (The engine
 * takes a connection only when its client first speaks; a silent one must still time out.)
 */

t.test('greeted, then silent: 421 after the idle time, recorded', async (t) => {
  const lab = await startTestLab(t, [{ name: 'rx', profile: 'modern', smtp: [0], smtps: [0], idleTimeoutMs: 400 }]);
  for (const mode of ['explicit', 'implicit'] as const) {
    const port = portOf(lab, 'rx', mode);
    const c = mode === 'explicit' ? await RawSmtp.connect(port) : await RawSmtp.connectTls(port);
    t.match((await c.reply())[0], /^220 mx\.mxlab\.test ESMTP mxlab/, `${mode}: greeted`);
    const started = Date.now();
    const bye = await c.reply(3000);
    t.match(bye[0], /^421 /, `${mode}: 421 when the idle time is up (${bye[0]})`);
    t.ok(Date.now() - started >= 300, `${mode}: not before the idle time`);
    await c.waitClosed(2000);
    const r = await lab.waitForRecord((x) => x.peer === 'rx' && x.tlsMode === mode);
    t.match(r.error?.message ?? '', /421/, `${mode}: the record quotes the 421`);
    t.same(r.transcript.filter((l) => l.dir === 'S').map((l) => l.line.slice(0, 3)), ['220', '421'], `${mode}: greeting and 421 in the transcript`);
  }
});

t.test('the first command after a pause is answered by the engine', async (t) => {
  const lab = await startTestLab(t, [{ name: 'rx', profile: 'modern', smtp: [0], smtps: [0], personality: 'postfix' }]);
  for (const mode of ['explicit', 'implicit'] as const) {
    const port = portOf(lab, 'rx', mode);
    const c = mode === 'explicit' ? await RawSmtp.connect(port) : await RawSmtp.connectTls(port);
    t.match((await c.reply())[0], /^220 mx\.mxlab\.test ESMTP Postfix/, `${mode}: the personality's greeting, once`);
    await new Promise((r) => setTimeout(r, 150));
    const ehlo = await c.command('EHLO pause.example');
    t.match(ehlo[0], /^250-mx\.mxlab\.test/, `${mode}: EHLO answered`);
    t.equal(ehlo.some((l) => /STARTTLS/.test(l)), mode === 'explicit', `${mode}: STARTTLS offered only on the plaintext port`);
    await c.quit();
  }
});

t.test('greeted, then the client closes without a word: the session ends at once', async (t) => {
  const lab = await startTestLab(t, [{ name: 'rx', profile: 'modern', smtp: [0], smtps: [0] }]);
  for (const mode of ['explicit', 'implicit'] as const) {
    const port = portOf(lab, 'rx', mode);
    const c = mode === 'explicit' ? await RawSmtp.connect(port) : await RawSmtp.connectTls(port);
    await c.reply();
    const started = Date.now();
    c.socket.end();
    await c.waitClosed(2000);
    const r = await lab.waitForRecord((x) => x.peer === 'rx' && x.tlsMode === mode, 2000);
    t.ok(Date.now() - started < 1000, `${mode}: the server closed its side too, at once`);
    t.equal(r.result, mode === 'explicit' ? 'plaintext' : 'tls', `${mode}: ${r.result}`);
    t.notOk(r.error, `${mode}: no error (${r.error?.message ?? ''})`);
  }
});
