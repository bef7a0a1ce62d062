import { render } from 'ink';
import { createElement } from 'react';
import type { Lab } from '../lab/lab.js';
import { refusalSummary } from '../lab/refusal-summary.js';
import { App } from './App.js';
import { ConsoleStore } from './store.js';

const ALT_SCREEN_ON = '\x1b[?1049h';
/** Cursor shown again, main screen back: whatever state ink left the terminal in. */
const RESTORE = '\x1b[?25h\x1b[?1049l';

export interface ConsoleOptions {
  /** Where S (scenario) and w (export) write. @default the lab's run folder */
  readonly saveDir?: string;
  readonly stdout?: NodeJS.WriteStream;
  readonly stdin?: NodeJS.ReadStream;
  /** Runs a `:` command line other than the console's own (the CLI's send and probe); says how it went. */
  readonly commands?: (line: string) => Promise<string>;
}

/**
 * Runs the console on a lab in the terminal's alternate screen until q, Ctrl-C, SIGINT or SIGTERM,
 * then restores the terminal and stops the lab (so every open session's record is written). An
 * uncaught error restores the terminal before it is reported.
 */
export function runConsole(lab: Lab, options: ConsoleOptions = {}): Promise<void> {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  // A frame costs layout and terminal writes: five a second keep up with a person and leave the lab its CPU.
  const store = new ConsoleStore(lab, { throttleMs: 200 });
  stdout.write(ALT_SCREEN_ON);
  return new Promise((resolve, reject) => {
    let restored = false;
    const restore = (): void => {
      if (restored) return;
      restored = true;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('uncaughtException', onCrash);
      process.off('exit', restore);
      instance.unmount();
      store.close();
      stdout.write(RESTORE);
    };
    const finish = (): void => {
      restore();
      void lab.stop().then(() => {
        process.stderr.write(`${lab.recordCount} session record(s) in ${lab.runDir.sessionsFile}\n`);
        const refused = refusalSummary(lab.listPeers());
        if (refused) process.stderr.write(`${refused}\n`);
        resolve();
      }, reject);
    };
    const onSignal = (): void => finish();
    const onCrash = (err: Error): void => {
      restore();
      process.stderr.write(`mxlab: console crashed: ${err.stack ?? err.message}\n`);
      void lab.stop().finally(() => process.exit(1));
    };
    const instance = render(createElement(App, { store, lab, saveDir: options.saveDir ?? lab.runDir.path, onQuit: finish, ...(options.commands ? { runCommand: options.commands } : {}) }), {
      stdout, stdin, exitOnCtrlC: false, patchConsole: true, maxFps: 5,
    });
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    process.once('uncaughtException', onCrash);
    // A process.exit from elsewhere must not leave the terminal in the alternate screen.
    process.once('exit', restore);
  });
}
