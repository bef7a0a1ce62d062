import type { ConnectionLimits } from '../peer/listening-peer.js';
import type { Command } from 'commander';
import { Lab, type ReceiverSpec } from '../lab/lab.js';
import type { ImapServerSpec, Pop3ServerSpec } from '../lab/mail-servers.js';
import { compileProfile } from '../profiles/compile.js';
import { readOverridesFile } from '../profiles/overrides-file.js';
import type { Profile } from '../profiles/profile.js';
import { chainName, resolveProfile, type ProfileOverrides } from '../profiles/resolve.js';
import type { ChainSpec } from '../certs/chain-spec.js';
import { getChain, isChainCached } from '../certs/factory.js';
import { specId } from '../certs/spec-id.js';
import { personality } from '../smtp/personality.js';
import { parseServerPolicy } from '../model/server-policy.js';
import { UsageError } from '../usage-error.js';
import { parseAddress, parseInteger, parseList, parsePort } from './option-parsers.js';
import { consoleCommands } from './console-commands.js';
import { parseFormat, printSessions, terminalLayout } from './printer.js';
import { type MappedPort, portGrid, portLines } from './port-grid.js';
import { runUntilSignal } from './run-until-signal.js';

interface ServeFlags {
  profile: string;
  policy: string;
  smtp?: number[];
  smtps?: number[];
  imap?: number[];
  imaps?: number[];
  pop3?: number[];
  pop3s?: number[];
  login?: string[];
  listen: string;
  personality: string;
  hostname?: string;
  runDir?: string;
  format: string;
  minVersion?: string;
  maxVersion?: string;
  ciphers?: string[];
  groups?: string[];
  dhBits?: number | 'auto';
  profileFile?: string;
  peer?: string[];
  hideStarttls?: boolean;
  refuseStarttls?: boolean;
  keylog?: string;
  maxMessageSize?: number;
  tui?: boolean;
  deliveryWindow?: number;
  maxConnections?: number;
  maxPerClient?: number;
  sessionDeadline?: number;
}

/** `--peer profile=tls10-only,policy=required,smtp=2526,smtps=2466,personality=exchange` */
function parsePeerSpec(text: string, address: string): ReceiverSpec {
  const fields: Record<string, string> = {};
  for (const part of text.split(',')) {
    const [k, v] = part.split('=');
    if (!k || v === undefined) throw new UsageError(`--peer: got "${part}" in "${text}", want key=value (profile, policy, smtp, smtps, personality, name)`);
    fields[k.trim()] = v.trim();
  }
  const known = ['profile', 'policy', 'smtp', 'smtps', 'personality', 'name'];
  for (const k of Object.keys(fields)) if (!known.includes(k)) throw new UsageError(`--peer: unknown key "${k}" in "${text}", want one of ${known.join(', ')}`);
  if (!fields.profile) throw new UsageError(`--peer: "${text}" names no profile`);
  return {
    profile: fields.profile,
    policy: fields.policy ?? 'optional',
    personality: fields.personality ?? 'generic',
    address,
    ...(fields.name ? { name: fields.name } : {}),
    ...(fields.smtp !== undefined ? { smtp: parsePort('--peer smtp')(fields.smtp) } : {}),
    ...(fields.smtps !== undefined ? { smtps: parsePort('--peer smtps')(fields.smtps) } : {}),
  };
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run fake receiving MTAs with a TLS personality and print one line per session')
    .option('--profile <name>', 'TLS and/or certificate personality, e.g. tls10-only+md5-chain', 'modern')
    .option('--policy <policy>', 'server TLS policy: off | optional | required', 'optional')
    .option('--smtp <port>', 'STARTTLS listener port (repeatable; 0 = OS picks)', parsePort('--smtp'))
    .option('--smtps <port>', 'implicit-TLS (SMTPS) listener port (repeatable)', parsePort('--smtps'))
    .option('--imap <port>', 'IMAP listener port with STARTTLS, 143 style (repeatable); serves what the receivers accept', parsePort('--imap'))
    .option('--imaps <port>', 'implicit-TLS IMAP listener port, 993 style (repeatable)', parsePort('--imaps'))
    .option('--pop3 <port>', 'POP3 listener port with STLS, 110 style (repeatable)', parsePort('--pop3'))
    .option('--pop3s <port>', 'implicit-TLS POP3 listener port, 995 style (repeatable)', parsePort('--pop3s'))
    .option('--login <user:password>', 'IMAP/POP3 credentials (repeatable); without it any user and password log in', (v: string, prev: string[] = []) => [...prev, v])
    .option('--listen <addr>', 'address to listen on (loopback unless told otherwise)', parseAddress, '127.0.0.1')
    .option('--personality <name>', 'how the receiver talks (banner, EHLO, replies): generic | postfix | exchange | exim | esa', 'generic')
    .option('--hostname <name>', 'host name in the banner and Received header')
    .option('--peer <spec>', 'another receiver in the same lab: profile=P,policy=POL,smtp=PORT,smtps=PORT (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--min-version <v>', 'override the profile: lowest TLS version (TLSv1 … TLSv1.3)')
    .option('--max-version <v>', 'override the profile: highest TLS version')
    .option('--ciphers <list>', 'override the profile: TLS ≤1.2 suites, IANA names, comma-separated', parseList)
    .option('--groups <list>', 'override the profile: key-exchange groups (X25519,P-256,…)', parseList)
    .option('--dh-bits <n|auto>', 'override the profile: DH parameter size, or auto (OpenSSL picks by strength)', (v: string) => (v === 'auto' ? 'auto' : parseInteger('--dh-bits', 512, 8192)(v)))
    .option('--profile-file <file>', 'override profile fields from a YAML/JSON file')
    .option('--hide-starttls', 'quirk: leave STARTTLS out of the EHLO reply (the command still works)')
    .option('--refuse-starttls', 'quirk: advertise STARTTLS but answer it with 454 4.7.0')
    .option('--run-dir <dir>', 'folder for sessions.jsonl and messages (default: runs/<time>)')
    .option('--format <fmt>', 'live output: table | jsonl | exchange | postfix | esa', 'table')
    .option('--keylog <file>', 'append every TLS session\'s secrets to FILE (SSLKEYLOGFILE format, for Wireshark)')
    .option('--max-message-size <bytes>', 'largest message accepted (SIZE); past it nothing is stored and DATA gets 552 5.3.4', parseInteger('--max-message-size', 1, 2 ** 31), 26214400)
    .option('--max-connections <n>', 'connections open at once per peer; past it: 421 4.7.0 / * BYE / -ERR and a record (Postfix: process limit)', parseInteger('--max-connections', 1, 100000), 100)
    .option('--max-per-client <n>', 'connections open at once from one client address (Postfix smtpd_client_connection_count_limit)', parseInteger('--max-per-client', 1, 100000), 50)
    .option('--session-deadline <seconds>', 'the longest a session may last, whatever the client trickles in (421 4.4.2 / * BYE / -ERR)', parseInteger('--session-deadline', 1, 86400), 600)
    .option('--delivery-window <seconds>', "a sending MTA's connections this far apart are one delivery for its verdict (tls, downgraded, plaintext, deferred, rejected-certificate); Postfix at may falls back only after minimal_backoff_time (300 s)", parseInteger('--delivery-window', 1, 86400), 900)
    .option('--tui', 'open the interactive console (on a terminal, outside CI)')
    .option('--no-tui', 'print one line per session even on a terminal')
    .action(async (flags: ServeFlags) => {
      const format = parseFormat(flags.format);
      const quirks = {
        ...(flags.hideStarttls ? { hideStartTls: true } : {}),
        ...(flags.refuseStarttls ? { refuseStartTls: true } : {}),
      };
      const fromFile = flags.profileFile ? readOverridesFile(flags.profileFile) : {};
      const overrides: ProfileOverrides = {
        ...fromFile,
        ...(Object.keys(quirks).length ? { quirks: { ...fromFile.quirks, ...quirks } } : {}),
        ...(flags.minVersion ? { minVersion: flags.minVersion as ProfileOverrides['minVersion'] } : {}),
        ...(flags.maxVersion ? { maxVersion: flags.maxVersion as ProfileOverrides['maxVersion'] } : {}),
        ...(flags.ciphers ? { ciphers: flags.ciphers } : {}),
        ...(flags.groups ? { groups: flags.groups } : {}),
        ...(flags.dhBits ? { dhBits: flags.dhBits as ProfileOverrides['dhBits'] } : {}),
      };
      const limits: ConnectionLimits = {
        ...(flags.maxConnections ? { maxConnections: flags.maxConnections } : {}),
        ...(flags.maxPerClient ? { maxPerClient: flags.maxPerClient } : {}),
        ...(flags.sessionDeadline ? { sessionDeadlineMs: flags.sessionDeadline * 1000 } : {}),
      };
      const first: ReceiverSpec = {
        limits,
        profile: flags.profile,
        overrides,
        policy: flags.policy,
        personality: flags.personality,
        address: flags.listen,
        maxMessageBytes: flags.maxMessageSize ?? 26214400,
        // SMTP on 2525 when no port at all was given.
        smtp: flags.smtp ?? (flags.smtps || flags.imap || flags.imaps || flags.pop3 || flags.pop3s ? [] : [2525]),
        smtps: flags.smtps ?? [],
        ...(flags.hostname ? { hostname: flags.hostname } : {}),
      };
      const specs = [...(first.smtp?.length || first.smtps?.length ? [first] : []), ...(flags.peer ?? []).map((p) => ({ ...parsePeerSpec(p, flags.listen), limits }))];
      const credentials = parseLogins(flags.login);
      const mail = {
        profile: flags.profile, overrides, policy: flags.policy, address: flags.listen, limits,
        ...(credentials ? { credentials } : {}),
      };
      const imap: ImapServerSpec[] = flags.imap || flags.imaps ? [{ ...mail, imap: flags.imap ?? [], imaps: flags.imaps ?? [] }] : [];
      const pop3: Pop3ServerSpec[] = flags.pop3 || flags.pop3s ? [{ ...mail, pop3: flags.pop3 ?? [], pop3s: flags.pop3s ?? [] }] : [];
      await serveLab(specs, { ...(flags.runDir ? { runDir: flags.runDir } : {}), ...(flags.keylog ? { keylog: flags.keylog } : {}), format, imap, pop3, tui: flags.tui === true, ...(flags.deliveryWindow ? { deliveryWindowMs: flags.deliveryWindow * 1000 } : {}) });
    });
}

/** `--login alice:secret` → { alice: 'secret' }; undefined without any. */
function parseLogins(values: readonly string[] | undefined): Record<string, string> | undefined {
  if (!values?.length) return undefined;
  const out: Record<string, string> = {};
  for (const v of values) {
    const colon = v.indexOf(':');
    if (colon <= 0) throw new UsageError(`--login: got "${v}", want USER:PASSWORD`);
    out[v.slice(0, colon)] = v.slice(colon + 1);
  }
  return out;
}

export interface ServeOptions {
  readonly runDir?: string;
  /** SSLKEYLOGFILE for every TLS session of the lab. */
  readonly keylog?: string;
  readonly format: ReturnType<typeof parseFormat>;
  /** IMAP and POP3 peers serving what the receivers accept. */
  readonly imap?: readonly ImapServerSpec[];
  readonly pop3?: readonly Pop3ServerSpec[];
  /** Open the interactive console instead of printing lines (only on a terminal and outside CI). */
  readonly tui?: boolean;
  /** LabOptions.deliveryWindowMs. */
  readonly deliveryWindowMs?: number;
}

/**
 * Whether the console may open: asked for, stdin and stdout a terminal, and not under CI (CI logs
 * want today's lines, and ink would write only its last frame there).
 */
export function consoleWanted(asked: boolean | undefined, env: NodeJS.ProcessEnv = process.env, stdout: { isTTY?: boolean } = process.stdout, stdin: { isTTY?: boolean } = process.stdin): boolean {
  if (!asked) return false;
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI.toLowerCase() !== 'false';
  return !ci && !!stdout.isTTY && !!stdin.isTTY;
}

/**
 * Makes every certificate chain the peers need that is not cached yet, all at once (key generation
 * runs off the main thread), after one line saying so: a first start is otherwise silent for seconds.
 * Cached chains cost one small read each here; the peers then read them again from the cache.
 */
export async function makeChains(specs: readonly { profile: string | Profile; overrides?: ProfileOverrides }[], certsDir: string, log: (s: string) => void): Promise<void> {
  const chains = new Map<string, { chain: ChainSpec; name: string }>();
  for (const spec of specs) {
    const profile = typeof spec.profile === 'string' ? resolveProfile(spec.profile, spec.overrides) : spec.profile;
    if (profile.chain) chains.set(`${chainName(profile)}-${specId(profile.chain)}`, { chain: profile.chain, name: chainName(profile) });
  }
  const all = [...chains.values()];
  const cached = await Promise.all(all.map((c) => isChainCached(c.chain, { dir: certsDir, name: c.name })));
  const missing = all.filter((_, i) => !cached[i]);
  if (!missing.length) return;
  const started = performance.now();
  log(`making ${missing.length} certificate chain(s) in ${certsDir} (first start; cached from now on)…\n`);
  await Promise.all(missing.map((c) => getChain(c.chain, { dir: certsDir, name: c.name })));
  log(`certificates ready in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

/** Starts the receivers (and IMAP/POP3 servers), prints where they listen, prints sessions live, stops on Ctrl-C. */
export async function serveLab(specs: readonly ReceiverSpec[], opts: ServeOptions): Promise<void> {
  // Check every spec before the Lab makes its run folder, so that a typo leaves no empty runs/<time>/.
  for (const spec of specs) {
    compileProfile(typeof spec.profile === 'string' ? resolveProfile(spec.profile, spec.overrides) : spec.profile);
    parseServerPolicy(spec.policy ?? 'optional');
    personality(spec.personality ?? 'generic');
  }
  for (const spec of [...(opts.imap ?? []), ...(opts.pop3 ?? [])]) {
    compileProfile(typeof spec.profile === 'string' ? resolveProfile(spec.profile, spec.overrides) : spec.profile);
    parseServerPolicy(spec.policy ?? 'optional');
  }
  const lab = new Lab({ ...(opts.runDir ? { runDir: opts.runDir } : {}), ...(opts.keylog ? { keylog: opts.keylog } : {}), ...(opts.deliveryWindowMs ? { deliveryWindowMs: opts.deliveryWindowMs } : {}) });
  const err = (s: string): boolean => process.stderr.write(s);
  try {
    await makeChains([...specs, ...(opts.imap ?? []), ...(opts.pop3 ?? [])], lab.certsDir, err);
    for (const spec of specs) await lab.addReceiver(spec);
    for (const spec of opts.imap ?? []) await lab.addImapServer(spec);
    for (const spec of opts.pop3 ?? []) await lab.addPop3Server(spec);
  } catch (e) {
    await lab.stop();
    lab.runDir.removeIfUnused();
    throw e;
  }
  err(`mxlab lab: ${lab.runDir.path}\n`);
  if (lab.keylog) err(`  TLS key log: ${lab.keylog.file} (Wireshark: -o tls.keylog_file:${lab.keylog.file})\n`);
  const ports: MappedPort[] = [];
  for (const r of lab.receivers) {
    const spec = specs[lab.receivers.indexOf(r)];
    for (const l of r.endpoints) {
      ports.push({ address: l.address, port: l.port, kind: l.tlsMode === 'implicit' ? 'smtps' : 'smtp', name: r.name, profile: r.settings.profile, policy: l.tlsMode === 'implicit' ? 'implicit-tls' : (spec?.policy ?? 'optional') });
    }
  }
  for (const s of lab.servers) {
    for (const l of s.endpoints) {
      ports.push({ address: l.address, port: l.port, kind: `${s.protocol}${l.tlsMode === 'implicit' ? 's' : ''}`, name: s.name, profile: s.settings.profile, policy: l.tlsMode === 'implicit' ? 'implicit-tls' : s.policy });
    }
  }
  // A terminal gets one line per profile; a pipe (a log, a test) the one line per port it always had.
  for (const line of process.stderr.isTTY ? portGrid(ports) : portLines(ports)) err(`${line}\n`);
  if (lab.servers.length) err(`  IMAP/POP3 serve the messages the SMTP receivers accept (${lab.runDir.messagesDir}); ${opts.imap?.[0]?.credentials ?? opts.pop3?.[0]?.credentials ? 'only the --login users log in' : 'any user and password log in'}\n`);
  if (consoleWanted(opts.tui)) {
    // Loaded only here: the line output never pays for ink and React. React picks its build when it
    // is first imported; the development build checks every render and costs the lab sessions/s.
    process.env.NODE_ENV ??= 'production';
    const { runConsole } = await import('../tui/run-console.js');
    await runConsole(lab, { commands: consoleCommands(lab) });
    return;
  }
  err('Ctrl-C stops the lab; records are written as each session ends.\n');
  printSessions(lab.bus, opts.format, undefined, undefined, terminalLayout());
  await runUntilSignal(lab, err);
}
