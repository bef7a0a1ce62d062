import { stringify } from 'yaml';
import type { SessionRecord } from '../model/session-record.js';
import type { Action, Expectation, PeerSpec, Scenario } from './scenario.js';

/** What the lab knew of a peer beyond its records (the console has it; sessions.jsonl does not). */
export interface PeerHint {
  readonly name: string;
  readonly personality?: string;
}

export interface FromRecordContext {
  /** Other records of the same run: the server half of a client session to one of the lab's own peers. */
  readonly records?: readonly SessionRecord[];
  readonly peers?: readonly PeerHint[];
}

const FAILED = new Set(['refused', 'handshake-failed', 'error']);

/** A scenario name from a record: lowercase words joined by dashes. */
const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** The server-side record of a client session that went to one of the lab's own peers. */
export function serverHalf(client: SessionRecord, records: readonly SessionRecord[]): SessionRecord | undefined {
  return records.find((r) => r.role === 'server' && r.remote.port === client.local.port && r.local.port === client.remote.port);
}

function peerOf(r: SessionRecord, hints: readonly PeerHint[], keepPort: boolean): PeerSpec {
  const personality = hints.find((h) => h.name === r.peer)?.personality;
  return {
    name: r.peer,
    protocol: r.protocol,
    profile: r.profile,
    policy: r.policy,
    ...(r.protocol === 'smtp' && personality && personality !== 'generic' ? { personality } : {}),
    ...(r.tlsMode === 'implicit' ? { implicit: true } : {}),
    // An outside system is pointed at a port: the scenario listens where the session arrived.
    ...(keepPort ? { port: r.local.port } : {}),
  };
}

/** What was observed, as checks every later run must see again. */
function observed(r: SessionRecord, peer: string, name: string): Expectation {
  const failed = FAILED.has(r.result);
  return {
    name,
    peer,
    role: r.role,
    ...(r.attempt && r.attempt > 1 ? { attempt: r.attempt } : {}),
    result: r.result,
    ...(r.version ? { version: r.version as NonNullable<Expectation['version']> } : {}),
    ...(r.tlsMode === 'explicit' && r.startTlsOffered !== undefined ? { startTlsOffered: r.startTlsOffered } : {}),
    ...(r.tlsMode === 'explicit' && r.startTlsAttempted !== undefined ? { startTlsAttempted: r.startTlsAttempted } : {}),
    ...(r.imitated ? { imitated: true } : {}),
    ...(r.protocol === 'smtp' && r.role === 'server' ? { messages: r.messages.length } : {}),
    ...(failed ? { shouldFail: true } : {}),
  };
}

/** Whether a client record came from `send` (mail went or was tried) rather than `probe`. */
function wasSend(r: SessionRecord): boolean {
  if (r.peer.startsWith('probe-') || r.protocol !== 'smtp') return false;
  return r.delivery !== undefined || r.transcript.some((l) => l.dir === 'C' && /^MAIL FROM/i.test(l.line));
}

/**
 * A scenario that reproduces one session: the same peer (profile, policy, personality), the same
 * action for a session mxlab made as a client (send or probe, same profile and policy), or an `await`
 * for a session an outside system opened; the expectations are what was observed.
 */
export function scenarioFromRecord(r: SessionRecord, context: FromRecordContext = {}): Scenario {
  const hints = context.peers ?? [];
  const records = context.records ?? [];
  const when = r.timings.start;
  if (r.role === 'client') {
    const server = serverHalf(r, records);
    const target = server ? peerOf(server, hints, false) : undefined;
    const spec = {
      name: r.peer,
      to: target ? target.name : 'sut',
      ...(r.protocol !== 'smtp' ? { protocol: r.protocol } : {}),
      profile: r.profile,
      policy: r.policy,
      ...(r.tlsMode === 'implicit' ? { implicit: true } : {}),
    };
    const action: Action = wasSend(r) ? { send: spec } : { probe: spec };
    const expect = [observed(r, r.peer, `${r.peer} ends ${r.result}${r.version ? ` with ${r.version}` : ''} as on ${when}`)];
    if (server) expect.push(observed(server, server.peer, `${server.peer} sees ${server.result}${server.version ? ` with ${server.version}` : ''}`));
    return {
      name: slug(`${r.peer}-to-${target?.name ?? `${r.remote.address}-${r.remote.port}`}-${r.result}`),
      description: `Saved from session ${r.id} (${when}): ${r.peer} (${r.profile}, policy ${r.policy}) to ${target ? `lab peer ${target.name} (${target.profile})` : `${r.remote.address}:${r.remote.port}`}.`,
      ...(target ? {} : { sut: `${r.remote.address.includes(':') ? `[${r.remote.address}]` : r.remote.address}:${r.remote.port}` }),
      peers: target ? [target] : [],
      actions: [action],
      expect,
    };
  }
  const peer = peerOf(r, hints, true);
  return {
    name: slug(`${r.peer}-awaits-${r.result}`),
    description: `Saved from session ${r.id} (${when}): an outside client (${r.clientHello?.client ?? r.clientHello?.ja4 ?? 'no ClientHello'}) from ${r.remote.address} to ${r.peer} (${r.profile}, policy ${r.policy}). Run it, then connect that client to port ${r.local.port} again.`,
    peers: [peer],
    await: { peer: r.peer, timeoutMs: 60000 },
    timeoutMs: 90000,
    expect: [observed(r, r.peer, `${r.peer} sees ${r.result}${r.version ? ` with ${r.version}` : ''} as on ${when}`)],
  };
}

/** The scenario as a YAML file. */
export function scenarioYaml(s: Scenario): string {
  return `# Saved by mxlab from a recorded session; \`mxlab run FILE\` replays it.\n${stringify(s, { lineWidth: 0 })}`;
}
