import net from 'node:net';
import fc from 'fast-check';
import t from 'tap';
import type { Lab } from '../../src/lab/lab.js';
import type { SessionRecord } from '../../src/model/session-record.js';
import { deliverMessage, linePort, sampleMessage, startMailLab } from '../fixtures/mail-lab.js';
import { RawLine } from '../fixtures/raw-line.js';

/**
 * Property: whatever bytes a client sends to the IMAP or POP3 server — random bytes, or a real
 * session mutated (bytes flipped, inserted, deleted, the stream cut short), split into random chunks,
 * ended politely, abruptly or with a reset — the server neither crashes nor leaves a rejected
 * promise unhandled, writes exactly one record for the connection, and still serves the next client.
 */

const SASL = Buffer.from('\0alice\0secret').toString('base64');
const IMAP_SCRIPT = [
  'a CAPABILITY', 'b LOGIN alice secret', 'c SELECT INBOX', 'd FETCH 1:* (FLAGS UID RFC822.SIZE BODY.PEEK[])', 'e UID FETCH 1:* BODY[HEADER.FIELDS (Subject)]<0.10>',
  'f SEARCH OR SEEN NOT (UNSEEN LARGER 10)', 'g LOGIN {5}', 'alice {6+}', 'secret', 'h AUTHENTICATE PLAIN', SASL, `i AUTHENTICATE PLAIN ${SASL}`, 'j LIST "" *',
  'k STATUS INBOX (MESSAGES UIDNEXT)', 'l EXAMINE "INBOX"', 'm NOOP', 'n STARTTLS', 'o ID NIL', 'p CLOSE', 'q LOGOUT',
];
const POP3_SCRIPT = ['CAPA', 'USER alice', 'PASS secret', 'STAT', 'LIST', 'LIST 1', 'UIDL', 'RETR 1', 'TOP 1 2', 'DELE 1', 'RSET', 'AUTH PLAIN', SASL, `AUTH PLAIN ${SASL}`, 'NOOP', 'STLS', 'QUIT'];

type Mutation = { kind: 'flip'; at: number; bit: number } | { kind: 'insert'; at: number; bytes: Uint8Array } | { kind: 'delete'; at: number; length: number } | { kind: 'cut'; at: number };

function mutate(data: Buffer, mutations: readonly Mutation[]): Buffer {
  let out = Buffer.from(data);
  for (const m of mutations) {
    if (!out.length && m.kind !== 'insert') continue;
    const at = out.length ? m.at % (out.length + 1) : 0;
    if (m.kind === 'flip' && at < out.length) out[at] = out[at]! ^ (1 << m.bit);
    else if (m.kind === 'insert') out = Buffer.concat([out.subarray(0, at), Buffer.from(m.bytes), out.subarray(at)]);
    else if (m.kind === 'delete') out = Buffer.concat([out.subarray(0, at), out.subarray(at + m.length)]);
    else if (m.kind === 'cut') out = out.subarray(0, at);
  }
  return out;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.oneof(fc.uint8Array({ maxLength: 16 }), fc.constantFrom(...['\r\n', '{5}\r\n', '{99999}\r\n', '{3+}\r\n', '"', '(', ')', '[', '*', ' ', '\0', '.'].map((s) => new Uint8Array(Buffer.from(s))))) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
);

/** A client's whole byte stream: random, or a mutated run of real commands. */
const stream = (script: readonly string[]): fc.Arbitrary<Buffer> =>
  fc.oneof(
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 3000 }).map((a) => Buffer.from(a)) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.array(fc.constantFrom(...script), { maxLength: 14 }), fc.array(mutation, { maxLength: 6 }), fc.boolean())
        .map(([lines, ms, lf]) => mutate(Buffer.from(lines.map((l) => `${l}${lf ? '\n' : '\r\n'}`).join('')), ms)),
    },
  );

interface Case {
  readonly data: Buffer;
  readonly chunks: readonly number[];
  readonly ending: 'end' | 'destroy' | 'reset';
  readonly implicit: boolean;
}

const caseOf = (script: readonly string[]): fc.Arbitrary<Case> =>
  fc.record({
    data: stream(script),
    chunks: fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 8 }),
    ending: fc.constantFrom('end' as const, 'destroy' as const, 'reset' as const),
    implicit: fc.integer({ min: 0, max: 9 }).map((n) => n < 3),
  });

/** Plays one case against `peer` and returns the connection's record. */
async function play(lab: Lab, peer: string, c: Case): Promise<SessionRecord> {
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(linePort(lab, peer, c.implicit ? 'implicit' : 'explicit'), '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  socket.on('error', () => undefined);
  socket.on('data', () => undefined);
  const localPort = socket.localPort!;
  let pos = 0;
  for (const size of c.chunks) {
    if (pos >= c.data.length) break;
    socket.write(c.data.subarray(pos, pos + size));
    pos += size;
    await new Promise((r) => setImmediate(r));
  }
  if (pos < c.data.length) socket.write(c.data.subarray(pos));
  await new Promise((r) => setTimeout(r, 5));
  if (c.ending === 'end') socket.end();
  else if (c.ending === 'destroy') socket.destroy();
  else socket.resetAndDestroy();
  return lab.waitForRecord((r) => r.peer === peer && r.remote.port === localPort, 8000);
}

const RESULTS = new Set(['tls', 'plaintext', 'downgraded', 'refused', 'handshake-failed', 'error']);

t.test('random and mutated byte streams never crash IMAP or POP3', async (t) => {
  const problems: unknown[] = [];
  const onProblem = (e: unknown): void => void problems.push(e);
  process.on('unhandledRejection', onProblem);
  process.on('uncaughtException', onProblem);
  t.teardown(() => {
    process.off('unhandledRejection', onProblem);
    process.off('uncaughtException', onProblem);
  });
  const lab = await startMailLab(t, { idleTimeoutMs: 1500, handshakeTimeoutMs: 1500 });
  await deliverMessage(lab, sampleMessage(1, '.\r\n'));
  await deliverMessage(lab, sampleMessage(2));
  const seed = Number(process.env.MXLAB_FUZZ_SEED ?? Date.now() % 2 ** 31);
  t.comment(`fast-check seed ${seed} (MXLAB_FUZZ_SEED=${seed} replays it)`);
  for (const [peer, script] of [['imap', IMAP_SCRIPT], ['pop3', POP3_SCRIPT]] as const) {
    let sessions = 0;
    await fc.assert(
      fc.asyncProperty(caseOf(script), async (c) => {
        const r = await play(lab, peer, c);
        sessions++;
        return RESULTS.has(r.result) && r.protocol === peer && problems.length === 0;
      }),
      { numRuns: Number(process.env.MXLAB_FUZZ_RUNS ?? 250), seed, endOnFailure: true },
    );
    t.ok(sessions > 0, `${peer}: ${sessions} fuzzed sessions, each with one record`);
    // The server still serves.
    const ok = await RawLine.connect(linePort(lab, peer));
    t.match(await ok.line(), peer === 'imap' ? /^\* OK / : /^\+OK /, `${peer} still greets after the fuzzing`);
    if (peer === 'imap') t.match((await ok.imap('z', 'NOOP')).at(-1), /^z OK/);
    else t.equal(await ok.pop('NOOP'), '+OK');
    ok.destroy();
  }
  t.same(problems, [], 'no uncaught exception, no unhandled rejection');
});
