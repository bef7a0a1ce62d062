import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { defaultLabPorts, DEFAULT_BASE_PORT } from '../../src/cli/default-lab.js';
import { DEFAULT_PROXY_LISTEN } from '../../src/cli/proxy.js';
import { RawLine } from '../fixtures/raw-line.js';
import { RunningCli } from '../fixtures/run-cli.js';

/** `mxlab proxy` with its default --listen runs beside the default lab (`npm start`), not into it. */

const proxyPort = Number(DEFAULT_PROXY_LISTEN.split(':')[1]);

t.test('the default proxy port is outside the default lab\'s ports', async (t) => {
  const ports = defaultLabPorts();
  t.equal(ports[0], DEFAULT_BASE_PORT);
  t.notOk(ports.includes(proxyPort), `${proxyPort} is none of the lab's ${ports.length} ports (${Math.min(...ports)}-${Math.max(...ports)})`);
});

t.test('with the default lab running, mxlab proxy on its default port listens and relays to it', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'mxlab-proxy-default-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  const lab = new RunningCli(['lab', '--no-tui', '--run-dir', join(work, 'lab-run')], { cwd: work });
  t.teardown(() => lab.kill());
  await lab.waitFor(/Ctrl-C stops the lab|mxlab: /, 90000);
  if (/EADDRINUSE/.test(lab.stderr)) {
    // Another default lab on this machine (a user's npm start): the ports are not ours to test.
    t.comment(`the default lab's ports are taken on this machine; only the port arithmetic above was checked`);
    return;
  }
  const proxy = new RunningCli(['proxy', '--upstream', `127.0.0.1:${DEFAULT_BASE_PORT}`, '--run-dir', join(work, 'proxy-run')], { cwd: work });
  t.teardown(() => proxy.kill());
  await proxy.waitFor(/Ctrl-C stops the proxy|mxlab: /, 60000);
  t.notMatch(proxy.stderr, /EADDRINUSE|in use/, 'the proxy\'s default port is free with the default lab running');
  t.match(proxy.stderr, new RegExp(`127\\.0\\.0\\.1:${proxyPort} +smtp`));
  const c = await RawLine.connect(proxyPort);
  t.match(await c.line(), /^220 /, 'the lab\'s first receiver greets through the proxy');
  c.destroy();
  proxy.child.kill('SIGINT');
  lab.child.kill('SIGINT');
  t.equal((await proxy.exit(20000)).code, 0);
  t.equal((await lab.exit(20000)).code, 0);
});
