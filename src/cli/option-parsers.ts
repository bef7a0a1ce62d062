import { isIP } from 'node:net';
import { readFileSync } from 'node:fs';
import { UsageError } from '../usage-error.js';

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

/** A file a flag names (`--ca`, `--data`), or a UsageError naming the flag and why it cannot be read. */
/** A --ca file: readable, and holding at least one PEM certificate. */
export function readCaFile(file: string): string {
  const ca = readFlagFile('--ca', file).toString('utf8');
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--ca: ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----); mxlab certs --export-ca FILE writes the lab's`);
  return ca;
}

export function readFlagFile(flag: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new UsageError(`${flag}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
