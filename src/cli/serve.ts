import type { Command } from 'commander';
import { Lab, type ReceiverSpec } from '../lab/lab.js';
import { compileProfile } from '../profiles/compile.js';
import { readOverridesFile } from '../profiles/overrides-file.js';
import { resolveProfile, type ProfileOverrides } from '../profiles/resolve.js';
import { personality } from '../smtp/personality.js';
import { parseServerPolicy } from '../smtp/server-policy.js';
import { UsageError } from '../usage-error.js';
import { parseAddress, parseInteger, parseList, parsePort } from './option-parsers.js';
import { parseFormat, printSessions } from './printer.js';
import { runUntilSignal } from './run-until-signal.js';

interface ServeFlags {
  profile: string;
  policy: string;
  smtp?: number[];
  smtps?: number[];
  listen: string;
  personality: string;
  hostname?: string;
  runDir?: string;
  format: string;
  minVersion?: string;
  maxVersion?: string;
  ciphers?: string[];
  groups?: string[];
  dhBits?: number;
  profileFile?: string;
  peer?: string[];
  hideStarttls?: boolean;
  refuseStarttls?: boolean;
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
    .option('--listen <addr>', 'address to listen on (loopback unless told otherwise)', parseAddress, '127.0.0.1')
    .option('--personality <name>', 'banner/EHLO wording: generic | postfix | exchange', 'generic')
    .option('--hostname <name>', 'host name in the banner and Received header')
    .option('--peer <spec>', 'another receiver in the same lab: profile=P,policy=POL,smtp=PORT,smtps=PORT (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--min-version <v>', 'override the profile: lowest TLS version (TLSv1 … TLSv1.3)')
    .option('--max-version <v>', 'override the profile: highest TLS version')
    .option('--ciphers <list>', 'override the profile: TLS ≤1.2 suites, IANA names, comma-separated', parseList)
    .option('--groups <list>', 'override the profile: key-exchange groups (X25519,P-256,…)', parseList)
    .option('--dh-bits <n>', 'override the profile: DH parameter size', parseInteger('--dh-bits', 512, 8192))
    .option('--profile-file <file>', 'override profile fields from a YAML/JSON file')
    .option('--hide-starttls', 'quirk: leave STARTTLS out of the EHLO reply (the command still works)')
    .option('--refuse-starttls', 'quirk: advertise STARTTLS but answer it with 454 4.7.0')
    .option('--run-dir <dir>', 'folder for sessions.jsonl and messages (default: runs/<time>)')
    .option('--format <fmt>', 'live output: table | jsonl | exchange | postfix | esa', 'table')
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
      const first: ReceiverSpec = {
        profile: flags.profile,
        overrides,
        policy: flags.policy,
        personality: flags.personality,
        address: flags.listen,
        smtp: flags.smtp ?? (flags.smtps ? [] : [2525]),
        smtps: flags.smtps ?? [],
        ...(flags.hostname ? { hostname: flags.hostname } : {}),
      };
      const specs = [first, ...(flags.peer ?? []).map((p) => parsePeerSpec(p, flags.listen))];
      await serveLab(specs, { ...(flags.runDir ? { runDir: flags.runDir } : {}), format });
    });
}

/** Starts the receivers, prints where they listen, prints sessions live, stops on Ctrl-C. */
export async function serveLab(specs: readonly ReceiverSpec[], opts: { runDir?: string; format: ReturnType<typeof parseFormat> }): Promise<void> {
  // Check every spec before the Lab makes its run folder, so that a typo leaves no empty runs/<time>/.
  for (const spec of specs) {
    compileProfile(typeof spec.profile === 'string' ? resolveProfile(spec.profile, spec.overrides) : spec.profile);
    parseServerPolicy(spec.policy ?? 'optional');
    personality(spec.personality ?? 'generic');
  }
  const lab = new Lab(opts.runDir ? { runDir: opts.runDir } : {});
  const err = (s: string): boolean => process.stderr.write(s);
  try {
    for (const spec of specs) await lab.addReceiver(spec);
  } catch (e) {
    await lab.stop();
    throw e;
  }
  err(`mxlab lab: ${lab.runDir.path}\n`);
  for (const r of lab.receivers) {
    for (const l of r.listeners) {
      const spec = specs[lab.receivers.indexOf(r)];
      err(`  ${`${l.address}:${l.port}`.padEnd(22)}${(l.tlsMode === 'implicit' ? 'smtps' : 'smtp').padEnd(7)}${r.name.padEnd(34)}policy=${l.tlsMode === 'implicit' ? 'implicit-tls' : (spec?.policy ?? 'optional')}\n`);
    }
  }
  err('Ctrl-C stops the lab; records are written as each session ends.\n');
  printSessions(lab.bus, opts.format);
  await runUntilSignal(lab, err);
}
