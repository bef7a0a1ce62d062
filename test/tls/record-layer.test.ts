import fc from 'fast-check';
import t from 'tap';
import { alertOfRecord, alertRecord } from '../../src/tls/alert.js';
import { HandshakeReassembler, writeHandshake, type HandshakeMessage } from '../../src/tls/handshake-messages.js';
import { CONTENT_TYPE, MAX_CIPHERTEXT, MAX_PLAINTEXT, RecordReader, type RecordRead, type TlsRecord, writeRecord, writeRecords } from '../../src/tls/record-layer.js';

/**
 * The record layer on its own (RFC 5246 §6.2.1, RFC 8446 §5.1): what the writer frames, the reader
 * gives back whole however the bytes are cut (one at a time, all at once, at random places), and
 * broken framing gets its reason, never an exception.
 */

/** Pushes the chunks one after another, draining records after each; the records and the last non-record answer. */
function readAll(chunks: readonly Buffer[], reader = new RecordReader({ maxLength: MAX_CIPHERTEXT })): { records: TlsRecord[]; last: Exclude<RecordRead, { status: 'record' }> } {
  const records: TlsRecord[] = [];
  let last: Exclude<RecordRead, { status: 'record' }> = { status: 'incomplete' };
  for (const chunk of chunks) {
    reader.push(chunk);
    for (;;) {
      const r = reader.next();
      if (r.status !== 'record') {
        last = r;
        break;
      }
      records.push(r.record);
    }
  }
  return { records, last };
}

/** Cuts buf at the given offsets (sorted, deduplicated, within bounds). */
function cut(buf: Buffer, at: readonly number[]): Buffer[] {
  const points = [...new Set(at.map((n) => n % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of [...points, buf.length]) {
    out.push(buf.subarray(from, p));
    from = p;
  }
  return out;
}

const recordArb = fc.record({
  type: fc.constantFrom(20, 21, 22, 23, 24),
  version: fc.constantFrom(0x0300, 0x0301, 0x0303),
  fragment: fc.uint8Array({ minLength: 1, maxLength: 600 }).map((a) => Buffer.from(a)),
});

t.test('the writer: records of at most 2^14 bytes, or the sizes asked for', async (t) => {
  const payload = Buffer.from(Array.from({ length: 40000 }, (_, i) => i & 0xff));
  const bytes = writeRecords(CONTENT_TYPE.handshake, 0x0303, payload);
  const { records } = readAll([bytes]);
  t.same(records.map((r) => r.fragment.length), [16384, 16384, 40000 - 32768]);
  t.ok(records.every((r) => r.type === 22 && r.version === 0x0303));
  t.same(Buffer.concat(records.map((r) => r.fragment)), payload, 'the payload, in order');
  t.equal(bytes.length, payload.length + 3 * 5);

  const split = readAll([writeRecords(CONTENT_TYPE.applicationData, 0x0301, payload.subarray(0, 100), { split: [1, 0, 30] })], new RecordReader()).records;
  t.same(split.map((r) => r.fragment.length), [1, 0, 30, 69], 'the split sizes, then the rest; a 0 writes an empty record');
  t.same(writeRecords(CONTENT_TYPE.applicationData, 0x0303, Buffer.alloc(0)), Buffer.from([23, 3, 3, 0, 0]), 'an empty payload is one empty record');
  t.same(writeRecord(CONTENT_TYPE.alert, 0x0301, Buffer.from([2, 70])), alertRecord(70));
  t.same(writeRecords(CONTENT_TYPE.handshake, 0x0303, Buffer.alloc(10), { maxFragment: 4 }).length, 10 + 3 * 5);
});

t.test('an empty handshake record in the middle is refused with its number', async (t) => {
  const bytes = writeRecords(CONTENT_TYPE.handshake, 0x0301, Buffer.alloc(100, 1), { split: [1, 0, 30] });
  t.same(readAll([bytes], new RecordReader()).last, { status: 'invalid', reason: 'empty handshake record (RFC 8446 §5.1 forbids them)', record: 2 });
});

t.test('the same records whether the bytes come one by one, all at once, or cut anywhere', async (t) => {
  fc.assert(
    fc.property(fc.array(recordArb, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 30 }), (records, cuts) => {
      const bytes = Buffer.concat(records.map((r) => writeRecord(r.type, r.version, r.fragment)));
      const want = records.map((r) => ({ type: r.type, version: r.version, fragment: r.fragment }));
      const whole = readAll([bytes]);
      const byteByByte = readAll([...bytes].map((b) => Buffer.from([b])));
      const anywhere = readAll(cut(bytes, cuts));
      for (const got of [whole, byteByByte, anywhere]) {
        if (got.last.status !== 'incomplete') return false;
        if (JSON.stringify(got.records) !== JSON.stringify(want)) return false;
      }
      return true;
    }),
    { numRuns: 300 },
  );
  t.pass('whole, byte by byte and cut at random give the records written');
});

t.test('incomplete until the last byte, and nothing held after it', async (t) => {
  const bytes = writeRecord(CONTENT_TYPE.handshake, 0x0303, Buffer.alloc(300, 7));
  const reader = new RecordReader();
  for (let n = 0; n < bytes.length - 1; n += 1) {
    reader.push(bytes.subarray(n, n + 1));
    if (reader.next().status !== 'incomplete') t.fail(`record at byte ${n}`);
  }
  t.equal(reader.buffered, bytes.length - 1);
  reader.push(bytes.subarray(-1));
  t.match(reader.next(), { status: 'record', record: { type: 22, version: 0x0303 } });
  t.equal(reader.buffered, 0);
  t.equal(reader.count, 1);
  t.equal(reader.consumed, bytes.length);
  t.equal(reader.next().status, 'incomplete');
});

t.test('a fragment in one chunk is a view, not a copy', async (t) => {
  const bytes = writeRecord(CONTENT_TYPE.applicationData, 0x0303, Buffer.alloc(50, 1));
  const reader = new RecordReader();
  reader.push(bytes);
  const r = reader.next();
  t.ok(r.status === 'record' && r.record.fragment.buffer === bytes.buffer);
});

t.test('broken framing: a reason as soon as the bytes show it', async (t) => {
  const reason = (bytes: readonly number[], opts?: ConstructorParameters<typeof RecordReader>[0]): string => {
    const reader = new RecordReader(opts);
    reader.push(Buffer.from(bytes));
    const r = reader.next();
    return r.status === 'invalid' ? r.reason : r.status;
  };
  t.equal(reason([0x45]), 'record type 69 (unknown), not a TLS content type', 'one byte of "EHLO" is enough');
  t.equal(reason([0x16, 0x02]), 'record version 0x02??, want 0x03xx', 'major version 2 from the second byte');
  t.equal(reason([0x16, 0x04, 0x00]), 'record version 0x0400, want 0x03xx');
  t.equal(reason([0x16, 0x03, 0x01, 0x40, 0x01]), 'record length 16385 exceeds 16384 (RFC 8446 §5.1)');
  t.equal(reason([0x17, 0x03, 0x03, 0x48, 0x00]), 'record length 18432 exceeds 16384 (RFC 8446 §5.1)', 'plaintext limit by default…');
  t.equal(reason([0x17, 0x03, 0x03, 0x48, 0x00], { maxLength: MAX_CIPHERTEXT }), 'incomplete', '…2^14 + 2048 once records may be encrypted');
  t.equal(reason([0x17, 0x03, 0x03, 0x48, 0x01], { maxLength: MAX_CIPHERTEXT }), 'record length 18433 exceeds 18432 (RFC 5246 §6.2.3)');
  t.equal(reason([0x16, 0x03, 0x01, 0x00, 0x00]), 'empty handshake record (RFC 8446 §5.1 forbids them)');
  t.equal(reason([0x17, 0x03, 0x03, 0x00, 0x00]), 'record', 'an empty application_data record is allowed (RFC 5246 §6.2.1)');
  t.equal(reason([0x15], { expect: CONTENT_TYPE.handshake }), 'record type 21 (alert), want 22 (handshake)');
  t.equal(reason([0x16, 0x03]), 'incomplete');
  t.equal(MAX_PLAINTEXT, 2 ** 14);
});

t.test('the buffer is bounded, and a broken reader stays broken', async (t) => {
  const many = Buffer.concat(Array.from({ length: 10 }, () => writeRecord(CONTENT_TYPE.applicationData, 0x0303, Buffer.alloc(50))));
  const drained = new RecordReader({ maxBuffered: 100 });
  t.equal(readAll([many, many], drained).records.length, 20, 'a chunk of any size, taken record by record, is fine');
  t.equal(drained.buffered, 0);

  const reader = new RecordReader({ maxBuffered: 100 });
  reader.push(Buffer.from([0x17, 0x03, 0x03, 0x10, 0x00]));
  reader.push(Buffer.alloc(96));
  t.equal(reader.next().status, 'incomplete', '101 bytes held');
  reader.push(Buffer.alloc(1));
  const broken = reader.next();
  t.same(broken, { status: 'invalid', reason: '101 bytes held without a whole record being taken (limit 100)', record: 1 }, 'more pushed while over the limit');
  reader.push(writeRecord(CONTENT_TYPE.alert, 0x0303, Buffer.from([1, 0])));
  t.same(reader.next(), broken, 'sticky');
  t.equal(reader.error, broken.status === 'invalid' ? broken.reason : '');
});

t.test('random bytes: never an exception, and each answer is one of three', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 10 }), (chunks) => {
      const { last } = readAll(chunks.map((c) => Buffer.from(c)));
      return last.status === 'incomplete' || (last.status === 'invalid' && last.reason.length > 0);
    }),
    { numRuns: 2000 },
  );
  t.pass('no exception escaped');
});

t.test('peekFragment: the first bytes of a record still arriving', async (t) => {
  const reader = new RecordReader();
  reader.push(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x40]));
  t.same(reader.peekFragment(1), Buffer.alloc(0));
  reader.push(Buffer.from([0x01]));
  reader.push(Buffer.from([0x00, 0x00]));
  t.same(reader.peekFragment(2), Buffer.from([1, 0]));
  t.same(reader.peekFragment(10), Buffer.from([1, 0, 0]));
});

// --- Handshake messages over records ---

function reassemble(fragments: readonly Buffer[]): { messages: HandshakeMessage[]; buffered: number } {
  const reassembler = new HandshakeReassembler();
  const messages: HandshakeMessage[] = [];
  for (const fragment of fragments) {
    reassembler.push(fragment);
    for (let m = reassembler.next(); m.status === 'message'; m = reassembler.next()) messages.push(m.message);
  }
  return { messages, buffered: reassembler.buffered };
}

t.test('handshake messages: one over many records, many in one record', async (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ type: fc.integer({ min: 0, max: 255 }), body: fc.uint8Array({ maxLength: 3000 }) }), { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 1, max: 5000 }),
      (specs, maxFragment) => {
        const payload = Buffer.concat(specs.map((s) => writeHandshake(s.type, s.body)));
        const { records, last } = readAll([writeRecords(CONTENT_TYPE.handshake, 0x0303, payload, { maxFragment })]);
        if (last.status !== 'incomplete') return false;
        const { messages, buffered } = reassemble(records.map((r) => r.fragment));
        return (
          buffered === 0 &&
          messages.length === specs.length &&
          messages.every((m, i) => m.type === specs[i]!.type && m.body.equals(specs[i]!.body) && m.bytes.length === 4 + m.body.length)
        );
      },
    ),
    { numRuns: 300 },
  );
  t.pass('every message back, in order, whatever the record size');

  const two = Buffer.concat([writeHandshake(2, Buffer.alloc(40, 1)), writeHandshake(14, Buffer.alloc(0))]);
  const { messages } = reassemble([two]);
  t.same(messages.map((m) => [m.type, m.body.length]), [[2, 40], [14, 0]], 'ServerHello and ServerHelloDone in one record');
  const r = new HandshakeReassembler({ maxLength: 1000 });
  r.push(Buffer.from([11, 0, 0x10, 0]));
  t.same(r.next(), { status: 'invalid', reason: 'handshake message of 4096 bytes exceeds 1000' });
  const partial = new HandshakeReassembler();
  partial.push(Buffer.from([2]));
  t.equal(partial.peekType(), 2, 'the type from its first byte');
  t.equal(partial.next().status, 'incomplete');
});

// --- Alerts on top of the record layer ---

t.test('alerts: written as one record, read from one', async (t) => {
  const bytes = alertRecord(40, { version: 0x0303, level: 1 });
  const { records } = readAll([bytes]);
  t.same(alertOfRecord(records[0]!), { alert: { version: 'TLSv1.2', level: 1, levelName: 'warning', description: 40, name: 'handshake_failure' } });
  t.same(alertOfRecord({ type: 21, version: 0x0303, fragment: Buffer.alloc(26) }), { reason: 'alert record length 26, want 2 (an encrypted alert cannot be read)' });
});
