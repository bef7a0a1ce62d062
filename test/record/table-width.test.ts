import fc from 'fast-check';
import t from 'tap';
import type { SessionRecord, SessionResult } from '../../src/model/session-record.js';
import { RESULT_COLOUR, tableHeader, tableRow } from '../../src/record/render-table.js';
import { colourWanted, paint, unpainted } from '../../src/text/colour.js';

/**
 * The live session line on a terminal: never longer than the terminal is wide (columns drop, cells
 * elide, nothing wraps), coloured by result only when asked, and in a pipe exactly the fixed layout.
 * Records are built with only the fields the table reads, from arbitrary text.
 */

const RESULTS: SessionResult[] = ['tls', 'plaintext', 'downgraded', 'refused', 'handshake-failed', 'error'];

const text = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 80 }), fc.constantFrom('', 'x', '250 2.0.0 Ok: queued as 1A2B3C\r\n', 'line one\nline two', '\x1b[31mred\x1b[0m'));

const record = fc.record({
  peer: fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('modern', 'exchange-2019-ecdhe-imap', 'hello-size-intolerant-pop3')),
  result: fc.constantFrom(...RESULTS),
  implicit: fc.boolean(),
  starttls: fc.boolean(),
  address: fc.constantFrom('127.0.0.1', '::ffff:127.0.0.1', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'),
  port: fc.integer({ min: 0, max: 65535 }),
  version: fc.option(fc.constantFrom('TLSv1', 'TLSv1.2', 'TLSv1.3'), { nil: undefined }),
  cipher: fc.option(fc.constantFrom('ECDHE-RSA-AES256-GCM-SHA384', 'TLS_AES_256_GCM_SHA384', 'x'.repeat(70)), { nil: undefined }),
  reply: fc.option(text, { nil: undefined }),
  error: fc.option(fc.record({ code: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }), message: text }), { nil: undefined }),
  verdict: fc.option(text, { nil: undefined }),
}).map((r) => ({
  timings: { start: '2026-12-01T10:11:12.345Z' },
  peer: r.peer,
  result: r.result,
  tlsMode: r.implicit ? 'implicit' : 'explicit',
  startTlsAttempted: r.starttls,
  remote: { address: r.address, port: r.port },
  ...(r.version ? { version: r.version } : {}),
  ...(r.cipher ? { cipher: { openssl: r.cipher, iana: r.cipher, bits: 256 } } : {}),
  ...(r.reply !== undefined ? { reply: r.reply } : {}),
  ...(r.error ? { error: r.error } : {}),
  ...(r.verdict !== undefined ? { interception: { summary: r.verdict } } : {}),
}) as unknown as SessionRecord);

t.test('a session line is never longer than the width, and is one line', async (t) => {
  let checked = 0;
  fc.assert(
    fc.property(record, fc.integer({ min: 1, max: 400 }), fc.boolean(), (r, width, colour) => {
      const line = tableRow(r, { width, colour });
      const shown = unpainted(line);
      checked += 1;
      return shown.length <= width && !/[\r\n]/.test(line) && tableHeader({ width, colour }).length <= width;
    }),
    { numRuns: 3000 },
  );
  t.equal(checked >= 3000, true, `${checked} records and widths`);
  // Every width from 1 to 250 with one long record, explicitly.
  const long = fc.sample(record, { numRuns: 1, seed: 7 })[0]!;
  const wide = { ...long, peer: 'hello-size-intolerant-pop3', reply: 'y'.repeat(300) } as SessionRecord;
  for (let width = 1; width <= 250; width += 1) {
    if (unpainted(tableRow(wide, { width, colour: true })).length > width) t.fail(`width ${width}`);
  }
  t.pass('widths 1-250');
});

t.test('columns drop before the reason is cut to nothing', async (t) => {
  const r = fc.sample(record, { numRuns: 1, seed: 3 })[0]!;
  const tls = { ...r, peer: 'modern', result: 'tls', version: 'TLSv1.3', cipher: { openssl: 'TLS_AES_256_GCM_SHA384', iana: 'TLS_AES_256_GCM_SHA384', bits: 256 }, reply: '250 2.0.0 Ok: queued', error: undefined, interception: undefined } as unknown as SessionRecord;
  t.match(tableRow(tls, { width: 200 }), /TLS_AES_256_GCM_SHA384 +250 2\.0\.0 Ok: queued$/, 'wide: every column');
  t.match(tableHeader({ width: 200 }), /CIPHER/);
  const narrow = tableRow(tls, { width: 80 });
  t.notMatch(tableHeader({ width: 80 }), /CIPHER|REMOTE/, 'narrow: cipher and remote go first');
  t.match(narrow, /^modern +tls +TLSv1\.3 +250 2\.0\.0 Ok: queued$/, 'narrow: peer, result, version and the reply stay');
  t.match(tableRow(tls, { width: 110 }), /^10:11:12\.345 modern +(starttls|implicit|plain) /, '110 columns: time and mode too');
  t.match(tableRow(tls, { width: 40 }), /^modern +tls +…$/, 'very narrow: peer and result, the rest elided');
});

t.test('without a width the layout is the fixed one (what a pipe gets), colour or not', async (t) => {
  const samples = fc.sample(record, { numRuns: 200, seed: 11 });
  for (const r of samples) {
    const plain = tableRow(r);
    t.equal(tableRow(r, { colour: true }).replace(paint(r.result, RESULT_COLOUR[r.result]), r.result), plain);
  }
  t.equal(tableHeader(), 'TIME         PEER                  MODE     REMOTE                RESULT           VERSION CIPHER                        REPLY / REASON');
});

t.test('colour by result: only the result word, in its colour', async (t) => {
  const base = fc.sample(record, { numRuns: 1, seed: 5 })[0]!;
  const expected = { tls: '\x1b[32m', plaintext: '\x1b[33m', downgraded: '\x1b[33m', refused: '\x1b[31m', 'handshake-failed': '\x1b[31m', error: '\x1b[31m' };
  for (const result of RESULTS) {
    const line = tableRow({ ...base, result } as SessionRecord, { width: 120, colour: true });
    t.ok(line.includes(`${expected[result]}${result}\x1b[39m`), `${result}: ${JSON.stringify(line)}`);
    t.equal(paint(result, RESULT_COLOUR[result]), `${expected[result]}${result}\x1b[39m`);
    t.notOk(tableRow({ ...base, result } as SessionRecord, { width: 120 }).includes('\x1b['), `${result}: no colour unless asked`);
  }
});

t.test('colourWanted: FORCE_COLOR, NO_COLOR, a terminal, a pipe', async (t) => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  t.equal(colourWanted({}, tty), true, 'a terminal');
  t.equal(colourWanted({}, pipe), false, 'a pipe');
  t.equal(colourWanted({ NO_COLOR: '1' }, tty), false, 'NO_COLOR on a terminal');
  t.equal(colourWanted({ NO_COLOR: '' }, tty), true, 'an empty NO_COLOR is not set');
  t.equal(colourWanted({ FORCE_COLOR: '1' }, pipe), true, 'FORCE_COLOR in a pipe');
  t.equal(colourWanted({ FORCE_COLOR: '0' }, tty), false, 'FORCE_COLOR=0 on a terminal');
  t.equal(colourWanted({ FORCE_COLOR: 'false' }, tty), false);
  t.equal(colourWanted({ FORCE_COLOR: '3', NO_COLOR: '1' }, pipe), true, 'FORCE_COLOR wins');
});
