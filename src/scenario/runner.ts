import { readdir, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { parseTarget } from '../client/send-spec.js';
import { UsageError } from '../usage-error.js';
import { loadScenarioFile, ScenarioLoadError, type LoadProblem } from './load.js';
import { needsSut, runScenario, type RunScenarioOptions, type ScenarioResult } from './run-scenario.js';
import type { LoadedScenario } from './scenario.js';

export interface RunOptions extends Omit<RunScenarioOptions, 'onStarted'> {
  /** Scenarios in flight at once, each in its own Lab. @default 4 */
  readonly jobs?: number;
  /** Called as each scenario ends (in completion order), e.g. for progress. */
  readonly onScenario?: (result: ScenarioResult) => void;
  /** Run only this part of the suite (CI jobs in parallel, `--shard 2/4`). */
  readonly shard?: Shard;
}

/** Part `index` (1-based) of `total`. */
export interface Shard {
  readonly index: number;
  readonly total: number;
}

/** `--shard 2/4` → { index: 2, total: 4 }; anything else is a UsageError. */
export function parseShard(value: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(m?.[1]);
  const total = Number(m?.[2]);
  if (!m || total < 1 || total > 10000 || index < 1 || index > total) {
    throw new UsageError(`--shard: got "${value}", want I/N with 1 ≤ I ≤ N, e.g. 2/4 (the second of four CI jobs)`);
  }
  return { index, total };
}

/**
 * The files of one shard. Files are ordered by path (forward slashes, so every OS agrees) and dealt
 * round-robin: file k goes to shard (k mod N) + 1. The split depends only on the set of files, so
 * every CI job computes the same one, and together the N shards run every file exactly once.
 */
export function shardFiles(files: readonly string[], shard: Shard): string[] {
  const key = (f: string): string => f.split(sep).join('/');
  const sorted = [...new Set(files)].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return sorted.filter((_, k) => k % shard.total === shard.index - 1);
}

export interface RunSummary {
  /** In the order of the files given. */
  readonly scenarios: readonly ScenarioResult[];
  readonly passed: number;
  readonly failed: number;
  readonly durationMs: number;
}

const isScenarioFile = (name: string): boolean => /\.ya?ml$/i.test(name);

/** Files and folders → scenario files: a folder gives its *.yaml / *.yml files, sorted, recursively. */
export async function collectScenarioFiles(paths: readonly string[]): Promise<string[]> {
  const out = await collect(paths);
  if (!out.length) throw new UsageError(`no scenario files (*.yaml) in ${paths.join(', ')}`);
  return out;
}

async function collect(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    let info;
    try {
      info = await stat(p);
    } catch {
      throw new UsageError(`${p}: no such file or folder`);
    }
    if (info.isDirectory()) {
      const entries = (await readdir(p, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
      const files = entries.filter((e) => e.isFile() && isScenarioFile(e.name)).map((e) => join(p, e.name));
      const dirs = entries.filter((e) => e.isDirectory()).map((e) => join(p, e.name));
      out.push(...files, ...(await collect(dirs)));
    } else out.push(p);
  }
  return out;
}

/** Loads every file; all problems of all files in one ScenarioLoadError. */
export async function loadScenarios(files: readonly string[]): Promise<LoadedScenario[]> {
  const problems: LoadProblem[] = [];
  const loaded: LoadedScenario[] = [];
  for (const f of files) {
    try {
      loaded.push(await loadScenarioFile(f));
    } catch (err) {
      if (err instanceof ScenarioLoadError) problems.push(...err.problems);
      else throw err;
    }
  }
  if (problems.length) throw new ScenarioLoadError(problems);
  return loaded;
}

/** Runs scenarios `jobs` at a time; results come back in the order given. */
export async function runScenarios(loaded: readonly LoadedScenario[], options: RunOptions = {}): Promise<RunSummary> {
  const started = Date.now();
  if (options.sut !== undefined) {
    try {
      parseTarget(options.sut);
    } catch (err) {
      throw new UsageError((err as Error).message.replace(/^--to:/, '--sut:'));
    }
  }
  const missing = loaded.filter((l) => needsSut(l) && !options.sut && !l.scenario.sut);
  if (missing.length) {
    throw new UsageError(missing.map((l) => `${l.file}: sends to or probes the system under test, but none is given; add sut: HOST:PORT or run with --sut HOST:PORT`).join('\n'));
  }
  const jobs = Math.max(1, options.jobs ?? 4);
  const results: ScenarioResult[] = new Array(loaded.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < loaded.length) {
      const i = next++;
      results[i] = await runScenario(loaded[i]!, options);
      options.onScenario?.(results[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, loaded.length) }, worker));
  const tests = results.flatMap((r) => r.tests);
  const passed = tests.filter((t) => t.ok).length;
  return { scenarios: results, passed, failed: tests.length - passed, durationMs: Date.now() - started };
}

/** `mxlab run` as a function: files or folders in, a summary out (UsageError / ScenarioLoadError on bad input). */
export async function runPaths(paths: readonly string[], options: RunOptions = {}): Promise<RunSummary> {
  const files = await collectScenarioFiles(paths);
  // Every file is loaded, so a malformed one fails every shard alike; only the shard's part runs.
  const loaded = await loadScenarios(files);
  if (!options.shard) return runScenarios(loaded, options);
  const mine = new Set(shardFiles(files, options.shard));
  return runScenarios(loaded.filter((l) => mine.has(l.file)), options);
}

/** The closing line every reporter ends with: `N passed, N failed`. */
export const closingLine = (s: Pick<RunSummary, 'passed' | 'failed'>): string => `${s.passed} passed, ${s.failed} failed`;
