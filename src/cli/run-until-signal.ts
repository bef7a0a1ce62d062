import type { Lab } from '../lab/lab.js';
import { refusalSummary } from '../lab/refusal-summary.js';

/**
 * Keeps a lab running until SIGINT/SIGTERM, then stops it so every open session ends and its record
 * is written before the process exits.
 */
export function runUntilSignal(lab: Lab, log: (s: string) => void): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      log(`\n${signal}: stopping the lab…\n`);
      void lab.stop().then(() => {
        log(`${lab.recordCount} session record(s) in ${lab.runDir.sessionsFile}\n`);
        const refused = refusalSummary(lab.listPeers());
        if (refused) log(`${refused}\n`);
        resolve();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
