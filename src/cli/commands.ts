import { Help, type Command } from 'commander';

/**
 * Every command of `mxlab`, in the order `--help` lists them, with what the top-level help shows
 * (`term`, `description`) and how to load the module that defines it. `mxlab --help`, `--version`
 * and a mistyped command load none of those modules (they pull in the lab, the mail servers, the
 * certificate signers, the scenario engine); `mxlab X` loads X's alone. test/cli/commands.test.ts
 * checks that the terms and descriptions here match what each module registers.
 */
export interface CommandEntry {
  readonly name: string;
  /** The command as the top-level help lists it, e.g. `probe [options] <protocol> <host:port>`. */
  readonly term: string;
  readonly description: string;
  readonly register: () => Promise<(program: Command) => void>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'serve', term: 'serve [options]',
    description: 'run fake receiving MTAs with a TLS personality and print one line per session',
    register: async () => (await import('./serve.js')).registerServe,
  },
  {
    name: 'send', term: 'send [options]',
    description: 'deliver a message to a server under test as a fake sending MTA, under a connector policy',
    register: async () => (await import('./send.js')).registerSend,
  },
  {
    name: 'probe', term: 'probe [options] <protocol> <host:port>',
    description: 'connect to an SMTP, IMAP or POP3 server like openssl s_client -starttls and print its session record (no mail, no password sent)',
    register: async () => (await import('./probe.js')).registerProbe,
  },
  {
    name: 'scan', term: 'scan [options] <protocol> <host:port>',
    description: "scan a server's TLS with raw ClientHellos: versions, every known suite, server order, groups, DH size, chain, intolerance",
    register: async () => (await import('./scan.js')).registerScan,
  },
  {
    name: 'proxy', term: 'proxy [options]',
    description: 'MITM proxy between a real client and a real server that attacks STARTTLS, with one record per client connection',
    register: async () => (await import('./proxy.js')).registerProxy,
  },
  {
    name: 'lab', term: 'lab [options]',
    description: 'run the default lab: per built-in profile a fake SMTP receiver and IMAP and POP3 servers, on consecutive loopback ports',
    register: async () => (await import('./default-lab.js')).registerDefaultLab,
  },
  {
    name: 'profiles', term: 'profiles [options]',
    description: 'list the built-in TLS and certificate personalities',
    register: async () => (await import('./profiles.js')).registerProfiles,
  },
  {
    name: 'certs', term: 'certs [options]',
    description: 'list the generated certificate chains; regenerate them; export the lab CA',
    register: async () => (await import('./certs.js')).registerCerts,
  },
  {
    name: 'run', term: 'run [options] [paths...]',
    description: 'run scenario files (YAML) as a regression suite: one test per expectation',
    register: async () => (await import('./run.js')).registerRun,
  },
  {
    name: 'scenario', term: 'scenario',
    description: 'make scenario files',
    register: async () => (await import('./scenario.js')).registerScenario,
  },
];

/**
 * The command an argument list runs: the first word that is not an option, or for `mxlab help X`
 * the X. Undefined for `mxlab`, `mxlab --help`, `mxlab --version` and a word that is no command.
 */
export function commandOf(args: readonly string[]): CommandEntry | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return COMMANDS.find((c) => c.name === name);
}

/**
 * Registers every command on `program`: the one `args` runs (if any) from its module, the others as
 * light entries that only the top-level help and commander's "did you mean" read.
 */
export async function registerCommands(program: Command, args: readonly string[]): Promise<void> {
  const wanted = commandOf(args);
  for (const entry of COMMANDS) {
    if (entry === wanted) (await entry.register())(program);
    else program.command(entry.name).description(entry.description);
  }
  const terms = new Map(COMMANDS.map((c) => [c.name, c.term]));
  const real = wanted?.name;
  program.configureHelp({
    subcommandTerm(this: Help, cmd: Command): string {
      return (cmd.name() !== real && terms.get(cmd.name())) || Help.prototype.subcommandTerm.call(this, cmd);
    },
  });
}
