import { isIP } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { UsageError } from '../usage-error.js';
import { labCaCertPath } from '../certs/lab-ca-path.js';

/** `--smtp 2525`: an integer port 0-65535 (0 lets the OS pick). */
export function parsePort(flag: string) {
  return (value: string, previous: number[] = []): number[] => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isInteger(n) || n < 0 || n > 65535) {
      throw new UsageError(`${flag}: got "${value}", want a port number 0-65535 (0 lets the OS pick)`);
    }
    return [...previous, n];
  };
}

/** `--ciphers a,b,c` → ['a','b','c']. */
export const parseList = (value: string): string[] => value.split(/[,:\s]+/).filter(Boolean);

export function parseInteger(flag: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) throw new UsageError(`${flag}: got "${value}", want a whole number ${min}-${max}`);
    return n;
  };
}

/** A listen address: loopback unless the user says otherwise. */
export function parseAddress(value: string): string {
  if (!isIP(value) && value !== 'localhost') throw new UsageError(`--listen: got "${value}", want an IP address such as 127.0.0.1 or ::1`);
  return value === 'localhost' ? '127.0.0.1' : value;
}

/** The help text of every `--ca`: a PEM file, or `lab` for the lab root. */
export const CA_HELP = 'trust anchors: a PEM file, or "lab" for the lab root that issues every lab chain (what mxlab certs --export-ca writes)';

/**
 * A --ca value: `lab` (the lab root, from the project's certs/) or a readable file holding at least one
 * PEM certificate. A file really named "lab" is `./lab`.
 */
export function readCaFile(file: string): string {
  if (file === 'lab') {
    const path = labCaCertPath();
    if (!existsSync(path)) throw new UsageError(`--ca lab: the lab CA has not been made yet (${path}); mxlab certs --generate makes it, as does the first lab`);
    return readFileSync(path, 'utf8');
  }
  const ca = readFlagFile('--ca', file).toString('utf8');
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--ca: ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----); mxlab certs --export-ca FILE writes the lab's, or give --ca lab`);
  return ca;
}

/** A file a flag names (`--ca`, `--data`), or a UsageError naming the flag and why it cannot be read. */
export function readFlagFile(flag: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new UsageError(`${flag}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
