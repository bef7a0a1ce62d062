import type { Command } from 'commander';
import { reporter, REPORTERS } from '../scenario/reporters.js';
import { ScenarioLoadError } from '../scenario/load.js';
import { closingLine, runPaths } from '../scenario/runner.js';
import { parseInteger } from './option-parsers.js';

/** `mxlab run`: scenario files as a regression suite; exit 0 all passed, 1 a test failed, 2 bad input. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run scenario files (YAML) as a regression suite: one test per expectation')
    .argument('[paths...]', 'scenario files or folders of *.yaml', ['scenarios'])
    .option('--reporter <name>', `output format: ${REPORTERS.join(', ')}`, 'pretty')
    .option('--sut <HOST:PORT>', 'the system under test, for actions with to: sut (overrides the files)')
    .option('--jobs <n>', 'scenarios in flight at once, each in its own lab', parseInteger('--jobs', 1, 64), 4)
    .action(async (paths: string[], flags: { reporter: string; sut?: string; jobs: number }) => {
      const out = reporter(flags.reporter);
      let summary;
      try {
        summary = await runPaths(paths, { jobs: flags.jobs, ...(flags.sut ? { sut: flags.sut } : {}), onWarning: (line) => process.stderr.write(`mxlab: warning: ${line}\n`) });
      } catch (err) {
        if (!(err instanceof ScenarioLoadError)) throw err;
        // Every problem of every file, one `file:line: path: got X, want Y` line each, then status 2.
        process.stderr.write(`${err.message}\n${err.problems.length} problem(s) in scenario files; nothing was run\n`);
        process.exitCode = 2;
        return;
      }
      process.stdout.write(out.render(summary));
      if (!out.closingOnStdout) process.stderr.write(`${closingLine(summary)}\n`);
      process.exitCode = summary.failed ? 1 : 0;
    });
}
