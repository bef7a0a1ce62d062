import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { CLI_MAIN } from '../fixtures/run-cli.js';
import { runCommand } from '../fixtures/run-command.js';

/**
 * Every shell block of the README runs, as a user would paste it, with its ports swapped for free ones
 * and /tmp for a scratch folder; or it carries an annotation on the line above its fence that this test
 * holds it to:
 *   <!-- readme-test: skip: REASON -->       not run here, and why (a reason is required)
 *   <!-- readme-test: continues -->          runs with the servers of the block before it still up
 *   <!-- readme-test: needs PROG… -->         runs; commands of PROG are left out when PROG is not installed
 *   <!-- readme-test: synopsis -->           every --flag shown exists in that command's --help
 * A command must not hang, must exist, and an mxlab command must not be a usage error (exit 2). Where
 * the README says what comes out, that is checked too: "exit status N" / "exit N" in its comment, a
 * curl error code `(NN)`, and the first word of the output shown under it (REFUSED, DOWNGRADED …).
 */

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const TSX = import.meta.resolve('tsx/esm');
const PROGRAMS = ['mxlab', 'openssl', 'swaks', 'curl', 'sslscan', 'tcpdump', 'tshark', 'wireshark', 'kill', 'printf', 'npm'];
/** The fixed ports the examples use; each run gets free ones instead. */
const README_PORTS = [2110, 2143, 2465, 2500, 2525, 2526, 2993, 2995];
const SERVER_PORT_FLAGS = /--(?:smtp|smtps|imap|imaps|pop3|pop3s) (\d+)|--listen [\d.]+:(\d+)/g;

interface Block {
  readonly line: number;
  readonly text: string;
  readonly annotation?: string;
}

interface Command {
  readonly text: string;
  /** The comment on the command's line and the comment lines right under it. */
  readonly comment: string;
  /** The first word of the output the README shows under the command, if any. */
  readonly shows?: string;
}

function blocks(): Block[] {
  const out: Block[] = [];
  for (const m of README.matchAll(/(?:^<!-- readme-test: (.*?) -->\n)?^```sh\n([\s\S]*?)^```$/gm)) {
    const line = README.slice(0, m.index).split('\n').length + (m[1] ? 1 : 0);
    out.push({ line, text: m[2]!, ...(m[1] ? { annotation: m[1] } : {}) });
  }
  return out;
}

function commands(text: string): Command[] {
  const out: { text: string; comment: string; shows?: string }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    const word = line.split(/\s+/)[0]!;
    if (PROGRAMS.includes(word)) {
      while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++i]!.trim()}`;
      const hash = line.search(/\s+#\s/);
      out.push({ text: (hash < 0 ? line : line.slice(0, hash)).trim(), comment: hash < 0 ? '' : line.slice(hash).trim() });
    } else if (line.startsWith('#') && out.length) {
      out[out.length - 1]!.comment += ` ${line}`;
    } else if (/^[A-Z]{3,}\s/.test(line) && out.length && out[out.length - 1]!.shows === undefined) {
      out[out.length - 1]!.shows = word;
    }
  }
  return out;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const installed = async (program: string): Promise<boolean> => (await runCommand('sh', ['-c', `command -v ${program}`])).code === 0;
const isServer = (c: string): boolean => /^mxlab (serve|proxy)\b/.test(c) || c.endsWith('&');

/** What the README promises about one command's exit status, if it says. */
function expectedCode(c: Command): number | undefined {
  const exit = /exit(?: status)? (\d+)/.exec(c.comment);
  if (exit) return Number(exit[1]);
  const curl = c.text.startsWith('curl ') ? /(?:^|[\s:])\((\d+)\)/.exec(c.comment) : null;
  return curl ? Number(curl[1]) : undefined;
}

const all = blocks();

t.test('every shell block is run or annotated', async (t) => {
  t.ok(all.length >= 15, `${all.length} blocks`);
  for (const b of all) {
    if (!b.annotation) continue;
    t.match(b.annotation, /^(skip: \S.{10,}|continues|synopsis|needs( [a-z0-9.-]+)+)$/, `README line ${b.line}: a known annotation${b.annotation.startsWith('skip') ? ' with its reason' : ''}`);
  }
  const first = all.findIndex((b) => b.annotation === 'continues');
  t.ok(first > 0, 'a continuing block follows another');
});

t.test('the synopsis names only flags the commands have', async (t) => {
  const synopsis = all.filter((b) => b.annotation === 'synopsis');
  t.equal(synopsis.length, 1);
  const byCommand = new Map<string, Set<string>>();
  let current = '';
  for (const line of synopsis[0]!.text.split('\n')) {
    const m = /^mxlab ([a-z]+)(?: ([a-z-]+))?/.exec(line);
    if (m) current = m[1] === 'scenario' ? `${m[1]} ${m[2]}` : m[1]!;
    if (!current) continue;
    const flags = byCommand.get(current) ?? new Set<string>();
    for (const f of line.replace(/#.*$/, '').matchAll(/(--[a-z][a-z-]*)/g)) flags.add(f[1]!);
    byCommand.set(current, flags);
  }
  t.ok(byCommand.size >= 10, [...byCommand.keys()].join(', '));
  for (const [command, flags] of byCommand) {
    const help = await runCommand(process.execPath, ['--import', TSX, CLI_MAIN, ...command.split(' '), '--help'], { timeoutMs: 60000, env: { NODE_OPTIONS: '' } });
    t.equal(help.code, 0, `mxlab ${command} --help`);
    for (const flag of flags) t.ok(help.stdout.includes(flag), `mxlab ${command}: ${flag} is in --help`);
  }
});

/** One runnable unit: a block and the blocks that continue it. */
const units: { line: number; text: string; needs: string[] }[] = [];
for (const b of all) {
  if (b.annotation?.startsWith('skip') || b.annotation === 'synopsis') continue;
  if (b.annotation === 'continues') {
    units[units.length - 1]!.text += b.text;
    continue;
  }
  units.push({ line: b.line, text: b.text, needs: b.annotation?.startsWith('needs ') ? b.annotation.slice(6).split(' ') : [] });
}

t.test('the worked examples run as written (ports and /tmp substituted)', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'mxlab-readme-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  const bin = join(work, 'bin');
  rmSync(bin, { force: true, recursive: true });
  await runCommand('mkdir', ['-p', bin]);
  writeFileSync(join(bin, 'mxlab'), `#!/bin/sh\nNODE_OPTIONS= exec "${process.execPath}" --import "${TSX}" "${CLI_MAIN}" "$@"\n`);
  chmodSync(join(bin, 'mxlab'), 0o755);
  t.ok(units.length >= 9, `${units.length} runnable examples`);

  const runUnit = async (u: (typeof units)[number], n: number): Promise<void> => {
    const dir = join(work, `ex${n}`);
    await runCommand('mkdir', ['-p', dir]);
    let text = u.text.replaceAll('/tmp/', `${dir}/`);
    for (const port of README_PORTS) text = text.replace(new RegExp(`(?<![\\w-])${port}(?![\\w-])`, 'g'), String(await freePort()));
    const missing: string[] = [];
    for (const p of u.needs) if (!(await installed(p))) missing.push(p);
    const list = commands(text);
    const script = ['set -u', `export PATH="${bin}:$PATH"`, 'cd "$(dirname "$0")"',
      'wait_port() { for i in $(seq 1 900); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; return 1; }'];
    const checked: { c: Command; i: number }[] = [];
    // The README's `kill %N` means the Nth command it puts in the background with `&`; here the
    // servers are background jobs too.
    const jobOf: number[] = [];
    let jobs = 0;
    for (const [i, c] of list.entries()) {
      const program = c.text.split(' ')[0]!;
      if (missing.includes(program) || (c.text.startsWith('kill %') && missing.length)) {
        t.comment(`README line ${u.line}: not run here (${missing.join(', ')} not installed): ${c.text}`);
        continue;
      }
      if (isServer(c.text)) {
        const cmd = c.text.replace(/\s*&$/, '');
        script.push(`${cmd} > bg.${i}.log 2>&1 &`);
        jobs++;
        if (c.text.endsWith('&')) jobOf.push(jobs);
        for (const m of cmd.matchAll(SERVER_PORT_FLAGS)) script.push(`wait_port ${m[1] ?? m[2]} || echo "no listener on ${m[1] ?? m[2]}" >> bg.${i}.log`);
        if (program === 'tcpdump') script.push('sleep 1');
      } else if (program === 'kill') {
        script.push(`${c.text.replace(/%(\d+)/, (_, n: string) => `%${jobOf[Number(n) - 1] ?? n}`)}; sleep 0.5`);
      } else {
        script.push(`timeout 90 sh -c ${JSON.stringify(c.text).replace(/\$/g, '\\$')} </dev/null > out.${i} 2>&1; echo $? > rc.${i}`);
        checked.push({ c, i });
      }
    }
    script.push('kill $(jobs -p) 2>/dev/null; wait');
    writeFileSync(join(dir, 'run.sh'), script.join('\n') + '\n');
    const run = await runCommand('bash', [join(dir, 'run.sh')], { timeoutMs: 600000 });
    t.equal(run.code, 0, `README line ${u.line}: the script ran`);
    for (const [i, c] of list.entries()) {
      if (!isServer(c.text)) continue;
      let log = '';
      try {
        log = readFileSync(join(dir, `bg.${i}.log`), 'utf8');
      } catch {
        continue;
      }
      t.notMatch(log, /no listener on|^mxlab: /m, `README line ${u.line}: ${c.text} listened`);
    }
    for (const { c, i } of checked) {
      const code = Number(readFileSync(join(dir, `rc.${i}`), 'utf8'));
      const out = readFileSync(join(dir, `out.${i}`), 'utf8');
      const what = `README line ${u.line}: ${c.text}`;
      t.not(code, 124, `${what}: did not hang`);
      t.not(code, 127, `${what}: the program exists`);
      if (c.text.startsWith('mxlab ')) t.not(code, 2, `${what}: not a usage error (${out.split('\n')[0]})`);
      const want = expectedCode(c);
      if (want !== undefined) t.equal(code, want, `${what}: exit ${want} as the README says`);
      if (c.shows) t.ok(out.startsWith(c.shows), `${what}: prints ${c.shows} as shown (got: ${out.split('\n')[0]})`);
    }
  };
  // Two at a time: each example has its own ports and folder.
  let next = 0;
  await Promise.all([0, 1].map(async () => {
    while (next < units.length) {
      const n = next++;
      await runUnit(units[n]!, n);
    }
  }));
});
