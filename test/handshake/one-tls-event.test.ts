import t, { type Test } from 'tap';
import type { LabEvent } from '../../src/events/events.js';
import type { Lab } from '../../src/lab/lab.js';
import type { SessionRecord } from '../../src/model/session-record.js';
import { runCommand } from '../fixtures/run-command.js';
import { startTestLab } from '../fixtures/test-lab.js';

/**
 * Every TLS attempt ends in exactly one `tls-established` or `tls-failed` event, on whichever side
 * and for every protocol and TLS mode: the server handshake path is the only server-side emitter,
 * and the record builder no longer has to choose between two accounts of one handshake. Each case
 * runs once with mxlab's own probe as the client (both sides' sessions are in the lab) and once with
 * openssl s_client (a real client against the server side).
 */

type Case = 'success' | 'failure' | 'quirk';
const PROTOCOLS = ['smtp', 'imap', 'pop3'] as const;
const MODES = ['explicit', 'implicit'] as const;

/** Server peer per case: modern for success and failure (a TLS 1.0 client), intolerant-tls10 for the quirk. */
const SERVER_PROFILE: Record<Case, string> = { success: 'modern', failure: 'modern', quirk: 'intolerant-tls10' };
/** The probe's profile per case. */
const CLIENT_PROFILE: Record<Case, string> = { success: 'modern', failure: 'tls10-only', quirk: 'modern' };
/** s_client's version flag per case. */
const S_CLIENT_VERSION: Record<Case, string> = { success: '-tls1_2', failure: '-tls1', quirk: '-tls1_2' };

async function labWithEveryPeer(t: Test): Promise<{ lab: Lab; events: LabEvent[]; port: (p: string, c: Case, m: string) => number }> {
  const lab = await startTestLab(t);
  const events: LabEvent[] = [];
  lab.subscribe((e) => events.push(e));
  for (const c of ['success', 'quirk'] as const) {
    const profile = SERVER_PROFILE[c];
    await lab.addReceiver({ name: `smtp-${c}`, profile, smtp: [0], smtps: [0] });
    await lab.addImapServer({ name: `imap-${c}`, profile, imap: [0], imaps: [0] });
    await lab.addPop3Server({ name: `pop3-${c}`, profile, pop3: [0], pop3s: [0] });
  }
  const port = (protocol: string, c: Case, mode: string): number => {
    const peer = `${protocol}-${c === 'quirk' ? 'quirk' : 'success'}`;
    const e = lab.endpoints().find((x) => x.peer === peer && x.listener.tlsMode === mode);
    if (!e) throw new Error(`no ${mode} endpoint on ${peer}`);
    return e.listener.port;
  };
  return { lab, events, port };
}

/** The terminal TLS events of a session, and how many TLS attempts it made (implicit: one; explicit: one per 'starttls'). */
function tally(events: readonly LabEvent[], session: string): { attempts: number; ends: string[] } {
  let attempts = 0;
  const ends: string[] = [];
  for (const e of events) {
    if (!('session' in e) || e.session !== session) continue;
    if (e.type === 'session-start' && e.tlsMode === 'implicit') attempts += 1;
    if (e.type === 'starttls') attempts += 1;
    if (e.type === 'tls-established' || e.type === 'tls-failed') ends.push(e.type);
  }
  return { attempts, ends };
}

function checkRecord(t: Test, events: readonly LabEvent[], r: SessionRecord, c: Case, what: string): void {
  const { attempts, ends } = tally(events, r.id);
  t.equal(attempts, 1, `${what} (${r.role} ${r.id}): one TLS attempt`);
  t.same(ends, [c === 'success' ? 'tls-established' : 'tls-failed'], `${what} (${r.role}): exactly one ${c === 'success' ? 'tls-established' : 'tls-failed'} (got ${ends.join(', ') || 'none'})`);
  t.equal(r.result, c === 'success' ? 'tls' : 'handshake-failed', `${what} (${r.role}): record result`);
  for (const e of events) {
    if (!('session' in e) || e.session !== r.id) continue;
    t.equal(typeof e.at, 'number', `${what}: ${e.type} carries its time`);
    if (e.type !== 'lab-warning') t.equal(e.peer, r.peer, `${what}: ${e.type} carries its session's peer`);
  }
}

t.test('mxlab probe as the client: protocol × explicit/implicit × success/failure/quirk', async (t) => {
  const { lab, events, port } = await labWithEveryPeer(t);
  for (const protocol of PROTOCOLS) {
    for (const mode of MODES) {
      for (const c of ['success', 'failure', 'quirk'] as const) {
        const what = `${protocol} ${mode} ${c}`;
        const client = await lab.probe({ protocol, to: `127.0.0.1:${port(protocol, c, mode)}`, implicit: mode === 'implicit', profile: CLIENT_PROFILE[c], name: `probe-${protocol}-${mode}-${c}` });
        const server = await lab.waitForRecord((r) => r.role === 'server' && r.remote.port === client.local.port);
        checkRecord(t, events, client, c, what);
        checkRecord(t, events, server, c, what);
        if (c === 'quirk') t.match(server.error?.code ?? '', /^QUIRK_/, `${what}: the server record names the quirk`);
      }
    }
  }
});

t.test('openssl s_client as the client: the server side of the same matrix', async (t) => {
  const { lab, events, port } = await labWithEveryPeer(t);
  const seen = new Set<string>();
  for (const protocol of PROTOCOLS) {
    for (const mode of MODES) {
      for (const c of ['success', 'failure', 'quirk'] as const) {
        const what = `s_client ${protocol} ${mode} ${c}`;
        const args = ['s_client', '-connect', `127.0.0.1:${port(protocol, c, mode)}`, S_CLIENT_VERSION[c], '-cipher', 'DEFAULT@SECLEVEL=0', ...(mode === 'explicit' ? ['-starttls', protocol] : [])];
        await runCommand('openssl', args, { input: protocol === 'imap' ? 'a LOGOUT\r\n' : 'QUIT\r\n' });
        const server = await lab.waitForRecord((r) => r.role === 'server' && !seen.has(r.id) && r.tlsMode === mode && r.protocol === protocol);
        seen.add(server.id);
        checkRecord(t, events, server, c, what);
      }
    }
  }
});
