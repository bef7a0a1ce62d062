import { readFileSync } from 'node:fs';
import t from 'tap';
import { COMMANDS, commandFor, helpLines, KEY_BINDINGS } from '../../src/tui/keys.js';

t.test('every binding names an existing command, and every command has a key', async (t) => {
  for (const b of KEY_BINDINGS) t.ok((COMMANDS as readonly string[]).includes(b.command), `${b.context} ${b.key} → ${b.command}`);
  for (const c of COMMANDS) t.ok(KEY_BINDINGS.some((b) => b.command === c), `${c} has a key`);
});

t.test('no key means two things in one context', async (t) => {
  const seen = new Set<string>();
  for (const b of KEY_BINDINGS) {
    const k = `${b.context} ${b.key}`;
    t.notOk(seen.has(k), k);
    seen.add(k);
  }
});

t.test('context first, then global; help from the table', async (t) => {
  t.equal(commandFor('S', 'sessions'), 'save-scenario');
  t.equal(commandFor('q', 'peers'), 'quit', 'global keys work everywhere');
  t.equal(commandFor('s', 'peers'), 'peer-toggle');
  t.equal(commandFor('s', 'sessions'), 'send-form');
  t.equal(commandFor('x', 'sessions'), undefined);
  const help = helpLines();
  t.ok(help.some((h) => h.keys === 'up/k' && h.context === 'sessions'), 'keys of one command are joined');
  t.equal(help.length, new Set(KEY_BINDINGS.map((b) => `${b.context}|${b.help}`)).size);
});

t.test('the README\'s key table is the one the console dispatches from', async (t) => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const rows = [...readme.matchAll(/^\| (global|sessions|detail|peers|events|scan) \| `([^`]+)` \| (.+) \|$/gm)].map((m) => ({ context: m[1], keys: m[2]!.replace(/\\\|/g, '|'), help: m[3]!.replace(/\\\|/g, '|') }));
  t.same(rows, helpLines(), 'regenerate the table from helpLines() when a binding changes');
});
