import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { consoleCommands } from '../../src/cli/console-commands.js';
import t from 'tap';
import { render } from 'ink-testing-library';
import { getLabCa } from '../../src/certs/lab-ca.js';
import { profileNames } from '../../src/profiles/resolve.js';
import { loadScenarios, runScenarios } from '../../src/scenario/runner.js';
import { App } from '../../src/tui/App.js';
import { ConsoleStore } from '../../src/tui/store.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

const KEY = { up: '\x1b[A', down: '\x1b[B', enter: '\r', tab: '\t', escape: '\x1b', backspace: '\x7f' };

/** After a frame, ink needs a turn of the event loop before it reads the next key. */
const settle = (): Promise<void> => new Promise((r) => setImmediate(() => setTimeout(r, 0)));

async function waitFor(what: string, check: () => boolean, timeoutMs = 10000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  await settle();
}

t.test('the console on a lab', async (t) => {
  const lab = await startTestLab(t, [
    { name: 'old', profile: 'tls10-only', smtp: [0] },
    { name: 'mx', profile: 'modern', smtp: [0] },
  ]);
  const ca = (await getLabCa(lab.certsDir)).cert;
  const store = new ConsoleStore(lab, { throttleMs: 10 });
  let quit = 0;
  const ui = render(<App store={store} lab={lab} saveDir={lab.runDir.path} onQuit={() => quit++} runCommand={consoleCommands(lab)} size={{ columns: 140, rows: 30 }} />);
  t.teardown(() => {
    ui.unmount();
    store.close();
  });
  const frame = (): string => ui.lastFrame() ?? '';
  const press = async (...keys: string[]): Promise<void> => {
    for (const k of keys) {
      ui.stdin.write(k);
      await settle();
    }
  };
  await waitFor('the empty list', () => frame().includes('no sessions yet'));

  const client = await lab.probe({ protocol: 'smtp', name: 'probe-smtp', to: `127.0.0.1:${portOf(lab, 'old')}`, policy: 'may', profile: 'tls10-only', ca });
  await lab.waitForRecord((r) => r.peer === 'old');

  await t.test('Sessions: a row per session, result coloured', async (t) => {
    await waitFor('two rows', () => frame().includes('probe-smtp') && /old .*TLSv1 /.test(frame()));
    t.match(frame(), /PEER .*PROTO:PORT .*CLIENT .*STLS .*VERSION .*CIPHER .*KX .*RESULT/);
    t.match(frame(), /2\/2 sessions/);
    t.equal(client.version, 'TLSv1');
  });

  await t.test('navigation and the detail tabs', async (t) => {
    // Follow mode: the focus is on the newest row; move to the server's row of the pair.
    const rows = store.viewRows(0, 10);
    const serverAt = rows.findIndex((r) => r.peer === 'old');
    await press(...Array<string>(Math.abs(store.cursor - serverAt)).fill(store.cursor > serverAt ? KEY.up : KEY.down));
    t.equal(store.selected?.peer, 'old');
    await press(KEY.enter);
    await waitFor('Outcome tab', () => frame().includes('STARTTLS used'));
    t.match(frame(), /version +TLSv1\n/);
    await press(KEY.tab);
    await waitFor('Transcript tab', () => /C: EHLO/.test(frame()));
    await press(KEY.tab);
    await waitFor('ClientHello tab', () => frame().includes('cipher suites'));
    t.match(frame(), /^\* 0x[0-9A-F]{4} TLS_/m, 'the chosen suite is marked');
    t.match(frame(), /JA4 +t/);
    await press(KEY.tab);
    await waitFor('Certificate tab', () => frame().includes('issuer'));
    await press(KEY.tab);
    await waitFor('Logs tab', () => frame().includes('Exchange (SMTP'));
    await press(KEY.tab);
    await waitFor('JSON tab', () => frame().includes('"id":'));
    await press(...Array<string>(300).fill('j'));
    await waitFor('the last screen', () => /(\d+)-(\d+) of \2 lines/.test(frame()));
    const last = Number(/(\d+)-\d+ of/.exec(frame())![1]);
    await press(KEY.up);
    await waitFor('one line up', () => frame().includes(`${last - 1}-`));
    await press(KEY.escape);
    await waitFor('back to the list', () => frame().includes('PROTO:PORT'));
  });

  await t.test('filtering, with the error position while typing', async (t) => {
    await press('/', ...'peer:old & ('.split(''));
    await waitFor('the error', () => frame().includes('expected a word')).catch((e) => { console.error(frame()); throw e; });
    t.match(frame(), /\/peer:old & \(█\n {13}\^ expected/, 'the caret under the position');
    await press(KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace);
    await waitFor('valid again', () => !frame().includes('expected a word'));
    t.match(frame(), /1\/2 sessions filter: peer:old/);
    await press(KEY.enter);
    t.equal(store.viewSize, 1);
    await press('/', KEY.escape);
    await waitFor('filter cleared', () => frame().includes('2/2 sessions'));
  });

  await t.test('help is the key table', async (t) => {
    await press('?');
    await waitFor('help', () => frame().includes('save the session as a scenario YAML'));
    t.match(frame(), /peers +p +change the profile/);
    await press(KEY.escape);
    await waitFor('back', () => frame().includes('PROTO:PORT'));
  });

  await t.test('Peers: change a running peer\'s profile from the pick list', async (t) => {
    await press('2');
    await waitFor('peers', () => frame().includes('tls10-only'));
    const at = lab.listPeers().findIndex((p) => p.name === 'old');
    await press(...Array<string>(at).fill(KEY.down));
    await press('p');
    await waitFor('pick list', () => frame().includes('profile for old'));
    const names = profileNames();
    const steps = names.indexOf('modern') - names.indexOf('tls10-only');
    await press(...Array<string>(Math.abs(steps)).fill(steps < 0 ? KEY.up : KEY.down), KEY.enter);
    await waitFor('reconfigured', () => lab.listPeers().find((p) => p.name === 'old')?.settings.profile === 'modern');
    await waitFor('message', () => frame().includes('old: profile modern for new sessions'));
    await press('3');
    await waitFor('event log', () => frame().includes('old changed: profile tls10-only → modern'));
    await press('1');
  });

  await t.test('save as scenario: the file runs and passes', async (t) => {
    const rows = store.viewRows(0, 10);
    const at = rows.findIndex((r) => r.id === client.id);
    await press(...Array<string>(Math.abs(store.cursor - at)).fill(store.cursor > at ? KEY.up : KEY.down));
    t.equal(store.selected?.id, client.id);
    await press('S');
    await waitFor('written', () => frame().includes('scenario written to'));
    const file = /scenario written to (\S+);/.exec(frame().replace(/\n/g, ''))?.[1];
    t.ok(file, 'the file is named');
    t.match(readFileSync(file!, 'utf8'), /probe:/);
    const summary = await runScenarios(await loadScenarios([file!]));
    t.equal(summary.failed, 0, JSON.stringify(summary.scenarios.flatMap((s) => s.tests.filter((x) => !x.ok))));
    t.ok(summary.passed >= 2);
    // The same file run from the console's command line: live lines in the event log, then the report.
    await press(':', ...`run ${file!}`.split(''), KEY.enter);
    await waitFor('the run', () => frame().includes('report written to'), 30000);
    t.match(frame().replace(/\n/g, ''), /\d+ passed, 0 failed; report written to /);
    const reports = readdirSync(lab.runDir.path).filter((f) => f.startsWith('scenario-report-'));
    const tap = reports.find((f) => f.endsWith('.tap'));
    const junit = reports.find((f) => f.endsWith('.xml'));
    t.match(readFileSync(join(lab.runDir.path, tap!), 'utf8'), /^TAP version 14\n[\s\S]*^1\.\.\d+$/m, 'a TAP report');
    t.match(readFileSync(join(lab.runDir.path, junit!), 'utf8'), /<testsuites [^>]*failures="0"/, 'a JUnit report with no failures');
    await press('3');
    await waitFor('event log', () => /PASS \S+ \(\d+\/\d+ tests/.test(frame()));
    await press('1');
  });

  await t.test('R shows command lines, w exports the filtered sessions', async (t) => {
    await press('R');
    await waitFor('reproduce', () => frame().includes('openssl s_client'));
    t.match(frame(), /mxlab probe smtp 127\.0\.0\.1:\d+ --policy may/);
    t.match(frame(), /swaks --to user@example\.net --server 127\.0\.0\.1 --port \d+ --tls/);
    await press(KEY.escape);
    await press('/', ...'peer:old'.split(''), KEY.enter);
    await press('w');
    await waitFor('exported', () => frame().includes('record(s) written to'));
    const file = /written to (\S+)/.exec(frame().replace(/\n/g, ''))?.[1];
    const lines = readFileSync(file!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { peer: string });
    t.ok(lines.length >= 1);
    t.ok(lines.every((r) => r.peer === 'old'), 'only the filtered sessions');
    await press('/', KEY.escape);
  });

  await t.test('Scan: :scan PEER fills the version × suite matrix', async (t) => {
    await press('4');
    await waitFor('the empty scan view', () => frame().includes('no scan yet'));
    await lab.reconfigurePeer('old', { profile: 'tls10-only' }); // the Peers test made it modern
    await press(':', ...'scan old --fail-on tls1.0,rc4'.split(''), KEY.enter);
    await waitFor('the scan', () => frame().includes('done in'), 60000);
    t.match(frame(), new RegExp(`scan smtp 127\\.0\\.0\\.1:${portOf(lab, 'old')} · \\d+ connections · \\d+ suites accepted · done in`));
    t.match(frame(), /SUITE +SSLv3 +TLSv1 +TLSv1\.1 +TLSv1\.2 +TLSv1\.3 +RATING/);
    t.match(frame(), /^ECDHE-RSA-AES256-SHA +· +✓ +· +· +· +weak/m, 'tls10-only: TLS 1.0 only, ticked under TLSv1');
    t.notMatch(frame(), /✓ +(✓|·) +✓/, 'nothing at TLS 1.2');
    t.match(frame(), /TLSv1\.2: no/);
    t.match(frame().replace(/\n/g, ''), /scan smtp 127\.0\.0\.1:\d+: TLSv1 \d+ suites; 1 check\(s\) failed: tls1\.0 \(\d+ connections/);
    await press('1');
  });

  await t.test('Send form: pick target, profile, policy and CA; the session appears', async (t) => {
    const before = lab.recordCount;
    await press('s');
    await waitFor('target list', () => frame().includes('send to (a lab peer, or another server)'));
    t.match(frame(), /HOST:PORT… \(type it on the command line\)/);
    await press(KEY.down, KEY.enter); // mx (modern)
    await waitFor('profile list', () => frame().includes('sender profile for the send to mx'));
    await press(KEY.enter); // modern, preselected
    await waitFor('policy list', () => frame().includes('policy (mxlab, Exchange and Cisco ESA words)'));
    t.match(frame(), /CertificateValidation/, 'Exchange words are offered');
    t.match(frame(), /required-verify/, 'Cisco ESA words are offered');
    await press(KEY.enter); // may, preselected
    await waitFor('CA list', () => frame().includes('trust anchors for verify/secure'));
    await press(KEY.enter); // the lab CA, preselected
    await waitFor('the send', () => /send-modern: tls TLSv1\.3/.test(frame()), 30000);
    t.ok(lab.recordCount >= before + 2, 'the send\'s sessions (client and server) were recorded');
    t.ok(store.viewRows(0, 1000).some((r) => r.role === 'client' && r.peer === 'send-modern'), 'its row is in the list');
  });

  await t.test('q quits', async (t) => {
    await press('q');
    t.equal(quit, 1);
  });
});
