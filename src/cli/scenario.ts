import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { SessionRecord } from '../model/session-record.js';
import { scenarioFromRecord, scenarioYaml } from '../scenario/from-record.js';
import { parseScenario, formatProblem } from '../scenario/load.js';
import { badChoice } from '../text/did-you-mean.js';
import { UsageError } from '../usage-error.js';

/** Every record of a sessions.jsonl; a line that is not JSON is a usage error naming the line. */
export function readSessions(file: string): SessionRecord[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return text.split('\n').filter((l) => l.trim()).map((line, i) => {
    try {
      return JSON.parse(line) as SessionRecord;
    } catch {
      throw new UsageError(`${file}:${i + 1}: not a JSON record`);
    }
  });
}

/** `mxlab scenario from-record RUN_DIR/sessions.jsonl --session ID [-o FILE]`: the console's `S` from the command line. */
export function registerScenario(program: Command): void {
  const scenario = program.command('scenario').description('make scenario files');
  scenario
    .command('from-record')
    .description('write a scenario YAML that reproduces one recorded session (same peer settings and action; expectations = what was observed)')
    .argument('<sessions.jsonl>', 'a run folder\'s sessions.jsonl')
    .requiredOption('--session <id>', 'the session record\'s id')
    .option('-o, --output <file>', 'write here instead of stdout')
    .action((file: string, flags: { session: string; output?: string }) => {
      const records = readSessions(file);
      // A day's send/probe folder is shared by many runs, each numbering its sessions from 1: the
      // latest record with the id is the one just seen; the earlier ones are named, not hidden.
      const matches = records.filter((r) => r.id === flags.session);
      const record = matches.at(-1);
      if (!record) throw new UsageError(badChoice('--session', flags.session, [...new Set(records.map((r) => r.id))]));
      if (matches.length > 1) process.stderr.write(`mxlab: ${matches.length} records in ${file} have the id ${flags.session} (one per run appended there); using the latest, from ${record.timings.start}\n`);
      const yaml = scenarioYaml(scenarioFromRecord(record, { records }));
      // The file must load as any hand-written scenario does; a problem here is a bug, said plainly.
      const { problems } = parseScenario(flags.output ?? 'stdout', yaml);
      if (problems.length) throw new Error(`the scenario made from ${flags.session} does not load:\n${problems.map(formatProblem).join('\n')}`);
      if (flags.output) {
        writeFileSync(flags.output, yaml);
        process.stderr.write(`scenario written to ${flags.output}; run it with: mxlab run ${flags.output}\n`);
      } else {
        process.stdout.write(yaml);
      }
    });
}
