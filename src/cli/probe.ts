import type { Command } from 'commander';
import { printWarnings } from './printer.js';
import { Lab } from '../lab/lab.js';
import { parseProbeProtocol, type ProbeSpec } from '../probe/probe.js';
import { parseTarget, planDelivery } from '../client/send-spec.js';
import { parseClientPolicy } from '../model/client-policy.js';
import { UsageError } from '../usage-error.js';
import { watchGreeting } from './greeting-watch.js';
import { parseInteger, readCaFile, CA_HELP } from './option-parsers.js';
import { renderProbe } from './probe-report.js';

export interface ProbeFlags {
  implicit?: boolean;
  policy: string;
  profile: string;
  ca?: string;
  tlsDomain?: string;
  timeout: number;
  json?: boolean;
  runDir?: string;
}

/** The options of `probe`, shared by the CLI command and the console's `:probe`. */
export function probeOptions(command: Command): Command {
  return command
    .option('--implicit', 'implicit TLS (465/993/995 style) instead of STARTTLS/STLS')
    .option('--policy <policy>', 'client policy: none | may | encrypt | verify | secure (also the Exchange / Cisco ESA words)', 'may')
    .option('--profile <name>', "the probe's TLS personality", 'modern')
    .option('--ca <file|lab>', `${CA_HELP}; default: the system store`)
    .option('--tls-domain <name>', 'name the certificate must carry under secure; also sent as SNI')
    .option('--timeout <ms>', 'connect / greeting / per-command timeout', parseInteger('--timeout', 100, 600000), 15000)
    .option('--json', 'print the session record as JSON')
    .option('--run-dir <dir>', 'folder for sessions.jsonl (default: runs/probe-<date>, shared by the day\'s probes)');
}

/** How usage errors name the probe's target: it is an argument, not a flag. */
const TARGET_ARG = 'the HOST:PORT argument';
const IMPLICIT_PORTS: Readonly<Record<string, string>> = { smtp: 'an SMTPS (465 style)', imap: 'an IMAPS (993 style)', pop3: 'a POP3S (995 style)' };

/** Checks the probe's arguments and makes its spec before anything connects. */
export function probeSpec(protocolArg: string, target: string, flags: ProbeFlags): ProbeSpec {
  const protocol = parseProbeProtocol(protocolArg);
  parseTarget(target, TARGET_ARG);
  if (flags.implicit && parseClientPolicy(flags.policy).policy === 'none') {
    throw new UsageError(`--policy none cannot be combined with --implicit: ${IMPLICIT_PORTS[protocol]} port has no plaintext`);
  }
  const ca = flags.ca ? readCaFile(flags.ca) : undefined;
  const spec: ProbeSpec = {
    protocol, to: target, implicit: !!flags.implicit, policy: flags.policy, profile: flags.profile,
    ...(ca ? { ca } : {}),
    ...(flags.tlsDomain ? { tlsDomain: flags.tlsDomain } : {}),
    timeouts: { connectMs: flags.timeout, greetingMs: flags.timeout, commandMs: flags.timeout, totalMs: Math.max(flags.timeout * 4, 30000) },
  };
  planDelivery({ ...spec, name: `probe-${protocol}` });
  return spec;
}

export function registerProbe(program: Command): void {
  const command = program
    .command('probe')
    .description('connect to an SMTP, IMAP or POP3 server like openssl s_client -starttls and print its session record (no mail, no password sent)')
    .argument('<protocol>', 'smtp | imap | pop3')
    .argument('<host:port>', 'the server under test');
  probeOptions(command)
    .action(async (protocolArg: string, target: string, flags: ProbeFlags) => {
      // Every input is checked before a run folder is made.
      const spec = probeSpec(protocolArg, target, flags);
      const lab = new Lab(flags.runDir ? { runDir: flags.runDir } : { dailyRunKind: 'probe' });
      printWarnings(lab.bus);
      const to = parseTarget(target, TARGET_ARG);
      const unwatch = spec.implicit ? () => undefined : watchGreeting(lab.bus, {
        peer: `probe-${spec.protocol}`, protocol: String(spec.protocol), host: to.host, port: to.port, waitMs: flags.timeout,
        onHint: (line) => process.stderr.write(`mxlab: ${line}\n`),
      });
      let record;
      try {
        record = await lab.probe(spec);
      } finally {
        unwatch();
        await lab.stop();
      }
      process.stdout.write(flags.json ? JSON.stringify(record, null, 2) + '\n' : renderProbe(record));
      process.stderr.write(`records: appended to ${lab.runDir.sessionsFile}\n`);
      if (record.result !== 'tls' && record.result !== 'plaintext') process.exitCode = 1;
    });
}
