import { Command, CommanderError } from 'commander';
import type { Lab } from '../lab/lab.js';
import type { SessionRecord } from '../model/session-record.js';
import { UsageError } from '../usage-error.js';
import { runChecks } from '../scan/policy-checks.js';
import { scanSummary } from '../scan/scan-text.js';
import { probeOptions, probeSpec, type ProbeFlags } from './probe.js';
import { type ScanFlags, scanOptions, scanRequest } from './scan.js';
import { type SendFlags, sendOptions, sendSpecs } from './send.js';

/** Splits a command line into words: spaces separate, single or double quotes group. */
export function splitWords(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

const oneLine = (r: SessionRecord): string => `${r.peer}: ${r.result}${r.version ? ` ${r.version}` : ''}${r.cipher ? ` ${r.cipher.openssl}` : ''}${r.reason ? ` (${r.reason})` : r.reply ? ` (${r.reply})` : r.error ? ` (${r.error.message})` : ''}`;

/** The scan protocol word for a lab peer's endpoint: smtp/imap/pop3 over STARTTLS, else their implicit-TLS names. */
const scanProtocol = (protocol: string, implicit: boolean): string => (implicit ? (protocol === 'smtp' ? 'smtps' : `${protocol}s`) : protocol);

/**
 * The console's `:send`, `:probe` and `:scan`, parsed by the CLI's own option definitions and checks so that
 * they accept the same flags and say the same things about bad input; they act on the console's lab.
 * The target may be a lab peer's name (`:send tls10-only --policy encrypt`, `:scan tls10-only`) or HOST:PORT.
 */
export function consoleCommands(lab: Lab): (line: string) => Promise<string> {
  const peerTarget = (word: string): { to: string; protocol: string; implicit: boolean } | undefined => {
    const peer = lab.listPeers().find((p) => p.name === word);
    const e = peer?.endpoints.find((x) => x.tlsMode === 'explicit') ?? peer?.endpoints[0];
    if (!peer || !e) return undefined;
    const host = e.address === '0.0.0.0' ? '127.0.0.1' : e.address === '::' ? '[::1]' : e.address.includes(':') ? `[${e.address}]` : e.address;
    return { to: `${host}:${e.port}`, protocol: peer.protocol, implicit: e.tlsMode === 'implicit' };
  };
  return async (line) => {
    const words = splitWords(line);
    const verb = words.shift();
    let said = '';
    const program = new Command('mxlab')
      .exitOverride()
      .showSuggestionAfterError(true)
      .configureOutput({ writeOut: (s) => (said += s), writeErr: (s) => (said += s) });
    let result = '';
    sendOptions(program.command('send').requiredOption('--to <host:port>', 'the server under test').exitOverride())
      .action(async (flags: SendFlags) => {
        const records = await Promise.all(sendSpecs(flags).map((s) => lab.send(s)));
        result = records.map(oneLine).join('; ');
      });
    probeOptions(program.command('probe').argument('<protocol>').argument('<host:port>').exitOverride())
      .action(async (protocol: string, target: string, flags: ProbeFlags) => {
        result = oneLine(await lab.probe(probeSpec(protocol, target, flags)));
      });
    scanOptions(program.command('scan').argument('<protocol>').argument('<host:port>').exitOverride())
      .action(async (protocol: string, target: string, flags: ScanFlags) => {
        const { options, checks } = scanRequest(protocol, target, flags);
        const report = await lab.scan(options);
        result = scanSummary(report, report.unreachable ? [] : runChecks(report, checks));
      });
    let args = words;
    if (verb === 'send' && words[0] && !words[0].startsWith('-')) {
      const peer = peerTarget(words[0]);
      args = ['--to', peer?.to ?? words[0], ...(peer?.implicit ? ['--implicit'] : []), ...words.slice(1)];
    } else if (verb === 'probe' && words[0] && !words[0].startsWith('-')) {
      const peer = peerTarget(words[0]);
      if (peer) args = [peer.protocol, peer.to, ...(peer.implicit ? ['--implicit'] : []), ...words.slice(1)];
    } else if (verb === 'scan' && words[0] && !words[0].startsWith('-')) {
      const peer = peerTarget(words[0]);
      if (peer) args = [scanProtocol(peer.protocol, peer.implicit), peer.to, ...words.slice(1)];
    } else if (verb !== 'send' && verb !== 'probe' && verb !== 'scan') {
      return `:${verb ?? ''}: want send, probe or scan (or filter, run, help, q)`;
    }
    try {
      await program.parseAsync([verb, ...args], { from: 'user' });
    } catch (err) {
      if (err instanceof CommanderError) return said.trim().replace(/^error: /, 'mxlab: ');
      if (err instanceof UsageError) return `mxlab: ${err.message}`;
      throw err;
    }
    return result;
  };
}
