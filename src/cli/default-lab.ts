import type { Command } from 'commander';
import { CATALOGUE } from '../profiles/catalogue.js';
import { parseAddress, parseInteger } from './option-parsers.js';
import { parseFormat } from './printer.js';
import { serveLab } from './serve.js';

/**
 * `mxlab lab` (what `npm start` runs): per built-in profile one SMTP receiver and one IMAP and one
 * POP3 server, on consecutive ports in blocks of 100 from --base-port: SMTP (STARTTLS) +0, SMTPS
 * +100, IMAP (STARTTLS) +200, IMAPS +300, POP3 (STLS) +400, POP3S +500. With the default 2525 that
 * is 2525…, 2625…, 2725…, 2825…, 2925…, 3025…; every IMAP/POP3 server serves the one lab mailbox.
 */
/** The default lab's first SMTP port (`npm start`). */
export const DEFAULT_BASE_PORT = 2525;
/** The offsets of the six blocks: SMTP, SMTPS, IMAP, IMAPS, POP3, POP3S. */
const BLOCKS = [0, 100, 200, 300, 400, 500] as const;

/** Every port the default lab listens on from `base` (one per built-in profile in each block). */
export function defaultLabPorts(base = DEFAULT_BASE_PORT): number[] {
  return BLOCKS.flatMap((offset) => CATALOGUE.map((_, i) => base + offset + i));
}

export function registerDefaultLab(program: Command): void {
  program
    .command('lab')
    .description('run the default lab: per built-in profile a fake SMTP receiver and IMAP and POP3 servers, on consecutive loopback ports')
    .option('--base-port <port>', 'first SMTP port; SMTPS, IMAP, IMAPS, POP3 and POP3S ports start 100, 200 … 500 higher', parseInteger('--base-port', 1, 65000), DEFAULT_BASE_PORT)
    .option('--listen <addr>', 'address to listen on', parseAddress, '127.0.0.1')
    .option('--policy <policy>', 'server TLS policy for every receiver', 'optional')
    .option('--run-dir <dir>', 'folder for sessions.jsonl and messages (default: runs/<time>)')
    .option('--format <fmt>', 'live output: table | jsonl | exchange | postfix | esa', 'table')
    .option('--keylog <file>', 'append every TLS session\'s secrets to FILE (SSLKEYLOGFILE format)')
    .option('--delivery-window <seconds>', "a sending MTA's connections this far apart are one delivery for its verdict (Postfix at may falls back only after minimal_backoff_time, 300 s)", parseInteger('--delivery-window', 1, 86400), 900)
    .option('--no-tui', 'print one line per session instead of opening the console on a terminal')
    .action(async (flags: { basePort: number; listen: string; policy: string; runDir?: string; format: string; keylog?: string; tui: boolean; deliveryWindow: number }) => {
      const format = parseFormat(flags.format);
      const specs = CATALOGUE.map((p, i) => ({
        profile: p.name,
        policy: flags.policy,
        address: flags.listen,
        smtp: [flags.basePort + i],
        smtps: [flags.basePort + 100 + i],
      }));
      const base = { policy: flags.policy, address: flags.listen };
      const imap = CATALOGUE.map((p, i) => ({ ...base, profile: p.name, name: `${p.name}-imap`, imap: [flags.basePort + 200 + i], imaps: [flags.basePort + 300 + i] }));
      const pop3 = CATALOGUE.map((p, i) => ({ ...base, profile: p.name, name: `${p.name}-pop3`, pop3: [flags.basePort + 400 + i], pop3s: [flags.basePort + 500 + i] }));
      process.stderr.write(`ports: SMTP ${flags.basePort}…, SMTPS ${flags.basePort + 100}…, IMAP ${flags.basePort + 200}…, IMAPS ${flags.basePort + 300}…, POP3 ${flags.basePort + 400}…, POP3S ${flags.basePort + 500}… (one per profile, in catalogue order)\n`);
      await serveLab(specs, { ...(flags.runDir ? { runDir: flags.runDir } : {}), ...(flags.keylog ? { keylog: flags.keylog } : {}), format, imap, pop3, tui: flags.tui, deliveryWindowMs: flags.deliveryWindow * 1000 });
    });
}
