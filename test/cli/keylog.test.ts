import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runCli, RunningCli } from '../fixtures/run-cli.js';
import { runCommand } from '../fixtures/run-command.js';

/** `serve --keylog FILE` and `send --keylog FILE` as a user runs them. */

const work = mkdtempSync(join(tmpdir(), 'mxlab-cli-keylog-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

const LINE = /^(CLIENT_RANDOM|CLIENT_HANDSHAKE_TRAFFIC_SECRET|SERVER_HANDSHAKE_TRAFFIC_SECRET|CLIENT_TRAFFIC_SECRET_0|SERVER_TRAFFIC_SECRET_0|EXPORTER_SECRET) [0-9a-f]{64} [0-9a-f]{64,96}$/;

t.test('serve --keylog and send --keylog write SSLKEYLOGFILE lines', async (t) => {
  const serverLog = join(work, 'server-keys.log');
  const cli = new RunningCli(['serve', '--smtp', '0', '--run-dir', join(work, 'run'), '--format', 'jsonl', '--keylog', serverLog], { cwd: work });
  t.teardown(() => cli.kill());
  await cli.waitFor(/Ctrl-C stops the lab/, 20000);
  t.match(cli.stderr, `TLS key log: ${serverLog} (Wireshark: -o tls.keylog_file:${serverLog})`, 'says where the key log goes');
  const port = Number((await cli.waitFor(/127\.0\.0\.1:(\d+)\s+smtp\s+modern\s+policy=optional/))[1]);

  await runCommand('openssl', ['s_client', '-starttls', 'smtp', '-connect', `127.0.0.1:${port}`, '-tls1_2'], { input: 'QUIT\r\n' });
  await cli.waitFor(/"result":"tls"/, 5000, 'stdout');
  const clientLog = join(work, 'client-keys.log');
  const sent = await runCli(['send', '--to', `127.0.0.1:${port}`, '--policy', 'encrypt', '--run-dir', join(work, 'send-run'), '--keylog', clientLog], { cwd: work, timeoutMs: 30000 });
  t.equal(sent.code, 0, `send exits 0 (${sent.stderr})`);
  await cli.waitFor(/"result":"tls"[\s\S]*"result":"tls"/, 5000, 'stdout');
  cli.child.kill('SIGINT');
  await cli.exit(10000);

  const server = readFileSync(serverLog, 'latin1').split('\n').filter(Boolean);
  const client = readFileSync(clientLog, 'latin1').split('\n').filter(Boolean);
  t.ok(server.every((l) => LINE.test(l)), 'server log: only key log lines');
  t.ok(client.every((l) => LINE.test(l)), 'client log: only key log lines');
  t.ok(server.some((l) => l.startsWith('CLIENT_RANDOM ')), 'the TLS 1.2 session (openssl -tls1_2)');
  t.ok(client.length >= 1, `the sender logged ${client.length} lines`);
  for (const line of client) t.ok(server.includes(line), `${line.split(' ')[0]}: both ends derived the same secret`);
});
