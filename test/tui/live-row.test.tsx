import net from 'node:net';
import tls from 'node:tls';
import t from 'tap';
import { render } from 'ink-testing-library';
import { App } from '../../src/tui/App.js';
import { ConsoleStore } from '../../src/tui/store.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * A row appears when its session starts and fills in while the session is still open (STARTTLS
 * offered, the hello and the handshake), then gets its result when it ends.
 */

async function waitFor(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

t.test('a session in progress updates its row', async (t) => {
  const lab = await startTestLab(t, [{ name: 'mx', profile: 'modern', smtp: [0] }]);
  const store = new ConsoleStore(lab, { throttleMs: 10 });
  const ui = render(<App store={store} lab={lab} saveDir={lab.runDir.path} onQuit={() => undefined} size={{ columns: 160, rows: 20 }} />);
  t.teardown(() => {
    ui.unmount();
    store.close();
  });
  const row = (): string => (ui.lastFrame() ?? '').split('\n').find((l) => / mx /.test(l)) ?? '';
  let got = '';
  const raw = net.connect(portOf(lab, 'mx'), '127.0.0.1');
  raw.on('data', (d: Buffer) => (got += d.toString('latin1')));
  await waitFor('the greeting', () => got.includes('220 '));
  await waitFor('the row at connect', () => /open/.test(row()));
  raw.write('EHLO live.example\r\n');
  await waitFor('STARTTLS offered in the row', () => /offer/.test(row()));
  raw.write('STARTTLS\r\n');
  await waitFor('the go-ahead', () => got.includes('Ready to start TLS'));
  const secure = tls.connect({ socket: raw, rejectUnauthorized: false, maxVersion: 'TLSv1.2' });
  await new Promise((r) => secure.once('secureConnect', r));
  await waitFor('the handshake in the row', () => /TLSv1\.2 +ECDHE-RSA-AES256-GCM-SHA384/.test(row()));
  t.match(row(), /open/, 'still open');
  t.equal(lab.recordCount, 0, 'the session has not ended yet');
  secure.destroy();
  await waitFor('the result', () => / tls +\d+ms/.test(row()));
  t.pass('the row got its result at the end');
});
