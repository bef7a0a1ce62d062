import { PassThrough } from 'node:stream';
import type { Socket } from 'node:net';
import t from 'tap';
import { type LineRead, LineReader } from '../../src/line/line-reader.js';

/** The line reader on a stream we feed by hand: lines, limits, literals, silence, the end. */

function feed(options: { maxLineBytes?: number; idleTimeoutMs?: number } = {}): { reader: LineReader; stream: PassThrough } {
  const stream = new PassThrough();
  const reader = new LineReader({ maxLineBytes: options.maxLineBytes ?? 16, idleTimeoutMs: options.idleTimeoutMs ?? 1000 });
  reader.attach(stream as unknown as Socket);
  return { reader, stream };
}

const text = (r: LineRead): string => (r.kind === 'line' ? r.bytes.toString() : r.kind);

t.test('CRLF and bare LF end lines; lines split across chunks are joined', async (t) => {
  const { reader, stream } = feed();
  stream.write('a1 NOOP\r\nb2 CAP');
  t.equal(text(await reader.nextLine()), 'a1 NOOP');
  const pending = reader.nextLine();
  stream.write('ABILITY\r');
  stream.write('\nc3\n\r\n');
  t.equal(text(await pending), 'b2 CAPABILITY');
  t.equal(text(await reader.nextLine()), 'c3');
  t.equal(text(await reader.nextLine()), '', 'an empty line is a line');
});

t.test('overlong: reported once as soon as the limit is passed, the rest of the line dropped', async (t) => {
  const { reader, stream } = feed({ maxLineBytes: 8 });
  stream.write('0123456789');
  t.same(await reader.nextLine(), { kind: 'overlong', limit: 8, bytes: 10 });
  stream.write('more of the same line');
  stream.write(' and its end\r\nnext\r\n');
  t.equal(text(await reader.nextLine()), 'next');
  stream.write('12345678\r\n123456789\r\nok\r\n');
  t.equal(text(await reader.nextLine()), '12345678', 'exactly the limit is fine');
  t.same(await reader.nextLine(), { kind: 'overlong', limit: 8, bytes: 9 });
  t.equal(text(await reader.nextLine()), 'ok');
  stream.write('12345678\r');
  stream.write('\n');
  t.equal(text(await reader.nextLine()), '12345678', 'a CR waiting for its LF does not count');
});

t.test('readBytes takes a literal exactly, across chunks, then lines go on', async (t) => {
  const { reader, stream } = feed();
  stream.write('abc');
  const lit = reader.readBytes(6);
  stream.write('\r\nde');
  stream.write('f rest\r\n');
  t.same(await lit, { kind: 'bytes', bytes: Buffer.from('abc\r\nd') }, 'CRLF inside a literal is data');
  t.same((await reader.readBytes(0)).kind, 'bytes');
  t.equal(text(await reader.nextLine()), 'ef rest');
});

t.test('timeout when nothing arrives; the end with what was left', async (t) => {
  const { reader, stream } = feed({ idleTimeoutMs: 50 });
  t.same(await reader.nextLine(), { kind: 'timeout', ms: 50 });
  stream.write('half a li');
  stream.end();
  t.same(await reader.nextLine(), { kind: 'end', partial: 9 });
  t.same(await reader.readBytes(3), { kind: 'bytes', bytes: Buffer.from('hal') }, 'buffered bytes are still there');
});

t.test('detach hands back what was not read and stops reading', async (t) => {
  const { reader, stream } = feed();
  stream.write('STARTTLS\r\ninjected\r\n');
  t.equal(text(await reader.nextLine()), 'STARTTLS');
  t.equal(reader.detach().toString(), 'injected\r\n');
  stream.write('after');
  t.equal(reader.buffered, 0, 'nothing read after detach');
  t.equal((stream.read() as Buffer).toString(), 'after', 'the bytes wait in the stream for the next reader');
});
