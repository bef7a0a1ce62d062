import t from 'tap';
import { ImapSyntaxError, parseCommand, tagOf } from '../../src/imap/command.js';
import { parseFetchItems } from '../../src/imap/fetch.js';
import { inSet, parseSequenceSet } from '../../src/imap/sequence-set.js';

const raw = (...parts: string[]) => ({ texts: parts.filter((_, i) => i % 2 === 0).map((s) => Buffer.from(s)), literals: parts.filter((_, i) => i % 2 === 1).map((s) => Buffer.from(s)) });

t.test('commands: tags, atoms, quoted strings, literals, lists, UID forms', async (t) => {
  t.same(parseCommand(raw('a1 capability')), { tag: 'a1', name: 'CAPABILITY', args: [] });
  const login = parseCommand(raw('a LOGIN {5}', 'alice', ' "pa\\"ss"'));
  t.equal(login.name, 'LOGIN');
  t.same(login.args.map((a) => (a.kind === 'string' ? a.value.toString() : a.kind)), ['alice', 'pa"ss']);
  const fetch = parseCommand(raw('b uid fetch 1:* (UID BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.512>)'));
  t.equal(fetch.name, 'UID FETCH');
  t.same(fetch.args[1], { kind: 'list', items: [{ kind: 'atom', value: 'UID' }, { kind: 'atom', value: 'BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.512>' }] });
  t.equal(tagOf(Buffer.from('+x NOOP')), undefined, '+ is no tag');
  t.equal(tagOf(Buffer.from('a* NOOP')), undefined);
  for (const bad of ['', 'a', 'a  NOOP', 'a NOOP  x', 'a LOGIN "x', 'a LIST (a', 'a LIST a)', 'a X [a', 'a X \\"']) {
    t.throws(() => parseCommand(raw(bad)), ImapSyntaxError, `"${bad}" is a syntax error`);
  }
  t.throws(() => parseCommand(raw(`a X ${'('.repeat(40)}`)), /nested too deeply|unterminated/);
});

t.test('sequence sets and fetch items', async (t) => {
  const set = parseSequenceSet('1,3:4,7:*')!;
  t.same([1, 2, 3, 4, 5, 6, 7, 8].map((n) => inSet(set, n, 8)), [true, false, true, true, false, false, true, true]);
  t.ok(inSet(parseSequenceSet('5:*')!, 3, 3), '5:* with 3 messages is 3:5');
  for (const bad of ['', '0', '1:', ':2', '1,,2', 'a', '1:2:3', '99999999999']) t.equal(parseSequenceSet(bad), undefined, `"${bad}" is no sequence set`);
  t.same(parseFetchItems({ kind: 'atom', value: 'FAST' }), [{ kind: 'FLAGS' }, { kind: 'INTERNALDATE' }, { kind: 'RFC822.SIZE' }]);
  t.match(parseFetchItems({ kind: 'atom', value: 'RFC822' }), [{ kind: 'body', peek: false, label: 'RFC822' }]);
  t.match(parseFetchItems({ kind: 'atom', value: 'BODY[TEXT]<0.0>' }), /count above 0/);
  t.match(parseFetchItems({ kind: 'atom', value: 'BODYSTRUCTURE' }), /not supported/);
});
