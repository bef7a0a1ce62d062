import t from 'tap';
import { getLabCa } from '../../src/certs/lab-ca.js';
import { consoleCommands, splitWords } from '../../src/cli/console-commands.js';
import { runCli } from '../fixtures/run-cli.js';
import { startTestLab } from '../fixtures/test-lab.js';

t.test('words', async (t) => {
  t.same(splitWords(`send a:1 --subject "two words" --body 'x y'`), ['send', 'a:1', '--subject', 'two words', '--body', 'x y']);
});

t.test(':send and :probe take the CLI\'s flags and messages and act on the lab', async (t) => {
  const lab = await startTestLab(t, [{ name: 'old', profile: 'tls10-only', smtp: [0] }]);
  const run = consoleCommands(lab);
  const ca = (await getLabCa(lab.certsDir)).certFile;
  t.match(await run(`send old --policy may --ca ${ca}`), /^send-modern: downgraded/, 'a lab peer as the target');
  t.match(await run(`send old --policy encrypt --profile tls10-only --ca ${ca}`), /^send-tls10-only: tls TLSv1 /);
  t.match(await run('probe old --profile tls10-only'), /^probe-smtp: tls TLSv1 /);
  const port = lab.listPeers()[0]!.endpoints[0]!.port;
  t.match(await run(`probe smtp 127.0.0.1:${port} --policy encrypt`), /^probe-smtp: refused .*protocol_version/, 'HOST:PORT as the target');
  // The same words the CLI says about the same mistakes.
  const cli = await runCli(['send', '--to', `127.0.0.1:${port}`, '--policy', 'bogus']);
  t.equal(await run('send old --policy bogus'), cli.stderr.trim());
  const typo = await run('send old --polcy encrypt');
  t.match(typo, /unknown option '--polcy'/);
  t.match(typo, /--policy/, 'with the suggestion');
  t.match(await run('frobnicate'), /want send, probe or scan/);
  // :scan takes the CLI's words and says the same things about bad ones.
  t.match(await run('scan ftp 127.0.0.1:25'), /^mxlab: protocol/);
  t.match(await run('scan smtp 127.0.0.1'), /^mxlab: target: /);
  t.match(await run('scan old --fail-on tls1.0 --max-conns 0'), /--max-conns/);
  t.match(await run('scan old --fail-on tls1.0'), /^scan smtp 127\.0\.0\.1:\d+: TLSv1 \d+ suites; 1 check\(s\) failed: tls1\.0/, 'a peer name is scanned at its STARTTLS port');
});
