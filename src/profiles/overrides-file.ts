import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { badChoice } from '../text/did-you-mean.js';
import { UsageError } from '../usage-error.js';
import type { ProfileOverrides } from './resolve.js';

const FIELDS = ['minVersion', 'maxVersion', 'ciphers', 'tls13Ciphers', 'groups', 'dhBits', 'serverPreference', 'encryptThenMac', 'extendedMasterSecret', 'sessionTickets', 'securityLevel', 'quirks'] as const;
const BOOLEANS = new Set(['serverPreference', 'encryptThenMac', 'extendedMasterSecret', 'sessionTickets']);
const LISTS = new Set(['ciphers', 'tls13Ciphers', 'groups']);

/** Reads profile field overrides from a YAML or JSON file, naming the file and field on any error. */
export function readOverridesFile(file: string): ProfileOverrides {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--profile-file: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (text.length > 64 * 1024) throw new UsageError(`${file}: got ${text.length} characters, want at most 65536 (a profile is a few lines)`);
  let data: unknown;
  try {
    data = parse(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new UsageError(`${file}: not valid YAML/JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new UsageError(`${file}: want a mapping of profile fields (${FIELDS.join(', ')})`);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (!(FIELDS as readonly string[]).includes(key)) throw new UsageError(`${file}: ${badChoice('field', key, FIELDS)}`);
    if (LISTS.has(key) && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) throw new UsageError(`${file}: ${key}: want a list of names`);
    if ((key === 'dhBits' || key === 'securityLevel') && typeof value !== 'number' && !(key === 'dhBits' && value === 'auto')) throw new UsageError(`${file}: ${key}: got ${JSON.stringify(value)}, want a number`);
    if (BOOLEANS.has(key) && typeof value !== 'boolean') throw new UsageError(`${file}: ${key}: got ${JSON.stringify(value)}, want true or false`);
    out[key] = value;
  }
  return out as ProfileOverrides;
}
