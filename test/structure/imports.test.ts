import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import t from 'tap';
import { projectPath } from '../fixtures/paths.js';

/**
 * The house rules that imports can break: the folders of src/ stack (no two import each other,
 * directly or around a loop, type imports included), the event types and bus import no engine, and
 * the engine never imports the UI.
 */

const SRC = projectPath('src');
const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]/g;
const PACKAGE_IMPORT = /(?:import|export)\s[^'"]*?from\s+['"]([^.'"][^'"]*)['"]/g;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The top folder of src/ a path is in, or undefined for a file directly in src/. */
function folderOf(path: string): string | undefined {
  const rel = relative(SRC, path).split(sep);
  return rel.length > 1 ? rel[0] : undefined;
}

const edges = new Map<string, Map<string, string>>();
const packageImports: { file: string; pkg: string }[] = [];
for (const file of files(SRC)) {
  const text = readFileSync(file, 'utf8');
  const from = folderOf(file);
  for (const m of text.matchAll(IMPORT)) {
    const to = folderOf(normalize(join(dirname(file), m[1] ?? m[2]!)));
    if (!from || !to || from === to) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    edges.get(from)!.set(to, relative(SRC, file));
  }
  for (const m of text.matchAll(PACKAGE_IMPORT)) packageImports.push({ file: relative(SRC, file), pkg: m[1]! });
}

/** Strongly connected groups of two or more folders (Tarjan). */
function loops(): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let n = 0;
  const visit = (v: string): void => {
    index.set(v, n);
    low.set(v, n);
    n += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) out.push(group.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return out;
}

t.test('no two folders of src/ import each other, directly or around a loop', async (t) => {
  const found = loops();
  const detail = found.map((g) => g.map((a) => g.filter((b) => edges.get(a)?.has(b)).map((b) => `${a} → ${b} (${edges.get(a)!.get(b)})`).join('; ')).join('; '));
  t.same(found, [], found.length ? `folder loops: ${detail.join(' | ')}` : 'no loops');
});

t.test('the events leaf imports no engine', async (t) => {
  const allowed = new Set(['model']);
  const out = [...(edges.get('events')?.entries() ?? [])].filter(([to]) => !allowed.has(to));
  t.same(out, [], 'events/ imports only model/');
  const model = [...(edges.get('model')?.keys() ?? [])].filter((to) => to !== 'text');
  t.same(model, [], 'model/ imports only text/');
});

t.test('nothing outside src/tui imports ink or react', async (t) => {
  const ui = packageImports.filter((i) => /^(ink|react)(\/|$)/.test(i.pkg) && !i.file.startsWith(`tui${sep}`));
  t.same(ui, [], 'the engine knows nothing of the console');
});
