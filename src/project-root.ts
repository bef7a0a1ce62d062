import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of mxlab's package.json: the checkout (or the installed package), found by walking up
 * from this module, so the same code finds certs/ and scenarios/ from src/ (tsx), from dist/ and from
 * the compiled tests in .build/src/.
 */
function findProjectRoot(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return dirname(start);
  }
}

export const PROJECT_ROOT = findProjectRoot();

/** A path inside the project, e.g. projectPath('scenarios', 'schema.json'). */
export function projectPath(...parts: string[]): string {
  return join(PROJECT_ROOT, ...parts);
}
