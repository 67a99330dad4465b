// Builds dist/ (and the fake Wikimedia's dev/fake-wikimedia/dist/, which `factsync demo` and
// `factsync fake-wikimedia` load) once before the suite, so CLI tests run the real `factsync` bin on the
// current sources.

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  // While iterating on tests that do not run the bin: FACTSYNC_SKIP_BUILD=1 npx vitest run …
  if (process.env.FACTSYNC_SKIP_BUILD === '1') return;
  const root = fileURLToPath(new URL('..', import.meta.url));
  for (const project of ['tsconfig.build.json', 'dev/fake-wikimedia/tsconfig.json'])
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project], {
      cwd: root,
      stdio: 'inherit',
    });
}
