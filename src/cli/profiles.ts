import type { Command } from 'commander';
import { CATALOGUE } from '../profiles/catalogue.js';
import { cipherString } from '../profiles/compile.js';
import type { Profile } from '../profiles/profile.js';

/** What a scanner reads in the ServerHello besides the suite: order, DH, the extensions left out. */
function serverHelloLine(p: Profile): string {
  const off = [p.encryptThenMac === false && 'encrypt-then-MAC', p.extendedMasterSecret === false && 'extended master secret', p.sessionTickets === false && 'session tickets'].filter(Boolean);
  const dh = p.dhBits === 'auto' ? 'DH auto' : p.dhBits ? `DH ${p.dhBits}` : '';
  return [`server order ${p.serverPreference ?? true ? 'yes' : 'no'}`, dh, off.length ? `never sends ${off.join(', ')}` : ''].filter(Boolean).join('; ');
}

export function registerProfiles(program: Command): void {
  program
    .command('profiles')
    .description('list the built-in TLS and certificate personalities')
    .option('--json', 'print the catalogue as JSON')
    .action((flags: { json?: boolean }) => {
      if (flags.json) {
        process.stdout.write(JSON.stringify(CATALOGUE, null, 2) + '\n');
        return;
      }
      const width = Math.max(...CATALOGUE.map((p) => p.name.length)) + 2;
      for (const kind of ['tls', 'cert'] as const) {
        process.stdout.write(kind === 'tls' ? 'TLS personalities (combine one with a certificate personality: tls10-only+md5-chain)\n' : '\nCertificate personalities (alone they run on modern TLS settings)\n');
        for (const p of CATALOGUE.filter((x) => x.kind === kind)) {
          process.stdout.write(`  ${p.name.padEnd(width)}${p.summary}\n`);
          const q = p.quirks;
          // Imitated peers never reach OpenSSL: show what the hand-written ServerHello offers instead.
          if (kind === 'tls' && q?.imitateLegacySuites?.length) process.stdout.write(`  ${''.padEnd(width)}${q.imitateVersion ?? `${p.minVersion ?? 'TLSv1.2'}..${p.maxVersion ?? 'TLSv1.3'}`}  imitated up to ServerHello: ${q.imitateLegacySuites.join(':')}\n`);
          else if (kind === 'tls') {
            process.stdout.write(`  ${''.padEnd(width)}${p.minVersion ?? 'TLSv1.2'}..${p.maxVersion ?? 'TLSv1.3'}  ${cipherString(p)}\n`);
            process.stdout.write(`  ${''.padEnd(width)}${serverHelloLine(p)}\n`);
          }
        }
      }
    });
}
