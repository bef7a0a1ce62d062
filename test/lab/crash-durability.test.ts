import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import { basename, join } from 'node:path';
import t from 'tap';
import { RawSmtp } from '../fixtures/raw-smtp.js';
import { RunningCli } from '../fixtures/run-cli.js';

/**
 * Nothing lost on a crash (issue 12, finding 7): `kill -9` the mxlab process while several clients send
 * 2 MB messages. Before, records were written when the connection closed, after the 221, and nothing
 * recorded an accepted message before the session's record: clients that had seen 221 had no record,
 * and .eml files had no record pointing to them. Now a session's record is in sessions.jsonl before its
 * 221 goes out, and an accepted message's line is in messages.jsonl (pointing to its complete .eml)
 * before its 250.
 */

const CLIENTS = 6;
const BODY_LINES = 2048; // 2048 × 1 KiB lines: a 2 MB message
const KILL_AFTER_221 = 4;

interface Line {
  readonly session: string;
  readonly id: string;
  readonly size: number;
  readonly file: string;
}
interface Rec {
  readonly id: string;
  readonly remote: { readonly port: number };
  readonly messages: readonly { readonly id: string; readonly file?: string; readonly size: number }[];
  readonly transcript: readonly { readonly line: string }[];
}

const jsonl = <T>(file: string): T[] =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T) : [];

t.test('kill -9 under load: every 221 has its record, every 250 its messages.jsonl line and a complete .eml', async (t) => {
  const runDir = join(mkdtempSync(join(tmpdir(), 'mxlab-crash-')), 'run');
  const cli = new RunningCli(['serve', '--smtp', '0', '--run-dir', runDir, '--format', 'jsonl']);
  t.teardown(() => cli.child.kill('SIGKILL'));
  const port = Number((await cli.waitFor(/127\.0\.0\.1:(\d+)\s+smtp\s/, 30000))[1]);
  const pid = cli.child.pid!;

  const line = `${'y'.repeat(1022)}\r\n`;
  const body = Buffer.from(`Subject: crash test\r\n\r\n${line.repeat(BODY_LINES)}`);
  const saw250: string[] = [];
  const saw221: number[] = [];
  let killed = false;
  const kill = (): void => {
    if (killed) return;
    killed = true;
    process.kill(pid, 'SIGKILL');
  };

  const client = async (): Promise<void> => {
    while (!killed) {
      let c: RawSmtp | undefined;
      try {
        c = await RawSmtp.connect(port);
        const localPort = c.socket.localPort!;
        await c.hello('crash.example');
        await c.command('MAIL FROM:<a@example.org>');
        await c.command('RCPT TO:<b@example.net>');
        await c.command('DATA');
        if (!c.socket.write(body)) await new Promise((r) => c!.socket.once('drain', r));
        const done = await c.command('.', );
        const queued = /^250 .*queued as ([0-9A-F]+)/.exec(done[0] ?? '');
        if (!queued) continue;
        saw250.push(queued[1]!);
        const bye = await c.command('QUIT');
        if (!bye[0]?.startsWith('221')) continue;
        saw221.push(localPort);
        // At once, in the turn that read the 221: the server has had no time to do anything after it.
        if (saw221.length >= KILL_AFTER_221) kill();
      } catch {
        // The server was killed under this client.
      } finally {
        c?.socket.destroy();
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, () => client()));
  await cli.exited;
  t.ok(saw221.length >= KILL_AFTER_221, `${saw221.length} clients saw 221, ${saw250.length} saw 250 before the kill`);

  const records = jsonl<Rec>(join(runDir, 'sessions.jsonl'));
  const accepted = jsonl<Line>(join(runDir, 'messages.jsonl'));
  const byPort = new Map(records.map((r) => [r.remote.port, r]));
  for (const p of saw221) {
    const r = byPort.get(p);
    t.ok(r, `the session from port ${p} saw 221 and has its record`);
    if (r) t.match(r.transcript.at(-1)?.line ?? '', /^221 /, `its transcript ends with the 221 (${r.id})`);
  }
  const acceptedIds = new Map(accepted.map((a) => [a.id, a]));
  for (const id of saw250) {
    const a = acceptedIds.get(id);
    t.ok(a, `message ${id} saw 250 and is in messages.jsonl`);
    if (!a) continue;
    t.ok(existsSync(a.file), `${id}: its .eml exists`);
    if (existsSync(a.file)) {
      const stored = readFileSync(a.file);
      t.equal(stored.length, a.size, `${id}: the .eml is as long as accepted`);
      t.ok(stored.subarray(stored.length - body.length).equals(body), `${id}: the .eml holds the whole message`);
    }
  }
  // Every .eml is complete (temporary .part files may be left). One that no line names can only be a
  // message killed between its rename and its messages.jsonl line: its 250 never went out.
  const messagesDir = join(runDir, 'messages');
  const named = new Set([...accepted.map((a) => basename(a.file)), ...records.flatMap((r) => r.messages.map((m) => basename(m.file ?? '')))]);
  const answered = new Set(saw250.map((id) => `${id}.eml`));
  for (const f of readdirSync(messagesDir).filter((f) => f.endsWith('.eml'))) {
    t.ok(named.has(f) || !answered.has(f), `${f} is named by messages.jsonl or a record, or its 250 never went out`);
    t.ok(statSync(join(messagesDir, f)).size > body.length, `${f} is complete`);
  }
  // Every record names only complete messages.
  for (const r of records) for (const m of r.messages) t.equal(m.file && existsSync(m.file) ? statSync(m.file).size : -1, m.size, `${r.id}: ${m.id} is complete on disk`);
});

/** Talks a line protocol in plaintext: each `send` waits for a line matching `until`; returns the last. */
function dialog(port: number, steps: readonly { send?: string; until: RegExp }[], onLast: () => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buf = '';
    let i = 0;
    socket.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      for (;;) {
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        if (!steps[i]!.until.test(line)) continue;
        i += 1;
        if (i === steps.length) {
          // In the turn that read the final reply: nothing after it may be relied on.
          onLast();
          socket.destroy();
          resolve(line);
          return;
        }
        if (steps[i]!.send !== undefined) socket.write(`${steps[i]!.send}\r\n`);
      }
    });
    socket.on('error', reject);
  });
}

t.test('kill -9 the moment a client reads the IMAP BYE/OK LOGOUT or the POP3 +OK to QUIT: the record is there', async (t) => {
  for (const protocol of ['imap', 'pop3'] as const) {
    const runDir = join(mkdtempSync(join(tmpdir(), 'mxlab-crash-')), 'run');
    const cli = new RunningCli(['serve', '--smtp', '0', `--${protocol}`, '0', '--run-dir', runDir, '--format', 'jsonl']);
    t.teardown(() => cli.child.kill('SIGKILL'));
    const port = Number((await cli.waitFor(new RegExp(`127\\.0\\.0\\.1:(\\d+)\\s+${protocol}\\s`), 30000))[1]);
    const kill = (): void => void cli.child.kill('SIGKILL');
    const last = protocol === 'imap'
      ? await dialog(port, [{ until: /^\* OK/ }, { send: 'a1 CAPABILITY', until: /^a1 OK/ }, { send: 'a2 LOGOUT', until: /^a2 OK LOGOUT/ }], kill)
      : await dialog(port, [{ until: /^\+OK/ }, { send: 'CAPA', until: /^\.$/ }, { send: 'QUIT', until: /^\+OK/ }], kill);
    await cli.exited;
    const records = jsonl<Rec>(join(runDir, 'sessions.jsonl'));
    t.equal(records.length, 1, `${protocol}: one record after the kill`);
    t.equal(records[0]?.transcript.at(-1)?.line, last, `${protocol}: it ends with the final reply the client read (${last})`);
  }
});
