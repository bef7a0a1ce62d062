import t from 'tap';
import { TRANSCRIPT_HEAD, TRANSCRIPT_TAIL } from '../../src/record/builder.js';
import { linePort, startMailLab } from '../fixtures/mail-lab.js';
import { RawLine } from '../fixtures/raw-line.js';
import { nextRecord } from '../fixtures/test-lab.js';

/**
 * A session's transcript is bounded while the session is open (issue 12, findings 1 and 8;
 * docs/limits.md): 5,000 NOOPs in one POP3 session keep the first TRANSCRIPT_HEAD lines and the last
 * TRANSCRIPT_TAIL, with one line saying how many were left out. Before, every line was kept until the
 * session ended: a client could grow the lab's memory for as long as its session lasted.
 */
t.test('5,000 NOOPs in one session: the record keeps the head and the tail of the transcript', async (t) => {
  const lab = await startMailLab(t);
  const c = await RawLine.connect(linePort(lab, 'pop3'));
  t.match(await c.line(), /^\+OK /);
  const n = 5000;
  c.write('NOOP\r\n'.repeat(n));
  for (let i = 0; i < n; i += 1) await c.line();
  t.match(await c.pop('QUIT'), /^\+OK .*signing off/);
  const r = await nextRecord(lab, 'pop3', new Set());
  // Greeting + 5,000 × (NOOP, +OK) + QUIT + its +OK: 10,003 lines.
  t.equal(r.transcript.length, TRANSCRIPT_HEAD + 1 + TRANSCRIPT_TAIL, 'head, one gap line, tail');
  t.match(r.transcript[0]!.line, /^\+OK .*ready/, 'the greeting is kept');
  t.equal(r.transcript[TRANSCRIPT_HEAD]!.line, `… ${10003 - TRANSCRIPT_HEAD - TRANSCRIPT_TAIL} transcript lines not kept (a record keeps the first ${TRANSCRIPT_HEAD} and the last ${TRANSCRIPT_TAIL})`);
  t.same(r.transcript.slice(-2).map((l) => l.line.split(' ')[0]), ['QUIT', '+OK'], 'the end of the session is kept');
  t.equal(r.result, 'plaintext');
});
