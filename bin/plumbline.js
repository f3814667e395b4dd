#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm ci` through the prepare script, or `npm run build`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/run.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('error[INTERNAL]: plumbline is not built; run `npm run build` (npm ci does it for you)\n');
  process.exit(1);
}
await import(entry.href);
