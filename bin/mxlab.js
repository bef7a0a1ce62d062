#!/usr/bin/env node
// Launcher: the TypeScript sources are compiled to dist/ by `npm install` (the `prepare` script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('mxlab: dist/ is missing; run `npm install` (or `npm run build`) in the checkout first');
  process.exit(2);
}
await import(entry.href);
