import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { COMPILED } from '../fixtures/paths.js';
import { RawSmtp } from '../fixtures/raw-smtp.js';
import { connectWatching, type WatchingClient } from '../fixtures/watching-client.js';

/**
 * Out of descriptors is never silent (issue 12, finding 3). Under `ulimit -n 256`, 400 connections at
 * once (the connection limits raised out of the way): before, accept() hit EMFILE and libuv closed the
 * pending connections itself, with no reply, no record and no warning. Now the lab stops short of the
 * limit (64 descriptors kept free): the connections past it get `421 4.7.0 … too many connections`, each
 * has a record saying the lab is out of file descriptors, a lab-warning says it is refusing, and the
 * lab serves again once the flood is gone.
 */

const FIXTURE = fileURLToPath(new URL(`../fixtures/limited-lab.${COMPILED ? 'js' : 'ts'}`, import.meta.url));
const N = 400;

t.test('400 connections under ulimit -n 256: every one served or told 421, each recorded, one warning', async (t) => {
  const runDir = join(mkdtempSync(join(tmpdir(), 'mxlab-fds-')), 'run');
  const child = spawn('sh', ['-c', 'ulimit -n 256 && exec "$0" "$@"', process.execPath, ...(COMPILED ? [] : ['--import', import.meta.resolve('tsx/esm')]), FIXTURE, runDir], {
    stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' },
  });
  t.teardown(() => child.kill('SIGKILL'));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout });
  const next = (): Promise<Record<string, number>> => new Promise((r) => lines.once('line', (l) => r(JSON.parse(l) as Record<string, number>)));
  const { port } = await next();

  const clients: WatchingClient[] = [];
  for (let i = 0; i < N; i += 1) clients.push(await connectWatching(port!));
  // Each client hears something: the greeting, or the refusal (then the close); a silent close is the bug.
  await Promise.all(clients.map((c) => Promise.race([c.line(/^(220|421) /), c.closed])));
  const served = clients.filter((c) => c.lines[0]?.startsWith('220 ')).length;
  const refused = clients.filter((c) => /^421 4\.7\.0 .*too many connections/.test(c.lines[0] ?? '')).length;
  t.equal(served + refused, N, `every connection was greeted (${served}) or told 421 (${refused})`);
  t.ok(served > 100 && served <= 256 - 64, `the lab served ${served}, short of the limit`);
  t.match(stderr, /warning EMFILE: mx: refusing connections: the lab is out of file descriptors/, 'a lab-warning says why');

  for (const c of clients) c.socket.destroy();
  await Promise.all(clients.map((c) => c.closed));
  // The lab serves again: a whole session.
  const again = await RawSmtp.connect(port!);
  await again.hello('after.example');
  await again.quit();
  const records = (): { result: string; reply?: string }[] => readFileSync(join(runDir, 'sessions.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { result: string; reply?: string });
  for (;;) {
    child.stdin.write('count\n');
    if ((await next()).records! >= N + 1) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const all = records();
  t.equal(all.length, N + 1, 'one record per connection');
  t.equal(all.filter((r) => r.result === 'refused' && /out of file descriptors/.test(r.reply ?? '')).length, refused, 'each refusal is recorded with its reason');
});
