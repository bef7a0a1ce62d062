import type { Command } from 'commander';
import { reporter, REPORTERS } from '../scenario/reporters.js';
import { ScenarioLoadError } from '../scenario/load.js';
import type { AwaitProgress } from '../scenario/run-scenario.js';
import { closingLine, parseShard, runPaths, type Shard } from '../scenario/runner.js';
import { parseInteger } from './option-parsers.js';

const clock = (ms: number): string => new Date(ms).toTimeString().slice(0, 8);

/** What an `await` scenario is waiting for, on stderr (stdout is the report, parseable). */
export function awaitLine(p: AwaitProgress): string {
  const who = `${p.file}: ${p.peer}`;
  if (p.kind === 'waiting') {
    const where = p.endpoints.map((e) => `${e.address}:${e.port} (${e.protocol}${e.tlsMode === 'implicit' ? ', implicit TLS' : ''})`).join(', ') || 'no endpoint';
    return `${who}: waiting for your system to connect to ${where}: ${p.count} session${p.count === 1 ? '' : 's'} by ${clock(p.deadline)} (${Math.round((p.deadline - Date.now()) / 1000)} s)`;
  }
  if (p.kind === 'arrived') return `${who}: session ${p.seen} of ${p.count} from ${p.remote}: ${p.result}`;
  return `${who}: still waiting (${p.seen} of ${p.count} sessions so far), ${Math.round(p.leftMs / 1000)} s left`;
}

/** `mxlab run`: scenario files as a regression suite; exit 0 all passed, 1 a test failed, 2 bad input. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run scenario files (YAML) as a regression suite: one test per expectation')
    .argument('[paths...]', 'scenario files or folders of *.yaml', ['scenarios'])
    .option('--reporter <name>', `output format: ${REPORTERS.join(', ')}`, 'pretty')
    .option('--sut <HOST:PORT>', 'the system under test, for actions with to: sut (overrides the files)')
    .option('--jobs <n>', 'scenarios in flight at once, each in its own lab', parseInteger('--jobs', 1, 64), 4)
    .option('--shard <I/N>', 'run part I of N of the suite (one CI job each; files sorted by path, dealt round-robin)', parseShard)
    .action(async (paths: string[], flags: { reporter: string; sut?: string; jobs: number; shard?: Shard }) => {
      const out = reporter(flags.reporter);
      let summary;
      try {
        summary = await runPaths(paths, {
          jobs: flags.jobs,
          ...(flags.sut ? { sut: flags.sut } : {}),
          ...(flags.shard ? { shard: flags.shard } : {}),
          onWarning: (line) => process.stderr.write(`mxlab: warning: ${line}\n`),
          onAwait: (p) => process.stderr.write(`mxlab: ${awaitLine(p)}\n`),
        });
      } catch (err) {
        if (!(err instanceof ScenarioLoadError)) throw err;
        // Every problem of every file, one `file:line: path: got X, want Y` line each, then status 2.
        process.stderr.write(`${err.message}\n${err.problems.length} problem(s) in scenario files; nothing was run\n`);
        process.exitCode = 2;
        return;
      }
      if (flags.shard) process.stderr.write(`mxlab: shard ${flags.shard.index}/${flags.shard.total}: ${summary.scenarios.length} scenario file(s) of this suite ran here\n`);
      process.stdout.write(out.render(summary));
      if (!out.closingOnStdout) process.stderr.write(`${closingLine(summary)}\n`);
      process.exitCode = summary.failed ? 1 : 0;
    });
}
