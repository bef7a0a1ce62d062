import type { Command } from 'commander';
import { printWarnings } from './printer.js';
import { Lab } from '../lab/lab.js';
import { CATALOGUE } from '../profiles/catalogue.js';
import type { TlsVersion } from '../profiles/profile.js';
import { resolveProfile } from '../profiles/resolve.js';
import type { SessionRecord } from '../model/session-record.js';
import { parseClientPolicy } from '../model/client-policy.js';
import { planDelivery, type SendSpec } from '../client/send-spec.js';
import { badChoice } from '../text/did-you-mean.js';
import { UsageError } from '../usage-error.js';
import { parseInteger, parseList, readFlagFile, readCaFile, CA_HELP } from './option-parsers.js';
import { renderDelivery, renderMatrix } from './send-report.js';

export interface SendFlags {
  to: string;
  implicit?: boolean;
  policy?: string;
  ignoreStarttls?: boolean;
  requireTls?: boolean;
  tlsAuthLevel?: string;
  profile: string;
  ciphers?: string[];
  minVersion?: string;
  maxVersion?: string;
  groups?: string[];
  tlsDomain?: string;
  ca?: string;
  from?: string;
  rcpt?: string[];
  data?: string;
  body?: string;
  subject?: string;
  helo?: string;
  timeout: number;
  matrix?: boolean;
  reportOnly?: boolean;
  jobs: number;
  json?: boolean;
  runDir?: string;
  keylog?: string;
  fallback?: string;
  retryAfter?: number;
}

const AUTH_LEVELS = ['EncryptionOnly', 'CertificateValidation', 'DomainValidation'];

/**
 * The policy from whichever vocabulary the user spoke: --policy (mxlab, Postfix, Cisco ESA words) or
 * Exchange's send-connector switches (--ignore-starttls, --require-tls, --tls-auth-level).
 */
function policyFrom(flags: SendFlags): string {
  const exchange = flags.ignoreStarttls || flags.requireTls || flags.tlsAuthLevel;
  if (flags.policy && exchange) throw new UsageError('--policy and the Exchange switches (--ignore-starttls, --require-tls, --tls-auth-level) say the same thing twice; give one of them');
  if (flags.tlsAuthLevel) {
    const level = AUTH_LEVELS.find((l) => l.toLowerCase() === flags.tlsAuthLevel!.toLowerCase());
    if (!level) throw new UsageError(badChoice('--tls-auth-level', flags.tlsAuthLevel, AUTH_LEVELS));
    // Exchange ignores TlsAuthLevel unless RequireTLS is set; accepting it alone would mislead.
    if (!flags.requireTls) throw new UsageError('--tls-auth-level takes effect only with --require-tls (as on an Exchange send connector)');
    if (flags.ignoreStarttls) throw new UsageError('--ignore-starttls contradicts --require-tls');
    return level;
  }
  if (flags.requireTls && flags.ignoreStarttls) throw new UsageError('--ignore-starttls contradicts --require-tls');
  if (flags.requireTls) return 'RequireTLS';
  if (flags.ignoreStarttls) return 'IgnoreSTARTTLS';
  return flags.policy ?? 'may';
}

function fallbackFrom(value: string): 'immediate' | 'deferred' {
  if (value === 'immediate' || value === 'deferred') return value;
  throw new UsageError(badChoice('--fallback', value, ['immediate', 'deferred']));
}

function specFrom(flags: SendFlags, profile: string): SendSpec {
  const ca = flags.ca ? readCaFile(flags.ca) : undefined;
  const data = flags.data ? readFlagFile('--data', flags.data) : undefined;
  return {
    to: flags.to,
    implicit: !!flags.implicit,
    policy: policyFrom(flags),
    profile,
    overrides: {
      ...(flags.ciphers ? { ciphers: flags.ciphers } : {}),
      ...(flags.minVersion ? { minVersion: flags.minVersion as TlsVersion } : {}),
      ...(flags.maxVersion ? { maxVersion: flags.maxVersion as TlsVersion } : {}),
      ...(flags.groups ? { groups: flags.groups } : {}),
    },
    name: `send-${profile}`,
    ...(flags.tlsDomain ? { tlsDomain: flags.tlsDomain } : {}),
    ...(ca ? { ca } : {}),
    ...(flags.from ? { from: flags.from } : {}),
    ...(flags.rcpt?.length ? { rcpt: flags.rcpt } : {}),
    ...(data ? { data } : {}),
    ...(flags.body ? { body: flags.body } : {}),
    ...(flags.subject ? { subject: flags.subject } : {}),
    ...(flags.helo ? { helo: flags.helo } : {}),
    ...(flags.fallback ? { fallback: fallbackFrom(flags.fallback) } : {}),
    ...(flags.retryAfter !== undefined ? { retryAfterMs: flags.retryAfter * 1000 } : {}),
    timeouts: { connectMs: flags.timeout, greetingMs: flags.timeout, commandMs: flags.timeout, totalMs: Math.max(flags.timeout * 4, 30000) },
  };
}

/** A delivery counts as done when mail went: TLS, plaintext, or downgraded, and no refusal. */
export function delivered(r: SessionRecord): boolean {
  return (r.result === 'tls' || r.result === 'plaintext' || r.result === 'downgraded') && r.messages.length > 0;
}

/** Runs `limit` tasks at a time, keeping the order of the results. */
async function pool<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await run(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * The options of `send`, shared by the CLI command and the console's `:send` (same parsing, same
 * messages). `--to` is the CLI's; the console gives the target as the first word.
 */
export function sendOptions(command: Command): Command {
  return command
    .option('--implicit', 'implicit TLS (SMTPS, port 465 style) instead of STARTTLS')
    .option('--policy <policy>', 'none | may | encrypt | verify | secure (also Cisco ESA: off, preferred, required, preferred-verify, required-verify)')
    .option('--ignore-starttls', 'Exchange: IgnoreSTARTTLS = true (policy none)')
    .option('--require-tls', 'Exchange: RequireTLS = true (policy encrypt)')
    .option('--tls-auth-level <level>', 'Exchange: TlsAuthLevel EncryptionOnly | CertificateValidation | DomainValidation (with --require-tls)')
    .option('--profile <name>', "the sender's TLS personality", 'modern')
    .option('--ciphers <list>', "override the sender profile: TLS ≤1.2 suites, IANA names, comma-separated", parseList)
    .option('--min-version <v>', 'override the sender profile: lowest TLS version')
    .option('--max-version <v>', 'override the sender profile: highest TLS version')
    .option('--groups <list>', 'override the sender profile: key-exchange groups', parseList)
    .option('--tls-domain <name>', 'name the certificate must carry under secure (Exchange TlsDomain); also sent as SNI')
    .option('--ca <file|lab>', `${CA_HELP}; default: the system store`)
    .option('--from <addr>', 'envelope sender')
    .option('--rcpt <addr>', 'envelope recipient (repeatable, or comma-separated)', (v: string, prev: string[] = []) => [...prev, ...parseList(v)])
    .option('--data <file>', 'the whole message (headers and body)')
    .option('--body <text>', 'body text; mxlab writes the headers')
    .option('--subject <text>', 'subject when --body is used')
    .option('--helo <name>', 'EHLO name')
    .option('--fallback <when>', 'policy may after a failed handshake: immediate (retry without TLS at once) | deferred (after --retry-after, as Postfix after minimal_backoff_time)')
    .option('--retry-after <seconds>', 'with --fallback deferred: the wait before the plaintext retry (Postfix minimal_backoff_time, default 300)', parseInteger('--retry-after', 0, 86400))
    .option('--timeout <ms>', 'connect / greeting / per-command timeout', parseInteger('--timeout', 100, 600000), 15000)
    .option('--matrix', 'send once with every built-in profile as the sender and print one row each; exit 1 unless every row got the mail through')
    .option('--report-only', 'with --matrix: print the rows and exit 0 whatever they say')
    .option('--jobs <n>', 'deliveries at once with --matrix', parseInteger('--jobs', 1, 64), 4)
    .option('--json', 'print the session record(s) as JSON')
    .option('--run-dir <dir>', 'folder for sessions.jsonl (default: runs/send-<date>, shared by the day\'s sends)')
    .option('--keylog <file>', 'append the TLS secrets of every connection to FILE (SSLKEYLOGFILE format, for Wireshark)');
}

/** Checks send flags and makes the specs (one per profile under --matrix) before anything is sent. */
export function sendSpecs(flags: SendFlags): SendSpec[] {
  if (flags.reportOnly && !flags.matrix) throw new UsageError('--report-only goes with --matrix (a single delivery\'s exit status is its outcome)');
  const profiles = flags.matrix ? CATALOGUE.map((p) => p.name) : [flags.profile];
  const specs = profiles.map((p) => specFrom(flags, p));
  for (const s of specs) planDelivery(s);
  parseClientPolicy(String(specs[0]!.policy));
  resolveProfile(flags.profile);
  return specs;
}

export function registerSend(program: Command): void {
  const command = program
    .command('send')
    .description('deliver a message to a server under test as a fake sending MTA, under a connector policy');
  sendOptions(command.requiredOption('--to <host:port>', 'the server under test'))
    .action(async (flags: SendFlags) => {
      const profiles = flags.matrix ? CATALOGUE.map((p) => p.name) : [flags.profile];
      // Every input is checked before anything is sent or a run folder is made.
      const specs = sendSpecs(flags);
      const lab = new Lab({ ...(flags.runDir ? { runDir: flags.runDir } : { dailyRunKind: 'send' }), ...(flags.keylog ? { keylog: flags.keylog } : {}) });
      printWarnings(lab.bus);
      const started = Date.now();
      let records: SessionRecord[];
      try {
        records = await pool(specs, flags.matrix ? flags.jobs : 1, (s) => lab.send(s));
      } finally {
        await lab.stop();
      }
      const wallMs = Date.now() - started;
      if (flags.json) {
        process.stdout.write(JSON.stringify(flags.matrix ? records : records[0], null, 2) + '\n');
      } else if (flags.matrix) {
        process.stdout.write(renderMatrix(records, profiles, { target: flags.to, policy: records[0]?.policyLabel ?? String(specs[0]!.policy), wallMs, jobs: flags.jobs, delivered, reportOnly: !!flags.reportOnly }));
      } else {
        process.stdout.write(renderDelivery(records[0]!));
      }
      process.stderr.write(`records: appended to ${lab.runDir.sessionsFile}\n`);
      // A delivery (every row of a matrix) fails the command when its policy failed it; --report-only
      // makes a matrix a report.
      if (!(flags.matrix && flags.reportOnly) && !records.every(delivered)) process.exitCode = 1;
    });
}
