import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { projectPath } from '../project-root.js';
import { UsageError } from '../usage-error.js';
import { registerCommands } from './commands.js';

// Personalities such as dhe-1024 are weak on purpose; Node's warning about them is noise here.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name === 'SecurityWarning' && /DH parameter/.test(w.message)) return;
  process.stderr.write(`mxlab: ${w.name}: ${w.message}\n`);
});

/** The version in mxlab's package.json. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string }).version;
}

/** Exit statuses: 0 ok, 1 a run that failed its checks, 2 bad input (usage). */
async function main(argv: string[]): Promise<number> {
  const program = new Command('mxlab')
    .description('SMTP/IMAP/POP3 TLS test harness built from fake peers')
    .version(packageVersion(), '-V, --version', 'print the version of mxlab')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ writeErr: (s) => process.stderr.write(s.startsWith('error:') ? `mxlab: ${s.slice(7)}` : s) });
  await registerCommands(program, argv.slice(2));
  try {
    await program.parseAsync(argv);
    // A command may have set a failing status (a delivery its policy refused).
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? 0 : 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`mxlab: ${err.message}\n`);
      return 2;
    }
    const e = err as NodeJS.ErrnoException & { peer?: string; stage?: string };
    // A listener that cannot bind (address in use, not ours, not an address at all) is bad input too.
    if (e.stage === 'listen' || e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') {
      process.stderr.write(`mxlab: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`mxlab: ${e.stack ?? String(e)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv);
