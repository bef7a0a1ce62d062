import type { Command } from 'commander';
import { EventBus } from '../events/event-bus.js';
import { Recorder } from '../lab/recorder.js';
import { RunDir } from '../lab/run-dir.js';
import { RecordBuilder } from '../record/builder.js';
import { scanTls, type ScanOptions } from '../scan/scan.js';
import { CHECKS, DEFAULT_CHECKS, runChecks, type Check } from '../scan/policy-checks.js';
import { parseTarget } from '../client/send-spec.js';
import { SCAN_PROTOCOLS, type ScanProtocol } from '../scan/scan-target.js';
import { badChoice } from '../text/did-you-mean.js';
import { UsageError } from '../usage-error.js';
import { CA_HELP, parseInteger, parseList, readCaFile } from './option-parsers.js';
import { printWarnings } from './printer.js';
import { renderScan } from '../scan/scan-text.js';

export interface ScanFlags {
  sni?: string;
  ehlo: string;
  ca?: string;
  timeout: number;
  maxConns?: number;
  rate?: number;
  failOn?: string;
  json?: boolean;
  runDir?: string;
}

function parseChecks(value: string | undefined): Check[] {
  if (value === undefined) return [...DEFAULT_CHECKS];
  const out: Check[] = [];
  for (const word of parseList(value)) {
    const check = CHECKS.find((c) => c === word.toLowerCase());
    if (!check) throw new UsageError(badChoice('--fail-on', word, CHECKS));
    out.push(check);
  }
  return out;
}

/** The scan's options, shared by `mxlab scan` and the console's `:scan`. */
export function scanOptions(cmd: Command): Command {
  return cmd
    .option('--sni <name>', 'server_name to send (default: the host unless it is an IP address)')
    .option('--ehlo <name>', 'EHLO name for SMTP STARTTLS', 'scan.mxlab.test')
    .option('--ca <file|lab>', `${CA_HELP}; default: the system store`)
    .option('--timeout <ms>', 'per connection: TCP, each reply, the answer to a hello', parseInteger('--timeout', 100, 600000), 5000)
    .option('--max-conns <n>', 'connections open at once (default 4; 16 on loopback)', parseInteger('--max-conns', 1, 256))
    .option('--rate <n>', 'connections per second at most', parseInteger('--rate', 1, 10000))
    .option('--fail-on <checks>', `comma-separated: ${CHECKS.join(', ')} (default ${DEFAULT_CHECKS.join(',')})`);
}

/** A checked scan request from the command's words: what to scan, how, and which checks decide. */
export function scanRequest(protocolArg: string, targetArg: string, flags: ScanFlags): { options: ScanOptions; checks: Check[] } {
  const protocol = SCAN_PROTOCOLS.find((p) => p === protocolArg.toLowerCase());
  if (!protocol) throw new UsageError(badChoice('protocol', protocolArg, SCAN_PROTOCOLS));
  const parsed = parseTarget(targetArg, 'target');
  const checks = parseChecks(flags.failOn);
  const ca = flags.ca ? [readCaFile(flags.ca)] : undefined;
  const options: ScanOptions = {
    target: { protocol: protocol as ScanProtocol, ...parsed },
    ehlo: flags.ehlo, timeoutMs: flags.timeout,
    ...(flags.sni ? { sni: flags.sni } : {}),
    ...(ca ? { ca } : {}),
    ...(flags.maxConns ? { maxConns: flags.maxConns } : {}),
    ...(flags.rate ? { rate: flags.rate } : {}),
  };
  return { options, checks };
}

export function registerScan(program: Command): void {
  scanOptions(program
    .command('scan')
    .description('scan a server\'s TLS with raw ClientHellos: versions, every known suite, server order, groups, DH size, chain, intolerance')
    .argument('<protocol>', SCAN_PROTOCOLS.join(' | '))
    .argument('<host:port>', 'the server under test'))
    .option('--json', 'print the findings as JSON')
    .option('--run-dir <dir>', 'folder for sessions.jsonl (default: runs/<time>)')
    .action(async (protocolArg: string, targetArg: string, flags: ScanFlags) => {
      const { options, checks } = scanRequest(protocolArg, targetArg, flags);
      // The lab's event stream and recorder without the lab: the scan needs no peer, and the
      // command's start-up time is what bench/scan.js compares with sslscan.
      const bus = new EventBus();
      const runDir = flags.runDir ? new RunDir(flags.runDir) : RunDir.create('runs');
      const builder = new RecordBuilder(bus);
      const recorder = new Recorder(bus, runDir.sessionsFile);
      printWarnings(bus);
      let report;
      try {
        report = await scanTls({ bus, ...options });
      } finally {
        builder.close();
        recorder.close();
      }
      const failures = report.unreachable ? [] : runChecks(report, checks);
      process.stdout.write(flags.json ? JSON.stringify({ ...report, checks: { run: checks, failures } }, null, 2) + '\n' : renderScan(report, failures));
      process.stderr.write(`records: ${runDir.sessionsFile}\n`);
      // Not scanned at all (refused, no STARTTLS, 421, silence) or no TLS: the check cannot pass.
      if (report.unreachable || report.noTls || failures.length > 0) process.exitCode = 1;
    });
}
