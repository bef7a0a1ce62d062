import type { Command } from 'commander';
import { clearChains, listChains } from '../certs/cache.js';
import { getChain } from '../certs/factory.js';
import { exportLabCa } from '../certs/lab-ca.js';
import { checkWritableFile } from '../lab/writable-path.js';
import { DEFAULT_CERTS_DIR } from '../lab/lab.js';
import { CATALOGUE } from '../profiles/catalogue.js';
import { chainName } from '../profiles/resolve.js';

export function registerCerts(program: Command): void {
  program
    .command('certs')
    .description('list the generated certificate chains; regenerate them; export the lab CA')
    .option('--dir <dir>', 'certificate cache folder', DEFAULT_CERTS_DIR)
    .option('--regenerate', 'delete every generated chain (and the lab CA) and make the catalogue chains anew')
    .option('--generate', 'make any catalogue chain that is not cached yet')
    .option('--export-ca <file>', 'write the lab root CA (PEM) for a system under test to trust')
    .option('--json', 'print the list as JSON')
    .action(async (flags: { dir: string; regenerate?: boolean; generate?: boolean; exportCa?: string; json?: boolean }) => {
      if (flags.regenerate) {
        const removed = await clearChains(flags.dir);
        process.stderr.write(`removed ${removed.length} cached item(s)\n`);
      }
      if (flags.regenerate || flags.generate) {
        for (const p of CATALOGUE) if (p.chain) await getChain(p.chain, { dir: flags.dir, name: chainName(p) });
      }
      if (flags.exportCa) {
        checkWritableFile('--export-ca', flags.exportCa);
        await exportLabCa(flags.dir, flags.exportCa);
        process.stderr.write(`lab CA written to ${flags.exportCa}\n`);
      }
      const chains = await listChains(flags.dir);
      if (flags.json) {
        process.stdout.write(JSON.stringify(chains, null, 2) + '\n');
        return;
      }
      if (!chains.length) {
        process.stdout.write(`no chains cached in ${flags.dir} (they are made on first use, or with --generate)\n`);
        return;
      }
      for (const c of chains) {
        process.stdout.write(`${c.name.padEnd(34)}${c.id}  ${c.dir}\n`);
        c.subjects.forEach((s, i) => process.stdout.write(`    ${s}  [${c.signatureAlgorithms[i] ?? '?'}]\n`));
      }
    });
}
