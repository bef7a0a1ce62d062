import t from 'tap';
import { FilterError, matches, parseFilter } from '../../src/tui/filter.js';
import type { SessionRow } from '../../src/tui/session-row.js';

const row = (over: Partial<SessionRow>): SessionRow => ({
  id: 's1', seq: 0, start: 0, peer: 'tls10-only', role: 'server', protocol: 'smtp', tlsMode: 'explicit', port: 2525,
  remote: '127.0.0.1:40000', profile: 'tls10-only', policy: 'optional', ...over,
});

const tls10 = row({ result: 'tls', version: 'TLSv1', client: 'openssl 3.0 s_client', cipher: 'ECDHE-RSA-AES256-SHA' });
const tls12 = row({ id: 's2', peer: 'modern', profile: 'modern', result: 'tls', version: 'TLSv1.2', protocol: 'imap' });
const failed = row({ id: 's3', peer: 'modern', profile: 'modern', result: 'handshake-failed' });
const open = row({ id: 's4' });
const all = [tls10, tls12, failed, open];
const pick = (f: string): string[] => all.filter((r) => matches(parseFilter(f), r)).map((r) => r.id);

t.test('fields, exact and partial', async (t) => {
  t.same(pick(''), ['s1', 's2', 's3', 's4'], 'empty matches all');
  t.same(pick('version:TLSv1'), ['s1'], 'version is exact: TLSv1 is not TLSv1.2');
  t.same(pick('result:tls'), ['s1', 's2']);
  t.same(pick('result:open'), ['s4'], 'an open session has result open');
  t.same(pick('protocol:IMAP'), ['s2'], 'case-insensitive');
  t.same(pick('peer:mod'), ['s2', 's3'], 'peer matches a part');
  t.same(pick('client:openssl'), ['s1']);
  t.same(pick('profile:"tls10-only"'), ['s1', 's4'], 'quoted value');
  t.same(pick('aes256'), ['s1'], 'free text searches the cipher');
});

t.test('operators and precedence', async (t) => {
  t.same(pick('!result:tls'), ['s3', 's4']);
  t.same(pick('peer:modern & result:tls'), ['s2']);
  t.same(pick('peer:modern result:tls'), ['s2'], 'side by side means and');
  t.same(pick('version:TLSv1 | result:handshake-failed'), ['s1', 's3']);
  t.same(pick('peer:modern & result:tls | version:TLSv1'), ['s1', 's2'], '& binds tighter than |');
  t.same(pick('peer:modern & (result:tls | version:TLSv1)'), ['s2'], 'parentheses');
  t.same(pick('!(peer:modern | result:open)'), ['s1']);
});

t.test('errors say where', async (t) => {
  const err = (f: string): FilterError => {
    try {
      parseFilter(f);
    } catch (e) {
      if (e instanceof FilterError) return e;
      throw e;
    }
    throw new Error(`no error for ${f}`);
  };
  t.equal(err('(result:tls').position, 11, 'unclosed parenthesis: at the end');
  t.match(err('(result:tls').message, /expected "\)" to close the "\(" at position 1/);
  t.equal(err('colour:red').position, 0, 'unknown field at its start');
  t.match(err('colour:red').message, /unknown field "colour", want one of result, version/);
  t.equal(err('result:').position, 7, 'missing value after the colon');
  t.equal(err('result:tls &').position, 12, 'dangling operator');
  t.equal(err('a )').position, 2, 'stray parenthesis');
  t.equal(err('"abc').position, 0, 'unclosed quote');
  t.equal(err('a | | b').position, 4);
  t.match(err('a | | b').message, /at position 5$/, 'message positions are 1-based');
});

t.test('delivery: the verdict on the sender a session belongs to, exact; none before one', async (t) => {
  const a = row({ id: 'd1', result: 'handshake-failed', delivery: 'downgraded: delivered in plaintext on d2 [d1, d2]' });
  const b = row({ id: 'd2', result: 'plaintext', delivery: 'downgraded: delivered in plaintext on d2 [d1, d2]' });
  const c = row({ id: 'd3', result: 'tls' });
  const rows = [a, b, c];
  const only = (f: string): string[] => rows.filter((r) => matches(parseFilter(f), r)).map((r) => r.id);
  t.same(only('delivery:downgraded'), ['d1', 'd2']);
  t.same(only('delivery:down'), [], 'exact, as result is');
  t.same(only('delivery:none'), ['d3']);
  t.same(only('delivery:downgraded & result:handshake-failed'), ['d1']);
});
