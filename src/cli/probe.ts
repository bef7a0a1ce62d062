import type { Command } from 'commander';
import { printWarnings } from './printer.js';
import { Lab } from '../lab/lab.js';
import { parseProbeProtocol, type ProbeSpec } from '../probe/probe.js';
import { planDelivery } from '../client/send-spec.js';
import { parseInteger, readCaFile } from './option-parsers.js';
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
    .option('--ca <file>', 'trust anchors (PEM) for the certificate verdict, e.g. from mxlab certs --export-ca')
    .option('--tls-domain <name>', 'name the certificate must carry under secure; also sent as SNI')
    .option('--timeout <ms>', 'connect / greeting / per-command timeout', parseInteger('--timeout', 100, 600000), 15000)
    .option('--json', 'print the session record as JSON')
    .option('--run-dir <dir>', 'folder for sessions.jsonl (default: runs/probe-<date>, shared by the day\'s probes)');
}

/** Checks the probe's arguments and makes its spec before anything connects. */
export function probeSpec(protocolArg: string, target: string, flags: ProbeFlags): ProbeSpec {
  const protocol = parseProbeProtocol(protocolArg);
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
      let record;
      try {
        record = await lab.probe(spec);
      } finally {
        await lab.stop();
      }
      process.stdout.write(flags.json ? JSON.stringify(record, null, 2) + '\n' : renderProbe(record));
      process.stderr.write(`records: appended to ${lab.runDir.sessionsFile}\n`);
      if (record.result !== 'tls' && record.result !== 'plaintext') process.exitCode = 1;
    });
}
