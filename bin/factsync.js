#!/usr/bin/env node
// The installed command: runs the compiled CLI (npm ci builds it through the `prepare` script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'factsync: dist/ is missing; run `npm ci` (or `npm run build`) in the project first\n',
  );
  process.exit(1);
}
await import(entry.href);
