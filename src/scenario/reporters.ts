import { badChoice } from '../text/did-you-mean.js';
import { UsageError } from '../usage-error.js';
import { reportJson } from './report-json.js';
import { reportJunit } from './report-junit.js';
import { reportPretty } from './report-pretty.js';
import { reportTap } from './report-tap.js';
import type { RunSummary } from './runner.js';

export const REPORTERS = ['tap', 'junit', 'json', 'pretty'] as const;
export type ReporterName = (typeof REPORTERS)[number];

export interface Reporter {
  readonly render: (summary: RunSummary) => string;
  /**
   * The closing `N passed, N failed` line goes to stderr where a bare line on stdout would break a
   * parser of the format (JUnit XML, JSON; TAP has it as a comment too); the pretty reporter prints it
   * last on stdout.
   */
  readonly closingOnStdout: boolean;
}

const TABLE: Record<ReporterName, Reporter> = {
  tap: { render: reportTap, closingOnStdout: false },
  junit: { render: reportJunit, closingOnStdout: false },
  json: { render: reportJson, closingOnStdout: false },
  pretty: { render: reportPretty, closingOnStdout: true },
};

export function reporter(name: string): Reporter {
  if (!(REPORTERS as readonly string[]).includes(name)) throw new UsageError(badChoice('--reporter', name, REPORTERS));
  return TABLE[name as ReporterName];
}
