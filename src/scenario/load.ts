import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { findProfile, profileNames, resolveProfile } from '../profiles/resolve.js';
import { compileProfile } from '../profiles/compile.js';
import { parseClientPolicy } from '../model/client-policy.js';
import { badChoice, didYouMean } from '../text/did-you-mean.js';
import { UsageError } from '../usage-error.js';
import { formatPath, lineOf, parsePointer, type PathPart } from './locate.js';
import { actionKind, clientNames, type LoadedScenario, type Scenario } from './scenario.js';

/** scenarios/schema.json: the same file editors use (`# yaml-language-server: $schema=./schema.json`). */
export const SCHEMA_FILE = new URL('../../scenarios/schema.json', import.meta.url);

/** One problem in a scenario file, `file:line: path: got X, want Y (did you mean Z?)`. */
export interface LoadProblem {
  readonly file: string;
  readonly line: number;
  readonly path: string;
  readonly message: string;
}

export const formatProblem = (p: LoadProblem): string => `${p.file}:${p.line}: ${p.path}: ${p.message}`;

/** Every problem of one or more files, reported at once (the CLI prints them all and exits 2). */
export class ScenarioLoadError extends UsageError {
  constructor(readonly problems: readonly LoadProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ScenarioLoadError';
  }
}

type Ajv = import('ajv').default;
const AjvClass = (AjvModule as unknown as { default: new (o: object) => Ajv }).default ?? (AjvModule as unknown as new (o: object) => Ajv);
let validator: ValidateFunction | undefined;

function validate(data: unknown): ErrorObject[] {
  if (!validator) {
    const ajv = new AjvClass({ allErrors: true, strict: false, verbose: true });
    validator = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);
  }
  return validator(data) ? [] : [...(validator.errors ?? [])];
}

const show = (v: unknown): string => {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

function valueAt(data: unknown, path: readonly PathPart[]): unknown {
  let v: unknown = data;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<string | number, unknown>)[p] : undefined;
  return v;
}

/** What an anyOf wants, in words. */
function anyOfWant(schemaPath: string): string {
  if (schemaPath.includes('stringOrList')) return 'a string or a list of strings';
  if (schemaPath.includes('version') || schemaPath.includes('/version/')) return 'one of TLSv1, TLSv1.1, TLSv1.2, TLSv1.3, or { atLeast: V } / { atMost: V }';
  return 'one of the forms the schema allows';
}

/** Ajv's errors as house-style problems: one per place, unknown fields with a did-you-mean. */
function schemaProblems(file: string, doc: Document, counter: LineCounter, data: unknown, errors: readonly ErrorObject[]): LoadProblem[] {
  const out: LoadProblem[] = [];
  const anyOfPaths = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath);
  const seen = new Set<string>();
  for (const e of errors) {
    // Errors inside an anyOf's branches are noise once the anyOf itself is reported.
    if (e.keyword !== 'anyOf' && anyOfPaths.some((p) => e.instancePath === p || e.instancePath.startsWith(`${p}/`))) continue;
    const path = parsePointer(e.instancePath);
    const got = valueAt(data, path);
    let where = path;
    let key: string | undefined;
    let message: string;
    switch (e.keyword) {
      case 'additionalProperties': {
        const field = String((e.params as { additionalProperty: string }).additionalProperty);
        const allowed = Object.keys(((e.parentSchema as { properties?: object } | undefined)?.properties) ?? {}).filter((k) => k !== '$schema');
        where = [...path, field];
        key = field;
        message = badChoice('@', field, allowed).replace(/^@: got "([^"]*)"/, 'got unknown field "$1"');
        break;
      }
      case 'required': {
        const field = String((e.params as { missingProperty: string }).missingProperty);
        where = [...path, field];
        message = 'got nothing, want a value (required)';
        break;
      }
      case 'type':
        message = `got ${show(got)}, want ${String((e.params as { type: string }).type)}`;
        break;
      case 'enum':
        message = badChoice('@', String(typeof got === 'string' ? got : show(got)), ((e.params as { allowedValues: unknown[] }).allowedValues).map(String)).replace(/^@: /, '');
        break;
      case 'pattern':
        message = path[path.length - 1] === 'sut'
          ? `got ${show(got)}, want HOST:PORT (e.g. mx.example.net:25, [::1]:25)`
          : `got ${show(got)}, want letters, digits, '.', '_' or '-', starting with a letter or digit`;
        break;
      case 'minimum': case 'maximum':
        message = `got ${show(got)}, want ${e.keyword === 'minimum' ? '>=' : '<='} ${String((e.params as { limit: number }).limit)}`;
        break;
      case 'minItems':
        message = `got ${Array.isArray(got) ? got.length : 0} item(s), want at least ${String((e.params as { limit: number }).limit)}`;
        break;
      case 'minProperties': case 'maxProperties':
        message = e.schemaPath.includes('action')
          ? `got ${show(Object.keys((got as object) ?? {}))}, want exactly one of send, probe`
          : `got ${show(got)}, want at least one field`;
        break;
      case 'anyOf': {
        // A mistyped name in the string branch still deserves its did-you-mean.
        const choice = errors.find((x) => x.keyword === 'enum' && x.instancePath === e.instancePath);
        const choices = choice ? (choice.params as { allowedValues: unknown[] }).allowedValues.map(String) : [];
        const hint = typeof got === 'string' && choices.length ? didYouMean(got, choices) : undefined;
        message = `got ${show(got)}, want ${anyOfWant(e.schemaPath)}${hint ? ` (did you mean "${hint}"?)` : ''}`;
        break;
      }
      case 'minLength':
        message = `got ${show(got)}, want a non-empty string`;
        break;
      default:
        message = `got ${show(got)}, want ${e.message ?? 'something else'}`;
    }
    const text = formatPath(where);
    const id = `${text}\u0000${message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ file, line: lineOf(doc, counter, key === undefined ? where : path, key), path: text, message });
  }
  return out;
}

/** A UsageError's message without its `--flag: ` prefix (the CLI wording), for a path-prefixed problem. */
const withoutFlag = (message: string): string => message.replace(/^--?[\w-]+: /, '');

/** Checks the schema cannot express: catalogue names, policies, and the lint for contradictions. */
function semanticProblems(file: string, doc: Document, counter: LineCounter, s: Scenario, out: LoadProblem[]): LoadProblem[] {
  const add = (path: PathPart[], message: string, key?: string): void => {
    out.push({ file, line: lineOf(doc, counter, path, key), path: formatPath(key ? [...path, key] : path), message });
  };
  const checkProfile = (path: PathPart[], name: string, overrides: object | undefined, quirks: object | undefined): void => {
    const parts = name.split('+').map((p) => p.trim());
    const unknown = parts.find((p) => !findProfile(p));
    if (unknown !== undefined) return add(path, badChoice('@', unknown, profileNames()).replace(/^@: /, ''));
    try {
      compileProfile(resolveProfile(name, { ...overrides, ...(quirks ? { quirks } : {}) }));
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      add(path, `${withoutFlag(err.message)}`);
    }
  };
  const peers = s.peers ?? [];
  const actions = s.actions ?? [];
  if (!peers.length && !actions.length) {
    add(['peers'], 'got no peer and no action, want at least one: a scenario that starts no peer tests nothing');
  }
  peers.forEach((p, i) => {
    if (p.proxy) {
      for (const k of ['profile', 'policy', 'personality', 'implicit', 'overrides', 'quirks', 'credentials'] as const) {
        if (p[k] !== undefined) add(['peers', i], `got ${k} on a proxy peer, want none (a proxy relays; the upstream's profile decides the TLS)`, k);
      }
      const up = p.proxy.upstream;
      const upstream = peers.find((q) => q.name === up);
      if (up === p.name) add(['peers', i, 'proxy', 'upstream'], `got the proxy itself, want another peer, sut or HOST:PORT`);
      else if (!upstream && up !== 'sut' && !/^(\[[^\]]+\]|[^:[\]\s]+):\d+$/.test(up)) {
        add(['peers', i, 'proxy', 'upstream'], badChoice('@', up, [...peers.filter((q) => !q.proxy).map((q) => q.name), 'sut']).replace(/^@: /, '').replace(/, sut/, ', sut or HOST:PORT'));
      } else if (upstream && (upstream.protocol ?? 'smtp') !== (p.protocol ?? 'smtp')) {
        add(['peers', i, 'proxy', 'upstream'], `got ${upstream.protocol ?? 'smtp'} peer "${up}", want a ${p.protocol ?? 'smtp'} server (set protocol on the proxy)`);
      }
    } else if (p.profile === undefined) add(['peers', i, 'profile'], 'got nothing, want a value (required unless proxy is given)');
    else checkProfile(['peers', i, 'profile'], p.profile, p.overrides, p.quirks);
  });
  const names = clientNames(actions, peers);
  const peerNames = peers.map((p) => p.name);
  const all = [...peerNames, ...names];
  all.forEach((n, i) => {
    const at = i < peerNames.length ? ['peers', i, 'name'] : ['actions', i - peerNames.length];
    if (n.startsWith('sanity-')) add(at, `got "${n}", want a name that does not start with "sanity-" (reserved for the sanity probes)`);
    if (all.indexOf(n) !== i) {
      add(at, `got "${n}" twice, want each peer and action name once (records are selected by it)`);
    }
  });
  actions.forEach((a, i) => {
    const kind = actionKind(a);
    const path: PathPart[] = ['actions', i, kind];
    if ('scan' in a) {
      const to = a.scan.to;
      if (to !== undefined && to !== 'sut' && !peerNames.includes(to)) add([...path, 'to'], badChoice('@', to, [...peerNames, 'sut']).replace(/^@: /, ''));
      return;
    }
    const spec = 'send' in a ? a.send : a.probe;
    if (spec.profile !== undefined) checkProfile([...path, 'profile'], spec.profile, spec.overrides, undefined);
    if (spec.policy !== undefined) {
      try {
        parseClientPolicy(spec.policy);
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        add([...path, 'policy'], withoutFlag(err.message));
      }
    }
    if (spec.to !== undefined && spec.to !== 'sut' && !peerNames.includes(spec.to)) {
      add([...path, 'to'], badChoice('@', spec.to, [...peerNames, 'sut']).replace(/^@: /, ''));
    }
    // Without `to`, the target is the sut (from the file or --sut): checked when the run starts.
    if (kind === 'send') {
      const target = peers.find((p) => p.name === spec.to);
      if (target && (target.protocol ?? 'smtp') !== 'smtp') add([...path, 'to'], `got ${target.protocol} peer "${target.name}", want an SMTP receiver (send delivers mail; use probe for IMAP/POP3)`);
    }
  });
  if (s.await && !peerNames.includes(s.await.peer)) add(['await', 'peer'], badChoice('@', s.await.peer, peerNames).replace(/^@: /, ''));
  (s.expect ?? []).forEach((e, i) => {
    const path: PathPart[] = ['expect', i];
    if (!all.includes(e.peer)) {
      add([...path, 'peer'], all.length ? badChoice('@', e.peer, all).replace(/^@: /, '') : `got "${e.peer}", want the name of a peer or action (none is defined)`);
    }
    const scanNames = names.filter((_, j) => 'scan' in actions[j]!);
    if (e.scan && !scanNames.includes(e.peer) && all.includes(e.peer)) {
      add([...path, 'peer'], `got "${e.peer}" with scan checks, want the name of a scan action (${scanNames.join(', ') || 'none is defined'})`);
    }
    if (scanNames.includes(e.peer)) {
      const extra = Object.keys(e).filter((k) => !['name', 'why', 'peer', 'scan'].includes(k));
      if (extra.length) add(path, `got ${extra.join(', ')} on the scan "${e.peer}", want only scan checks (a scan's findings are judged, not a session record)`, extra[0]);
    }
    if (e.expectedError !== undefined && !e.shouldFail) {
      add(path, 'got expectedError without shouldFail: true, want both (an expected error on a session that must succeed is a contradiction)', 'expectedError');
    }
    if (e.shouldFail) {
      const results = e.result === undefined ? [] : typeof e.result === 'string' ? [e.result] : e.result;
      const ok = results.filter((r) => r === 'tls' || r === 'plaintext' || r === 'downgraded');
      if (results.length && ok.length === results.length) {
        add(path, `got shouldFail: true with result ${show(e.result)}, want a failing result (refused, handshake-failed, error) or no result`, 'result');
      }
    }
  });
  return out;
}

/** Scenario files are written by people: past this they are a mistake or an attack (a 5 MB file took 48 s). */
export const MAX_SCENARIO_BYTES = 1024 * 1024;
/** YAML aliases expanded at most (the "billion laughs" document expands a few lines into gigabytes). */
const MAX_ALIASES = 100;

/** Parses and checks one scenario text; every problem at once. */
export function parseScenario(file: string, text: string): { scenario?: LoadedScenario; problems: LoadProblem[] } {
  if (text.length > MAX_SCENARIO_BYTES) {
    return { problems: [{ file, line: 1, path: '(file)', message: `got ${text.length} characters, want at most ${MAX_SCENARIO_BYTES} (a scenario is a page of YAML; split a larger suite into files)` }] };
  }
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true });
  if (doc.errors.length) {
    return {
      problems: doc.errors.map((e) => ({
        file, line: e.linePos?.[0]?.line ?? 1, path: 'yaml',
        message: `got invalid YAML, want a YAML mapping (${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')})`,
      })),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    // yaml refuses excessive alias expansion with a ReferenceError.
    return { problems: [{ file, line: 1, path: 'yaml', message: `got a document whose aliases expand too far (${(err as Error).message}), want at most ${MAX_ALIASES} alias expansions` }] };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { problems: [{ file, line: 1, path: '(top)', message: `got ${show(data)}, want a mapping with name, peers and expect` }] };
  }
  const scenario = data as Scenario;
  const schema = schemaProblems(file, doc, counter, data, validate(data));
  const semantic: LoadProblem[] = [];
  try {
    semanticProblems(file, doc, counter, scenario, semantic);
  } catch (err) {
    // Data the schema already rejected may trip a semantic check; the schema's problems say why.
    if (!schema.length) throw err;
  }
  // Every problem of the file at once; where the schema already spoke about a place, its word stands.
  const problems = [...schema, ...semantic.filter((p) => !schema.some((q) => q.path === p.path))].sort((a, b) => a.line - b.line);
  if (problems.length) return { problems };
  const expectationLines = scenario.expect.map((_, i) => lineOf(doc, counter, ['expect', i]));
  return { scenario: { file, scenario, expectationLines }, problems: [] };
}

/** Loads one file (UsageError for an unreadable one, ScenarioLoadError for a bad one). */
export async function loadScenarioFile(file: string): Promise<LoadedScenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${file}: ${(err as Error).message}`);
  }
  const { scenario, problems } = parseScenario(file, text);
  if (!scenario) throw new ScenarioLoadError(problems);
  return scenario;
}
