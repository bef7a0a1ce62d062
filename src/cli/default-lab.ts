import type { Command } from 'commander';
import { CATALOGUE } from '../profiles/catalogue.js';
import { parseAddress, parseInteger } from './option-parsers.js';
import { parseFormat } from './printer.js';
import { serveLab } from './serve.js';

/**
 * `mxlab lab` (what `npm start` runs): one receiver per built-in profile, STARTTLS on consecutive
 * ports from --base-port and SMTPS on consecutive ports from --base-port + 100.
 */
export function registerDefaultLab(program: Command): void {
  program
    .command('lab')
    .description('run the default lab: one fake receiver per built-in profile on consecutive loopback ports')
    .option('--base-port <port>', 'first STARTTLS port; SMTPS ports start 100 higher', parseInteger('--base-port', 1, 65400), 2525)
    .option('--listen <addr>', 'address to listen on', parseAddress, '127.0.0.1')
    .option('--policy <policy>', 'server TLS policy for every receiver', 'optional')
    .option('--run-dir <dir>', 'folder for sessions.jsonl and messages (default: runs/<time>)')
    .option('--format <fmt>', 'live output: table | jsonl | exchange | postfix | esa', 'table')
    .action(async (flags: { basePort: number; listen: string; policy: string; runDir?: string; format: string }) => {
      const format = parseFormat(flags.format);
      const specs = CATALOGUE.map((p, i) => ({
        profile: p.name,
        policy: flags.policy,
        address: flags.listen,
        smtp: [flags.basePort + i],
        smtps: [flags.basePort + 100 + i],
      }));
      await serveLab(specs, { ...(flags.runDir ? { runDir: flags.runDir } : {}), format });
    });
}
