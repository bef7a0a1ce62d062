import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { CATALOGUE } from '../../src/profiles/catalogue.js';
import { profileNames } from '../../src/profiles/resolve.js';
import { CLI_MAIN } from '../fixtures/run-cli.js';

/**
 * The console end to end, as a user meets it: `mxlab lab` in a real terminal (tmux), a real
 * openssl s_client, keys sent with send-keys, the screen read with capture-pane.
 */
const TSX = import.meta.resolve('tsx/esm');
const tmux = (...args: string[]): string => execFileSync('tmux', args, { encoding: 'utf8' });

const canListen = (port: number): Promise<boolean> => new Promise((resolve) => {
  const s = createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
});

/**
 * A base port whose six blocks (SMTP … POP3S, one port per profile) are all free, below the
 * ephemeral range where the other tests' OS-picked ports live, and away from the default 2525.
 */
async function freeBase(): Promise<number> {
  const ports = (base: number): number[] => [0, 100, 200, 300, 400, 500].flatMap((b) => CATALOGUE.map((_, i) => base + b + i));
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 10000 + 600 * Math.floor(Math.random() * 35);
    if ((await Promise.all(ports(base).map(canListen))).every(Boolean)) return base;
  }
  throw new Error('no free block of ports for the default lab');
}

function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V']);
    return true;
  } catch {
    return false;
  }
}

t.test('console in tmux: rows, detail, peer change, quit', { skip: hasTmux() ? false : 'tmux is not installed' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mxlab-tmux-'));
  const session = `mxlab-e2e-${process.pid}`;
  const base = await freeBase();
  const tls10 = base + CATALOGUE.findIndex((p) => p.name === 'tls10-only');
  t.teardown(() => {
    try {
      tmux('kill-session', '-t', session);
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const pane = (escapes = false): string => tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', session);
  const waitUntil = async (what: string, check: (screen: string) => boolean, timeoutMs = 20000, escapes = false): Promise<string> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const screen = pane(escapes);
      if (check(screen)) return screen;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; screen:\n${screen}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const keys = (...k: string[]): void => void tmux('send-keys', '-t', session, ...k);
  const sClient = (): Promise<number | null> => new Promise((resolve) => {
    const c = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${tls10}`, '-starttls', 'smtp', '-tls1', '-cipher', 'DEFAULT@SECLEVEL=0'], { stdio: ['pipe', 'ignore', 'ignore'] });
    c.stdin.end('QUIT\n');
    const timer = setTimeout(() => c.kill(), 10000);
    c.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });

  tmux('new-session', '-d', '-x', '120', '-y', '40', '-s', session, 'bash', '--norc', '--noprofile');
  const cmd = `env -u CI -u FORCE_COLOR -u NO_COLOR NODE_OPTIONS= node --import ${TSX} ${CLI_MAIN} lab --base-port ${base} --run-dir ${join(dir, 'run')}; echo EXITED=$?`;
  keys(cmd, 'Enter');
  await waitUntil('the console', (s) => s.includes('PROTO:PORT') && s.includes('mxlab sessions'), 60000);
  t.equal(tmux('display', '-p', '-t', session, '#{alternate_on}').trim(), '1', 'alternate screen');

  await t.test('an s_client -tls1 to the tls10-only peer makes a row', async (t) => {
    await sClient();
    const s = await waitUntil('the row', (x) => /tls10-only +smtp:\d+ .*TLSv1 /.test(x));
    t.match(s, /tls10-only +smtp:\d+ .* used +TLSv1 .* tls /);
  });

  await t.test('opening it shows TLSv1 and the ClientHello', async (t) => {
    keys('/', ...'peer:tls10-only'.split(''), 'Enter');
    await waitUntil('filtered', (s) => s.includes('filter: peer:tls10-only'));
    keys('Enter');
    await waitUntil('Outcome', (s) => /version +TLSv1\s*$/m.test(s));
    keys('Tab', 'Tab');
    const s = await waitUntil('ClientHello', (x) => x.includes('cipher suites'));
    t.match(s, /client +openssl \d+\.\d+ s_client -tls1/, 'the openssl client label (known-clients table)');
    t.match(s, /JA4 +t10/, 'JA4 of a TLS 1.0 hello');
    t.match(s, /versions +TLSv1\s*$/m);
    keys('Escape');
    await waitUntil('list', (x) => x.includes('PROTO:PORT'));
  });

  await t.test('the peer changed to modern in Peers: the next s_client fails, its row red', async (t) => {
    keys('2');
    await waitUntil('peers', (s) => s.includes('ENDPOINTS'));
    const at = CATALOGUE.findIndex((p) => p.name === 'tls10-only');
    for (let i = 0; i < at; i++) keys('Down');
    keys('p');
    await waitUntil('pick list', (s) => s.includes('profile for tls10-only'));
    const steps = profileNames().indexOf('tls10-only') - profileNames().indexOf('modern');
    for (let i = 0; i < steps; i++) keys('Up');
    keys('Enter');
    await waitUntil('changed', (s) => s.includes('tls10-only: profile modern for new sessions'));
    keys('1');
    await sClient();
    const s = await waitUntil('a failed row', (x) => /tls10-only .*handshake-failed/.test(x));
    t.match(s, /tls10-only .*handshake-failed/);
    const coloured = pane(true).split('\n').find((l) => l.includes('handshake-failed'))!;
    t.match(coloured, /\x1b\[31m[^\n]*handshake-failed/, 'red');
  });

  await t.test('q restores the terminal; every session is on disk', async (t) => {
    keys('q');
    const s = await waitUntil('exit', (x) => /EXITED=\d/.test(x), 30000);
    t.match(s, /EXITED=0/);
    t.match(s, /2 session record\(s\) in /);
    t.equal(tmux('display', '-p', '-t', session, '#{alternate_on}').trim(), '0', 'main screen');
    t.equal(tmux('display', '-p', '-t', session, '#{cursor_flag}').trim(), '1', 'cursor visible');
    const records = readFileSync(join(dir, 'run', 'sessions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { peer: string; result: string; version?: string });
    t.same(records.map((r) => [r.peer, r.result]), [['tls10-only', 'tls'], ['tls10-only', 'handshake-failed']]);
  });
});

t.test('console in tmux: an uncaught error and SIGTERM restore the terminal', { skip: hasTmux() ? false : 'tmux is not installed' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mxlab-tmux-crash-'));
  const session = `mxlab-crash-${process.pid}`;
  t.teardown(() => {
    try {
      tmux('kill-session', '-t', session);
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const pane = (): string => tmux('capture-pane', '-p', '-t', session);
  const waitUntil = async (what: string, check: (screen: string) => boolean, timeoutMs = 30000): Promise<string> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const screen = pane();
      if (check(screen)) return screen;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; screen:\n${screen}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const keys = (...k: string[]): void => void tmux('send-keys', '-t', session, ...k);
  const state = (): string => tmux('display', '-p', '-t', session, '#{alternate_on} #{cursor_flag}').trim();
  tmux('new-session', '-d', '-x', '120', '-y', '40', '-s', session, 'bash', '--norc', '--noprofile');
  const crasher = new URL('../fixtures/crashing-console.ts', import.meta.url).pathname;

  // The error comes once the console is up (4 s leaves it time to start on a loaded machine).
  keys(`env -u CI NODE_OPTIONS= node --import ${TSX} ${crasher} ${join(dir, 'a')} 4000; echo EXITED=$?`, 'Enter');
  await waitUntil('the console', (s) => s.includes('mxlab sessions'));
  t.equal(state(), '1 0', 'alternate screen, cursor hidden while it runs');
  const crashed = await waitUntil('the crash', (s) => /EXITED=\d/.test(s));
  t.match(crashed, /mxlab: console crashed: Error: a peer blew up \(test\)/, 'the error is reported on the restored screen');
  t.match(crashed, /EXITED=1/);
  t.equal(state(), '0 1', 'main screen, cursor visible');

  // SIGTERM from outside (a supervisor, kill): the lab stops, the terminal comes back, exit 0.
  keys('clear', 'Enter');
  keys(`env -u CI NODE_OPTIONS= node --import ${TSX} ${crasher} ${join(dir, 'b')} 600000; echo EXITED=$?`, 'Enter');
  await waitUntil('the second console', (s) => s.includes('mxlab sessions'));
  execFileSync('pkill', ['-TERM', '-f', `crashing-console.ts ${join(dir, 'b')}`]);
  const stopped = await waitUntil('the stop', (s) => /EXITED=\d/.test(s));
  t.match(stopped, /0 session record\(s\) in /, 'the lab stopped and said where its records are');
  t.equal(state(), '0 1', 'main screen, cursor visible');
});
