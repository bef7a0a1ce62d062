import type { Command } from 'commander';
import { Lab } from '../lab/lab.js';
import { parseHostPort, parseProxyProtocol, parseStripMode, planProxy, PROXY_PROTOCOLS, STRIP_MODES } from '../proxy/proxy-spec.js';
import { parseFormat, printSessions, terminalLayout } from './printer.js';
import { runUntilSignal } from './run-until-signal.js';

interface ProxyFlags {
  listen: string;
  upstream: string;
  protocol: string;
  strip: string;
  name?: string;
  runDir?: string;
  format: string;
}

/**
 * Where the proxy listens unless told: below the default lab's ports (2525 and up, `defaultLabPorts`),
 * so `mxlab proxy` runs beside `npm start`.
 */
export const DEFAULT_PROXY_LISTEN = '127.0.0.1:2500';

/** `--listen 2500` or `--listen 127.0.0.1:2500`. */
function parseListen(value: string): { address: string; port: number } {
  if (/^\d+$/.test(value)) value = `127.0.0.1:${value}`;
  const { host, port } = parseHostPort('--listen', value, true);
  return { address: host === 'localhost' ? '127.0.0.1' : host, port };
}

export function registerProxy(program: Command): void {
  program
    .command('proxy')
    .description('MITM proxy between a real client and a real server that attacks STARTTLS, with one record per client connection')
    .requiredOption('--upstream <host:port>', 'the real server (SMTP, IMAP or POP3 with STARTTLS/STLS)')
    .option('--listen <addr:port>', 'where clients connect (a bare port means 127.0.0.1; the default is outside the default lab\'s ports)', DEFAULT_PROXY_LISTEN)
    .option('--protocol <p>', `protocol spoken through the proxy: ${PROXY_PROTOCOLS.join(' | ')}`, 'smtp')
    .option('--strip <mode>', `${STRIP_MODES.join(' | ')}: remove STARTTLS from the capabilities, refuse it with 454 / NO / -ERR, mangle the command, or only observe`, 'capability')
    .option('--name <peer>', 'peer name in records (default <protocol>-proxy)')
    .option('--run-dir <dir>', 'folder for sessions.jsonl (default: runs/<time>)')
    .option('--format <fmt>', 'live output: table | jsonl | exchange | postfix | esa', 'table')
    .action(async (flags: ProxyFlags) => {
      const format = parseFormat(flags.format);
      const listen = parseListen(flags.listen);
      const spec = {
        protocol: parseProxyProtocol(flags.protocol), strip: parseStripMode(flags.strip), upstream: flags.upstream,
        address: listen.address, port: listen.port, ...(flags.name ? { name: flags.name } : {}),
      };
      // Checked before the Lab makes its run folder, so a typo leaves no empty runs/<time>/.
      planProxy(spec);
      const lab = new Lab(flags.runDir ? { runDir: flags.runDir } : {});
      const err = (s: string): boolean => process.stderr.write(s);
      let proxy;
      try {
        proxy = await lab.addProxy(spec);
      } catch (e) {
        await lab.stop();
        throw e;
      }
      const l = proxy.endpoints[0]!;
      err(`mxlab lab: ${lab.runDir.path}\n`);
      err(`  ${`${l.address}:${l.port}`.padEnd(22)}${proxy.protocol.padEnd(7)}${proxy.name.padEnd(20)}→ ${proxy.plan.upstream.host}:${proxy.plan.upstream.port}  strip=${proxy.plan.strip}\n`);
      err('Ctrl-C stops the proxy; one record per client connection, with the verdict: did the client go on in plaintext, and what did it send in the clear?\n');
      printSessions(lab.bus, format, undefined, undefined, terminalLayout());
      await runUntilSignal(lab, err);
    });
}
