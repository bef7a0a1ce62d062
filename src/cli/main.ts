import { Command, CommanderError } from 'commander';
import { UsageError } from '../usage-error.js';
import { registerScan } from './scan.js';

// Personalities such as dhe-1024 are weak on purpose; Node's warning about them is noise here.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name === 'SecurityWarning' && /DH parameter/.test(w.message)) return;
  process.stderr.write(`mxlab: ${w.name}: ${w.message}\n`);
});

/** Exit statuses: 0 ok, 1 a run that failed its checks, 2 bad input (usage). */
async function main(argv: string[]): Promise<number> {
  const program = new Command('mxlab')
    .description('SMTP/IMAP/POP3 TLS test harness built from fake peers')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ writeErr: (s) => process.stderr.write(s.startsWith('error:') ? `mxlab: ${s.slice(7)}` : s) });
  // `mxlab scan` is timed against sslscan (bench/scan.js): it loads no lab, no mail server and no
  // scenario engine, which are most of the start-up time of every other command.
  if (argv[2] !== 'scan') {
    const [serve, send, probe, proxy, defaultLab, profiles, certs, run, scenario] = await Promise.all([
      import('./serve.js'), import('./send.js'), import('./probe.js'), import('./proxy.js'),
      import('./default-lab.js'), import('./profiles.js'), import('./certs.js'), import('./run.js'), import('./scenario.js'),
    ]);
    serve.registerServe(program);
    send.registerSend(program);
    probe.registerProbe(program);
    registerScan(program);
    proxy.registerProxy(program);
    defaultLab.registerDefaultLab(program);
    profiles.registerProfiles(program);
    certs.registerCerts(program);
    run.registerRun(program);
    scenario.registerScenario(program);
  } else {
    registerScan(program);
  }
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
